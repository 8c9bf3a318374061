"""PostgreSQL: the round trips of one posting in its own transaction, counted on the wire
(libpq's trace of the messages the client sends: a round trip ends with a Sync, in pipeline
mode, or is a simple Query). Issue 10 §2, docs/ledger.md "Sixth pass — PostgreSQL": the
transaction's BEGIN travels with the locks' read (it was a round trip of its own), the plans
are generic by the connection's setting (was a SET LOCAL parsed in every round trip), then
the writes, then the COMMIT."""

from collections import Counter

import pytest
from django.db import connection, transaction

from jxc.core.documents.models import SourceRef
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.models import StockMove
from jxc.inventory.testing import assert_ledger_consistent
from tests.support import sent_messages

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def _sent(post) -> Counter:
    """The protocol messages the client sent while ``post()`` ran (Parse, Bind, Sync …)."""
    return sent_messages(post)[0]


@pytest.mark.parametrize(
    ("method", "scope"), [("moving_average", "company"), ("fifo", "warehouse")]
)
def test_a_posting_in_its_own_transaction_takes_three_round_trips(kit, method, scope):
    kit.company(costing_method=method, cost_scope=scope)
    skus = [kit.sku(f"RT{i}", price="1") for i in range(5)]
    wh = kit.warehouse("RTW")
    kit.post([kit.line(s, wh, "100", R.OPENING, unit_cost="10") for s in skus])

    def post(sign: int, reason: str):
        lines = [
            kit.line(s, wh, str(sign * (i + 1)), reason, unit_cost="12.5" if sign > 0 else None)
            for i, s in enumerate(skus)
        ]
        with transaction.atomic():
            kit.post(lines)

    post(1, R.PURCHASE_RECEIPT)  # statements prepared, the FIFO guess made
    post(-1, R.SALES_DELIVERY)
    for sign, reason in [(1, R.PURCHASE_RECEIPT), (-1, R.SALES_DELIVERY)]:
        sent = _sent(lambda sign=sign, reason=reason: post(sign, reason))
        # BEGIN + the reads | the writes | COMMIT (was: BEGIN | reads | writes | COMMIT)
        assert sent["Sync"] + sent["Query"] == 3, sent
        # only BEGIN is parsed: every other statement is prepared (was: + a SET LOCAL per
        # round trip)
        assert sent["Parse"] == 1, sent
    assert_ledger_consistent()


def test_text_written_as_array_literals_arrives_as_it_was(kit):
    """The writes send each column as an array literal built by the ledger: quotes,
    backslashes, braces, commas, the word NULL and non-ASCII text arrive unchanged."""
    sku = kit.sku("RTQ", price="1")
    wh = kit.warehouse("RTQW")
    number = 'a"b\\c{d},e NULL 入库\\"'
    with transaction.atomic():
        kit.post(
            [kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, unit_cost="1.5")],
            source=SourceRef(kind="test", id=1, number="first"),
        )
    with transaction.atomic():
        kit.post(
            [kit.line(sku, wh, "2", R.PURCHASE_RECEIPT, unit_cost="2.25")],
            source=SourceRef(kind="test", id=2, number=number),
        )
    move = StockMove.objects.get(source_id=2)
    assert move.source_number == number
    assert str(move.qty.normalize()) == "2"
    assert_ledger_consistent()


def test_a_posting_that_opens_its_own_transaction_commits_with_its_writes(kit):
    """record_moves called outside a transaction (the deliveries' benchmark, a script) opens
    it and ends it: the COMMIT goes with the writes — two round trips (was four)."""
    skus = [kit.sku(f"RC{i}", price="1") for i in range(5)]
    wh = kit.warehouse("RCW")
    kit.post([kit.line(s, wh, "100", R.OPENING, unit_cost="10") for s in skus])

    def post():
        kit.post([kit.line(s, wh, "-1", R.SALES_DELIVERY) for s in skus])

    post()
    sent = _sent(post)
    assert sent["Sync"] + sent["Query"] == 2, sent
    assert not connection.in_atomic_block
    # committed: another connection sees it
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cur:
            cur.execute(
                "SELECT COUNT(*) FROM inventory_stockmove WHERE reason = %s", [R.SALES_DELIVERY]
            )
            assert cur.fetchone()[0] == 10
    finally:
        other.close()
    assert_ledger_consistent()
