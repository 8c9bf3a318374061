"""Stock views: 即时库存 (with batches and bins), 库存流水 with running balances, and stock at
any past date. Reads only; always within the user's warehouse scope. Values are returned to
every caller; the edges (web, API, export) hide them from users without ``cost.view``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from jxc.catalog.models import Category, Sku
from jxc.catalog.selectors import search_skus
from jxc.core.numbers import unit_cost_of as _unit_cost
from jxc.inventory.choices import INCOMING_REASONS, VALUE_ONLY_REASONS
from jxc.inventory.models import LotBalance, SkuLedger, StockBalance, StockMove, Warehouse
from jxc.inventory.selectors import warehouses_for
from jxc.inventory.snapshots import (
    ZERO,
    Position,
    exact,
    in_warehouses,
    positions_at,
    qty_sum,
    raw_rows,
    value_sum,
    valued_positions_at,
)

__all__ = [
    "LedgerView",
    "SkuInfo",
    "StockAtDateRow",
    "balance_totals",
    "is_incoming",
    "lot_balances",
    "scoped_warehouse_ids",
    "sku_filter",
    "sku_info",
    "sku_ledger",
    "stock_at_date",
    "stock_balances",
    "stock_moves",
    "totals_of",
    "unit_cost_of",
]


def is_incoming(reason: str) -> bool:
    """收 or 发: incoming reasons (and value-only 成本调整) count as receipts, the rest as
    issues; a reversal (红冲) stays in its reason's column with the opposite sign."""
    return reason in INCOMING_REASONS or reason in VALUE_ONLY_REASONS


def unit_cost_of(qty: Decimal, value: Decimal) -> Decimal | None:
    """单价 = value ÷ quantity (10 places); None at zero quantity."""
    if not qty:
        return None
    return _unit_cost(value, qty)


def _id(obj: Any) -> Any:
    return obj if obj is None or isinstance(obj, int) else obj.pk


def scoped_warehouse_ids(user, warehouse=None) -> list[int]:
    """The warehouses a report may read: the user's scope, narrowed to ``warehouse``."""
    qs = warehouses_for(user).order_by()
    if warehouse is not None:
        qs = qs.filter(pk=_id(warehouse))
    return list(qs.values_list("pk", flat=True))


def sku_filter(*, category=None, q: str = "", sku=None) -> QuerySet[Sku] | None:
    """The SKUs a report is narrowed to (category with its sub-categories, a search as the
    SKU picker understands it — code, name, barcode, pinyin initials — or one SKU);
    None when nothing narrows it."""
    if sku is None and category is None and not (q or "").strip():
        return None
    qs = search_skus(q, active_only=False) if (q or "").strip() else Sku.objects.all()
    if sku is not None:
        qs = qs.filter(pk=_id(sku))
    if category is not None:
        cat = category if isinstance(category, Category) else Category.objects.get(pk=category)
        qs = qs.filter(product__category__path__startswith=cat.path)
    return qs.order_by().values("pk")  # type: ignore[return-value]


# --- 即时库存 --------------------------------------------------------------------------------


def stock_balances(
    *, user, warehouse=None, category=None, q: str = "", nonzero: bool = True
) -> QuerySet[Any]:  # StockBalance + recosting
    """即时库存: on hand, reserved, on order, in transit, available and value per SKU ×
    warehouse, with the 成本重算中 flag (``recosting``)."""
    qs = StockBalance.objects.filter(
        warehouse_id__in=scoped_warehouse_ids(user, warehouse)
    ).select_related("sku", "sku__product", "sku__product__base_unit", "warehouse")
    skus = sku_filter(category=category, q=q)
    if skus is not None:
        qs = qs.filter(sku_id__in=skus)
    if nonzero:
        qs = qs.filter(
            ~Q(on_hand=0) | ~Q(reserved=0) | ~Q(on_order=0) | ~Q(in_transit=0) | ~Q(value=0)
        )
    return qs.annotate(
        available_qty=F("on_hand") - F("reserved"),
        recosting=Exists(SkuLedger.objects.filter(sku_id=OuterRef("sku_id"), recosting=True)),
    ).order_by("sku__code", "warehouse__code")


