"""Template filters of the warehouse-document pages."""

from decimal import Decimal

from django import template

from jxc.catalog.rules import mixed_quantity
from jxc.inventory.documents.count_entry import whole_count_message
from jxc.web.generic.columns import plain_decimal

register = template.Library()


@register.filter
def qty(value) -> str:
    """An exact quantity without storage padding, grouped like every number on screen:
    12, 2.5, -1, 99,999 (never 1E+2)."""
    if value is None or value == "":
        return ""
    return plain_decimal(Decimal(value))


@register.filter
def qty_input(value) -> str:
    """A quantity as an input's value: exact and without grouping (the parser takes it)."""
    if value is None or value == "":
        return ""
    return plain_decimal(Decimal(value), grouping=False)


@register.filter
def mixed_qty(value, units) -> str:
    """3箱5瓶: a base quantity in a SKU's units, given as (name, factor) pairs or the grid's
    ``{"name", "factor"}`` dicts; "" when there is no quantity or only one unit."""
    if value is None or value == "" or not units or len(units) < 2:
        return ""
    pairs = [
        (u["name"], Decimal(u["factor"])) if isinstance(u, dict) else (u[0], Decimal(u[1]))
        for u in units
    ]
    return mixed_quantity(Decimal(value), pairs)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template ("" when absent or no mapping)."""
    return mapping.get(key, "") if mapping else ""


@register.filter
def whole_count_error(line) -> str:
    """What a count line of a whole-number unit says to 1.5 (the service's own words)."""
    return whole_count_message(line)


@register.filter
def with_labels(cells, labels) -> list[tuple]:
    """(label, cell) pairs of a table row, so a phone's card names every value."""
    return list(zip(labels, cells, strict=False))
