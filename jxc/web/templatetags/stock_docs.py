"""Template filters of the warehouse-document pages."""

from decimal import Decimal

from django import template

from jxc.web.generic.columns import plain_decimal

register = template.Library()


@register.filter
def qty(value) -> str:
    """An exact quantity without storage padding: 12, 2.5, -1 (never 1E+2)."""
    if value is None or value == "":
        return ""
    return plain_decimal(Decimal(value), grouping=False)
