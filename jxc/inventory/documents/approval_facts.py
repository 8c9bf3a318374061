"""What the approval rules read from the warehouse documents (``jxc.approvals.facts``):
an issue's amount at the current unit cost, a count's variance value (Σ |counted − book| ×
unit cost). Registered from InventoryConfig.ready; 借出单 registers its own in loans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from jxc.core.numbers import ZERO, round_money, unit_cost_of, value_of


def unit_costs(warehouse_id: int, sku_ids: Iterable[int]) -> dict[int, Decimal]:
    """The current unit cost of each SKU in a warehouse (value ÷ on hand of its balance)."""
    from jxc.inventory.models import StockBalance

    rows = StockBalance.objects.filter(warehouse_id=warehouse_id, sku_id__in=set(sku_ids))
    return {
        sku: unit_cost_of(value, on_hand)
        for sku, on_hand, value in rows.values_list("sku_id", "on_hand", "value")
    }


def value_at_cost(warehouse_id: int, quantities: Iterable[tuple[int, Decimal]]) -> Decimal:
    """Σ |base quantity| × current unit cost."""
    per_sku: dict[int, Decimal] = defaultdict(Decimal)
    for sku, qty in quantities:
        per_sku[sku] += abs(qty)
    costs = unit_costs(warehouse_id, per_sku)
    return round_money(sum((value_of(q, costs.get(s, ZERO)) for s, q in per_sku.items()), ZERO))


def issue_facts(doc: Any) -> dict[str, Any]:
    return {"amount": value_at_cost(doc.warehouse_id, doc.lines.values_list("sku_id", "base_qty"))}


def count_facts(doc: Any) -> dict[str, Any]:
    from jxc.inventory.documents.count_rules import variance

    quantities = [
        (sku, variance(book, counted, uncounted_as_zero=doc.uncounted_as_zero))
        for sku, book, counted in doc.lines.values_list("sku_id", "book_qty", "counted_qty")
    ]
    value = value_at_cost(doc.warehouse_id, quantities)
    return {"amount": value, "variance_value": value}


def register() -> None:
    from jxc.approvals.facts import register_facts

    register_facts("other_issue", issue_facts)
    register_facts("stock_count", count_facts)
