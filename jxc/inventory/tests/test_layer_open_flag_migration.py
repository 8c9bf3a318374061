"""inventory 0023: cost layers get ``is_open``, set from ``remaining`` for the layers already
there; the open-layer index takes it as its condition and a check keeps the two in step.
Backwards the column goes and the index is on ``remaining > 0`` again; no row changes."""

import pytest
from django.db import IntegrityError, connection, transaction

from jxc.inventory.choices import MoveReason as R
from tests.support import latest_migrations, migrate_to

BEFORE = [("inventory", "0022_stock_document_checks_unrolled")]
AFTER = [("inventory", "0023_cost_layer_is_open")]
COLUMNS = "id, pool_id, move_id, idx, date, base_qty, base_value, unit_cost, remaining, receipt_id"


def _layers() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {COLUMNS} FROM inventory_costlayer ORDER BY id")
        return cur.fetchall()


def _flags() -> dict[int, tuple]:
    """Per layer: (open flag, remaining > 0)."""
    with connection.cursor() as cur:
        cur.execute("SELECT id, is_open, remaining > 0 FROM inventory_costlayer")
        return {r[0]: (bool(r[1]), bool(r[2])) for r in cur.fetchall()}


def _columns() -> set[str]:
    with connection.cursor() as cur:
        return {
            c.name
            for c in connection.introspection.get_table_description(cur, "inventory_costlayer")
        }


def _index_condition() -> str:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT sql FROM sqlite_master WHERE name = 'cost_layer_open_idx'")
        else:
            cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'cost_layer_open_idx'")
        return cur.fetchone()[0].split("WHERE", 1)[1]


def _refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db(transaction=True)
def test_the_open_flag_is_set_from_the_remaining_quantity_and_checked():
    from jxc.inventory.testing import LedgerKit, assert_ledger_consistent

    kit = LedgerKit()
    kit.company(costing_method="fifo", cost_scope="warehouse")
    sku = kit.sku("MIGF", price="1")
    wh = kit.warehouse("MIGFW")
    kit.receive(sku, wh, "3", cost="2")
    kit.receive(sku, wh, "5", cost="4")
    kit.receive(sku, wh, "2", cost="5")
    kit.issue(sku, wh, "4")  # the first layer empties, the second has 4 left
    try:
        migrate_to(BEFORE)
        assert "is_open" not in _columns()
        before = _layers()
        assert len(before) == 3
        assert [r[8] > 0 for r in before] == [False, True, True]

        migrate_to(AFTER)
        assert _layers() == before  # no row changed
        assert set(_flags().values()) == {(False, False), (True, True)}  # both kinds, in step
        assert "is_open" in _index_condition() and "remaining" not in _index_condition()
        first, second = before[0][0], before[1][0]
        for sql in (
            f"UPDATE inventory_costlayer SET is_open = NOT is_open WHERE id = {first}",
            f"UPDATE inventory_costlayer SET is_open = NOT is_open WHERE id = {second}",
            f"UPDATE inventory_costlayer SET remaining = 0 WHERE id = {second}",
            "UPDATE inventory_costlayer SET remaining = -1, is_open = FALSE",
        ):
            assert _refused(sql), sql
        assert not _refused(
            f"UPDATE inventory_costlayer SET remaining = 0, is_open = FALSE WHERE id = {second}"
        )
        assert not _refused(
            f"UPDATE inventory_costlayer SET remaining = 4, is_open = TRUE WHERE id = {second}"
        )

        migrate_to(BEFORE)
        assert _layers() == before
        assert "is_open" not in _columns()
        assert "remaining" in _index_condition()
    finally:
        migrate_to(latest_migrations())
    kit.issue(sku, wh, "5")  # the ledger goes on: the second layer empties, the third opens
    assert set(_flags().values()) == {(False, False), (True, True)}
    assert [r[8] for r in _layers()] == [0, 0, 1]
    assert kit.receive(sku, wh, "1", cost="6").reason == R.PURCHASE_RECEIPT
    assert_ledger_consistent()
