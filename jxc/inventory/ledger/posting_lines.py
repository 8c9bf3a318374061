"""A line on its way into the ledger: a document's StockLine, or the mirror of a move being
reversed, with what the posting finds out about it (its pool, how it is valued, its run move)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from jxc.core.numbers import ZERO
from jxc.inventory.choices import CostBasis
from jxc.inventory.ledger.run_moves import RunMove
from jxc.inventory.ledger.types import StockLine, id_of


@dataclass(eq=False)
class PostingLine:
    """A line on its way into the ledger (a StockLine, or the mirror of a reversed move)."""

    index: int
    sku_id: int
    warehouse_id: int
    qty: Decimal
    reason: str
    date: dt.date
    bin_id: int | None = None
    batch_id: int | None = None
    unit_cost: Decimal | None = None
    value: Decimal | None = None
    origin_id: int | None = None
    origin_line: int | None = None
    entered_qty: Decimal | None = None
    entered_unit_id: int | None = None
    source_line: int | None = None
    serials: tuple[str, ...] = ()
    release_reserved: Decimal = ZERO
    receive_on_order: Decimal = ZERO
    receive_in_transit: Decimal = ZERO
    basis: str = CostBasis.POOL_COST
    reverses_id: int | None = None
    pool_id: int | None = None
    m: RunMove | None = field(default=None, repr=False)

    @classmethod
    def of(cls, index: int, line: StockLine) -> PostingLine:
        return cls(
            index=index,
            sku_id=line.sku_id,
            warehouse_id=line.warehouse_id,
            qty=line.qty,
            reason=str(line.reason),
            date=line.date,
            bin_id=line.bin_id,
            batch_id=line.batch_id,
            unit_cost=line.unit_cost,
            value=line.value,
            origin_id=line.origin_id,
            origin_line=line.origin_line,
            entered_qty=line.entered_qty,
            entered_unit_id=id_of(line.entered_unit),
            source_line=line.source_line,
            serials=tuple(line.serials),
            release_reserved=line.release_reserved,
            receive_on_order=line.receive_on_order,
            receive_in_transit=line.receive_in_transit,
        )

    @property
    def lot_key(self) -> str | None:
        if self.bin_id is None and self.batch_id is None:
            return None
        return f"{self.bin_id or 0}-{self.batch_id or 0}"
