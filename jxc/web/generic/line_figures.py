"""How a document's lines show their figures: plain numbers, money, prices with the
company's places, columns that add up in the 合计 row, quantities in the SKU's units (3箱5瓶),
and what a posted line was booked at."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from jxc.web.generic.columns import plain_decimal
from jxc.web.generic.line_grid import in_units


def num(value: Decimal | None) -> str:
    return "" if value is None else plain_decimal(value)


class Summed:
    """A line column whose figures add up in the 合计 row: ``raw(line)`` is the Decimal."""

    def __init__(self, raw: Callable[[Any], Decimal | None], places: int | None = None):
        self.raw, self.places = raw, places

    def text(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        return plain_decimal(value, self.places) if self.places is not None else num(value)

    def __call__(self, line) -> str:
        return self.text(self.raw(line))


class InUnits:
    """The line's base quantity in the SKU's units (3箱5瓶); filled by ``line_table``, which
    reads every SKU's units in one query."""

    def __call__(self, line, units=None) -> str:
        return in_units(line.base_qty, (units or {}).get(line.sku_id, []))


def money(value: Decimal | None) -> str:
    """An amount as every screen shows money: 1,042.80."""
    return "" if value is None else plain_decimal(value, 2)


def price(value: Decimal | None, places: int) -> str:
    """A unit cost or price with the company's price decimals (9.80, not 9.8), more only
    where the figure has them (a cost of 4.3536 keeps its places)."""
    if value is None:
        return ""
    exponent = value.normalize().as_tuple().exponent
    own = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return plain_decimal(value, min(max(places, own), 4))


def booked_amounts(obj) -> dict[int, Decimal]:
    """What each line of a posted document was booked at in the ledger (line id → amount,
    all its moves together): a line entered without a cost (the current cost) shows the cost
    it was received or issued at."""
    from jxc.inventory.selectors import moves_for

    if getattr(obj, "posted_at", None) is None or not hasattr(obj, "ref"):
        return {}
    out: dict[int, Decimal] = {}
    for line_id, value in (
        moves_for(obj.ref()).filter(reverses__isnull=True).values_list("source_line", "value")
    ):
        if line_id is not None:
            out[line_id] = out.get(line_id, Decimal(0)) + abs(value)
    return out
