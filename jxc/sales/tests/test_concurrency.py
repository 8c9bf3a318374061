"""Orders that cannot oversell (ARCHITECTURE.md §5), on the database of the run — PostgreSQL
(row locks in SKU order, conditional reservation update) and SQLite (IMMEDIATE transactions
queue behind a busy timeout): many clients approving orders at once never reserve more than
is available, the losers get 库存不足 with its stable code, nobody sees a deadlock or
"database is locked", and the books check clean afterwards. Bounded in time."""

from __future__ import annotations

import queue
import random
import threading
import time
from collections import defaultdict
from decimal import Decimal as D

import pytest
from django.db import connection

from jxc.core.documents.lines import LineInput
from jxc.core.errors import DomainError
from jxc.inventory.models import StockBalance
from jxc.sales import orders
from jxc.sales.tests.conftest import make_sku

pytestmark = pytest.mark.django_db(transaction=True)


def assert_books_clean() -> None:
    """What ``jxc check`` checks of the data: the stock ledger, the party ledger, the
    reservations (jxc.cli.checks calls the same functions)."""
    from jxc.finance.checks import party_ledger_problems
    from jxc.inventory.ledger.checks import ledger_problems
    from jxc.sales.selectors import reservation_problems

    problems = ledger_problems() + party_ledger_problems() + reservation_problems()
    assert not problems, problems[:10]


def _order_and_approve(w, lines):
    """One client: a draft order, 提交, 审核 (the reservation)."""
    o = orders.create_sales_order(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today, lines=lines
    )
    o = orders.submit_sales_order(o, user=w.user)
    return orders.approve_sales_order(o, user=w.user)


def _run(n, work, *, limit_seconds):
    results: list = []
    unexpected: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(n)

    def wrap(i):
        try:
            start.wait(timeout=60)
            out = work(i)
            with lock:
                results.append(out)
        except BaseException as exc:
            with lock:
                unexpected.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(i,), daemon=True) for i in range(n)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, limit_seconds - (time.monotonic() - began)))
    assert not any(t.is_alive() for t in threads), "clients still running: a deadlock?"
    return results, unexpected


def test_fifty_clients_race_for_twenty_units(world):
    w = world
    w.receive(w.cola, 20, "1.00")

    def work(i):
        try:
            _order_and_approve(w, [LineInput(sku=w.cola.pk, qty=D(1))])
            return "ok"
        except DomainError as exc:
            return exc.code

    results, unexpected = _run(50, work, limit_seconds=240)
    assert not unexpected, [repr(e) for e in unexpected[:3]]  # no deadlock, no "locked"
    assert results.count("ok") == 20 and results.count("insufficient_available") == 30
    b = StockBalance.objects.get(sku=w.cola, warehouse=w.warehouse)
    assert (b.on_hand, b.reserved) == (20, 20)
    assert_books_clean()


class Server:
    """A server's worker pool: ``workers`` threads with a database connection each, serving
    the clients' requests in arrival order (as gunicorn's workers serve HTTP clients). The
    clients wait for their answer; nothing limits how many of them wait at once."""

    def __init__(self, workers: int):
        self.requests: queue.Queue = queue.Queue()
        self.threads = [threading.Thread(target=self._serve, daemon=True) for _ in range(workers)]
        for t in self.threads:
            t.start()

    def _serve(self) -> None:
        try:
            while True:
                item = self.requests.get()
                if item is None:
                    return
                fn, box, done = item
                try:
                    box.append(("ok", fn()))
                except BaseException as exc:
                    box.append(("error", exc))
                done.set()
        finally:
            connection.close()

    def call(self, fn):
        box: list = []
        done = threading.Event()
        self.requests.put((fn, box, done))
        done.wait()
        kind, value = box[0]
        if kind == "error":
            raise value
        return value

    def stop(self) -> None:
        for _ in self.threads:
            self.requests.put(None)
        for t in self.threads:
            t.join(timeout=60)


def test_two_hundred_clients_random_baskets_never_oversell(world):
    """200 clients, each ordering random baskets (1–5 of 10 SKUs, 1–3 each) for 10 seconds
    through a server of 8 workers: per SKU, initial − Σ accepted = final available ≥ 0."""
    w = world
    rnd = random.Random(15)
    skus = [make_sku(w.user, f"R{i}", w.unit, w.box, retail="3", wholesale="2") for i in range(10)]
    initial = {s.pk: D(rnd.randint(20, 60)) for s in skus}
    for s in skus:
        w.receive(s, initial[s.pk], "1.00")
    server = Server(8)
    deadline = time.monotonic() + 10
    accepted: dict[int, D] = defaultdict(D)
    lock = threading.Lock()

    def work(i):
        r = random.Random(i)
        counts = {"ok": 0, "short": 0}
        while time.monotonic() < deadline:
            basket = r.sample(skus, r.randint(1, 5))
            lines = [LineInput(sku=s.pk, qty=D(r.randint(1, 3))) for s in basket]
            try:
                server.call(lambda lines=lines: _order_and_approve(w, lines))
            except DomainError as exc:
                assert exc.code == "insufficient_available", exc.code
                counts["short"] += 1
                continue
            counts["ok"] += 1
            with lock:
                for x in lines:
                    accepted[x.sku] += x.qty
        return counts

    try:
        results, unexpected = _run(200, work, limit_seconds=300)
    finally:
        server.stop()
    assert not unexpected, [repr(e) for e in unexpected[:3]]
    assert sum(r["ok"] for r in results) > 0 and sum(r["short"] for r in results) > 0
    for s in skus:
        b = StockBalance.objects.get(sku=s, warehouse=w.warehouse)
        final = b.on_hand - b.reserved
        assert initial[s.pk] - accepted[s.pk] == final >= 0, s.code
    assert_books_clean()
