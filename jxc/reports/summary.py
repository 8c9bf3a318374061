"""收发存汇总 (movement summary): per SKU (× warehouse) for a period — opening, receipts by
type, issues by type, closing — quantity, unit cost and value.

Computed in the database: the opening is the last month-end snapshot plus the moves up to the
day before the start (one GROUP BY), the period is one GROUP BY (SKU, warehouse, cost pool,
reason) over the period's moves. Sums are exact integers (10⁻⁶ units, 分); figures become
Decimals only when read.

By warehouse under company costing a warehouse is not a pool: its opening and closing values
are its quantity × the pool's unit cost on the day before the start and on the last day
(DOMAIN.md §5, docs/adr/0005); receipts and issues are the moves' values, and the change of
value caused by the pool's unit cost moving is the 成本差异 column, so 期初 + 入 − 出 ± 差异 =
期末 holds to the 分 on every row and in the totals. Per SKU (and per warehouse under
per-warehouse costing) the values are the pools' own and 成本差异 is 0.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from django.db import DataError, OperationalError, connections, transaction
from django.db.models import BigIntegerField, CharField, F, QuerySet, Value

from jxc.core.fields import MONEY_PLACES, QTY_PLACES, SPLIT
from jxc.core.numbers import cents_at_units, money_from_cents, qty_from_units, rate_units
from jxc.inventory.choices import MoveReason
from jxc.inventory.models import Warehouse
from jxc.inventory.snapshot_models import StockSnapshot, StockSnapshotPeriod
from jxc.inventory.snapshots import (
    Scaled,
    pool_rates_on,
    scoped_moves,
    snapshot_before,
)
from jxc.reports.stock import (
    SkuInfo,
    is_incoming,
    scoped_warehouse_ids,
    sku_filter,
    sku_info,
    unit_cost_of,
)

__all__ = ["Figure", "MovementSummary", "SummaryRow", "movement_summary"]

REASON_ORDER = [r.value for r in MoveReason]
INCOMING = frozenset(r for r in REASON_ORDER if is_incoming(r))


@dataclass(frozen=True)
class Figure:
    """A quantity and its value (单价 derived)."""

    qty: Decimal
    value: Decimal

    @property
    def unit_cost(self) -> Decimal | None:
        return unit_cost_of(self.qty, self.value)

    def as_dict(self) -> dict[str, Decimal | None]:
        return {"qty": self.qty, "value": self.value, "unit_cost": self.unit_cost}


def _figure(q, v) -> Figure:
    return Figure(qty_from_units(q), money_from_cents(v))


class Layout:
    """Where each reason's figures sit in a result row: (sku id, warehouse id, opening qty,
    opening value, then quantity and value per reason)."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        self.column = {r: 4 + 2 * i for i, r in enumerate(reasons)}
        self.incoming = [self.column[r] for r in reasons if r in INCOMING]
        self.outgoing = [self.column[r] for r in reasons if r not in INCOMING]


