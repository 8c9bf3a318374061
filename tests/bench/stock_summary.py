"""收发存汇总 for one month over a large ledger (issue 3: 1,000,000 moves and 20,000 SKUs in
≤ 1 s and ≤ 300 MB).

A year of moves is bulk-built (tests/bench/_stock_ledger.py), the first eleven months are
closed through the real period close (which writes the month-end snapshots), and the summary
of the twelfth month is measured: wall time (first call and best of three), Python heap peak
(tracemalloc) and the peak RSS (VmHWM) of a fresh process that only runs the summary. The result is
checked: the totals' closing equals the whole ledger summed without snapshots, and
期初 + 入 − 出 = 期末 on every row.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal

SIZES = {"tiny": 3000, "full": 1_000_000}
MONTHS = 12
FIRST = (2025, 1)

CHILD = """
import json, os, resource, sys, time, datetime as dt
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jxc.settings")
import django
django.setup()
from jxc.reports.summary import movement_summary
start = dt.date.fromisoformat(sys.argv[1]); end = dt.date.fromisoformat(sys.argv[2])
t, c = time.perf_counter(), time.process_time()
s = movement_summary(user=None, start=start, end=end)
seconds, cpu = time.perf_counter() - t, time.process_time() - c
# VmHWM: this process's own peak. ru_maxrss would also count the parent it was forked from
# (Linux carries the peak across exec), i.e. the process that built the ledger.
try:
    with open("/proc/self/status") as f:
        rss_kb = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
except OSError:
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": len(s.rows), "max_rss_mb": rss_kb / 1024}))
"""


def _summary(start, end, **kw):
    from jxc.reports.summary import movement_summary

    return movement_summary(user=None, start=start, end=end, **kw)


def run(size: int) -> dict:
    from jxc.core.periods import close_period, month_bounds
    from jxc.inventory.models import CostPool
    from jxc.inventory.snapshot_models import StockSnapshot
    from jxc.inventory.snapshots import valued_positions_at
    from tests.bench import _stock_ledger

    skus = 20_000 if size >= 1_000_000 else max(size // 30, 20)
    started = time.perf_counter()
    built = _stock_ledger.build(skus=skus, moves=size, months=MONTHS, first_month=FIRST)
    build_seconds = time.perf_counter() - started

    months = _stock_ledger._months(FIRST, MONTHS)
    started = time.perf_counter()
    for y, m in months[:-1]:
        close_period(year=y, month=m, user=None)
    close_seconds = (time.perf_counter() - started) / (len(months) - 1)
    _checkpoint()
    start, end = month_bounds(*months[-1])

    started, cpu_started = time.perf_counter(), time.process_time()
    summary = _summary(start, end)
    first, first_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    times, cpu_times = [], []
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        _summary(start, end)
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
    tracemalloc.start()
    _summary(start, end)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # Without the snapshot: the opening is summed over the whole ledger before the month.
    started = time.perf_counter()
    _summary(start, end, use_snapshots=False)
    no_snapshot = time.perf_counter() - started

    child = subprocess.run(
        [sys.executable, "-c", CHILD, start.isoformat(), end.isoformat()],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
    )
    fresh = json.loads(child.stdout)

    # The figures are right: closing = the whole ledger (per warehouse: quantity × the
    # pool's unit cost, docs/adr/0005); every row and the totals add up; per SKU the closing
    # is the pools' value.
    whole = valued_positions_at(end, use_snapshots=False)
    t = summary.totals
    assert t.closing.qty == sum((p.qty for p in whole.values()), Decimal(0))
    assert t.closing.value == sum((p.value for p in whole.values()), Decimal(0))
    pools = CostPool.objects.all()
    per_sku = _summary(start, end, by_warehouse=False).totals
    assert per_sku.closing.value == sum((p.value for p in pools), Decimal(0))
    for row in [*summary.rows, t]:
        assert row.opening.qty + row.received.qty - row.issued.qty == row.closing.qty
        assert (
            row.opening.value + row.received.value - row.issued.value + row.cost_difference
            == row.closing.value
        )
    for row in summary.rows:
        assert whole.get((row.sku.id, row.warehouse.id), (Decimal(0), Decimal(0)))[1] == (
            row.closing.value
        )

    return {
        "moves": built.moves,
        "skus": len(built.sku_ids),
        "warehouses": len(built.warehouse_ids),
        "months": MONTHS,
        "moves_in_month": _moves_between(start, end),
        "summary_rows": len(summary.rows),
        "snapshot_rows": StockSnapshot.objects.filter(
            period__end_date=start - dt.timedelta(days=1)
        ).count(),
        "build_seconds": round(build_seconds, 2),
        "close_month_seconds": round(close_seconds, 3),
        "summary_first_seconds": round(first, 4),
        "summary_best_seconds": round(min(times), 4),
        # CPU time of this process (SQLite runs inside it): what the summary costs when the
        # machine is not shared; wall time above is inflated by other processes' load.
        "summary_first_cpu_seconds": round(first_cpu, 4),
        "summary_best_cpu_seconds": round(min(cpu_times), 4),
        "summary_without_snapshot_seconds": round(no_snapshot, 4),
        "python_heap_peak_mb": round(peak / 2**20, 1),
        "fresh_process_seconds": round(fresh["seconds"], 4),
        "fresh_process_cpu_seconds": round(fresh["cpu"], 4),
        "fresh_process_max_rss_mb": round(fresh["max_rss_mb"], 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "target": "<= 1 s and <= 300 MB at 1,000,000 moves / 20,000 SKUs",
        "within_target": max(first, fresh["seconds"]) <= 1.0 and fresh["max_rss_mb"] <= 300,
        "within_target_cpu": max(first_cpu, fresh["cpu"]) <= 1.0 and fresh["max_rss_mb"] <= 300,
    }


def _checkpoint() -> None:
    """After the bulk load, what a running database does by itself: SQLite folds its
    write-ahead log into the file (a log grown by a million inserts slows every read);
    PostgreSQL's autovacuum analyzes the new rows (the planner needs their statistics)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


def _moves_between(start, end) -> int:
    from jxc.inventory.models import StockMove

    return StockMove.objects.filter(date__gte=start, date__lte=end).count()
