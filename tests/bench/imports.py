"""Imports at size (issue 16), through the import framework as the screens drive it — the
file read and checked by ``preview_import``, written by ``confirm_import`` (a file above
``INLINE_ROWS`` rows becomes a background job, applied here by ``jobs.run_import`` in the
same process, chunk by chunk as the worker does). Three figures:

- ``products``: N product rows, each with two units (个 and a 箱 of 12) and a barcode per unit:
  preview + confirm (target for N = 10,000: ≤ 10 s on SQLite);
- ``opening_stock``: 10 × N opening-stock lines (N SKUs × 10 warehouses), posted at once, so
  through the ledger writer (target for 100,000 lines: ≤ 60 s);
- ``busy``: while a 3 × N-row product import is applied in the background, 20 other users
  each post 其他入库单 (create → submit → approve → post) one after another: the p95 of one
  posting (target ≤ 500 ms) and how many failed (target: none); ``without_import``: the same
  20 users for 10 s before, without the import — the users are threads of this
  process and post without pause, so on a loaded machine their own queue is most of a
  posting's time, and the difference is what the import adds. On SQLite it also reports
  how long each writer held the write lock (``write_lock``: the longest turn of the import's
  worker and of the users, from ``BEGIN IMMEDIATE`` to ``COMMIT``).

``JXC_BENCH_IMPORTS_ONLY=busy`` runs only the products and the busy case (no opening stock).

The stock ledger self-check runs at the end and must be clean."""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
import time
from decimal import Decimal

SIZES = {"tiny": 40, "full": 10_000}
WAREHOUSES = 10
CLIENTS = 20
# the 20 users posting without the import first, for reference (the same machine load):
# seconds (1 at the tiny size)
QUIET_SECONDS = os.environ.get("JXC_BENCH_IMPORTS_QUIET")
ONLY = os.environ.get("JXC_BENCH_IMPORTS_ONLY", "")
HEADER = ["code", "name", "base_unit", "barcode", "unit2", "factor2", "barcode2", "retail_price"]


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _product_rows(prefix: str, n: int, base: str, box: str):
    yield HEADER
    for i in range(n):
        yield [
            f"{prefix}{i:06d}",
            f"导入压测商品{i}",
            base,
            f"69{prefix}{i:08d}",
            box,
            12,
            f"19{prefix}{i:08d}",
            "3.50",
        ]


def _import(kind: str, user, data: bytes, **kw) -> tuple[object, dict]:
    """Preview and confirm (and apply, when it became a background job): the batch and the
    wall and CPU seconds of each (on a shared machine the wall time also counts the others'
    load; the CPU seconds do not)."""
    from jxc.core import jobs
    from jxc.imports import services

    cpu0, t0 = time.process_time(), time.perf_counter()
    batch = services.preview_import(kind, user=user, data=data, **kw)
    cpu1, t1 = time.process_time(), time.perf_counter()
    if batch.status != "ready":
        raise AssertionError(f"{kind} preview: {batch.problems[:3]}")
    batch = services.confirm_import(batch, user=user)
    if batch.job_id is not None:
        job = jobs.run_import(batch.job_id)
        if job.status != "done":
            raise AssertionError(f"{kind} job: {job.error}")
    cpu2, t2 = time.process_time(), time.perf_counter()
    return batch, {
        "preview_seconds": round(t1 - t0, 3),
        "confirm_seconds": round(t2 - t1, 3),
        "seconds": round(t2 - t0, 3),
        "preview_cpu_seconds": round(cpu1 - cpu0, 3),
        "confirm_cpu_seconds": round(cpu2 - cpu1, 3),
        "cpu_seconds": round(cpu2 - cpu0, 3),
    }


def _products(user, n: int) -> dict:
    data = _xlsx(_product_rows("IB", n, "个-imp", "箱-imp"))
    _b, times = _import("products", user, data)
    return {
        "rows": n,
        "file_bytes": len(data),
        **times,
        "target_seconds": 10.0 if n >= 10_000 else None,
    }


