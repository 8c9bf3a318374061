"""The open cost layers a FIFO issue reads with the posting's locks (issue 10 §2;
docs/ledger.md, eighth pass "fifoout"): only the pool keys of the company's pool scope once a
posting has seen it, and on SQLite without a sort for the window over the layers."""

from decimal import Decimal

import pytest
from django.db import connection, transaction

from jxc.inventory.choices import MoveReason as R
from jxc.inventory.ledger import writer
from jxc.inventory.ledger.open_layers import open_layers_sql
from jxc.inventory.models import StockMove
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


class _Reads:
    def __init__(self):
        self.open_layers: list[tuple[str, list]] = []

    def __call__(self, execute, sql, params, many, context):
        if "before_qty" in sql:
            self.open_layers.append((sql, list(params or ())))
        return execute(sql, params, many, context)


def _fifo_ledger(kit, scope: str):
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
def test_an_issue_reads_the_open_layers_of_its_scopes_pool_keys_only(kit, scope, key):
    issue = _fifo_ledger(kit, scope)
    issue("1")  # the pools' scope is known from here on
    reads, moves = issue("4")  # 3 left of the opening layer, then 1 of the receipt's
    (sql, params) = reads.open_layers[0]
    # one limit per SKU (SKU, key, quantity), not one per SKU and possible key: the other
    # scope's key was read for nothing (fails on the code before: six limits)
    assert sql.count("THEN l.before_qty <") == 3, sql
    start = params.index("fifo") + 1  # then (SKU, key, limit) per limit
    keys = params[start : start + 9][1::3]
    assert all(k.startswith("w") if key else k == "" for k in keys), params
    assert len(reads.open_layers) == 1  # no pool read its layers again
    assert [m.value for m in moves] == [Decimal("-43.00")] * 3
    assert_ledger_consistent()


def test_a_wrong_guess_of_the_pool_scope_reads_the_layers_again_and_values_the_same(kit):
    issue = _fifo_ledger(kit, "warehouse")
    issue("1")
    writer._LAST_POOLS["scope"] = "company"  # as if the last posting was another company's
    reads, moves = issue("4")
    assert [m.value for m in moves] == [Decimal("-43.00")] * 3
    # the guessed keys found no pool: the pools read their open layers by id, in one statement
    assert len(reads.open_layers) == 2, reads.open_layers
    assert "CASE l.pool_id" in reads.open_layers[1][0]
    assert writer._LAST_POOLS["scope"] == "warehouse"
    assert_ledger_consistent()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_open_layers_window_needs_no_sort_on_sqlite():
    sql, params = open_layers_sql({(1, "w1"): 3, (2, "w1"): 5, (3, "w1"): 4})
    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " | ".join(row[3] for row in cur.fetchall())
    # partitioned by the pool id the window sorted the layers in a temporary b-tree: the
    # pools come from their unique (SKU, key) index, in that order, not in id order
    assert "TEMP B-TREE" not in plan, plan
    assert "cost_layer_open_idx" in plan, plan
