"""What one posting writes to disk on SQLite (issue 10 §2; docs/ledger.md, seventh pass):
the pages of the write-ahead log a committed five-line posting adds, b-tree by b-tree, and
the schema choices that keep them few. A page is 4 KiB of WAL and, at the next checkpoint,
a write to the database file."""

import struct
import time
from collections import Counter
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from jxc.inventory.choices import MoveReason as R
from jxc.inventory.models import StockMove
from jxc.inventory.testing import LedgerKit, assert_ledger_consistent

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's write-ahead log and schema"
)
pytestmark = [sqlite_only]


def _pragma(sql: str):
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


@contextmanager
def _wal_held():
    """The write-ahead log emptied, then no checkpoint until the block ends (this file's
    checkpoint thread paused, SQLite's own off). A checkpoint running when the block starts
    (the thread's, after a flush of the test database) makes the emptying busy: tried again
    until it is not — a log left as it was would count other tests' pages."""
    from jxc.core.db.sqlite3.checkpoints import checkpointer

    held = checkpointer(connection.settings_dict["NAME"])
    held.paused.set()
    _pragma("PRAGMA wal_autocheckpoint=0")
    try:
        for _ in range(200):
            if _pragma("PRAGMA wal_checkpoint(TRUNCATE)")[0][0] == 0:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the write-ahead log could not be emptied")
        yield
    finally:
        _pragma("PRAGMA wal_autocheckpoint=1000")
        held.paused.clear()


def _wal_pages() -> Counter:
    """The b-trees of the pages in the write-ahead log, one count per frame (the log was
    emptied before the posting and is not checkpointed meanwhile)."""
    path = connection.settings_dict["NAME"] + "-wal"
    page_size = _pragma("PRAGMA page_size")[0][0]
    with open(path, "rb") as f:
        data = f.read()
    pages = []
    offset = 32  # the log's header; then per frame a 24-byte header and the page
    while offset + 24 + page_size <= len(data):
        pages.append(struct.unpack(">I", data[offset : offset + 4])[0])
        offset += 24 + page_size
    owner = dict(_pragma("SELECT pageno, name FROM dbstat"))
    return Counter(owner.get(p, "?") for p in pages)


@pytest.fixture
def five_line_receipt(transactional_db):
    """A company-pool moving-average ledger of 20 SKUs with history in two warehouses; a
    function posting a five-line receipt in its own transaction."""
    kit = LedgerKit()
    kit.company(costing_method="moving_average", cost_scope="company")
    skus = [kit.sku(f"PG{i:02d}", price="1") for i in range(20)]
    whs = [kit.warehouse("PGW1"), kit.warehouse("PGW2")]
    for wh in whs:
        kit.post([kit.line(s, wh, "100", R.OPENING, unit_cost="10") for s in skus])
    n = [0]

    def post():
        n[0] += 1
        picked = [skus[(n[0] * 7 + 3 * i) % len(skus)] for i in range(5)]
        with transaction.atomic():
            kit.post(
                [
                    kit.line(s, whs[n[0] % 2], "3", R.PURCHASE_RECEIPT, unit_cost="12.5")
                    for s in picked
                ]
            )

    for _ in range(5):
        post()
    return post


def test_a_posting_writes_no_sequence_page_and_no_warehouse_index(five_line_receipt):
    with _wal_held():
        five_line_receipt()
        written = _wal_pages()
    assert written["inventory_stockmove"] >= 1  # the log holds the posting
    # AUTOINCREMENT wrote sqlite_sequence on every INSERT of a move; the lone warehouse
    # index took an entry per move
    assert "sqlite_sequence" not in written
    assert not [name for name in written if "stockmove_warehouse_id" in name]
    # one page each: the moves, their four full indexes, the pools, the balances (this small
    # ledger fits each in a page); 9 before this pass, with the two above
    assert sum(written.values()) <= 7, written
    assert_ledger_consistent()


@pytest.mark.django_db
def test_the_moves_table_has_no_autoincrement_and_checks_without_text_numbers():
    (sql,) = _pragma(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = "
        f"'{StockMove._meta.db_table}'"
    )[0]
    assert "AUTOINCREMENT" not in sql
    # a bound written as text ('1000000000') is converted to a number at every check, an
    # IN list is built into a temporary b-tree for every statement
    assert "'1000000000'" not in sql and "'-1000000000'" not in sql
    assert " IN (" not in sql


