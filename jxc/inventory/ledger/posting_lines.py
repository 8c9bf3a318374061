"""A line on its way into the ledger: a document's StockLine, or the mirror of a move being
reversed, with what the posting finds out about it (its pool, how it is valued, its run move)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from jxc.core.numbers import ZERO
from jxc.inventory.choices import CostBasis
from jxc.inventory.ledger.run_moves import RunMove
from jxc.inventory.ledger.types import StockLine, id_of, pk_of


@dataclass(eq=False, slots=True)
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
        # the ids as StockLine's properties give them, without two calls per id when the
        # line holds the id itself (or nothing)
        sku, wh, bin_, batch = line.sku, line.warehouse, line.bin, line.batch
        origin, unit = line.origin, line.entered_unit
        return cls(
            index,
            sku if sku.__class__ is int else pk_of(sku),
            wh if wh.__class__ is int else pk_of(wh),
            line.qty,
            str(line.reason),
            line.date,
            None if bin_ is None else id_of(bin_),
            None if batch is None else id_of(batch),
            line.unit_cost,
            line.value,
            None if origin is None else id_of(origin),
            line.origin_line,
            line.entered_qty,
            None if unit is None else id_of(unit),
            line.source_line,
            tuple(line.serials),
            line.release_reserved,
            line.receive_on_order,
            line.receive_in_transit,
        )

    @property
    def lot_key(self) -> str | None:
        if self.bin_id is None and self.batch_id is None:
            return None
        return f"{self.bin_id or 0}-{self.batch_id or 0}"
