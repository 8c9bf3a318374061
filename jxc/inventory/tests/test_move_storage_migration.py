"""inventory 0017: the tables a posting writes get checks SQLite evaluates cheaply, the moves
lose AUTOINCREMENT (SQLite) and their lone warehouse index — every row is carried over as
it was, forwards and back, the checks still refuse what they refused, and ids keep
growing."""

import pytest
from django.db import IntegrityError, connection, transaction

from jxc.inventory.choices import MoveReason as R
from tests.support import latest_migrations, migrate_to

BEFORE = [("inventory", "0016_cost_layer_without_redundant_fk_indexes")]
AFTER = [("inventory", "0017_move_checks_sqlite_numbers_no_autoincrement")]
TABLES = (
    "inventory_stockmove",
    "inventory_stockbalance",
    "inventory_costpool",
    "inventory_costlayer",
    "inventory_lotbalance",
)


def _rows() -> dict[str, list]:
    with connection.cursor() as cur:
        out = {}
        for table in TABLES:
            cur.execute(f"SELECT * FROM {table} ORDER BY id")
            out[table] = cur.fetchall()
        return out


def _moves_sql() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT sql FROM sqlite_master WHERE name = 'inventory_stockmove'")
        return cur.fetchone()[0]


def _warehouse_index() -> bool:
    with connection.cursor() as cur:
        indexes = connection.introspection.get_constraints(cur, "inventory_stockmove")
    return any(
        c["index"] and c["columns"] == ["warehouse_id"] and not c["primary_key"]
        for c in indexes.values()
    )


def _refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db(transaction=True)
def test_the_ledger_rows_are_carried_over_and_the_checks_still_refuse():
    from jxc.inventory.testing import LedgerKit, assert_ledger_consistent

    # posted with today's schema (the ledger writes columns that later migrations add), then
    # taken back to 0016
    kit = LedgerKit()
    kit.company(costing_method="fifo", cost_scope="warehouse")
    sku = kit.sku("MIG1", price="1")
    wh = kit.warehouse("MIGW")
    kit.receive(sku, wh, "10", cost="2.5")
    kit.issue(sku, wh, "4")
    try:
        migrate_to(BEFORE)
        before = _rows()
        assert _warehouse_index()

        migrate_to(AFTER)
        assert _rows() == before
        assert not _warehouse_index()
        if connection.vendor == "sqlite":
            assert "AUTOINCREMENT" not in _moves_sql()
        for sql in (
            "UPDATE inventory_stockmove SET qty = 1000000000",
            "UPDATE inventory_stockmove SET value = -10000000000000",
            "UPDATE inventory_stockmove SET reason = 'stolen'",
            "UPDATE inventory_stockmove SET cost_basis = 'z'",
            "UPDATE inventory_stockbalance SET on_hand = -1",
            "UPDATE inventory_costpool SET qty = 0, value = 1",
            "UPDATE inventory_costlayer SET remaining = -1",
        ):
            assert _refused(sql), sql
        assert not _refused("UPDATE inventory_stockmove SET reason = reason, qty = qty")
        last = max(r[0] for r in before["inventory_stockmove"])
        migrate_to(latest_migrations())
        move = kit.receive(sku, wh, "1", cost="3")
        assert move.pk > last
        assert move.reason == R.PURCHASE_RECEIPT
        assert_ledger_consistent()
        migrate_to(AFTER)
        after = _rows()

        migrate_to(BEFORE)
        assert _rows() == after
        assert _warehouse_index()
        if connection.vendor == "sqlite":
            assert "AUTOINCREMENT" in _moves_sql()
    finally:
        migrate_to(latest_migrations())