def _opening_stock(user, n: int) -> dict:
    codes = [w.code for w in _warehouses(user)]
    rows = [["sku", "warehouse", "qty", "price"]]
    rows += [[f"IB{i:06d}", wh, 10 + i % 7, "2.5"] for wh in codes for i in range(n)]
    data = _xlsx(rows)
    options = {"date": dt.date(2026, 1, 1).isoformat(), "post": "yes"}
    _b, times = _import("opening-stock", user, data, options=options)
    lines = len(rows) - 1
    return {
        "lines": lines,
        **times,
        "lines_per_s": round(lines / max(times["seconds"], 1e-9), 1),
        "target_seconds": 60.0 if lines >= 100_000 else None,
    }


def _warehouses(user):
    from jxc.inventory import services as inventory
    from jxc.inventory.models import Warehouse

    found = list(Warehouse.objects.filter(code__startswith="IBW").order_by("code"))
    if found:
        return found
    return [
        inventory.create_warehouse(user=user, code=f"IBW{k:02d}", name=f"导入压测仓{k}")
        for k in range(WAREHOUSES)
    ]


def _clients(user, sku_ids: list[int], wh, stop: threading.Event, go: threading.Event):
    """20 users, each posting 其他入库单 (create → submit → approve → post) one after another
    until ``stop``: the seconds of each posting and the errors."""
    from django.db import connection

    from jxc.core.documents.lines import LineInput
    from jxc.inventory.documents import services as docs

    day = dt.date(2026, 1, 2)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        mine: list[float] = []
        try:
            go.wait()
            j = 0
            while not stop.is_set():
                t0 = time.perf_counter()
                try:
                    doc = docs.create_stock_document(
                        user=user,
                        kind="other_receipt",
                        warehouse=wh,
                        date=day,
                        reason="gift",
                        lines=[
                            LineInput(
                                sku=sku_ids[(k * 7 + j) % len(sku_ids)],
                                qty=Decimal(1),
                                price=Decimal("2.5"),
                            )
                        ],
                    )
                    doc = docs.approve_document(docs.submit_document(doc, user=user), user=user)
                    docs.post_document(doc, user=user)
                except Exception as exc:  # every failure is counted, none stops the others
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                mine.append(time.perf_counter() - t0)
                j += 1
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    return threads, latencies, errors


def _percentiles(latencies: list[float]) -> dict:
    latencies = sorted(latencies)

    def pct(p: float) -> float | None:
        if not latencies:
            return None
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {
        "postings": len(latencies),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "max_ms": pct(1.0),
    }


class _Holds:
    """How long each thread held SQLite's write lock (its turn, ``jxc.core.db.sqlite3``):
    the longest hold per role — the import's worker thread and the users' threads."""

    def __init__(self) -> None:
        self.longest: dict[str, float] = {}
        self.total: dict[str, float] = {}
        self.turns: dict[str, int] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> _Holds:
        from jxc.core.db.sqlite3 import base

        self._base = base
        self._take, self._give = base._Turn.take, base._Turn.give_back
        local = threading.local()
        holds = self

        def take(turn, timeout):
            got = holds._take(turn, timeout)
            if got:
                local.since = time.perf_counter()
            return got

        def give_back(turn):
            since = getattr(local, "since", None)
            local.since = None
            try:
                return holds._give(turn)
            finally:
                if since is not None:
                    held = time.perf_counter() - since
                    who = "import" if threading.current_thread().name == "importer" else "users"
                    with holds._lock:
                        holds.longest[who] = max(holds.longest.get(who, 0.0), held)
                        holds.total[who] = holds.total.get(who, 0.0) + held
                        holds.turns[who] = holds.turns.get(who, 0) + 1

        base._Turn.take, base._Turn.give_back = take, give_back  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc) -> None:
        self._base._Turn.take, self._base._Turn.give_back = self._take, self._give

    def figures(self) -> dict:
        return {
            who: {
                "turns": self.turns[who],
                "longest_ms": round(1000 * self.longest[who], 1),
                "mean_ms": round(1000 * self.total[who] / self.turns[who], 1),
                "held_seconds": round(self.total[who], 2),
            }
            for who in sorted(self.turns)
        }


