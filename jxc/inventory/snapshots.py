"""Stock at a date, read from the last month-end snapshot plus the moves after it, and the
snapshot writer the month close calls (ARCHITECTURE.md §3 "Snapshots").

Values here are ledger values: the sum of the moves' values. Per SKU (over its warehouses) that
is the cost pools' value; under per-warehouse pools it is also each warehouse's value. Under
the company pool a warehouse's share is what its moves carried (see docs/adr/0002).

Sums are exact on every database: SQLite keeps decimals as REAL, so it adds whole numbers of
the field's smallest unit (分 for money, 10⁻⁶ for quantities) instead of floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import BigIntegerField, F, QuerySet, Sum, Value
from django.db.models.functions import Cast, Round

from jxc.core.documents import lock_date
from jxc.core.fields import MONEY_PLACES, QTY_PLACES
from jxc.inventory.models import StockMove, StockSnapshot, StockSnapshotPeriod

ZERO = Decimal(0)
Key = tuple[int, int]  # (sku id, warehouse id)


class Position(NamedTuple):
    """Quantity and ledger value of one SKU in one warehouse at a date."""

    qty: Decimal
    value: Decimal


ZERO_POSITION = Position(ZERO, ZERO)


def exact_sum(field: str, places: int) -> Any:
    """SUM of a decimal column without float error (read the result with :func:`exact`)."""
    if connection.vendor == "sqlite":
        scaled = Round(F(field) * Value(Decimal(10) ** places))
        return Sum(Cast(scaled, BigIntegerField()))
    return Sum(field)


def exact(raw: Any, places: int) -> Decimal:
    """The Decimal of an :func:`exact_sum` result (None → 0)."""
    if raw is None:
        return ZERO
    if isinstance(raw, int):
        return Decimal(raw).scaleb(-places)
    return Decimal(raw).quantize(Decimal(1).scaleb(-places))


def qty_sum(field: str = "qty") -> Any:
    return exact_sum(field, QTY_PLACES)


def value_sum(field: str = "value") -> Any:
    return exact_sum(field, MONEY_PLACES)


def _ids(objs: Iterable[Any] | QuerySet | None) -> Any:
    if objs is None or isinstance(objs, QuerySet):
        return objs
    return [o if isinstance(o, int) else o.pk for o in objs]


def scoped_moves(*, skus=None, warehouses=None) -> QuerySet[StockMove]:
    """Moves of some SKUs / warehouses (None = all), unordered for aggregation."""
    qs = StockMove.objects.order_by()
    sku_ids, wh_ids = _ids(skus), _ids(warehouses)
    if sku_ids is not None:
        qs = qs.filter(sku_id__in=sku_ids)
    if wh_ids is not None:
        qs = qs.filter(warehouse_id__in=wh_ids)
    return qs


def snapshot_before(day: dt.date) -> StockSnapshotPeriod | None:
    """The last snapshot at or before ``day`` that belongs to a closed month."""
    closed_until = lock_date()
    if closed_until is None:
        return None
    return (
        StockSnapshotPeriod.objects.filter(end_date__lte=min(day, closed_until))
        .order_by("-end_date")
        .first()
    )


def positions_at(
    day: dt.date, *, skus=None, warehouses=None, use_snapshots: bool = True
) -> dict[Key, Position]:
    """在某日的库存: quantity and value of every (SKU, warehouse) at the end of ``day``.

    Reads the last snapshot at or before ``day`` and adds the moves after it
    (``use_snapshots=False`` sums the whole ledger instead: the check that both agree).
    Pairs at zero quantity and zero value are left out.
    """
    snapshot = snapshot_before(day) if use_snapshots else None
    out: dict[Key, Position] = {}
    moves = scoped_moves(skus=skus, warehouses=warehouses).filter(date__lte=day)
    if snapshot is not None:
        rows = StockSnapshot.objects.filter(period=snapshot).order_by()
        sku_ids, wh_ids = _ids(skus), _ids(warehouses)
        if sku_ids is not None:
            rows = rows.filter(sku_id__in=sku_ids)
        if wh_ids is not None:
            rows = rows.filter(warehouse_id__in=wh_ids)
        for sku_id, wh_id, qty, value in rows.values_list("sku_id", "warehouse_id", "qty", "value"):
            out[(sku_id, wh_id)] = Position(qty, value)
        moves = moves.filter(date__gt=snapshot.end_date)
    for row in moves.values("sku_id", "warehouse_id").annotate(q=qty_sum(), v=value_sum()):
        key = (row["sku_id"], row["warehouse_id"])
        before = out.get(key, ZERO_POSITION)
        out[key] = Position(
            before.qty + exact(row["q"], QTY_PLACES), before.value + exact(row["v"], MONEY_PLACES)
        )
    return {k: p for k, p in out.items() if p.qty or p.value}


@transaction.atomic
def write_snapshot(*, year: int, month: int, end_date: dt.date) -> StockSnapshotPeriod:
    """月结快照: write the quantity and value of every (SKU, warehouse) at ``end_date``."""
    StockSnapshotPeriod.objects.filter(year=year, month=month).delete()
    positions = positions_at(end_date)
    period = StockSnapshotPeriod.objects.create(
        year=year, month=month, end_date=end_date, rows=len(positions)
    )
    StockSnapshot.objects.bulk_create(
        (
            StockSnapshot(period=period, sku_id=s, warehouse_id=w, qty=p.qty, value=p.value)
            for (s, w), p in sorted(positions.items())
        ),
        batch_size=2000,
    )
    return period


def delete_snapshot(*, year: int, month: int) -> int:
    """Forget the snapshot of a month that is reopened (its moves may change again)."""
    deleted, _ = StockSnapshotPeriod.objects.filter(year=year, month=month).delete()
    return deleted
