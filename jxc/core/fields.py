"""The decimal field types every model uses: quantities, money, unit costs, factors.

Defined once here so that precision is one decision. Never float (DOMAIN.md §4.5).
Storage precision is fixed; the company's display decimals only round input and output.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

QTY_PLACES = 6
MONEY_PLACES = 2
UNIT_COST_PLACES = 10
FACTOR_PLACES = 10

CENT = Decimal("0.01")


def round_money(value: Decimal) -> Decimal:
    """四舍五入 to the 分."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def round_to(value: Decimal, places: int) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# Digits left before the decimal point by each stored precision (max_digits − places):
# quantity 20/6, money 18/2, unit cost and factor 24/10.
WHOLE_DIGITS = {QTY_PLACES: 14, MONEY_PLACES: 16, UNIT_COST_PLACES: 14}


def fits(value: Decimal, places: int) -> bool:
    """True when storing ``value`` with ``places`` decimals loses nothing: no more decimals
    than that, and not more whole digits than the column holds (``1e400`` or a 20-digit price
    is refused here instead of failing in the database or in the decimal context)."""
    value = Decimal(value)
    if not value.is_finite():
        return False
    whole_digits = max(value.adjusted() + 1, 0)
    if whole_digits > WHOLE_DIGITS.get(places, 28 - places):
        return False
    try:
        return value == value.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        return False


class QuantityField(models.DecimalField):
    """A quantity in the base unit (or an entered quantity): 6 decimals, exact."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 20)
        kwargs.setdefault("decimal_places", QTY_PLACES)
        kwargs.setdefault("default", Decimal(0))
        super().__init__(*args, **kwargs)


class MoneyField(models.DecimalField):
    """An amount of money in 元 with 2 places (分)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", MONEY_PLACES)
        kwargs.setdefault("default", Decimal(0))
        super().__init__(*args, **kwargs)


class UnitCostField(models.DecimalField):
    """A unit cost or unit price kept with 10 places, so values round only once per move."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 24)
        kwargs.setdefault("decimal_places", UNIT_COST_PLACES)
        kwargs.setdefault("default", Decimal(0))
        super().__init__(*args, **kwargs)


class FactorField(models.DecimalField):
    """A unit conversion factor (base units per unit), stored exactly; inputs needing more
    places than storage holds are refused by validation, never truncated."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 24)
        kwargs.setdefault("decimal_places", FACTOR_PLACES)
        super().__init__(*args, **kwargs)
