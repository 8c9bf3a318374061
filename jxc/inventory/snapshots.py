"""Stock at a date, read from the last month-end snapshot plus the moves after it, and the
snapshot writer the month close calls (ARCHITECTURE.md §3 "Snapshots").

Positions are ledger values: the sum of the moves' values. Per SKU (over its warehouses) that
is the cost pools' value; under per-warehouse pools it is also each warehouse's value. Under
company costing a warehouse is not a pool: its value at a date is its quantity × the pool's
unit cost at that date, to the 分 (DOMAIN.md §5, docs/adr/0005) — :func:`valued_positions_at`
(positions are kept per cost pool for it, :func:`pool_rates_at` gives the units).

Sums are exact on every database and cheap to read: the database adds whole numbers of the
field's smallest unit (10⁻⁶ for quantities, 分 for money) — SQLite keeps decimals as REAL, so
adding them as they are would add float error — and Python works on those integers until a
figure is shown (``jxc.core.numbers.qty_from_units`` / ``money_from_cents``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import (
    Aggregate,
    BigIntegerField,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    QuerySet,
)

from jxc.core.fields import MONEY_PLACES, QTY_PLACES, split_sum_sql, split_sum_value
from jxc.core.models import ClosedPeriod
from jxc.core.numbers import (
    cents_at_units,
    money_from_cents,
    qty_from_units,
    rate_units,
    unit_cost_of,
)
from jxc.inventory.models import CostPool, StockMove
from jxc.inventory.snapshot_models import StockSnapshot, StockSnapshotPeriod

ZERO = Decimal(0)
QTY_SCALE = 10**QTY_PLACES
MONEY_SCALE = 10**MONEY_PLACES
Key = tuple[int, int]  # (sku id, warehouse id)
PoolKey = tuple[int, int, int | None]  # (sku id, warehouse id, cost pool id)


class Position(NamedTuple):
    """Quantity and ledger value of one SKU in one warehouse at a date."""

    qty: Decimal
    value: Decimal


ZERO_POSITION = Position(ZERO, ZERO)


class Scaled(Func):
    """A decimal column as a whole number of its smallest unit: ``12.34`` → ``1234``."""

    template = "CAST(ROUND(%(expressions)s * %(scale)s) AS BIGINT)"
    output_field = BigIntegerField()

    def __init__(self, field: str, places: int):
        super().__init__(F(field), scale=str(10**places))


class ExactSum(Aggregate):
    """SUM of an integer expression that cannot overflow (jxc.core.fields.split_sum_sql);
    read with :func:`exact` or ``split_sum_value``."""

    output_field = CharField()

    def as_sql(  # type: ignore[override]
        self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context
    ):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        uses = split_sum_sql("?").count("?")  # the expression appears this often
        return split_sum_sql(sql), tuple(params) * uses


def exact_sum(field: str, places: int) -> Any:
    """SUM of a decimal column as an exact integer of 10^-places (read with :func:`exact`)."""
    return ExactSum(Scaled(field, places))


def qty_sum(field: str = "qty") -> Any:
    return exact_sum(field, QTY_PLACES)


def value_sum(field: str = "value") -> Any:
    return exact_sum(field, MONEY_PLACES)


def exact(raw: Any, places: int) -> Decimal:
    """The Decimal of an :func:`exact_sum` result (None → 0)."""
    return ZERO if raw is None else Decimal(split_sum_value(raw)).scaleb(-places)


def raw_rows(qs: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` aggregate straight from the cursor: no per-row model
    machinery for the tens of thousands of rows a report reads."""
    try:
        sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:  # e.g. "in no warehouse"
        return []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ids(objs: Iterable[Any] | QuerySet | None) -> Any:
    if objs is None or isinstance(objs, QuerySet):
        return objs
    return [o if isinstance(o, int) else o.pk for o in objs]


def in_warehouses(qs: QuerySet, warehouses) -> QuerySet:
    """Narrow moves to some warehouses without steering the query planner to the warehouse
    index: a handful of warehouses would make SQLite walk every move of them instead of the
    days asked for (``warehouse_id + 0`` keeps the date index in play)."""
    return qs.alias(
        _wh=ExpressionWrapper(F("warehouse_id") + 0, output_field=BigIntegerField())
    ).filter(_wh__in=_ids(warehouses))


def scoped_moves(*, skus=None, warehouses=None) -> QuerySet[StockMove]:
    """Moves of some SKUs / warehouses (None = all), unordered for aggregation."""
    qs = StockMove.objects.order_by()
    sku_ids = _ids(skus)
    if sku_ids is not None:
        qs = qs.filter(sku_id__in=sku_ids)
    if warehouses is not None:
        qs = in_warehouses(qs, warehouses)
    return qs


