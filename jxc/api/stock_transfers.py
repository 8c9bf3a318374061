"""调拨单 through the API.

GET/POST /transfers, GET/PATCH /transfers/{id}
POST /transfers/{id}/submit | approve | unapprove | reject | void | post (= ship) | reverse
POST /transfers/{id}/receive   {"lines": [{"line_id", "qty", "to_bin_id"}], "date"}
                               (no lines: everything still in transit)
POST /transfers/{id}/close     {"difference": "return" | "write_off", "reason", "date"}
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Schema

from jxc.api.common.crud import Patch
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
    optional_body,
    optional_body_doc,
)
from jxc.api.stock_documents import ACTIONS, OPERATION_MODULE
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents import selectors as doc_selectors
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.filters import TransferFilterSet
from jxc.inventory.documents.models import Transfer

router = Router(tags=["transfers"])


class TransferIn(Schema):
    from_warehouse_id: int
    to_warehouse_id: int
    date: dt.date
    one_step: bool = False
    memo: str = Field("", max_length=500)
    lines: list[LineIn]


class TransferLineOut(LineOut):
    to_bin_id: int | None = None
    received_qty: Decimal
    returned_qty: Decimal
    lost_qty: Decimal
    open_qty: Decimal
    difference: Decimal


class TransferOut(HeaderOut):
    from_warehouse_id: int
    from_warehouse_name: str
    to_warehouse_id: int
    to_warehouse_name: str
    one_step: bool
    difference: str
    reversal_date: dt.date | None
    lines: list[TransferLineOut]


class ReceiveLineIn(Schema):
    line_id: int
    qty: Decimal
    to_bin_id: int | None = None


class ReceiveIn(Schema):
    lines: list[ReceiveLineIn] | None = None
    date: dt.date | None = None


class CloseIn(Schema):
    difference: Literal["return", "write_off"] = "return"
    reason: str = Field("", max_length=500)
    date: dt.date | None = None


def scoped(request: HttpRequest):
    return doc_selectors.transfers_for(request.user)


def transfer_out(t: Transfer, request: HttpRequest) -> dict[str, Any]:
    lines = []
    for x in t.lines.select_related("sku", "unit").order_by("line_no", "id"):
        row = line_out(x)
        row.update(
            to_bin_id=x.to_bin_id,
            received_qty=x.received_qty,
            returned_qty=x.returned_qty,
            lost_qty=x.lost_qty,
            open_qty=x.open_qty,
            difference=x.base_qty - x.received_qty,
        )
        lines.append(row)
    return {
        **header_out(t, request),
        "from_warehouse_id": t.from_warehouse_id,
        "from_warehouse_name": str(t.from_warehouse),
        "to_warehouse_id": t.to_warehouse_id,
        "to_warehouse_name": str(t.to_warehouse),
        "one_step": t.one_step,
        "difference": t.difference,
        "reversal_date": t.reversal_date,
        "lines": lines,
    }


@router.get("/transfers", response=page_of(TransferOut))
@requires("transfer.view")
def list_transfers(request, query: Query[query_of(TransferFilterSet)]):  # type: ignore[valid-type]
    """调拨单 from or to the user's warehouses."""
    page = listing(request, scoped(request), TransferFilterSet, query)
    page["items"] = [transfer_out(t, request) for t in page["items"]]
    return page


@router.get("/transfers/{id}", response=TransferOut)
@requires("transfer.view")
def get_transfer(request, id: int):
    return transfer_out(get_or_404(scoped(request), id), request)


def _warehouse(request, pk: int, field: str):
    return ref(stock_selectors.warehouses_for(request.user), pk, field)


@router.post("/transfers", response={201: TransferOut})
@creates(TransferOut, perm="transfer.create")
def create_transfer(request, payload: TransferIn):
    """新建调拨单 (draft); ``one_step`` for warehouses of the same site."""
    t = docs.create_transfer(
        user=request.user,
        from_warehouse=_warehouse(request, payload.from_warehouse_id, "from_warehouse_id"),
        to_warehouse=_warehouse(request, payload.to_warehouse_id, "to_warehouse_id"),
        date=payload.date,
        one_step=payload.one_step,
        memo=payload.memo,
        lines=line_inputs(payload.lines),
    )
    return transfer_out(t, request)


@router.patch("/transfers/{id}", response=TransferOut)
@requires("transfer.edit")
def update_transfer(request, id: int, payload: Patch[TransferIn]):  # type: ignore[valid-type]
    t = get_or_404(scoped(request), id)
    fields: dict[str, Any] = {k: payload[k] for k in ("date", "one_step", "memo") if k in payload}
    for name in ("from_warehouse", "to_warehouse"):
        if f"{name}_id" in payload:
            fields[name] = _warehouse(request, payload[f"{name}_id"], f"{name}_id")
    if payload.get("lines") is not None:
        fields["lines"] = line_inputs([LineIn(**x) for x in payload["lines"]])
    return transfer_out(docs.update_transfer(t, user=request.user, **fields), request)


action_endpoints(
    router,
    "/transfers",
    actions=ACTIONS,
    module=OPERATION_MODULE,
    name="transfer",
    resource="transfer",
    queryset=scoped,
    out=TransferOut,
    to_out=transfer_out,
)


@router.post(
    "/transfers/{id}/receive", response=TransferOut, openapi_extra=optional_body_doc(ReceiveIn)
)
@requires("transfer.receive")
def receive_transfer(request, id: int):
    """调入 at the destination: per line, or (no body) everything still in transit."""
    t = get_or_404(scoped(request), id)
    payload = optional_body(request, ReceiveIn)
    quantities = bins = None
    if payload.lines is not None:
        quantities = {x.line_id: x.qty for x in payload.lines}
        bins = {x.line_id: x.to_bin_id for x in payload.lines if x.to_bin_id is not None}
    t = docs.receive_transfer(
        t, user=request.user, quantities=quantities, bins=bins or None, date=payload.date
    )
    return transfer_out(Transfer.objects.get(pk=t.pk), request)


@router.post("/transfers/{id}/close", response=TransferOut)
@requires("transfer.close")
def close_transfer(request, id: int, payload: CloseIn):
    """结案: what never arrived goes back to the source or is written off."""
    t = get_or_404(scoped(request), id)
    t = docs.close_transfer(
        t,
        user=request.user,
        difference=payload.difference,
        reason=payload.reason,
        date=payload.date,
    )
    return transfer_out(Transfer.objects.get(pk=t.pk), request)
