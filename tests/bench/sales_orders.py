"""Sales under load (issue 15, concurrency): three figures.

- ``hot_sku``: orders of 1 unit of one SKU — created, submitted and approved (the reservation)
  through ``jxc.sales.orders`` — from 8 client processes at once (forked workers, each its
  own connection, as a server's workers): orders/s and the p50 / p95 latency of one order
  (target on PostgreSQL ≥ 200 orders/s, p95 ≤ 100 ms), the client's and the server's CPU
  per order and how long an approval keeps the SKU's row locked. ``hot_sku.threads``: the
  same orders from 8 threads of this one process (what the figure was before: the
  interpreter lock caps it before any row lock matters).
- ``full_flow``: order of 5 lines → 审核 (reserve) → 生成出库单 → 过账 (stock out at cost,
  COGS, receivable) → receipt with settlement, one after another (target ≥ 250 flows/s on
  SQLite, ≥ 100 on PostgreSQL). The receipt is a 收款单 through the finance service
  (record_customer_payment), settled oldest first; ``cpu_seconds`` is the process time the
  flows took (what a loaded machine does not inflate).
- ``ledger_delivery``: 5-line delivery postings straight into the ledger writer
  (``record_moves``, reason sales_delivery; target ≥ 800 docs/s SQLite, ≥ 250 PostgreSQL).

``statements_per_order`` and ``statements_per_flow``: the SQL statements of one order / one
flow, counted before the timed runs (what a step costs whatever the machine's load; bounded
by jxc/sales/tests/test_statements.py). The ledger and reservation self-checks run at the end
and must be clean."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from decimal import Decimal

SIZES = {"tiny": 16, "full": 800}
LINES = 5
CLIENTS = 8


def _setup():
    from django.utils import timezone

    from jxc.catalog import services as catalog
    from jxc.catalog.rules import UnitSpec
    from jxc.core.accounts import create_user, ensure_default_roles
    from jxc.inventory import services as inventory
    from jxc.partners.services import create_customer

    ensure_default_roles()
    user = create_user(
        username="bench-sales", password="Zq7!pLx-2026-sale", roles=["owner"], is_superuser=False
    )
    unit = catalog.create_unit(user=user, name="个-sales")
    product = catalog.create_product(
        user=user,
        code="SB",
        name="销售压测商品",
        base_unit=unit,
        units=[
            UnitSpec(
                unit_id=unit.pk,
                prices={"purchase_price": Decimal("3"), "retail_price": Decimal("9")},
            )
        ],
        attribute1="色",
        values1=[f"C{i:02d}" for i in range(10)],
        attribute2="码",
        values2=[f"S{j:02d}" for j in range(5)],
    )
    skus = list(product.skus.order_by("pk").values_list("pk", flat=True))
    warehouse = inventory.create_warehouse(user=user, code="SB", name="销售压测仓")
    customer = create_customer(user=user, code="SB-KH", name="压测客户")
    return user, skus, warehouse, customer, timezone.localdate()


def _stock(user, skus, warehouse, qty: Decimal, day: dt.date) -> None:
    from jxc.core.documents.models import SourceRef
    from jxc.inventory import services as inventory
    from jxc.inventory.choices import MoveReason
    from jxc.inventory.ledger.types import StockLine

    inventory.record_moves(
        [
            StockLine(
                sku=s,
                warehouse=warehouse.pk,
                qty=qty,
                reason=MoveReason.OPENING,
                date=day - dt.timedelta(days=1),
                unit_cost=Decimal("3.25"),
            )
            for s in skus
        ],
        source=SourceRef(kind="bench_opening", id=1, number="SB-OPEN"),
        user=user,
    )


def _order(user, customer, warehouse, day, lines):
    from jxc.sales import orders

    o = orders.create_sales_order(
        user=user, customer=customer, warehouse=warehouse, date=day, lines=lines
    )
    o = orders.submit_sales_order(o, user=user)
    return orders.approve_sales_order(o, user=user)


def _figures(latencies: list[float], wall: float) -> dict:
    latencies = sorted(latencies)

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 2)

    return {
        "orders": len(latencies),
        "clients": CLIENTS,
        "seconds": round(wall, 3),
        "orders_per_s": round(len(latencies) / wall, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
    }


def _statements_of_one_order(user, customer, warehouse, day, sku) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jxc.core.documents.lines import LineInput

    with CaptureQueriesContext(connection) as counted:  # what one order costs, whatever the load
        _order(user, customer, warehouse, day, [LineInput(sku=sku, qty=Decimal(1))])
    return len(counted.captured_queries)


def _hot_sku_threads(size: int, user, customer, warehouse, day, sku) -> dict:
    """The clients as threads of this process: one interpreter lock for all of them, so this
    measures the interpreter more than the database (kept to compare)."""
    from django.db import connection

    from jxc.core.documents.lines import LineInput

    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[BaseException] = []
    per = max(1, size // CLIENTS)
    start = threading.Barrier(CLIENTS)

    def client() -> None:
        mine = []
        try:
            start.wait()
            for _ in range(per):
                t0 = time.perf_counter()
                _order(user, customer, warehouse, day, [LineInput(sku=sku, qty=Decimal(1))])
                mine.append(time.perf_counter() - t0)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    if errors:
        raise errors[0]
    return _figures(latencies, wall)


def _backend_cpu() -> float | None:
    """CPU seconds of this connection's server process (PostgreSQL on this machine), or None."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _hot_worker(per, user, customer, warehouse, day, sku, barrier, results) -> None:
    """One client process: its own connection, ``per`` orders, its figures to ``results``.
    How long each approval held the SKU's row: from the reservation's return to COMMIT (the
    row is locked by the reservation's UPDATE until then)."""
    from django.db import connection, transaction

    from jxc.core.documents.lines import LineInput
    from jxc.sales import orders

    out: dict = {"latencies": [], "held": []}
    reserve = orders.reserve_lines

    def timed_reserve(*args, **kwargs):
        reserve(*args, **kwargs)
        reserved = time.perf_counter()
        transaction.on_commit(lambda: out["held"].append(time.perf_counter() - reserved))

    orders.reserve_lines = timed_reserve  # type: ignore[assignment]  # this process only
    try:
        connection.ensure_connection()
        server = _backend_cpu()
        cpu = time.process_time()
        barrier.wait(timeout=120)
        out["start"] = time.perf_counter()
        for _ in range(per):
            t0 = time.perf_counter()
            _order(user, customer, warehouse, day, [LineInput(sku=sku, qty=Decimal(1))])
            out["latencies"].append(time.perf_counter() - t0)
        out["end"] = time.perf_counter()
        out["cpu"] = time.process_time() - cpu
        after = _backend_cpu()
        out["server_cpu"] = None if server is None or after is None else after - server
    except BaseException as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
        results.put(out)


