"""One 库存流水 row in full: the move, where it came from, and — for FIFO — which receipts'
layers it took its cost from (issue 3: "each FIFO issue can show the layers it consumed")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from jxc.core.errors import NotFound
from jxc.inventory.models import StockMove
from jxc.inventory.selectors import layers_consumed
from jxc.reports.stock import scoped_warehouse_ids


@dataclass(frozen=True)
class ConsumedLayer:
    """Part of one receipt's layer taken by an outgoing move (negative: a reversal put it
    back)."""

    receipt_move_id: int
    receipt_date: dt.date
    receipt_kind: str
    receipt_source_id: int | None
    receipt_number: str
    qty: Decimal
    unit_cost: Decimal
    value: Decimal


@dataclass(frozen=True)
class MoveDetail:
    move: StockMove
    layers: list[ConsumedLayer]


def move_detail(*, user, move_id: int) -> MoveDetail:
    """A move the user may see (its warehouse is in their scope), with its consumed layers."""
    move = (
        StockMove.objects.select_related(
            "sku", "warehouse", "batch", "bin", "user", "entered_unit", "reverses", "origin"
        )
        .filter(pk=move_id, warehouse_id__in=scoped_warehouse_ids(user))
        .first()
    )
    if move is None:
        raise NotFound()
    layers = []
    for use in layers_consumed(move):
        receipt = use.layer.move
        layers.append(
            ConsumedLayer(
                receipt_move_id=receipt.pk,
                receipt_date=use.layer.date,
                receipt_kind=receipt.source_kind,
                receipt_source_id=receipt.source_id,
                receipt_number=receipt.source_number,
                qty=use.qty,
                unit_cost=use.layer.unit_cost,
                value=use.value,
            )
        )
    return MoveDetail(move=move, layers=layers)