class SummaryRow:
    """One line of the summary (the totals line has ``sku`` None). Receipts are signed as
    posted; issues are shown positive; a 红冲 keeps its reason's column with the opposite
    sign. Figures are read from the database row when asked for. ``cv``: the closing value
    in 分 when it is valued at the pool's unit cost (company costing, by warehouse), else
    None (the ledger: opening + receipts − issues)."""

    __slots__ = ("cv", "layout", "n", "sku", "warehouse")

    def __init__(
        self,
        sku: SkuInfo | None,
        warehouse: Warehouse | None,
        n,
        layout: Layout,
        cv: int | None = None,
    ):
        self.sku = sku
        self.warehouse = warehouse
        self.n = n
        self.layout = layout
        self.cv = cv

    def _sum(self, columns: list[int]) -> tuple[int, int]:
        n = self.n
        return sum(int(n[c]) for c in columns), sum(int(n[c + 1]) for c in columns)

    @property
    def opening(self) -> Figure:
        return _figure(self.n[2], self.n[3])

    @property
    def received(self) -> Figure:
        return _figure(*self._sum(self.layout.incoming))

    @property
    def issued(self) -> Figure:
        q, v = self._sum(self.layout.outgoing)
        return _figure(-q, -v)

    def _closing(self) -> tuple[int, int, int]:
        """(closing qty, closing value, ledger closing value) in whole units."""
        n = self.n
        iq, iv = self._sum(self.layout.incoming)
        xq, xv = self._sum(self.layout.outgoing)
        ledger = int(n[3]) + iv + xv
        return int(n[2]) + iq + xq, ledger if self.cv is None else self.cv, ledger

    @property
    def closing(self) -> Figure:
        q, v, _ledger = self._closing()
        return _figure(q, v)

    @property
    def cost_difference(self) -> Decimal:
        """成本差异: the change of the warehouse's value caused by the pool's unit cost moving
        (期末 − (期初 + 入 − 出)); 0 where values are the pools' own."""
        _q, v, ledger = self._closing()
        return money_from_cents(v - ledger)

    def by_reason(self, reason: str) -> Figure | None:
        """The receipts (or issues, shown positive) of one reason; None when there are none."""
        c = self.layout.column.get(reason)
        if c is None or not (self.n[c] or self.n[c + 1]):
            return None
        sign = 1 if reason in INCOMING else -1
        return _figure(sign * self.n[c], sign * self.n[c + 1])

    @property
    def receipts(self) -> dict[str, Figure]:
        found = {r: self.by_reason(r) for r in self.layout.reasons if r in INCOMING}
        return {r: f for r, f in found.items() if f is not None}

    @property
    def issues(self) -> dict[str, Figure]:
        found = {r: self.by_reason(r) for r in self.layout.reasons if r not in INCOMING}
        return {r: f for r, f in found.items() if f is not None}


@dataclass
class MovementSummary:
    start: dt.date
    end: dt.date
    by_warehouse: bool
    rows: list[SummaryRow]
    totals: SummaryRow
    receipt_reasons: list[str]
    issue_reasons: list[str]
    snapshot: StockSnapshotPeriod | None


_ZERO = Value(0, output_field=BigIntegerField())


def _opening_part(qs: QuerySet) -> QuerySet:
    return (
        qs.order_by()
        .annotate(
            k=F("sku_id"),
            w=F("warehouse_id"),
            p=F("pool_id"),
            oq=Scaled("qty", QTY_PLACES),
            ov=Scaled("value", MONEY_PLACES),
            r=Value("", output_field=CharField()),
            q=_ZERO,
            v=_ZERO,
        )
        .values_list("k", "w", "p", "oq", "ov", "r", "q", "v")
    )


def _period_part(qs: QuerySet) -> QuerySet:
    return (
        qs.order_by()
        .annotate(
            k=F("sku_id"),
            w=F("warehouse_id"),
            p=F("pool_id"),
            oq=_ZERO,
            ov=_ZERO,
            r=F("reason"),
            q=Scaled("qty", QTY_PLACES),
            v=Scaled("value", MONEY_PLACES),
        )
        .values_list("k", "w", "p", "oq", "ov", "r", "q", "v")
    )


def _value_warehouses(
    fetched: list[tuple], layout: Layout, start: dt.date, end: dt.date, skus
) -> tuple[list[tuple], list[int | None], int]:
    """Rows per (SKU, warehouse, pool) → rows per (SKU, warehouse) whose opening value is the
    quantity × the company pool's unit cost on the day before ``start``, with the closing
    value at the pool's unit cost on ``end`` beside them (None: the ledger's), and the total
    of the closing values. Whole-number arithmetic (tens of thousands of rows)."""
    at_start, at_end = pool_rates_on([start - dt.timedelta(days=1), end], skus=skus)
    opening_rates = {p: rate_units(r) for p, r in at_start.items()}
    closing_rates = {p: rate_units(r) for p, r in at_end.items()}
    qty_cols = [c + 1 for c in layout.incoming + layout.outgoing]  # in the fetched row
    value_cols = [c + 2 for c in layout.incoming + layout.outgoing]
    # the reason columns' sums, as tuples (itemgetter of one column gives the bare value)
    qty_of = itemgetter(*qty_cols, 0) if qty_cols else (lambda r: ())
    value_of = itemgetter(*value_cols, 0) if value_cols else (lambda r: ())
    rows: dict[tuple[int, int], tuple] = {}
    closing: dict[tuple[int, int], int | None] = {}
    total = 0
    for r in fetched:
        key = (r[0], r[1])
        ro, rc = opening_rates.get(r[2]), closing_rates.get(r[2])
        if ro is None and rc is None:  # a warehouse pool (or none known): the ledger's
            row = (r[0], r[1], *r[3:])
            cv = None
            total += r[4] + sum(value_of(r)[:-1])
        else:
            oq = r[3]
            cq = oq + sum(qty_of(r)[:-1])
            ov = 0 if ro is None else cents_at_units(oq, ro)
            cv = 0 if rc is None else cents_at_units(cq, rc)
            row = (r[0], r[1], oq, ov, *r[5:])
            total += cv
        found = rows.get(key)
        if found is None:
            rows[key] = row
            closing[key] = cv
        else:  # several pools of one SKU in one warehouse (batches under 个别计价)
            before, mine = closing[key], cv
            if before is None:
                before = _ledger_closing(found, layout)
            if mine is None:
                mine = _ledger_closing(row, layout)
            rows[key] = (r[0], r[1], *(a + b for a, b in zip(found[2:], row[2:], strict=True)))
            closing[key] = before + mine
    return list(rows.values()), list(closing.values()), total


