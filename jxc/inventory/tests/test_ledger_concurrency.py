"""Concurrent postings on the same SKUs (ARCHITECTURE.md §5): on PostgreSQL row locks taken
in SKU, then (SKU, warehouse) order — no deadlock, no lost update; on SQLite IMMEDIATE
transactions queue the writers — no "database is locked" reaches the caller. Reservations
never take more than is available, also when threads race for the last units."""

import random
import threading
from decimal import Decimal as D

import pytest
from django.db import connection, transaction

from jxc.core.errors import InsufficientAvailable, InsufficientStock
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.models import StockBalance, StockMove
from jxc.inventory.testing import LedgerKit, assert_ledger_consistent

THREADS = 4
DOCS_PER_THREAD = 12


def _run_threads(target, n=THREADS):
    errors: list[BaseException] = []

    def wrap(i):
        try:
            target(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, f"{len(errors)} thread(s) failed: {errors[:3]!r}"


def _postings(kit, skus, whs):
    """Each thread posts documents of 4–6 lines over the same SKUs in random line order:
    receipts, issues and transfers, some of them backdated."""
    done = []
    lock = threading.Lock()

    def work(i):
        rnd = random.Random(i)
        for n in range(DOCS_PER_THREAD):
            lines = []
            for _ in range(rnd.randint(2, 3)):
                sku, wh = rnd.choice(skus), rnd.choice(whs)
                day = rnd.randint(1, 20)
                lines.append(
                    kit.line(
                        sku,
                        wh,
                        rnd.randint(1, 5),
                        R.PURCHASE_RECEIPT,
                        day,
                        unit_cost=D(rnd.randint(100, 999)) / 100,
                    )
                )
                lines.append(kit.line(sku, wh, -rnd.randint(1, 3), R.SALES_DELIVERY, day + 1))
            rnd.shuffle(lines)
            if n % 3 == 0:
                a, b = rnd.sample(whs, 2)
                sku = rnd.choice(skus)
                lines += [
                    kit.line(sku, a, -1, R.TRANSFER_OUT, 21),
                    kit.line(sku, b, 1, R.TRANSFER_IN, 21, origin_line=len(lines)),
                ]
            try:
                with transaction.atomic():
                    moves = kit.post(lines)
            except InsufficientStock:
                continue
            with lock:
                done.extend((m.sku_id, m.warehouse_id, m.qty) for m in moves)

    _run_threads(work)
    return done


def _check_totals(done, skus, whs):
    for sku in skus:
        for wh in whs:
            want = sum((q for s, w, q in done if s == sku.pk and w == wh.pk), D(0))
            b = StockBalance.objects.filter(sku=sku, warehouse=wh).first()
            assert (b.on_hand if b else D(0)) == want
    assert StockMove.objects.count() == len(done)
    assert_ledger_consistent()


def _world(owner, method, scope):
    kit = LedgerKit(user=owner)
    kit.company(costing_method=method, cost_scope=scope)
    skus = [kit.sku(f"C{i}", price="1") for i in range(3)]
    whs = [kit.warehouse(f"H{i}") for i in range(2)]
    # opening stock so that most issues can go through
    kit.post([kit.line(s, w, 50, R.OPENING, 1, unit_cost=D("5")) for s in skus for w in whs])
    return kit, skus, whs


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method,scope", [("moving_average", "company"), ("fifo", "warehouse")])
def test_postgres_threads_never_deadlock_or_lose_an_update(owner, method, scope):
    kit, skus, whs = _world(owner, method, scope)
    done = _postings(kit, skus, whs)
    done += [(s.pk, w.pk, D(50)) for s in skus for w in whs]
    _check_totals(done, skus, whs)


@pytest.mark.django_db(transaction=True)
def test_sqlite_or_postgres_writers_queue(owner):
    """The same storm on the database of this run (SQLite: IMMEDIATE + busy timeout)."""
    kit, skus, whs = _world(owner, "moving_average", "warehouse")
    done = _postings(kit, skus, whs)
    done += [(s.pk, w.pk, D(50)) for s in skus for w in whs]
    _check_totals(done, skus, whs)


@pytest.mark.django_db(transaction=True)
def test_reservations_race_for_the_last_units(owner):
    from jxc.inventory.services import reserve

    kit = LedgerKit(user=owner)
    sku, wh = kit.sku("R", price="1"), kit.warehouse("R")
    kit.receive(sku, wh, "10", "1")
    won = []

    def work(i):
        for _ in range(4):
            try:
                reserve(sku=sku, warehouse=wh, qty=D(1))
                won.append(i)
            except InsufficientAvailable:
                pass

    _run_threads(work, n=THREADS)
    b = StockBalance.objects.get(sku=sku, warehouse=wh)
    assert len(won) == 10 and b.reserved == 10 and b.on_hand == 10
    assert_ledger_consistent()
