"""A backdated receipt into a big ledger (issue 3: a ledger of 1,000,000 moves with 1,000
later moves in the receipt's pool: ≤ 50 ms, and within 1.2× of the same case in a
100,000-move ledger).

The ledger is bulk-built, consistent with the costing engine (every move's value and pool
state are computed by jxc.inventory.ledger.costing, in (date, id) order) but inserted with
``executemany`` so a million moves take seconds. One SKU — the target — has an opening
receipt on 2025-01-01 and ``LATER`` moves (issues and receipts) from 2025-07-01 on. Each
measured posting is a one-line purchase receipt dated 2025-06-15 through ``record_moves``:
it re-values the ``LATER`` moves of the pool inside the posting transaction. The figure is
the median of five postings (after one warm-up, on a database settled after the bulk load:
WAL checkpointed / VACUUM ANALYZE); the ledger is then grown from 100,000 to 1,000,000 moves and
measured again. The target pool's stored states are checked against a fresh replay.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from decimal import Decimal

from jxc.core.documents.models import SourceRef

SIZES = {"tiny": 3_000, "full": 1_000_000}
PER_SKU = 50
REPEAT = 5
START = dt.date(2025, 1, 1)


class _Builder:
    def __init__(self, later: int):
        from jxc.catalog.models import Unit
        from jxc.inventory.models import Warehouse

        self.later = later
        self.rng = random.Random(11)
        self.unit = Unit.objects.create(name="个-backdated")
        self.whs = [Warehouse.objects.create(code=f"BD{i}", name=f"倒签仓{i}") for i in range(3)]
        self.next_id = 1
        self.skus = 0
        self.moves = 0
        self.target = None
        self.pools: dict[int, object] = {}

    def _skus(self, n: int) -> list:
        from jxc.catalog.models import Product, Sku
        from jxc.inventory.models import CostPool

        start = self.skus
        products = Product.objects.bulk_create(
            [
                Product(code=f"BDP{i:07d}", name=f"倒签商品{i}", base_unit=self.unit)
                for i in range(start, start + n)
            ],
            batch_size=2000,
        )
        skus = Sku.objects.bulk_create(
            [
                Sku(product=p, code=f"BDS{i:07d}", name=p.name)
                for i, p in zip(range(start, start + n), products, strict=True)
            ],
            batch_size=2000,
        )
        pools = CostPool.objects.bulk_create(
            [CostPool(sku=s, key="", method="moving_average") for s in skus], batch_size=2000
        )
        self.skus += n
        for p in pools:
            self.pools[p.pk] = p
        return list(zip(skus, pools, strict=True))

    def _sequence(self, first: dt.date, last: dt.date, count: int, opening: bool) -> list:
        """(date, qty, unit cost or None) of one SKU's moves: an opening receipt, then issues
        and receipts that never take the pool below zero."""
        rng = self.rng
        span = (last - first).days
        days = sorted(first + dt.timedelta(days=rng.randint(0, span)) for _ in range(count))
        out = []
        qty = 0
        if opening:
            out.append((START, Decimal(5000), Decimal(rng.randint(500, 5000)) / 100))
            qty = 5000
        for d in days:
            if qty > 20 and rng.random() < 0.6:
                q = rng.randint(1, 5)
                out.append((d, Decimal(-q), None))
                qty -= q
            else:
                q = rng.randint(1, 20)
                out.append((d, Decimal(q), Decimal(rng.randint(500, 5000)) / 100))
                qty += q
        return out

    def add(self, n_moves: int) -> None:
        """Grow the ledger by about ``n_moves`` moves (the first call adds the target SKU)."""
        from django.db import transaction

        rows: list[tuple] = []
        with transaction.atomic():
            if self.target is None:
                ((sku, pool),) = self._skus(1)
                self.target = (sku, pool, self.whs[0])
                seq = self._sequence(dt.date(2025, 7, 1), dt.date(2025, 12, 31), self.later, True)
                rows += self._rows(sku, pool, self.whs[0], seq)
                n_moves -= len(seq)
            n_skus = max(1, n_moves // PER_SKU)
            for i, (sku, pool) in enumerate(self._skus(n_skus)):
                seq = self._sequence(START, dt.date(2025, 12, 31), PER_SKU - 1, True)
                rows += self._rows(sku, pool, self.whs[i % 3], seq)
            self._insert(rows)

    def _rows(self, sku, pool, wh, seq) -> list[tuple]:
        from jxc.inventory.ledger.costing.state import AVERAGE, ISSUE, RECEIPT, CostSpec, PoolState
        from jxc.inventory.ledger.costing.valuation import cost_move

        state = PoolState(AVERAGE)
        out = []
        for d, q, cost in seq:
            spec = CostSpec(RECEIPT if q > 0 else ISSUE, q, unit_cost=cost)
            res = cost_move(state, spec)
            out.append(
                (
                    d,
                    sku.pk,
                    wh.pk,
                    pool.pk,
                    q,
                    res.unit_cost,
                    res.value,
                    cost is not None,
                    state.qty,
                    state.value,
                    state.unit_cost,
                )
            )
        pool.qty, pool.value, pool.unit_cost = state.qty, state.value, state.unit_cost
        pool._wh = wh
        pool._sku = sku
        return out

    def _insert(self, rows: list[tuple]) -> None:
        from django.core.management.color import no_style
        from django.db import connection
        from django.utils import timezone

        from jxc.core.numbers import ZERO, value_of
        from jxc.inventory.models import CostPool, StockBalance, StockMove

        rows.sort(key=lambda r: r[0])  # global date order: ids grow with (date, entry)
        top = StockMove.objects.order_by("-id").values_list("id", flat=True).first()
        self.next_id = max(self.next_id, (top or 0) + 1)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sqlite = connection.vendor == "sqlite"
        cols = [
            "id", "date", "sku_id", "warehouse_id", "pool_id", "qty", "unit_cost", "value",
            "variance", "cost_basis", "reason", "source_kind", "source_id", "source_number",
            "pool_qty_after", "pool_value_after", "pool_unit_cost_after", "created_at",
        ]  # fmt: skip
        sql = (
            f"INSERT INTO {StockMove._meta.db_table} ({', '.join(cols)}) "
            f"VALUES ({', '.join(['%s'] * len(cols))})"
        )

        def val(x):
            if sqlite and isinstance(x, Decimal):
                return str(x)
            if sqlite and isinstance(x, dt.date):
                return x.isoformat()
            return x

        last: dict[int, tuple] = {}
        params = []
        for d, sku, wh, pool, q, uc, v, given, qa, va, uca in rows:
            mid = self.next_id
            self.next_id += 1
            last[pool] = (d, mid)
            params.append(
                [val(x) for x in (mid, d, sku, wh, pool, q, uc, v, ZERO,
                                  "c" if given else "p",
                                  "purchase_receipt" if q > 0 else "sales_delivery",
                                  "bench", mid, f"BD{mid:08d}", qa, va, uca)] + [now]
            )  # fmt: skip
        with connection.cursor() as cur:
            for i in range(0, len(params), 20000):
                cur.executemany(sql, params[i : i + 20000])
            for stmt in connection.ops.sequence_reset_sql(no_style(), [StockMove]):
                cur.execute(stmt)
        pools = {pid: self.pools[pid] for pid in {row[3] for row in rows}}
        for p in pools.values():
            p.last_date, p.last_move_id = last[p.pk]
        CostPool.objects.bulk_update(
            list(pools.values()),
            ["qty", "value", "unit_cost", "last_date", "last_move_id"],
            batch_size=1000,
        )
        StockBalance.objects.bulk_create(
            [
                StockBalance(
                    sku_id=p._sku.pk,
                    warehouse_id=p._wh.pk,
                    on_hand=p.qty,
                    value=value_of(p.qty, p.unit_cost or ZERO),
                    last_date=p.last_date,
                )
                for p in pools.values()
            ],
            batch_size=2000,
        )
        self.moves += len(rows)


def _measure(builder: _Builder) -> dict:
    from django.db import transaction

    from jxc.inventory.choices import MoveReason as R
    from jxc.inventory.ledger.types import StockLine
    from jxc.inventory.models import StockMove
    from jxc.inventory.services import record_moves

    sku, pool, wh = builder.target
    _settle()
    times = []
    for i in range(REPEAT + 1):  # the first posting warms caches up and is not counted
        line = StockLine(
            sku=sku.pk,
            warehouse=wh.pk,
            qty=Decimal(10),
            reason=R.PURCHASE_RECEIPT,
            date=dt.date(2025, 6, 15),
            unit_cost=Decimal("12.34") + i,
        )
        started = time.perf_counter()
        with transaction.atomic():
            record_moves([line], source=SourceRef("bench", 10**9 + i, f"BD-LATE-{i}"), user=None)
        if i:
            times.append(time.perf_counter() - started)
    later = StockMove.objects.filter(pool_id=pool.pk, date__gt=dt.date(2025, 6, 15)).count()
    _check_target(pool.pk)
    return {
        "ledger_moves": StockMove.objects.count(),
        "later_moves_in_pool": later,
        "median_ms": round(1000 * statistics.median(times), 2),
        "all_ms": [round(1000 * t, 2) for t in times],
    }


def _settle() -> None:
    """Steady state after a bulk load, as a live database would be: SQLite's WAL written
    back, PostgreSQL's new rows vacuumed (visibility, hint bits) and analysed."""
    from django.db import connection

    from jxc.inventory.models import StockMove

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cur.execute(f"VACUUM ANALYZE {StockMove._meta.db_table}")


