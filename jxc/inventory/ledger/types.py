"""The values that cross the ledger's boundary: one stock line, a FEFO pick. No database.

Documents build ``StockLine`` objects with a pure rule and hand them to
``jxc.inventory.services.record_moves``; see docs/ledger.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, fields
from decimal import Decimal
from typing import Any

__all__ = ["FefoPick", "StockLine", "id_of", "pk_of", "stock_line"]

ZERO = Decimal(0)


def id_of(obj: Any) -> int | None:
    """A model instance, an id or None → the id (lines accept either)."""
    if obj is None:
        return None
    if isinstance(obj, int):
        return obj
    return obj.pk


def pk_of(obj: Any) -> int:
    """A model instance or an id → the id (required)."""
    found = id_of(obj)
    if found is None:
        raise ValueError("an id is required")
    return found


@dataclass(frozen=True, kw_only=True)
class StockLine:
    """One quantity (or value) change to post: what a document line does to stock.

    ``qty`` is signed, in the base unit: positive brings stock in, negative takes it out,
    zero with ``value``/``unit_cost`` revalues the pool (成本调整). Its sign must match the
    ``reason`` (MoveReason; jxc.inventory.choices.INCOMING_REASONS / OUTGOING_REASONS).

    Cost of an incoming line, first that applies: ``origin``/``origin_line`` (a customer
    return or a transfer in comes back at the value that move left with), ``value``,
    ``unit_cost``, else the pool's current cost (a count gain), else the SKU's reference
    purchase price (NoCostHistory without one). Outgoing lines are costed by the pool;
    a purchase return may name its receipt as ``origin`` (FIFO takes that layer first).

    ``origin`` is a posted StockMove (or its id); ``origin_line`` is the index of a line of
    the same ``record_moves`` call (a transfer's in line naming its out line).

    The bucket fields change the balance in the same row update as ``qty``:
    ``release_reserved`` (a delivery fulfils that much of the reservation),
    ``receive_on_order`` (a receipt takes that much off 在途), ``receive_in_transit`` (a
    transfer in takes that much off 调拨在途 of this warehouse).
    """

    sku: Any
    warehouse: Any
    qty: Decimal
    reason: str
    date: dt.date
    bin: Any = None
    batch: Any = None
    unit_cost: Decimal | None = None
    value: Decimal | None = None
    origin: Any = None
    origin_line: int | None = None
    entered_qty: Decimal | None = None
    entered_unit: Any = None
    source_line: int | None = None
    serials: tuple[str, ...] = ()
    release_reserved: Decimal = ZERO
    receive_on_order: Decimal = ZERO
    receive_in_transit: Decimal = ZERO

    @property
    def sku_id(self) -> int:
        return pk_of(self.sku)

    @property
    def warehouse_id(self) -> int:
        return pk_of(self.warehouse)

    @property
    def bin_id(self) -> int | None:
        return id_of(self.bin)

    @property
    def batch_id(self) -> int | None:
        return id_of(self.batch)

    @property
    def origin_id(self) -> int | None:
        return id_of(self.origin)


# every optional field of StockLine with its default, in field order (a default_factory
# would need its own call per line: stock_line refuses to start without one)
_LINE_DEFAULTS = {f.name: f.default for f in fields(StockLine) if f.default is not MISSING}
_LINE_OPTIONAL = _LINE_DEFAULTS.keys()
if any(f.default_factory is not MISSING for f in fields(StockLine)):  # pragma: no cover
    raise TypeError("stock_line cannot make a StockLine field with a default_factory")
_new = object.__new__


def stock_line(*, sku: Any, warehouse: Any, qty: Decimal, reason: str, date: dt.date, **optional):
    """``StockLine(…)`` without the frozen dataclass's ``__init__`` (an ``object.__setattr__``
    per field, ~35,000 CPU instructions for its 18): the same instance — of the class, equal
    and hashed alike, still frozen — at a fraction of the cost, for the documents that hand
    the ledger a line per lot. An unknown field is refused as ``__init__`` refuses it."""
    if not optional.keys() <= _LINE_OPTIONAL:
        raise TypeError(f"StockLine has no field {sorted(optional.keys() - _LINE_OPTIONAL)[0]!r}")
    made = _new(StockLine)
    d = made.__dict__
    # in the order __init__ sets them
    d.update(sku=sku, warehouse=warehouse, qty=qty, reason=reason, date=date)
    d.update(_LINE_DEFAULTS)
    d.update(optional)
    return made


@dataclass(frozen=True)
class FefoPick:
    """A suggested pick (先到期先出): take ``qty`` from this batch in this bin."""

    batch_id: int | None
    bin_id: int | None
    qty: Decimal
    expiry_date: dt.date | None = None
    batch_number: str = ""
