"""The reads a posting makes with its locks, on SQLite (issue 10 §2; docs/ledger.md, ninth
pass "fifoout"): SQLite has no row locks, so its reads keep no lock order — the balance rows
without the guard that waits for every SKU's ledger row and without ORDER BY — and each row
is found by one probe of a unique index: (SKU, warehouse) and (SKU, key) pairs joined by OR,
not IN lists (built into temporary b-trees, probing their cross product), the SKU and its
product joined instead of three correlated sub-selects per ledger row. PostgreSQL's reads are
unchanged (locked in order, ``FOR UPDATE``)."""

import pytest
from django.db import connection, transaction

from jxc.inventory.choices import MoveReason as R
from jxc.inventory.ledger import locks
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's lock reads"),
]


class _Reads:
    def __init__(self):
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        if sql.startswith("SELECT"):
            self.sql.append(sql)
        return execute(sql, params, many, context)


def _posting(kit, lines: int):
    kit.company(costing_method="moving_average", cost_scope="warehouse")
    skus = [kit.sku(f"LR{i:03d}", price="1") for i in range(lines)]
    wh = kit.warehouse("LRW1")
    kit.post([kit.line(s, wh, "10", R.OPENING, unit_cost="2") for s in skus])

    def post(qty: str) -> list[str]:
        reads = _Reads()
        with transaction.atomic(), connection.execute_wrapper(reads):
            kit.post([kit.line(s, wh, qty, R.SALES_DELIVERY) for s in skus])
        return reads.sql

    return post


def _one(reads: list[str], mark: str) -> str:
    (found,) = [s for s in reads if mark in s]
    return found


def test_the_lock_reads_probe_unique_indexes_by_pairs_without_lock_order(kit):
    post = _posting(kit, 5)
    post("-1")
    reads = post("-1")
    balances = _one(reads, 'CAST("on_hand"')
    # (fails on the code before: the guard's COUNT over the ledger rows, ORDER BY, IN lists)
    assert "COUNT(*)" not in balances and "ORDER BY" not in balances, balances
    assert balances.count("(sku_id = %s AND warehouse_id = %s)") == 5, balances
    pools = _one(reads, 'FROM "inventory_costpool" WHERE')
    assert pools.count('(sku_id = %s AND "key" = %s)') == 10, pools  # "" and "w<id>" each
    ledgers = _one(reads, '"recosting"')
    assert "LEFT JOIN" in ledgers and "(SELECT s.code" not in ledgers, ledgers
    with connection.cursor() as cur:
        for sql in (balances, pools):
            n = sql.count("%s")
            cur.execute("EXPLAIN QUERY PLAN " + sql, [1] * n)
            plan = " | ".join(row[3] for row in cur.fetchall())
            assert "TEMP B-TREE" not in plan and "SCAN" not in plan, plan
    assert_ledger_consistent()


def test_a_posting_of_more_pairs_than_an_or_chain_takes_reads_in_lists(kit):
    post = _posting(kit, locks.PAIRS_MAX + 3)
    post("-1")
    reads = post("-2")
    balances = _one(reads, 'CAST("on_hand"')
    assert "sku_id IN (" in balances and " OR " not in balances, balances
    pools = _one(reads, 'FROM "inventory_costpool" WHERE')
    assert "sku_id IN (" in pools, pools
    assert_ledger_consistent()
