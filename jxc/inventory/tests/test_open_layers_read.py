"""The open cost layers a FIFO issue reads (issue 10 §2; docs/ledger.md, eighth and ninth
passes "fifoout"): with the posting's locks, each issuing pool's oldest open layer, for the
pool keys of the company's pool scope once a posting has seen it — one index probe per pool,
no window over the layers; a pool whose issues that layer does not cover reads its open
layers by id in the run."""

from decimal import Decimal

import pytest
from django.db import connection, transaction

from jxc.inventory.choices import MoveReason as R
from jxc.inventory.ledger import writer
from jxc.inventory.ledger.open_layers import HEAD_READ_MAX, head_layers_sql
from jxc.inventory.models import StockMove
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


class _Reads:
    """The statements that read cost layers (PostgreSQL sends the posting's reads as one
    multi-statement query while something watches: taken apart here)."""

    def __init__(self):
        self.layers: list[tuple[str, list]] = []

    def __call__(self, execute, sql, params, many, context):
        rest = list(params or ())
        for one in sql.split(";\n"):
            n = one.count("%s")
            mine, rest = rest[:n], rest[n:]
            if one.startswith("SELECT") and "inventory_costlayer" in one:
                self.layers.append((one, mine))
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
    (sql, params) = reads.layers[0]
    # the oldest open layer per pool, no window over all of them (fails on the code before)
    assert "OVER (" not in sql and "LIMIT 1" in sql, sql
    # one (SKU, key) pair per SKU, the scope's key only (both keys were read for nothing)
    pairs = params[:-1]
    assert len(pairs) == 6 and params[-1] == "fifo", params
    assert all(k.startswith("w") if key else k == "" for k in pairs[1::2]), params
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


def test_a_wrong_guess_of_the_pool_scope_reads_the_layers_again_and_values_the_same(kit):
    issue = _fifo_ledger(kit, "warehouse")
    issue("1")
    writer._LAST_POOLS["scope"] = "company"  # as if the last posting was another company's
    reads, moves = issue("2")
    assert [m.value for m in moves] == [Decimal("-20.00")] * 3
    # the guessed keys found no pool: the pools read their open layers by id, in one statement
    assert len(reads.layers) == 2, reads.layers
    assert "CASE l.pool_id" in reads.layers[1][0]
    assert writer._LAST_POOLS["scope"] == "warehouse"
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


def test_more_pools_than_the_head_read_takes_read_their_layers_in_the_run():
    assert head_layers_sql([]) is None
    assert head_layers_sql([(i, "w1") for i in range(HEAD_READ_MAX + 1)]) is None
    _sql, params = head_layers_sql([(1, "w1"), (2, "w1")])  # type: ignore[misc]
    assert params == [1, "w1", 2, "w1", "fifo"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_oldest_layers_read_probes_two_indexes_and_builds_no_temporary_tree():
    sql, params = head_layers_sql([(1, "w1"), (2, "w1"), (3, "w1")])  # type: ignore[misc]
    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " | ".join(row[3] for row in cur.fetchall())
    assert "TEMP B-TREE" not in plan, plan
    assert "cost_layer_open_idx" in plan, plan
    assert "SCAN" not in plan, plan  # the pools by their unique (SKU, key) index
