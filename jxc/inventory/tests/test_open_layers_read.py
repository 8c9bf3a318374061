"""The open cost layers a FIFO issue reads (issue 10 §2; docs/ledger.md, eighth to tenth
passes): with the posting's locks, in the pools read, each FIFO pool's oldest open layer —
one index probe per pool, no window over the layers, no statement of its own; a pool whose
issues that layer does not cover reads its open layers by id in the run."""

from decimal import Decimal

import pytest
from django.db import connection, transaction

from jxc.inventory.choices import MoveReason as R
from jxc.inventory.ledger import locks, writer
from jxc.inventory.models import StockMove
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


class _Reads:
    """The statements that read cost layers (PostgreSQL sends the posting's reads as one
    multi-statement query while something watches: taken apart here)."""

    def __init__(self):
        self.layers: list[tuple[str, list]] = []
        self.pools: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        rest = list(params or ())
        for one in sql.split(";\n"):
            n = one.count("%s")
            mine, rest = rest[:n], rest[n:]
            if one.startswith("SELECT") and "inventory_costlayer" in one:
                self.layers.append((one, mine))
            if one.startswith("SELECT") and "inventory_costpool" in one:
                self.pools.append(one)
        return execute(sql, params, many, context)


def _fifo_ledger(kit, scope: str):
    """Three SKUs with an opening layer of 4 at 10 and a receipt's layer of 6 at 13."""
    kit.company(costing_method="fifo", cost_scope=scope)
    skus = [kit.sku(f"OL{i}", price="1") for i in range(3)]
    wh = kit.warehouse("OLW1")
    kit.post([kit.line(s, wh, "4", R.OPENING, unit_cost="10") for s in skus])
    kit.post([kit.line(s, wh, "6", R.PURCHASE_RECEIPT, unit_cost="13") for s in skus])

    def issue(qty: str) -> tuple[_Reads, list[StockMove]]:
        reads = _Reads()
        with transaction.atomic(), connection.execute_wrapper(reads):
            moves = kit.post([kit.line(s, wh, f"-{qty}", R.SALES_DELIVERY) for s in skus])
        return reads, moves

    return issue


@pytest.mark.parametrize(("scope", "key"), [("warehouse", "w"), ("company", "")])
def test_an_issue_its_oldest_layers_cover_reads_one_layer_per_pool_with_the_locks(kit, scope, key):
    issue = _fifo_ledger(kit, scope)
    issue("1")  # the pools' scope is known from here on
    reads, moves = issue("2")  # 3 left of the opening layer: it covers
    assert len(reads.layers) == 1, reads.layers  # no pool read its layers again
    (sql, _params) = reads.layers[0]
    # the oldest open layer per pool, no window over all of them
    assert "OVER (" not in sql and "LIMIT 1" in sql, sql
    # read with the pools, not in a statement of its own (fails on the code before)
    assert reads.pools == [sql], reads.pools
    assert [m.value for m in moves] == [Decimal("-20.00")] * 3
    assert_ledger_consistent()


def test_an_issue_its_oldest_layer_does_not_cover_reads_the_pools_open_layers(kit):
    issue = _fifo_ledger(kit, "warehouse")
    issue("1")
    reads, moves = issue("4")  # 3 left of the opening layer, then 1 of the receipt's
    # the oldest layers read with the locks do not cover: the pools read theirs by id, in
    # one statement
    assert len(reads.layers) == 2, reads.layers
    assert "CASE l.pool_id" in reads.layers[1][0]
    assert [m.value for m in moves] == [Decimal("-43.00")] * 3
    assert_ledger_consistent()


def test_a_wrong_guess_that_no_fifo_pool_is_near_reads_the_layers_in_the_run(kit):
    issue = _fifo_ledger(kit, "warehouse")
    issue("1")
    writer._LAST_POOLS["fifo"] = False  # as if the last posting was a moving average one
    reads, moves = issue("2")
    assert [m.value for m in moves] == [Decimal("-20.00")] * 3
    # no heads with the pools: the pools read their open layers by id, in one statement
    assert len(reads.layers) == 1, reads.layers
    assert "CASE l.pool_id" in reads.layers[0][0]
    assert writer._LAST_POOLS["fifo"] is True
    assert_ledger_consistent()


def test_a_pool_without_open_layers_reads_nothing_more(kit):
    issue = _fifo_ledger(kit, "warehouse")
    issue("10")  # every layer emptied
    from jxc.inventory.models import Warehouse

    Warehouse.objects.update(allow_negative=True)
    reads, moves = issue("1")  # beyond the layers: at the last cost
    assert len(reads.layers) == 1, reads.layers
    assert [m.value for m in moves] == [Decimal("-13.00")] * 3
    assert_ledger_consistent()


def test_more_issuing_skus_than_the_head_read_takes_read_their_layers_in_the_run(kit, monkeypatch):
    issue = _fifo_ledger(kit, "warehouse")
    issue("1")
    monkeypatch.setattr(writer, "HEAD_READ_MAX", 2)
    reads, moves = issue("2")  # three SKUs
    assert [m.value for m in moves] == [Decimal("-20.00")] * 3
    assert len(reads.layers) == 1, reads.layers
    assert "CASE l.pool_id" in reads.layers[0][0]
    assert_ledger_consistent()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_oldest_layers_read_probes_two_indexes_and_builds_no_temporary_tree():
    pairs = {(1, "w1"), (2, "w1"), (3, "w1"), (1, ""), (2, ""), (3, "")}
    sql, params = locks._pools_sql([1, 2, 3], {"", "w1"}, pairs, heads=True)
    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " | ".join(row[3] for row in cur.fetchall())
    assert "TEMP B-TREE" not in plan, plan
    assert "cost_layer_open_idx" in plan, plan
    assert "SCAN" not in plan, plan  # the pools by their unique (SKU, key) index
