"""调拨单 through the API, from its declaration (jxc.api.documents):

GET/POST /transfers, GET/PATCH /transfers/{id}
POST /transfers/{id}/submit | approve | unapprove | reject | void | post (= ship) | reverse
POST /transfers/{id}/receive   {"lines": [{"line_id", "qty", "to_bin_id"}], "date"}
                               (no lines: everything still in transit)
POST /transfers/{id}/close     {"difference": "return" | "write_off", "reason", "date"}
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Schema

from jxc.api.common.errors import Router
from jxc.api.common.parsing import optional_body, optional_body_doc
from jxc.api.common.permissions import get_or_404, requires
from jxc.api.documents.endpoints import document_endpoints
from jxc.api.documents.schemas import header_schemas
from jxc.api.stock_documents import ACTIONS, OPERATION_MODULE
from jxc.inventory.documents import selectors as doc_selectors
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.filters import TransferFilterSet
from jxc.inventory.documents.models import Transfer

router = Router(tags=["transfers"])


SCHEMAS = header_schemas(
    Transfer,
    "Transfer",
    module=__name__,
    extra={
        "difference": (str, lambda t: t.difference),
        "reversal_date": (dt.date | None, lambda t: t.reversal_date),
    },
    line_extra={
        "to_bin_id": (int | None, lambda x: x.to_bin_id, None),
        "received_qty": (Decimal, lambda x: x.received_qty),
        "returned_qty": (Decimal, lambda x: x.returned_qty),
        "lost_qty": (Decimal, lambda x: x.lost_qty),
        "open_qty": (Decimal, lambda x: x.open_qty),
        "difference": (Decimal, lambda x: x.base_qty - x.received_qty),
    },
)
TransferOut = SCHEMAS.out
transfer_out = SCHEMAS.to_out


class ReceiveLineIn(Schema):
    line_id: int
    qty: Decimal
    to_bin_id: int | None = None


class ReceiveIn(Schema):
    lines: list[ReceiveLineIn] | None = None
    date: dt.date | None = None


class TransferCloseIn(Schema):
    difference: Literal["return", "write_off"] = "return"
    reason: str = Field("", max_length=500)
    date: dt.date | None = None


def scoped(request: HttpRequest):
    return doc_selectors.transfers_for(request.user)


document_endpoints(
    router,
    "/transfers",
    model=Transfer,
    scoped=scoped,
    filterset=TransferFilterSet,
    schemas=SCHEMAS,
    create=lambda model, **fields: docs.create_transfer(**fields),
    update=docs.update_transfer,
    actions=ACTIONS,
    # The operation ids and descriptions this API had before 调拨单 was declared.
    operation_names={"list": "list_transfers"},
    action_module=OPERATION_MODULE,
    docs={
        "list": "调拨单 from or to the user's warehouses.",
        "create": "新建调拨单 (draft); ``one_step`` for warehouses of the same site.",
    },
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
def close_transfer(request, id: int, payload: TransferCloseIn):
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
