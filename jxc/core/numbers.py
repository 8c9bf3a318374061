"""The shared arithmetic of money, unit costs and quantities (DOMAIN.md §4.5, §5): one home,
so that every module rounds the same way. Pure: no Django, no database.

- money: 2 places (分), half up (四舍五入);
- unit costs: 10 places, half up, and at most 15 significant digits (what SQLite's REAL keeps,
  so a figure read back from either database equals the one computed in memory);
- products and quotients are computed at 60 digits before they are rounded once.

``value_of(qty, unit_cost)`` is round(qty × unit cost, 0.01) — a move's or a line's value;
``money_from_cents`` / ``qty_from_units`` turn the whole numbers the reports add in the
database (分, 10⁻⁶ units) back into Decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")
QTY_PLACES = 6
MONEY_PLACES = 2
UNIT_COST_PLACES = 10
SIGNIFICANT_DIGITS = 15
CONTEXT = Context(prec=60)
_UC_QUANTUM = Decimal(1).scaleb(-UNIT_COST_PLACES)


def round_to(value: Decimal, places: int) -> Decimal:
    """``value`` to ``places`` decimals, half up."""
    return Decimal(value).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=CONTEXT
    )


def round_money(value: Decimal) -> Decimal:
    """四舍五入 to the 分."""
    if type(value) is not Decimal:  # (a Decimal as it is: no copy)
        value = Decimal(value)
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=CONTEXT)


def round_unit_cost(value: Decimal) -> Decimal:
    """A unit cost: 10 decimals, half up, and no more than 15 significant digits."""
    q = Decimal(value).quantize(_UC_QUANTUM, rounding=ROUND_HALF_UP, context=CONTEXT)
    if q and len(q.as_tuple().digits) > SIGNIFICANT_DIGITS:
        exp = Decimal(1).scaleb(q.adjusted() - SIGNIFICANT_DIGITS + 1)
        q = q.quantize(exp, rounding=ROUND_HALF_UP, context=CONTEXT).quantize(
            _UC_QUANTUM, context=CONTEXT
        )
    return q


def value_of(qty: Decimal, unit_cost: Decimal) -> Decimal:
    """round(qty × unit cost, 0.01), the product computed exactly."""
    return CONTEXT.multiply(qty, unit_cost).quantize(CENT, rounding=ROUND_HALF_UP, context=CONTEXT)


def share_of(total: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """round(total × part / whole, 0.01): the value of part of a quantity.

    Telescoping: ``share_of(t, a + b, w) - share_of(t, a, w)`` over consecutive parts adds
    up to exactly ``t`` when the parts reach ``w``."""
    if part == whole:
        return round_money(total)
    if not part:
        return ZERO
    return round_money(CONTEXT.divide(CONTEXT.multiply(total, part), whole))


def unit_cost_of(value: Decimal, qty: Decimal) -> Decimal:
    """value ÷ quantity as a unit cost (0 at quantity 0)."""
    return round_unit_cost(CONTEXT.divide(value, qty)) if qty else ZERO


def money_from_cents(cents: int) -> Decimal:
    """A whole number of 分 (an exact sum from the database) as money: ``1234`` → 12.34."""
    return Decimal(cents).scaleb(-MONEY_PLACES)


def qty_from_units(units: int) -> Decimal:
    """A whole number of 10⁻⁶ base units as a quantity."""
    return Decimal(units).scaleb(-QTY_PLACES)


def rate_units(unit_cost: Decimal) -> int:
    """A unit cost as a whole number of 10⁻¹⁰ (its 10 places)."""
    scaled = Decimal(unit_cost).scaleb(UNIT_COST_PLACES)
    if scaled == scaled.to_integral_value():  # (stored unit costs have 10 places already)
        return int(scaled)
    return int(round_unit_cost(unit_cost).scaleb(UNIT_COST_PLACES))


_HALF_SCALE = 10 ** (QTY_PLACES + UNIT_COST_PLACES - MONEY_PLACES)


def cents_at_units(qty_units: int, unit_cost_units: int) -> int:
    """round(quantity × unit cost, 2) in 分, all in whole numbers (quantity in 10⁻⁶, unit cost
    in 10⁻¹⁰), half up — away from zero, as Decimal's ROUND_HALF_UP. For the reports' tens of
    thousands of rows: integer arithmetic, no Decimal."""
    n = qty_units * unit_cost_units
    d = _HALF_SCALE
    return (2 * n + d) // (2 * d) if n >= 0 else -((-2 * n + d) // (2 * d))


def cents_at(qty_units: int, unit_cost: Decimal) -> int:
    """round(quantity × unit cost, 2) in 分, from a quantity in 10⁻⁶ units."""
    return cents_at_units(qty_units, rate_units(unit_cost))