def _ledger_closing(row: tuple, layout: Layout) -> int:
    return row[3] + sum(row[c + 1] for c in layout.incoming + layout.outgoing)


def _aggregate(
    db: str,
    layout: Layout,
    union: list[str],
    union_params: list,
    wh_col: str,
    group: str,
    *,
    split: bool = False,
) -> list[tuple]:
    """The one aggregate query: (SKU, warehouse, pool, opening qty, opening value, then qty
    and value per reason) in whole units. CAST … AS BIGINT: PostgreSQL's SUM(bigint) is
    numeric, which Python would read as tens of thousands of Decimals. FILTER (SQLite ≥ 3.30,
    PostgreSQL) is cheaper than SUM(CASE …) per reason column. ``split``: each figure is added
    as a high and a low half (÷ 10⁶) so that no sum overflows 64 bits however many moves there
    are (jxc.core.fields.split_sum_sql, docs/ledger.md); the plain sums are tried first — the
    books' bounds make an overflow need thousands of the largest figures in one row."""
    sums = _split_sums if split else _sums
    columns = [*sums("u.oq"), *sums("u.ov")]
    select_params: list = []
    for r in layout.reasons:
        q, v = sums("u.q", "u.r = %s"), sums("u.v", "u.r = %s")
        columns += [*q, *v]
        select_params += [r] * (len(q) + len(v))
    sql = (
        f"SELECT u.k, {wh_col}, {', '.join(columns)} "
        f"FROM ({' UNION ALL '.join(union)}) u GROUP BY {group}"
    )
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [*select_params, *union_params])
        if not split:
            return cursor.fetchall()
        return [
            (r[0], r[1], r[2], *[h * SPLIT + lo for h, lo in zip(r[3::2], r[4::2], strict=True)])
            for r in cursor.fetchall()
        ]


def _vendor(db: str) -> str:
    return connections[db].vendor


def _sums(expr: str, where: str = "") -> list[str]:
    flt = f" FILTER (WHERE {where})" if where else ""
    return [f"COALESCE(CAST(SUM({expr}){flt} AS BIGINT), 0)"]


def _split_sums(expr: str, where: str = "") -> list[str]:
    """Two BIGINT columns: the sums of the high and the low part (÷ 10⁶) of the integer
    ``expr``, 0 over no rows."""
    flt = f" FILTER (WHERE {where})" if where else ""
    high = f"({expr}) / {SPLIT}"  # integer division, towards zero on both databases
    low = f"({expr}) - ({high}) * {SPLIT}"  # no "%": it would read as a query parameter
    return [
        f"COALESCE(CAST(SUM({high}){flt} AS BIGINT), 0)",
        f"COALESCE(CAST(SUM({low}){flt} AS BIGINT), 0)",
    ]


def _sql(qs: QuerySet) -> tuple[str, tuple]:
    return qs.query.get_compiler(using=qs.db).as_sql()


