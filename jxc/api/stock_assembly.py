"""组装单 / 拆卸单 (from their declarations, jxc.api.documents) and kit definitions (BOM)
through the API.

GET /kits, GET/PUT /kits/{sku_id}      a kit's components per unit
GET/POST /assemblies, GET/PATCH /assemblies/{id}   (``kind``: assembly | disassembly)
POST /assemblies/{id}/submit | approve | unapprove | reject | void | post | reverse
"""

from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from jxc.api.common.errors import Router
from jxc.api.common.permissions import get_or_404, requires
from jxc.api.documents.endpoints import document_endpoints
from jxc.api.documents.schemas import header_schemas
from jxc.api.stock_documents import ACTIONS, OPERATION_MODULE, sku_or_422
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.assembly_models import Assembly, Kit
from jxc.inventory.documents.filters import AssemblyFilterSet

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


SCHEMAS = header_schemas(
    Assembly,
    "Assembly",
    module=__name__,
    extra={
        "kit_sku_code": (str, lambda a: a.kit_sku.code),
    },
    lines_optional=True,
)
AssemblyOut = SCHEMAS.out


document_endpoints(
    router,
    "/assemblies",
    model=Assembly,
    filterset=AssemblyFilterSet,
    schemas=SCHEMAS,
    create=docs.create_assembly,
    update=docs.update_assembly,
    actions=ACTIONS,
    # The operation ids and descriptions this API had before 组装单 went on the platform.
    operation_names={"list": "list_assemblies"},
    action_module=OPERATION_MODULE,
    docs={
        "create": "新建组装单 / 拆卸单: components from the kit definition × qty unless lines "
        "are given."
    },
)
