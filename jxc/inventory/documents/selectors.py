"""Reads of the warehouse documents: scoped lists, a document's lines and moves, unit costs
for reviews, the 盘点 variance review and the 调拨 differences."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, QuerySet

from jxc.catalog.models import SkuUnit
from jxc.core import selectors as core_selectors
from jxc.core.documents.header import header_model_fields, is_ref
from jxc.core.documents.models import Document
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents import count_rules
from jxc.inventory.documents.models import StockCount, StockDocument
from jxc.inventory.models import CostPool, StockMove, Warehouse

ZERO = Decimal(0)


def stock_documents_for(user, *, kind: str | None = None) -> QuerySet[StockDocument]:
    """其他出入库 / 成本调整 / 期初 in the user's warehouses."""
    qs = StockDocument.objects.select_related("warehouse", "created_by").filter(
        warehouse__in=stock_selectors.warehouses_for(user)
    )
    return qs.filter(kind=kind) if kind else qs


def documents_for(user, model: type[Document]) -> QuerySet:
    """The documents of a declared type this user may see: of (from or to) one of their
    warehouses, the header's links read along (借出单, 调拨单, 盘点单, 组装单 …)."""
    links = [f for f in header_model_fields(model) if is_ref(f)]
    scope = stock_selectors.warehouses_for(user).values("pk")
    held = Q()
    for f in links:
        if f.related_model is Warehouse:
            held |= Q(**{f"{f.name}__in": scope})
    rows = model._default_manager.select_related(*(f.name for f in links), "created_by")
    return rows.filter(held) if held else rows


def moves_of(doc: Document) -> QuerySet[StockMove]:
    """The ledger rows a document posted (its 红冲 included)."""
    return (
        stock_selectors.moves_for(doc.ref())
        .select_related("sku", "warehouse", "bin", "batch")
        .order_by("id")
    )


def unit_costs(sku_ids: Iterable[int], warehouse_id: int) -> dict[int, Decimal]:
    """The unit cost a SKU's stock in a warehouse is valued at now (its cost pool's rate;
    without any cost history the reference purchase price), for reviews and splitting."""
    ids = set(sku_ids)
    key = f"w{warehouse_id}" if core_selectors.company().cost_scope == "warehouse" else ""
    out: dict[int, Decimal] = {}
    for sku_id, qty, value, unit_cost in CostPool.objects.filter(
        sku_id__in=ids, key=key
    ).values_list("sku_id", "qty", "value", "unit_cost"):
        if qty > 0:
            out[sku_id] = value / qty
        elif unit_cost is not None:
            out[sku_id] = unit_cost
    missing = ids - set(out)
    if missing:
        for sku_id, price in SkuUnit.objects.filter(sku_id__in=missing, is_base=True).values_list(
            "sku_id", "purchase_price"
        ):
            if price is not None:  # 0 is a price (free goods)
                out[sku_id] = price
    return out


def count_review(
    count: StockCount, *, only_differences: bool = False
) -> count_rules.VarianceSummary:
    """盘点差异 of a sheet: per line book, counted, variance and its value at today's cost."""
    lines = list(
        count.lines.order_by("line_no", "id").values_list(
            "pk", "sku_id", "book_qty", "counted_qty", "bin_id", "batch_id"
        )
    )
    costs = unit_costs({x[1] for x in lines}, count.warehouse_id)
    values = [
        count_rules.CountLineValues(
            id=pk, sku=sku, book=book, counted=counted, bin=b, batch=bt, unit_cost=costs.get(sku)
        )
        for pk, sku, book, counted, b, bt in lines
    ]
    return count_rules.variance_review(
        values, uncounted_as_zero=count.uncounted_as_zero, only_differences=only_differences
    )


def large_count_variances(count: StockCount) -> list[count_rules.VarianceRow]:
    """The lines whose variance is beyond the company's limits (value or share of the book),
    largest first: the review shows them first, and posting needs them confirmed."""
    limits = core_selectors.company()
    return count_rules.large_variances(
        count_review(count, only_differences=True).rows,
        value_limit=limits.count_variance_value,
        percent_limit=limits.count_variance_percent,
    )