def _busy(user, n: int) -> dict:
    """A 3 × N-row import applied in a thread while 20 users post documents; first the same
    20 users for as long without the import (what the machine's load alone gives them)."""
    from django.db import connection

    from jxc.catalog.models import Sku
    from jxc.core import jobs
    from jxc.imports import services
    from jxc.inventory.models import Warehouse

    rows = 3 * n
    data = _xlsx(_product_rows("IC", rows, "个-imp", "箱-imp"))
    batch = services.preview_import("products", user=user, data=data)
    batch = services.confirm_import(batch, user=user)
    sku_ids = list(
        Sku.objects.filter(code__startswith="IB").order_by("pk").values_list("pk", flat=True)[:200]
    )
    wh = Warehouse.objects.get(code="IBW00")
    connection.close()  # the clients' threads open their own

    # the reference: no import, for a fixed number of postings' worth of time
    go, stop = threading.Event(), threading.Event()
    threads, alone, alone_errors = _clients(user, sku_ids, wh, stop, go)
    go.set()
    quiet = float(QUIET_SECONDS or (1 if n < 1000 else 10))
    time.sleep(quiet)
    stop.set()
    for t in threads:
        t.join()

    holds = _Holds().__enter__() if connection.vendor == "sqlite" else None
    go, stop = threading.Event(), threading.Event()
    threads, latencies, errors = _clients(user, sku_ids, wh, stop, go)
    import_seconds: list[float] = []
    cpu = time.process_time()

    def importer() -> None:
        try:
            go.set()
            t0 = time.perf_counter()
            if batch.job_id is not None:
                job = jobs.run_import(batch.job_id)
                if job.status != "done":
                    errors.append(f"import: {job.error}")
            import_seconds.append(time.perf_counter() - t0)
        finally:
            stop.set()
            connection.close()

    imp = threading.Thread(target=importer, name="importer")
    imp.start()
    imp.join()
    for t in threads:
        t.join()
    if holds is not None:
        holds.__exit__()
    return {
        "import_rows": rows,
        "import_seconds": round(import_seconds[0], 3) if import_seconds else None,
        "process_cpu_seconds": round(time.process_time() - cpu, 3),
        "clients": CLIENTS,
        **_percentiles(latencies),
        "errors": len(errors),
        "first_errors": sorted(set(errors))[:3],
        "target_p95_ms": 500,
        "write_lock": holds.figures() if holds is not None else None,
        "without_import": {
            "seconds": quiet,
            **_percentiles(alone),
            "errors": len(alone_errors),
        },
    }


def run(size: int) -> dict:
    from jxc.catalog import services as catalog
    from jxc.core.accounts import create_user, ensure_default_roles
    from jxc.inventory.ledger.checks import ledger_problems

    # a size of one's own for before/after pairs between tiny and full
    size = int(os.environ.get("JXC_BENCH_IMPORTS_SIZE", size))
    ensure_default_roles()
    user = create_user(
        username="bench-imports", password="Zq7!pLx-2026-imp", roles=["owner"], is_superuser=True
    )
    catalog.create_unit(user=user, name="个-imp")
    catalog.create_unit(user=user, name="箱-imp")
    _warehouses(user)
    try:
        products = _products(user, size)
        opening = None if ONLY == "busy" else _opening_stock(user, size)
        busy = _busy(user, size)
        problems = ledger_problems()
        if problems:
            raise AssertionError("ledger self-check: " + "; ".join(problems[:5]))
    finally:
        # the benchmarks after this one in the same database see only their own stock
        from tests.bench._ledger_bench import drop_ledger_of

        drop_ledger_of("IB")
    load = os.getloadavg()
    return {
        "products": products,
        "opening_stock": opening,
        "busy": busy,
        "load_average": [round(x, 2) for x in load],
    }