def _hot_sku_processes(size: int, user, customer, warehouse, day, sku) -> dict:
    """The clients as worker processes (forked, each its own connection, as a server's
    workers): the database's row locking is measured, not one interpreter lock. Besides the
    orders/s and latency: the client and server CPU per order and how long the SKU's row
    stayed locked per approval (p50 / p95)."""
    import multiprocessing

    from django.db import connections

    ctx = multiprocessing.get_context("fork")
    per = max(1, size // CLIENTS)
    barrier = ctx.Barrier(CLIENTS)
    results = ctx.Queue()
    connections.close_all()  # a connection forked into the workers would be shared by them
    workers = [
        ctx.Process(
            target=_hot_worker,
            args=(per, user, customer, warehouse, day, sku, barrier, results),
        )
        for _ in range(CLIENTS)
    ]
    for w in workers:
        w.start()
    done = [results.get(timeout=600) for _ in workers]
    for w in workers:
        w.join()
    errors = [d["error"] for d in done if "error" in d]
    if errors:
        raise RuntimeError(errors[0])
    latencies = [x for d in done for x in d["latencies"]]
    held = sorted(x for d in done for x in d["held"])
    wall = max(d["end"] for d in done) - min(d["start"] for d in done)
    figures = _figures(latencies, wall)
    figures["client_cpu_ms_per_order"] = round(
        1000 * sum(d["cpu"] for d in done) / len(latencies), 2
    )
    if all(d["server_cpu"] is not None for d in done):
        figures["server_cpu_ms_per_order"] = round(
            1000 * sum(d["server_cpu"] for d in done) / len(latencies), 2
        )
    figures["row_held_ms_p50"] = round(1000 * held[len(held) // 2], 3)
    figures["row_held_ms_p95"] = round(1000 * held[min(len(held) - 1, int(0.95 * len(held)))], 3)
    return figures


def _hot_sku(size: int, user, customer, warehouse, day, sku) -> dict:
    statements = _statements_of_one_order(user, customer, warehouse, day, sku)
    figures = _hot_sku_processes(size, user, customer, warehouse, day, sku)
    figures["statements_per_order"] = statements
    figures["threads"] = _hot_sku_threads(size, user, customer, warehouse, day, sku)
    return figures


def _receipt(user, customer, account, amount: Decimal, day: dt.date) -> None:
    """收款单 through the finance service, settled oldest first (the delivery just posted)."""
    from jxc.finance.payments import record_customer_payment

    record_customer_payment(customer=customer, user=user, account=account, amount=amount, date=day)


def _full_flow(size: int, rng, user, customer, warehouse, day, skus) -> dict:
    from jxc.core.documents import actions
    from jxc.core.documents.lines import LineInput
    from jxc.finance.services import create_account
    from jxc.sales import deliveries

    baskets = [
        [
            LineInput(
                sku=s, qty=Decimal(rng.randint(1, 3)), price=Decimal(rng.randint(500, 999)) / 100
            )
            for s in rng.sample(skus, LINES)
        ]
        for _ in range(size + 1)
    ]
    account = create_account(user=user, code="SB-YH", name="销售压测银行", kind="bank")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def flow(lines) -> list[float]:
        t0 = time.perf_counter()
        order = _order(user, customer, warehouse, day, lines)
        t1 = time.perf_counter()
        d = deliveries.deliver_orders([order], user=user, date=day)
        d = actions.approve(actions.submit(d, user=user), user=user)
        t2 = time.perf_counter()
        d = deliveries.post_sales_delivery(d, user=user)
        t3 = time.perf_counter()
        _receipt(user, customer, account, d.total_amount, day)
        return [t0, t1, t2, t3, time.perf_counter()]

    with CaptureQueriesContext(connection) as counted:  # what one flow costs, whatever the load
        flow(baskets.pop())
    steps = dict.fromkeys(("order", "deliver", "post", "receipt"), 0.0)
    began = time.perf_counter()
    cpu = time.process_time()
    for lines in baskets:
        t = flow(lines)
        for name, a, b in zip(steps, t[:-1], t[1:], strict=True):
            steps[name] += b - a
    wall = time.perf_counter() - began
    cpu = time.process_time() - cpu
    return {
        "flows": size,
        "lines_per_order": LINES,
        "seconds": round(wall, 3),
        "flows_per_s": round(size / wall, 1),
        "cpu_seconds": round(cpu, 3),
        "step_ms": {k: round(1000 * v / size, 3) for k, v in steps.items()},
        "statements_per_flow": len(counted.captured_queries),
        "receipt": "收款单 (record_customer_payment), settled oldest first",
    }


def _ledger_delivery(size: int, rng, user, warehouse, day, skus) -> dict:
    from jxc.core.documents.models import SourceRef
    from jxc.inventory import services as inventory
    from jxc.inventory.choices import MoveReason
    from jxc.inventory.ledger.types import StockLine

    docs = [
        [
            StockLine(
                sku=s,
                warehouse=warehouse.pk,
                qty=-Decimal(rng.randint(1, 2)),
                reason=MoveReason.SALES_DELIVERY,
                date=day,
                source_line=i,
            )
            for i, s in enumerate(rng.sample(skus, LINES))
        ]
        for _ in range(size)
    ]
    began = time.perf_counter()
    for n, lines in enumerate(docs):
        inventory.record_moves(
            lines,
            source=SourceRef(kind="sales_delivery", id=10**6 + n, number=f"SB-L{n}"),
            user=user,
        )
    wall = time.perf_counter() - began
    return {"documents": size, "seconds": round(wall, 3), "docs_per_s": round(size / wall, 1)}


def run(size: int) -> dict:
    from tests.bench._ledger_bench import drop_ledger_of

    rng = random.Random(15)
    user, skus, warehouse, customer, day = _setup()
    try:
        _stock(user, skus, warehouse, Decimal(20 * size + 100), day)
        hot = _hot_sku(size, user, customer, warehouse, day, skus[0])
        flow = _full_flow(max(1, size // 4), rng, user, customer, warehouse, day, skus[1:])
        ledger = _ledger_delivery(size, rng, user, warehouse, day, skus[1:])
        from jxc.finance.checks import party_ledger_problems
        from jxc.inventory.ledger.checks import ledger_problems
        from jxc.sales.selectors import reservation_problems

        problems = ledger_problems() + party_ledger_problems() + reservation_problems()
        if problems:
            raise AssertionError("self-checks after the benchmark: " + "; ".join(problems[:5]))
        return {"hot_sku": hot, "full_flow": flow, "ledger_delivery": ledger}
    finally:
        drop_ledger_of("SB")