def balance_totals(qs: QuerySet[StockBalance]) -> dict[str, Decimal]:
    """Totals of a 即时库存 list (one query)."""
    sums = qs.order_by().aggregate(
        on_hand=qty_sum("on_hand"),
        reserved=qty_sum("reserved"),
        on_order=qty_sum("on_order"),
        in_transit=qty_sum("in_transit"),
        value=value_sum("value"),
    )
    out = {k: exact(v, 2 if k == "value" else 6) for k, v in sums.items()}
    out["available"] = out["on_hand"] - out["reserved"]
    return out


def lot_balances(*, user, sku, warehouse=None) -> QuerySet[LotBalance]:
    """Drill-down: the batches and bins that hold a SKU (what is left in each)."""
    return (
        LotBalance.objects.filter(
            sku_id=_id(sku), warehouse_id__in=scoped_warehouse_ids(user, warehouse), qty__gt=0
        )
        .select_related("batch", "bin", "warehouse")
        .order_by(
            "warehouse__code",
            F("batch__expiry_date").asc(nulls_last=True),
            "batch__number",
            "bin__code",
        )
    )


# --- 库存流水 --------------------------------------------------------------------------------


def stock_moves(
    *,
    user,
    sku=None,
    warehouse=None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    reason: str = "",
    document: str = "",
    category=None,
    q: str = "",
) -> QuerySet[StockMove]:
    """库存流水 rows, newest last, filtered; each names its source document."""
    qs = in_warehouses(StockMove.objects.all(), scoped_warehouse_ids(user, warehouse))
    qs = qs.select_related("sku", "sku__product__base_unit", "warehouse", "batch", "bin", "user")
    skus = sku_filter(category=category, q=q, sku=sku)
    if skus is not None:
        qs = qs.filter(sku_id__in=skus)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if reason:
        qs = qs.filter(reason=reason)
    if (document or "").strip():
        qs = qs.filter(source_number__icontains=document.strip())
    return qs.order_by("date", "id")


@dataclass
class LedgerRow:
    move: StockMove
    balance_qty: Decimal
    balance_value: Decimal

    @property
    def incoming(self) -> bool:
        return is_incoming(self.move.reason)

    @property
    def in_qty(self) -> Decimal | None:
        return self.move.qty if self.incoming else None

    @property
    def in_value(self) -> Decimal | None:
        return self.move.value if self.incoming else None

    @property
    def out_qty(self) -> Decimal | None:
        return None if self.incoming else -self.move.qty

    @property
    def out_value(self) -> Decimal | None:
        return None if self.incoming else -self.move.value


@dataclass
class LedgerView:
    """A SKU's 库存流水 over a period: opening, rows with running balances, closing."""

    opening: Position
    closing: Position
    rows: list[LedgerRow] = field(default_factory=list)
    in_qty: Decimal = ZERO
    in_value: Decimal = ZERO
    out_qty: Decimal = ZERO
    out_value: Decimal = ZERO


def sku_ledger(
    *,
    user,
    sku,
    warehouse=None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    reason: str = "",
    document: str = "",
) -> LedgerView:
    """库存流水 of one SKU (in one warehouse or all of the user's): every move with the
    balance after it. Filters by reason or document keep the true running balance."""
    wh_ids = scoped_warehouse_ids(user, warehouse)
    opening = Position(ZERO, ZERO)
    if start is not None:
        before = positions_at(start - dt.timedelta(days=1), skus=[_id(sku)], warehouses=wh_ids)
        opening = Position(
            sum((p.qty for p in before.values()), ZERO),
            sum((p.value for p in before.values()), ZERO),
        )
    moves = stock_moves(user=user, sku=sku, warehouse=warehouse, start=start, end=end)
    running_qty, running_value = opening
    result = LedgerView(opening=opening, closing=opening)
    wanted_doc = (document or "").strip().lower()
    for move in moves:
        running_qty += move.qty
        running_value += move.value
        if reason and move.reason != reason:
            continue
        if wanted_doc and wanted_doc not in (move.source_number or "").lower():
            continue
        result.rows.append(LedgerRow(move, running_qty, running_value))
        if is_incoming(move.reason):
            result.in_qty += move.qty
            result.in_value += move.value
        else:
            result.out_qty -= move.qty
            result.out_value -= move.value
    result.closing = Position(running_qty, running_value)
    return result