def _check_target(pool_id: int) -> None:
    """The target pool's stored after-states equal a fresh replay of its moves."""
    from jxc.inventory.ledger.costing.state import AVERAGE, ISSUE, RECEIPT, CostSpec, PoolState
    from jxc.inventory.ledger.costing.valuation import cost_move
    from jxc.inventory.models import CostPool, StockMove

    state = PoolState(AVERAGE)
    for q, uc, v, basis, qa, va in (
        StockMove.objects.filter(pool_id=pool_id)
        .order_by("date", "id")
        .values_list(
            "qty", "unit_cost", "value", "cost_basis", "pool_qty_after", "pool_value_after"
        )
    ):
        spec = CostSpec(RECEIPT if q > 0 else ISSUE, q, unit_cost=uc if basis == "c" else None)
        res = cost_move(state, spec)
        if (res.value, state.qty, state.value) != (v, qa, va):
            raise AssertionError(
                f"target pool replays to {res.value}/{state.value}, stored {v}/{va}"
            )
    pool = CostPool.objects.get(pk=pool_id)
    if (pool.qty, pool.value) != (state.qty, state.value):
        raise AssertionError("target pool row differs from its moves")


def run(size: int) -> dict:
    from tests.bench._ledger_bench import drop_ledger_of

    try:
        return _run(size)
    finally:
        drop_ledger_of("BDS")


def _run(size: int) -> dict:
    if size >= 1_000_000:
        later, steps = 1000, [100_000, size]
    else:
        later, steps = 100, [size // 3, size]
    builder = _Builder(later)
    out: dict = {"later_target": later, "steps": []}
    for n in steps:
        started = time.perf_counter()
        builder.add(n - builder.moves)
        built = time.perf_counter() - started
        figures = _measure(builder)
        figures["build_seconds"] = round(built, 1)
        out["steps"].append(figures)
    a, b = out["steps"][0]["median_ms"], out["steps"][-1]["median_ms"]
    out["ratio_big_to_small"] = round(b / a, 3) if a else None
    out["target_ms"] = 50
    if size < 100_000:
        from jxc.inventory.ledger.checks import ledger_problems

        problems = ledger_problems(deep=True)
        if problems:
            raise AssertionError("ledger self-check: " + "; ".join(problems[:5]))
    return out
