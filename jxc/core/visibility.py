"""view_cost: one mechanism that removes cost figures for users without ``cost.view``.

Every cost-bearing field name is listed once here. The API renderer, list columns,
Excel exports and prints all ask this module, so no view decides on its own.
"""

from typing import Any

COST_FIELDS = frozenset(
    {
        "purchase_price",
        "cost",
        "unit_cost",
        "value",
        "stock_value",
        "cost_amount",
        "profit",
        "gross_profit",
        "margin",
        "cost_variance",
    }
)

MASK = "***"


def is_cost_field(name: str) -> bool:
    return name in COST_FIELDS


def can_view_cost(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.can_view_cost
    )


def redact(data: Any, user) -> Any:
    """Drop every cost field (at any depth) unless the user may view costs."""
    if can_view_cost(user):
        return data
    return _strip(data)


def _strip(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _strip(v) for k, v in data.items() if k not in COST_FIELDS}
    if isinstance(data, list | tuple):
        return [_strip(v) for v in data]
    return data