# --- stock at a past date ---------------------------------------------------------------------


class SkuInfo(NamedTuple):
    """What a report shows of a SKU (a tuple: tens of thousands are made per report)."""

    id: int
    code: str
    name: str
    spec: str
    unit: str
    category: str

    @property
    def label(self) -> str:
        return f"{self.name} {self.spec}".strip()


def sku_info(skus: QuerySet | None, ids: Iterable[int] | None = None) -> dict[int, SkuInfo]:
    """Code, name, unit and category of SKUs, in one query (all SKUs when not narrowed)."""
    qs = Sku.objects.order_by()
    if skus is not None:
        qs = qs.filter(pk__in=skus)
    elif ids is not None:
        wanted = list(ids)
        if len(wanted) <= 500:
            qs = qs.filter(pk__in=wanted)
    rows = raw_rows(
        qs.values_list(
            "pk",
            "code",
            "name",
            "spec",
            Coalesce("product__base_unit__name", Value("")),
            Coalesce("product__category__name", Value("")),
        )
    )
    return {r[0]: SkuInfo._make(r) for r in rows}


@dataclass
class StockAtDateRow:
    sku: SkuInfo
    warehouse: Warehouse | None
    qty: Decimal
    value: Decimal

    @property
    def unit_cost(self) -> Decimal | None:
        return unit_cost_of(self.qty, self.value)


def stock_at_date(
    *,
    user,
    day: dt.date,
    warehouse=None,
    category=None,
    q: str = "",
    by_warehouse: bool = True,
    use_snapshots: bool = True,
) -> list[StockAtDateRow]:
    """库存查询(按日期): quantity and value per SKU (× warehouse) at the end of ``day``,
    from the last month-end snapshot plus the moves after it. Per warehouse under company
    costing the value is the quantity × the pool's unit cost at ``day`` (DOMAIN.md §5); per
    SKU it is the ledger (the pools' value)."""
    wh_ids = scoped_warehouse_ids(user, warehouse)
    skus = sku_filter(category=category, q=q)
    if by_warehouse:
        positions = valued_positions_at(
            day, skus=skus, warehouses=wh_ids, use_snapshots=use_snapshots
        )
    else:
        positions = positions_at(day, skus=skus, warehouses=wh_ids, use_snapshots=use_snapshots)
        merged: dict[tuple[int, int], Position] = {}
        for (s, _w), p in positions.items():
            before = merged.get((s, 0), Position(ZERO, ZERO))
            merged[(s, 0)] = Position(before.qty + p.qty, before.value + p.value)
        positions = {k: p for k, p in merged.items() if p.qty or p.value}
    info = sku_info(skus, (s for s, _w in positions))
    warehouses = Warehouse.objects.in_bulk(wh_ids)
    rows = [
        StockAtDateRow(sku=info[s], warehouse=warehouses.get(w), qty=p.qty, value=p.value)
        for (s, w), p in positions.items()
        if s in info
    ]
    rows.sort(key=lambda r: (r.sku.code, r.warehouse.code if r.warehouse else ""))
    return rows


def totals_of(rows: Iterable[Any], *names: str) -> dict[str, Decimal]:
    """Column totals of report rows (attributes ``names``)."""
    out = dict.fromkeys(names, ZERO)
    for r in rows:
        for n in names:
            out[n] += getattr(r, n)
    return out