@pytest.mark.django_db
def test_the_open_layers_read_uses_the_partial_index_not_a_scan():
    # the condition as the open-layer reads write it (ledger.open_layers): SQLite takes a
    # partial index only where the WHERE names its condition — "> '0'" is not "> 0"
    plan = " ".join(
        row[3]
        for row in _pragma(
            "EXPLAIN QUERY PLAN SELECT id FROM inventory_costlayer "
            "WHERE pool_id IN (1, 2) AND is_open ORDER BY pool_id, date, move_id, idx"
        )
    )
    assert "cost_layer_open_idx" in plan, plan


def test_a_fifo_issue_writes_no_sequence_page(transactional_db):
    # FIFO layer uses had AUTOINCREMENT: every issue read and wrote sqlite_sequence (0019)
    kit = LedgerKit()
    kit.company(costing_method="fifo", cost_scope="warehouse")
    skus = [kit.sku(f"PF{i:02d}", price="1") for i in range(5)]
    wh = kit.warehouse("PFW1")
    kit.post([kit.line(s, wh, "100", R.OPENING, unit_cost="10") for s in skus])
    kit.post([kit.line(s, wh, "5", R.PURCHASE_RECEIPT, unit_cost="12") for s in skus])
    kit.post([kit.line(s, wh, "-1", R.SALES_DELIVERY) for s in skus])
    with _wal_held():
        with transaction.atomic():
            kit.post([kit.line(s, wh, "-2", R.SALES_DELIVERY) for s in skus])
        written = _wal_pages()
    assert written["inventory_layeruse"] >= 1  # the log holds the posting
    assert "sqlite_sequence" not in written, written
    assert_ledger_consistent()


def test_a_fifo_receipt_writes_no_sequence_page(transactional_db):
    # FIFO cost layers had AUTOINCREMENT: every receipt read and wrote sqlite_sequence (0021)
    kit = LedgerKit()
    kit.company(costing_method="fifo", cost_scope="warehouse")
    skus = [kit.sku(f"PR{i:02d}", price="1") for i in range(5)]
    wh = kit.warehouse("PRW1")
    kit.post([kit.line(s, wh, "100", R.OPENING, unit_cost="10") for s in skus])
    kit.post([kit.line(s, wh, "5", R.PURCHASE_RECEIPT, unit_cost="12") for s in skus])
    with _wal_held():
        with transaction.atomic():
            kit.post([kit.line(s, wh, "2", R.PURCHASE_RECEIPT, unit_cost="13") for s in skus])
        written = _wal_pages()
    assert written["inventory_costlayer"] >= 1  # the log holds the posting
    assert "sqlite_sequence" not in written, written
    assert_ledger_consistent()


def test_a_fifo_issue_that_leaves_its_layers_open_writes_no_open_layer_index_page(
    transactional_db,
):
    # the open-layer index's condition read ``remaining``: every take rewrote the layer's
    # entry (key and place unchanged); its condition is the open flag now (0023), which
    # changes only when a layer empties
    kit = LedgerKit()
    kit.company(costing_method="fifo", cost_scope="warehouse")
    skus = [kit.sku(f"PO{i:02d}", price="1") for i in range(5)]
    wh = kit.warehouse("POW1")
    kit.post([kit.line(s, wh, "100", R.OPENING, unit_cost="10") for s in skus])
    kit.post([kit.line(s, wh, "-1", R.SALES_DELIVERY) for s in skus])
    with _wal_held():
        with transaction.atomic():
            kit.post([kit.line(s, wh, "-2", R.SALES_DELIVERY) for s in skus])
        written = _wal_pages()
    with _wal_held():
        with transaction.atomic():  # each layer empties: their entries leave the index
            kit.post([kit.line(s, wh, "-97", R.SALES_DELIVERY) for s in skus])
        emptied = _wal_pages()
    assert written["inventory_costlayer"] >= 1  # the log holds the posting
    assert "cost_layer_open_idx" not in written, written
    assert emptied["cost_layer_open_idx"] >= 1, emptied
    assert_ledger_consistent()
