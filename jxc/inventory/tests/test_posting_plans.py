"""PostgreSQL: the plans of a posting's statements. Each is prepared once per connection and
planned generically (jxc/core/statements.py), so its plan cannot depend on the parameters: it
must reach the rows it writes by their keys, never by reading a whole table — a table that
grows with the ledger (cost layers) or with the catalogue (balances, pools) would be read
on every posting. docs/ledger.md "Seventh pass — PostgreSQL server"."""

import json
import re

import pytest
from django.db import connection, transaction

from jxc.inventory.choices import MoveReason as R
from jxc.inventory.ledger import sql_writes
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


# the tables that grow with the catalogue and the ledger (the warehouses, a row or two, are
# read whole and rightly so)
_LEDGER_TABLES = (
    "catalog_sku",
    "catalog_product",
    "inventory_skuledger",
    "inventory_stockbalance",
    "inventory_costpool",
    "inventory_costlayer",
)


def _generic_plan(sql: str, params: list) -> dict:
    """The generic plan of ``sql`` (``%s`` placeholders) as PostgreSQL would cache it."""
    numbered = iter(range(1, len(params) + 1))
    text = re.sub(r"(?<!%)%s", lambda _m: f"${next(numbered)}", sql)
    with connection.cursor() as cur:
        cur.execute("SET plan_cache_mode = force_generic_plan")
        cur.execute(f"PREPARE jxc_plan_probe AS {text}")
        try:
            args = ", ".join(["%s"] * len(params))
            cur.execute(f"EXPLAIN (FORMAT JSON) EXECUTE jxc_plan_probe({args})", params)
            found = cur.fetchone()[0]
        finally:
            cur.execute("DEALLOCATE jxc_plan_probe")
    return (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _reads_of(post) -> list[tuple[str, list]]:
    """The statements of a posting's one round trip of reads (locks, pools, open layers)."""
    from jxc.inventory.ledger import locks

    sent: list[tuple[str, list]] = []
    real = locks.fetch_each

    def fetch_each(statements):
        sent.extend(statements)
        return real(statements)

    locks.fetch_each = fetch_each
    try:
        post()
    finally:
        locks.fetch_each = real
    return sent


def _writes_of(post) -> list[tuple[str, list]]:
    """The statements a posting hands to Writes.send (its one round trip of writes)."""
    sent: list[tuple[str, list]] = []
    real = sql_writes.Writes.send

    def send(self, *, commit=False):
        sent.extend(self.statements)
        return real(self, commit=commit)

    sql_writes.Writes.send = send  # type: ignore[method-assign]
    try:
        post()
    finally:
        sql_writes.Writes.send = real  # type: ignore[method-assign]
    return sent


def _ledger(kit, method: str, scope: str, *, skus: int = 40, analyze: bool = False):
    """SKUs with balances, pools and layers in two warehouses; returns a function posting a
    five-line issue (its reads take the open layers under FIFO). ``analyze``: the tables'
    statistics taken, so the plans do not hang on whether autovacuum came by."""
    kit.company(costing_method=method, cost_scope=scope)
    made = [kit.sku(f"PL{i}", price="1") for i in range(skus)]
    whs = [kit.warehouse("PLW1"), kit.warehouse("PLW2")]
    for wh in whs:
        for _ in range(2):
            kit.post([kit.line(s, wh, "10", R.OPENING, unit_cost="10") for s in made])
    if analyze:
        with connection.cursor() as cur:
            for table in _LEDGER_TABLES:
                cur.execute(f"ANALYZE {table}")

    def post():
        with transaction.atomic():
            kit.post([kit.line(s, whs[0], "-4", R.SALES_DELIVERY) for s in made[:5]])

    post()  # the next one reads the open layers with its locks (the writer's FIFO guess)
    return post


@pytest.mark.parametrize(
    ("method", "scope"), [("moving_average", "company"), ("fifo", "warehouse")]
)
def test_a_postings_reads_reach_their_rows_by_key_not_by_reading_the_tables(kit, method, scope):
    """The locks' read (SKU ledger rows with the SKUs and the company, balance rows with
    their warehouses), the pools and the FIFO open layers: index scans only (was: a Seq Scan
    of the ledger rows, the balances, the pools, every cost layer and, per SKU, the SKUs and
    products: the planner's default random_page_cost, settings.py). A catalogue of a few
    hundred SKUs, its statistics taken: a table of a page or two may well be read whole."""
    post = _ledger(kit, method, scope, skus=300, analyze=True)
    reads = _reads_of(post)
    tables = {t for sql, _p in reads for t in re.findall(r'FROM "?(\w+)', sql)}
    expected = {"inventory_skuledger", "inventory_stockbalance", "inventory_costpool"}
    if method == "fifo":
        expected.add("inventory_costlayer")
    assert expected <= tables, tables
    for sql, params in reads:
        plan = _generic_plan(sql, params)
        scanned = {n.get("Relation Name") for n in _nodes(plan) if n["Node Type"] == "Seq Scan"}
        assert not scanned & set(_LEDGER_TABLES), (sql, scanned)
    assert_ledger_consistent()


@pytest.mark.parametrize(
    ("method", "scope"), [("moving_average", "company"), ("fifo", "warehouse")]
)
def test_a_postings_updates_reach_their_rows_by_key_not_by_reading_the_table(kit, method, scope):
    post = _ledger(kit, method, scope)
    updates = [(sql, params) for sql, params in _writes_of(post) if sql.startswith("UPDATE")]
    tables = {sql.split('"')[1] for sql, _p in updates}
    expected = {"inventory_stockbalance", "inventory_costpool"}
    if method == "fifo":
        expected.add("inventory_costlayer")
    assert expected <= tables, tables
    for sql, params in updates:
        plan = _generic_plan(sql, params)
        scans = {n["Node Type"] for n in _nodes(plan)}
        # was: Hash Join over a Seq Scan of the whole table (t.id = v.id)
        assert "Seq Scan" not in scans, (sql, scans)
        assert "Hash Join" not in scans, (sql, scans)
        assert scans & {"Index Scan", "Index Only Scan"}, (sql, scans)
    assert_ledger_consistent()