def movement_summary(
    *,
    user,
    start: dt.date,
    end: dt.date,
    warehouse=None,
    category=None,
    q: str = "",
    by_warehouse: bool = True,
    use_snapshots: bool = True,
) -> MovementSummary:
    """收发存汇总 of ``start`` … ``end`` (both included) in the user's warehouses.

    One aggregate query does the work: the month-end snapshot rows (opening), the moves after
    the snapshot up to the day before ``start`` (opening) and the period's moves, grouped by
    SKU (and warehouse) with one quantity and value column per reason that occurs.
    ``use_snapshots=False`` sums the opening over the whole ledger (to prove both agree)."""
    wh_ids = scoped_warehouse_ids(user, warehouse)
    skus = sku_filter(category=category, q=q)
    day_before = start - dt.timedelta(days=1)
    snapshot = snapshot_before(day_before) if use_snapshots else None
    if not wh_ids:
        empty = Layout([])
        return MovementSummary(
            start, end, by_warehouse, [], SummaryRow(None, None, [0] * 4, empty), [], [], snapshot
        )
    moves = scoped_moves(skus=skus, warehouses=wh_ids)
    period = moves.filter(date__gte=start, date__lte=end)
    present = {r for (r,) in period.values_list("reason").distinct()}
    layout = Layout([r for r in REASON_ORDER if r in present])

    parts: list[QuerySet] = []
    opening_moves = moves.filter(date__lte=day_before)
    if snapshot is not None:
        rows = StockSnapshot.objects.filter(period=snapshot, warehouse_id__in=wh_ids)
        if skus is not None:
            rows = rows.filter(sku_id__in=skus)
        parts.append(_opening_part(rows))
        opening_moves = opening_moves.filter(date__gt=snapshot.end_date)
    if snapshot is None or snapshot.end_date < day_before:
        parts.append(_opening_part(opening_moves))
    parts.append(_period_part(period))
    union: list[str] = []
    union_params: list = []
    for part in parts:
        sql, params = _sql(part)
        union.append(sql)
        union_params.extend(params)
    wh_col, group = ("u.w, u.p", "u.k, u.w, u.p") if by_warehouse else ("0, NULL", "u.k")
    try:  # by warehouse: one row per (SKU, warehouse, cost pool), valued below
        # (a savepoint on PostgreSQL, where a failed statement ends the transaction)
        guard = (
            transaction.atomic(using=period.db)
            if _vendor(period.db) == "postgresql"
            else nullcontext()
        )
        with guard:
            fetched = _aggregate(period.db, layout, union, union_params, wh_col, group)
    except (OperationalError, DataError) as exc:
        if "overflow" not in str(exc) and "out of range" not in str(exc):
            raise
        # a sum beyond 64 bits (SQLite: "integer overflow", PostgreSQL: "bigint out of
        # range"): add the high and low halves apart instead
        fetched = _aggregate(period.db, layout, union, union_params, wh_col, group, split=True)
    closing_values: list[int | None] | None = None
    total_cv: int | None = None
    if by_warehouse:
        result, closing_values, total_cv = _value_warehouses(fetched, layout, start, end, skus)
    else:
        result = [(r[0], r[1], *r[3:]) for r in fetched]

    info = sku_info(skus, (r[0] for r in result))
    warehouses = Warehouse.objects.in_bulk(wh_ids) if by_warehouse else {}
    if closing_values is None:
        out = [SummaryRow(info.get(r[0]), warehouses.get(r[1]), r, layout) for r in result]
    else:
        out = [
            SummaryRow(info.get(r[0]), warehouses.get(r[1]), r, layout, cv)
            for r, cv in zip(result, closing_values, strict=True)
        ]
    out.sort(key=lambda r: (r.sku.code if r.sku else "", r.warehouse.code if r.warehouse else ""))
    totals = [0, 0, *(sum(col) for col in list(zip(*result, strict=True))[2:])] if result else []
    if not result:
        totals = [0] * (4 + 2 * len(layout.reasons))
    return MovementSummary(
        start=start,
        end=end,
        by_warehouse=by_warehouse,
        rows=out,
        totals=SummaryRow(None, None, totals, layout, total_cv),
        receipt_reasons=[r for r in layout.reasons if r in INCOMING],
        issue_reasons=[r for r in layout.reasons if r not in INCOMING],
        snapshot=snapshot,
    )
