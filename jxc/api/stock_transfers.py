"""调拨单 through the API, from its declaration (jxc.api.documents):

GET/POST /transfers, GET/PATCH /transfers/{id}
POST /transfers/{id}/submit | approve | unapprove | reject | void | post (= ship) | reverse
POST /transfers/{id}/receive   {"lines": [{"line_id", "qty", "to_bin_id"}], "date"}
                               (no lines: everything still in transit)
POST /transfers/{id}/close     {"difference": "return" | "write_off", "reason", "date"}

``from_warehouse_id`` is one of the user's warehouses, ``to_warehouse_id`` any of ours (not a
lent-out location): the sender ships to any warehouse, its keeper receives (docs/
warehouse-documents.md, data scope).
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from jxc.api.common.errors import Router
from jxc.api.documents.endpoints import document_endpoints, step_endpoint
from jxc.api.documents.schemas import header_schemas
from jxc.api.stock_documents import ACTIONS, OPERATION_MODULE
from jxc.inventory import selectors as stock_selectors
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
    },
    line_extra={
        "to_bin_id": (int | None, lambda x: x.to_bin_id, None),
    },
)


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


document_endpoints(
    router,
    "/transfers",
    model=Transfer,
    filterset=TransferFilterSet,
    schemas=SCHEMAS,
    create=docs.create_transfer,
    update=docs.update_transfer,
    # the target: any warehouse of ours, held by the user or not (the source: theirs)
    refs={"to_warehouse": lambda request: stock_selectors.receiving_warehouses()},
    actions=ACTIONS,
    # The operation ids and descriptions this API had before 调拨单 was declared.
    operation_names={"list": "list_transfers"},
    action_module=OPERATION_MODULE,
    docs={
        "list": "调拨单 from or to the user's warehouses.",
        "create": "新建调拨单 (draft) from one of the user's warehouses to any of ours; "
        "``one_step`` for warehouses of the same site, both the user's.",
    },
)


def _receive(t: Transfer, user, body: ReceiveIn) -> Transfer:
    quantities = bins = None
    if body.lines is not None:
        quantities = {x.line_id: x.qty for x in body.lines}
        bins = {x.line_id: x.to_bin_id for x in body.lines if x.to_bin_id is not None}
    return docs.receive_transfer(
        t, user=user, quantities=quantities, bins=bins or None, date=body.date
    )


step_endpoint(
    router,
    "/transfers",
    "receive",
    model=Transfer,
    schemas=SCHEMAS,
    body=ReceiveIn,
    optional=True,
    run=_receive,
    doc="调入 at the destination: per line, or (no body) everything still in transit.",
)
step_endpoint(
    router,
    "/transfers",
    "close",
    model=Transfer,
    schemas=SCHEMAS,
    body=TransferCloseIn,
    run=lambda t, user, body: docs.close_transfer(
        t, user=user, difference=body.difference, reason=body.reason, date=body.date
    ),
    doc="结案: what never arrived goes back to the source or is written off.",
)
