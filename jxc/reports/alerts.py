"""库存预警: below the minimum, above the maximum, near expiry, no movement for N days —
within the user's warehouse scope. ``alert_counts`` feeds the home page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jxc.core.fields import QuantityField
from jxc.inventory.models import LotBalance, StockBalance, StockLimit, StockMove
from jxc.inventory.selectors import near_expiry
from jxc.reports.stock import scoped_warehouse_ids

__all__ = [
    "NEAR_EXPIRY_DAYS",
    "NO_MOVEMENT_DAYS",
    "above_max",
    "alert_counts",
    "below_min",
    "expired_lots",
    "near_expiry_lots",
    "no_movement",
]

NEAR_EXPIRY_DAYS = 30
NO_MOVEMENT_DAYS = 90


def _limits(user, warehouse) -> QuerySet[StockLimit]:
    """The limits in scope with their balance (``on_hand``, ``reserved``, ``on_order``; 0 where
    the SKU has no balance in the warehouse) by one LEFT JOIN on the balance's key, not a
    sub-select per limit and column: a PostgreSQL that believes the tables empty (statistics
    taken while they were) nests its loops and runs a correlated sub-select once per row of
    every combination of SKUs, products and limits — minutes on the demo's few hundred rows."""
    qty = QuantityField()

    def balance(column: str) -> Coalesce:
        return Coalesce(F(f"balance__{column}"), Value(Decimal(0)), output_field=qty)

    return (
        StockLimit.objects.filter(
            warehouse_id__in=scoped_warehouse_ids(user, warehouse),
            sku__is_active=True,
            warehouse__is_active=True,
        )
        .select_related("sku", "warehouse")
        .prefetch_related("sku__product__base_unit")
        .annotate(
            balance=FilteredRelation(
                "sku__balances", condition=Q(sku__balances__warehouse_id=F("warehouse_id"))
            ),
            on_hand=balance("on_hand"),
            reserved=balance("reserved"),
            on_order=balance("on_order"),
        )
    )


def below_min(*, user, warehouse=None) -> QuerySet[Any]:  # StockLimit + shortage
    """低于安全库存: on hand below the minimum (``shortage`` = minimum − on hand)."""
    return (
        _limits(user, warehouse)
        .filter(min_qty__isnull=False, on_hand__lt=F("min_qty"))  # type: ignore[misc]
        .annotate(shortage=F("min_qty") - F("on_hand"))
        .order_by("warehouse__code", "sku__code")
    )


def above_max(*, user, warehouse=None) -> QuerySet[Any]:  # StockLimit + excess
    """超过最高库存: on hand above the maximum (``excess`` = on hand − maximum)."""
    return (
        _limits(user, warehouse)
        .filter(max_qty__isnull=False, on_hand__gt=F("max_qty"))  # type: ignore[misc]
        .annotate(excess=F("on_hand") - F("max_qty"))
        .order_by("warehouse__code", "sku__code")
    )


def near_expiry_lots(
    *, user, days: int = NEAR_EXPIRY_DAYS, warehouse=None, today: dt.date | None = None
) -> QuerySet[LotBalance]:
    """临期: batches in stock that expire within ``days`` from today (today included); those
    already expired are their own list (``expired_lots``), not 临期 with negative days."""
    day = today or timezone.localdate()
    return near_expiry(days=days, today=day).filter(
        warehouse_id__in=scoped_warehouse_ids(user, warehouse), batch__expiry_date__gte=day
    )


def expired_lots(*, user, warehouse=None, today: dt.date | None = None) -> QuerySet[LotBalance]:
    """已过期: batches still in stock whose expiry date has passed (longest expired first)."""
    day = today or timezone.localdate()
    return near_expiry(days=-1, today=day).filter(
        warehouse_id__in=scoped_warehouse_ids(user, warehouse)
    )


def no_movement(
    *, user, days: int = NO_MOVEMENT_DAYS, warehouse=None, today: dt.date | None = None
) -> QuerySet[Any]:  # StockBalance + last_move
    """呆滞: stock on hand that has not moved for ``days`` days (``last_move`` = its last
    movement date)."""
    cutoff = (today or timezone.localdate()) - dt.timedelta(days=days)
    last = (
        StockMove.objects.filter(sku_id=OuterRef("sku_id"), warehouse_id=OuterRef("warehouse_id"))
        .order_by("-date", "-id")
        .values("date")[:1]
    )
    return (
        StockBalance.objects.filter(
            warehouse_id__in=scoped_warehouse_ids(user, warehouse), on_hand__gt=0
        )
        .select_related("sku", "warehouse")
        .prefetch_related("sku__product__base_unit")
        .annotate(last_move=Subquery(last))
        .filter(Q(last_move__lt=cutoff) | Q(last_move__isnull=True))
        .order_by("last_move", "sku__code", "warehouse__code")
    )


def alert_counts(
    user,
    *,
    near_expiry_days: int = NEAR_EXPIRY_DAYS,
    no_movement_days: int = NO_MOVEMENT_DAYS,
    today: dt.date | None = None,
) -> dict[str, int]:
    """How many rows each alert list has for this user (home page badges)."""
    return {
        "below_min": below_min(user=user).count(),
        "above_max": above_max(user=user).count(),
        "expired": expired_lots(user=user, today=today).count(),
        "near_expiry": near_expiry_lots(user=user, days=near_expiry_days, today=today).count(),
        "no_movement": no_movement(user=user, days=no_movement_days, today=today).count(),
    }
