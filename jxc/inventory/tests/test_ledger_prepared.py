"""PostgreSQL: the ledger's hot-path statements are bound on the server and prepared once per
connection with a generic plan (issue 10 §2: planning them for every posting took about as
long as running them). docs/ledger.md "Benchmark"."""

import pytest
from django.db import connection

from jxc.inventory.choices import MoveReason as R
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


def _prepared() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cur:
        cur.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        return {r[0]: (r[1], r[2]) for r in cur.fetchall()}


@pytest.mark.parametrize("method", ["moving_average", "fifo"])
def test_postings_reuse_prepared_statements_with_generic_plans(kit, method):
    kit.company(costing_method=method, cost_scope="warehouse")
    skus = [kit.sku(f"PP{i}", price="1") for i in range(3)]
    wh = kit.warehouse("PPW")
    for s in skus:
        kit.receive(s, wh, "10", "5")  # first postings: the rows are created
    for _n in range(4):
        kit.post([kit.line(s, wh, "2", R.PURCHASE_RECEIPT, unit_cost="6") for s in skus])
        kit.post([kit.line(s, wh, "-1", R.SALES_DELIVERY) for s in skus])
    found = _prepared()
    moves = [v for k, v in found.items() if k.startswith('INSERT INTO "inventory_stockmove"')]
    pools = [v for k, v in found.items() if k.startswith('UPDATE "inventory_costpool"')]
    # the 8 postings ran the same statements: planned once, then the cached generic plan
    assert moves and max(g for g, _c in moves) >= 8
    assert pools and max(g for g, _c in pools) >= 8
    assert all(c == 0 for _g, c in [*moves, *pools])
    assert_ledger_consistent()