def snapshot_before(day: dt.date) -> StockSnapshotPeriod | None:
    """The last snapshot at or before ``day`` of a month that is closed (one query)."""
    closed = ClosedPeriod.objects.filter(year=OuterRef("year"), month=OuterRef("month"))
    return (
        StockSnapshotPeriod.objects.filter(end_date__lte=day)
        .filter(Exists(closed))
        .order_by("-end_date")
        .first()
    )


def scaled_positions_at(
    day: dt.date,
    *,
    skus=None,
    warehouses=None,
    use_snapshots: bool = True,
    snapshot: StockSnapshotPeriod | None = None,
    by_pool: bool = False,
) -> dict[Any, list[int]]:
    """(SKU, warehouse) → [quantity in 10⁻⁶, ledger value in 分] at the end of ``day``, zeros
    left out: the last snapshot at or before ``day`` (or the ``snapshot`` given) plus the
    moves after it; ``use_snapshots=False`` sums the whole ledger instead. ``by_pool``: keyed
    (SKU, warehouse, cost pool) instead."""
    if snapshot is None and use_snapshots:
        snapshot = snapshot_before(day)
    out: dict[Any, list[int]] = {}
    moves = scoped_moves(skus=skus, warehouses=warehouses).filter(date__lte=day)
    group = ("sku_id", "warehouse_id", "pool_id") if by_pool else ("sku_id", "warehouse_id")
    n = len(group)
    if snapshot is not None:
        rows = StockSnapshot.objects.filter(period=snapshot).order_by()
        sku_ids, wh_ids = _ids(skus), _ids(warehouses)
        if sku_ids is not None:
            rows = rows.filter(sku_id__in=sku_ids)
        if wh_ids is not None:
            rows = rows.filter(warehouse_id__in=wh_ids)
        scaled = rows.values_list(
            "sku_id",
            "warehouse_id",
            "pool_id",
            Scaled("qty", QTY_PLACES),
            Scaled("value", MONEY_PLACES),
        )
        for *key, q, v in raw_rows(scaled):
            k = tuple(key[:n])
            found = out.get(k)
            if found is None:
                out[k] = [int(q), int(v)]
            else:  # (several pools of one SKU in one warehouse: batches)
                found[0] += int(q)
                found[1] += int(v)
        if snapshot.end_date >= day:
            return {k: p for k, p in out.items() if p[0] or p[1]}
        moves = moves.filter(date__gt=snapshot.end_date)
    summed = moves.values_list(*group).annotate(q=qty_sum(), v=value_sum())
    for *key, q, v in raw_rows(summed):
        k = tuple(key)
        found = out.get(k)
        q, v = split_sum_value(q), split_sum_value(v)
        if found is None:
            out[k] = [q, v]
        else:
            found[0] += q
            found[1] += v
    return {k: p for k, p in out.items() if p[0] or p[1]}


def pool_rates_at(day: dt.date, *, skus=None) -> dict[int, Decimal]:
    """The unit cost of every company cost pool (one not bound to a warehouse) at the end of
    ``day``: the state its last move on or before ``day`` left — FIFO: value ÷ quantity while
    it holds stock, else the stored unit cost (0 without one). Pools without a move by then
    are left out."""
    return pool_rates_on([day], skus=skus)[0]


def pool_rates_on(days: list[dt.date], *, skus=None) -> list[dict[int, Decimal]]:
    """:func:`pool_rates_at` for several days in one statement (one pass over the pools).
    A pool whose last move (``last_date`` / ``last_move_id``) is on or before a day takes that
    move without looking; only the others cost an index probe (``move_pool_pos_idx``).
    Decimals arrive as text (no float, no per-row converter)."""
    from jxc.inventory.ledger.sql import decimal_sql

    pools = CostPool.objects.filter(warehouse__isnull=True).order_by()
    sku_ids = _ids(skus)
    if sku_ids is not None:
        pools = pools.filter(sku_id__in=sku_ids)
    try:
        inner, inner_params = pools.values(
            "id", "method", "last_date", "last_move_id"
        ).query.sql_with_params()
    except EmptyResultSet:
        return [{} for _day in days]
    moves = StockMove._meta.db_table
    picks, joins, columns, params = [], [], [], []
    for i, day in enumerate(days):
        picks.append(
            f"CASE WHEN x.last_date <= %s THEN x.last_move_id ELSE (SELECT s.id FROM {moves} s "
            f"WHERE s.pool_id = x.id AND s.date <= %s ORDER BY s.date DESC, s.id DESC LIMIT 1) "
            f"END AS m{i}"
        )
        params += [day, day]
        joins.append(f"LEFT JOIN {moves} m{i} ON m{i}.id = y.m{i}")
        columns += [
            decimal_sql(f"m{i}.pool_qty_after"),
            decimal_sql(f"m{i}.pool_value_after"),
            decimal_sql(f"m{i}.pool_unit_cost_after"),
            f"m{i}.id",
        ]
    sql = (
        f"SELECT y.id, y.method, {', '.join(columns)} FROM "
        f"(SELECT x.id, x.method, {', '.join(picks)} FROM ({inner}) x) y {' '.join(joins)}"
    )
    out: list[dict[int, Decimal]] = [{} for _day in days]
    with connections[pools.db].cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])
        for row in cursor.fetchall():
            pool_id, method = row[0], row[1]
            for i in range(len(days)):
                qty, value, unit_cost, found = row[2 + 4 * i : 6 + 4 * i]
                if found is None:
                    continue  # no move by that day
                if method == "fifo" and qty is not None and Decimal(qty) > 0:
                    out[i][pool_id] = unit_cost_of(Decimal(value), Decimal(qty))
                else:
                    out[i][pool_id] = ZERO if unit_cost is None else Decimal(unit_cost)
    return out


