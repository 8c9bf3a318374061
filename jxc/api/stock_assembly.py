"""组装单 / 拆卸单 and kit definitions (BOM) through the API.

GET /kits, GET/PUT /kits/{sku_id}      a kit's components per unit
GET/POST /assemblies, GET/PATCH /assemblies/{id}   (``kind``: assembly | disassembly)
POST /assemblies/{id}/submit | approve | unapprove | reject | void | post | reverse
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Schema

from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.listing import listing, page_of, query_of
from jxc.api.common.permissions import get_or_404, ref, requires
from jxc.api.documents import (
    HeaderOut,
    LineIn,
    LineOut,
    action_endpoints,
    header_out,
    line_inputs,
    line_out,
)
from jxc.api.stock_documents import ACTIONS, OPERATION_MODULE, sku_or_422
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents import selectors as doc_selectors
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.filters import AssemblyFilterSet
from jxc.inventory.documents.models import Assembly, Kit

router = Router(tags=["assembly"])


class ComponentIn(Schema):
    sku_id: int
    qty: Decimal


class KitIn(Schema):
    components: list[ComponentIn]
    memo: str = Field("", max_length=200)


class ComponentOut(Schema):
    sku_id: int
    sku_code: str
    sku_name: str
    qty: Decimal


class KitOut(Schema):
    sku_id: int
    sku_code: str
    sku_name: str
    memo: str
    is_active: bool
    components: list[ComponentOut]


def kit_out(kit: Kit) -> dict[str, Any]:
    return {
        "sku_id": kit.sku_id,
        "sku_code": kit.sku.code,
        "sku_name": str(kit.sku),
        "memo": kit.memo,
        "is_active": kit.is_active,
        "components": [
            {"sku_id": c.sku_id, "sku_code": c.sku.code, "sku_name": str(c.sku), "qty": c.qty}
            for c in kit.components.select_related("sku")
        ],
    }


@router.get("/kits", response=list[KitOut])
@requires("assembly.view")
def list_kits(request):
    """组装件定义 (BOM)."""
    return [kit_out(k) for k in Kit.objects.select_related("sku").order_by("sku__code")]


@router.get("/kits/{sku_id}", response=KitOut)
@requires("assembly.view")
def get_kit(request, sku_id: int):
    return kit_out(get_or_404(Kit.objects.select_related("sku"), _kit_pk(sku_id)))


def _kit_pk(sku_id: int) -> int:
    return Kit.objects.filter(sku_id=sku_id).values_list("pk", flat=True).first() or 0


@router.put("/kits/{sku_id}", response=KitOut)
@requires("assembly.edit")
def set_kit(request, sku_id: int, payload: KitIn):
    """Define (or replace) what one kit of this SKU is made of."""
    sku = sku_or_422(sku_id)
    kit = docs.set_kit(
        user=request.user,
        sku=sku,
        components=[(c.sku_id, c.qty) for c in payload.components],
        memo=payload.memo,
    )
    return kit_out(kit)


class AssemblyIn(Schema):
    kind: Literal["assembly", "disassembly"] = "assembly"
    warehouse_id: int
    date: dt.date
    kit_sku_id: int
    qty: Decimal
    kit_bin_id: int | None = None
    kit_batch_number: str = Field("", max_length=60)
    memo: str = Field("", max_length=500)
    lines: list[LineIn] | None = None


class AssemblyEditIn(Schema):
    date: dt.date | None = None
    qty: Decimal | None = None
    memo: str | None = Field(None, max_length=500)
    lines: list[LineIn] | None = None


class AssemblyOut(HeaderOut):
    kind: str
    warehouse_id: int
    warehouse_name: str
    kit_sku_id: int
    kit_sku_code: str
    kit_sku_name: str
    qty: Decimal
    kit_bin_id: int | None
    kit_batch_number: str
    reversal_date: dt.date | None
    lines: list[LineOut]


def scoped(request: HttpRequest):
    return doc_selectors.assemblies_for(request.user)


def assembly_out(a: Assembly, request: HttpRequest) -> dict[str, Any]:
    return {
        **header_out(a, request),
        "kind": a.kind,
        "warehouse_id": a.warehouse_id,
        "warehouse_name": str(a.warehouse),
        "kit_sku_id": a.kit_sku_id,
        "kit_sku_code": a.kit_sku.code,
        "kit_sku_name": str(a.kit_sku),
        "qty": a.qty,
        "kit_bin_id": a.kit_bin_id,
        "kit_batch_number": a.kit_batch_number,
        "reversal_date": a.reversal_date,
        "lines": [
            line_out(x) for x in a.lines.select_related("sku", "unit").order_by("line_no", "id")
        ],
    }


@router.get("/assemblies", response=page_of(AssemblyOut))
@requires("assembly.view")
def list_assemblies(request, query: Query[query_of(AssemblyFilterSet)]):  # type: ignore[valid-type]
    page = listing(request, scoped(request), AssemblyFilterSet, query)
    page["items"] = [assembly_out(a, request) for a in page["items"]]
    return page


@router.get("/assemblies/{id}", response=AssemblyOut)
@requires("assembly.view")
def get_assembly(request, id: int):
    return assembly_out(get_or_404(scoped(request), id), request)


@router.post("/assemblies", response={201: AssemblyOut})
@creates(AssemblyOut, perm="assembly.create")
def create_assembly(request, payload: AssemblyIn):
    """新建组装单 / 拆卸单: components from the kit definition × qty unless lines are given."""
    warehouse = ref(
        stock_selectors.warehouses_for(request.user), payload.warehouse_id, "warehouse_id"
    )
    bin_ = None
    if payload.kit_bin_id is not None:
        bin_ = ref(warehouse.bins.all(), payload.kit_bin_id, "kit_bin_id")
    a = docs.create_assembly(
        user=request.user,
        kind=payload.kind,
        warehouse=warehouse,
        date=payload.date,
        kit_sku=sku_or_422(payload.kit_sku_id, "kit_sku_id"),
        qty=payload.qty,
        kit_bin=bin_,
        kit_batch_number=payload.kit_batch_number,
        memo=payload.memo,
        lines=line_inputs(payload.lines) if payload.lines is not None else None,
    )
    return assembly_out(a, request)


@router.patch("/assemblies/{id}", response=AssemblyOut)
@requires("assembly.edit")
def update_assembly(request, id: int, payload: AssemblyEditIn):
    a = get_or_404(scoped(request), id)
    fields: dict[str, Any] = payload.dict(exclude_none=True)
    if payload.lines is not None:
        fields["lines"] = line_inputs(payload.lines)
    return assembly_out(docs.update_assembly(a, user=request.user, **fields), request)


action_endpoints(
    router,
    "/assemblies",
    actions=ACTIONS,
    module=OPERATION_MODULE,
    name="assembly",
    resource="assembly",
    queryset=scoped,
    out=AssemblyOut,
    to_out=assembly_out,
)
