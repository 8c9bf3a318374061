"""One 库存流水 row with the FIFO layers it consumed.

GET  /stock/moves/{id}    the move, its source document, and the receipts it took cost from
"""

import datetime as dt
from decimal import Decimal

from ninja import Schema

from jxc.api.common.errors import Router
from jxc.api.common.permissions import requires
from jxc.core.visibility import Cost
from jxc.reports.moves import move_detail

router = Router(tags=["stock reports"])


class ConsumedLayerOut(Schema):
    receipt_move_id: int
    receipt_date: dt.date
    receipt_number: str
    qty: Decimal
    unit_cost: Decimal = Cost()
    value: Decimal = Cost()


class MoveDetailOut(Schema):
    id: int
    date: dt.date
    sku_id: int
    sku_code: str
    warehouse_id: int
    reason: str
    qty: Decimal
    unit_cost: Decimal = Cost()
    value: Decimal = Cost()
    source_kind: str
    source_id: int | None
    source_number: str
    source_line: int | None
    reverses_id: int | None
    origin_id: int | None
    layers: list[ConsumedLayerOut]


@router.get("/stock/moves/{id}", response=MoveDetailOut)
@requires("stock.view")
def get_stock_move(request, id: int):
    detail = move_detail(user=request.user, move_id=id)
    m = detail.move
    return {
        "id": m.pk,
        "date": m.date,
        "sku_id": m.sku_id,
        "sku_code": m.sku.code,
        "warehouse_id": m.warehouse_id,
        "reason": m.reason,
        "qty": m.qty,
        "unit_cost": m.unit_cost,
        "value": m.value,
        "source_kind": m.source_kind,
        "source_id": m.source_id,
        "source_number": m.source_number,
        "source_line": m.source_line,
        "reverses_id": m.reverses_id,
        "origin_id": m.origin_id,
        "layers": [layer.__dict__ for layer in detail.layers],
    }