def value_warehouses(
    by_pool: dict[Any, list[int]], rates: dict[int, Decimal]
) -> dict[Key, list[int]]:
    """Per (SKU, warehouse) [quantity, value] from positions per cost pool: a company pool's
    part is its quantity × the pool's unit cost (``rates``), to the 分; a warehouse pool's (or
    an unknown pool's, in an old snapshot) is its ledger value."""
    out: dict[Key, list[int]] = {}
    units = {p: rate_units(r) for p, r in rates.items()}
    for (s, w, p), (q, v) in by_pool.items():
        rate = units.get(p) if p is not None else None
        if rate is not None:
            v = cents_at_units(q, rate)
        found = out.get((s, w))
        if found is None:
            out[(s, w)] = [q, v]
        else:
            found[0] += q
            found[1] += v
    return {k: p for k, p in out.items() if p[0] or p[1]}


def valued_positions_at(
    day: dt.date,
    *,
    skus=None,
    warehouses=None,
    use_snapshots: bool = True,
    snapshot: StockSnapshotPeriod | None = None,
) -> dict[Key, Position]:
    """在某日的库存 per warehouse as DOMAIN.md §5 values it: under company costing quantity ×
    the pool's unit cost at ``day`` (per batch pool under 个别计价, then summed), under
    per-warehouse costing the pool's (ledger) value."""
    by_pool = scaled_positions_at(
        day,
        skus=skus,
        warehouses=warehouses,
        use_snapshots=use_snapshots,
        snapshot=snapshot,
        by_pool=True,
    )
    rates = pool_rates_at(day, skus=skus) if by_pool else {}
    return {
        k: Position(qty_from_units(q), money_from_cents(v))
        for k, (q, v) in value_warehouses(by_pool, rates).items()
    }


def positions_at(
    day: dt.date,
    *,
    skus=None,
    warehouses=None,
    use_snapshots: bool = True,
    snapshot: StockSnapshotPeriod | None = None,
) -> dict[Key, Position]:
    """在某日的库存: quantity and value of every (SKU, warehouse) at the end of ``day``
    (pairs at zero quantity and zero value are left out)."""
    scaled = scaled_positions_at(
        day, skus=skus, warehouses=warehouses, use_snapshots=use_snapshots, snapshot=snapshot
    )
    return {k: Position(qty_from_units(q), money_from_cents(v)) for k, (q, v) in scaled.items()}


@transaction.atomic
def write_snapshot(*, year: int, month: int, end_date: dt.date) -> StockSnapshotPeriod:
    """月结快照: write the quantity and ledger value of every (SKU, warehouse, cost pool) at
    ``end_date``."""
    StockSnapshotPeriod.objects.filter(year=year, month=month).delete()
    positions = scaled_positions_at(end_date, use_snapshots=True, by_pool=True)
    period = StockSnapshotPeriod.objects.create(
        year=year, month=month, end_date=end_date, rows=len(positions)
    )
    StockSnapshot.objects.bulk_create(
        (
            StockSnapshot(
                period=period,
                sku_id=s,
                warehouse_id=w,
                pool_id=p,
                qty=qty_from_units(q),
                value=money_from_cents(v),
            )
            for (s, w, p), (q, v) in sorted(
                positions.items(), key=lambda x: (x[0][:2], x[0][2] or 0)
            )
        ),
        batch_size=2000,
    )
    return period


def delete_snapshot(*, year: int, month: int) -> int:
    """Forget the snapshot of a month that is reopened (its moves may change again)."""
    deleted, _ = StockSnapshotPeriod.objects.filter(year=year, month=month).delete()
    return deleted
