"""PostgreSQL: the round trips of the document flow (issue 10 §2, docs/ledger.md "Document
flow, seventh pass"), counted on the wire as ``test_posting_round_trips`` counts a posting
(libpq's trace: a round trip ends with a Sync in pipeline mode, or is a simple Query). Each
step's row, the approval probe, the calendar and what the step's effect reads travel as one
statement; a new document's calendar and number in one round trip; 保存并过账's BEGIN with
its first statements."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.lines import LineInput
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.tests.conftest import TODAY, receive
from jxc.inventory.testing import assert_ledger_consistent
from jxc.inventory.tests.test_posting_round_trips import _sent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def _trips(call) -> int:
    out = []
    sent = _sent(lambda: out.append(call()))
    return sent["Sync"] + sent["Query"], out[0]


def test_the_four_calls_and_save_and_post_take_few_round_trips(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 50, "2")
    lines = [LineInput(sku=w.sku_a.pk, qty=D(1))]

    issue = dict(
        user=w.owner, kind="other_issue", warehouse=w.zc, date=TODAY, reason="sample", lines=lines
    )

    def create():
        return docs.create_stock_document(**issue)

    def at_once():
        return docs.create_and_post_stock_document(**issue)

    docs.post_document(
        docs.approve_document(docs.submit_document(create(), user=w.owner), user=w.owner),
        user=w.owner,
    )
    at_once()  # statements prepared
    trips = {}
    trips["create"], doc = _trips(create)
    trips["submit"], doc = _trips(lambda: docs.submit_document(doc, user=w.owner))
    trips["approve"], doc = _trips(lambda: docs.approve_document(doc, user=w.owner))
    trips["post"], doc = _trips(lambda: docs.post_document(doc, user=w.owner))
    trips["at_once"], once = _trips(at_once)
    assert doc.status == "posted" and once.status == "posted"
    # was 7 / 4 / 3 / 7 / 12: the calendar and the number ride together; 提交 reads whether
    # lines exist with the row, 过账 the warehouse with the row and the lines beside it;
    # 保存并过账 reads the SKUs before its transaction (its BEGIN rides with the first
    # statements). Then 6 / 3 / 3 / 6: the writes nobody reads back are held for the step's
    # next round trip (jxc.core.statements, "held back") — the new status, the audit line and
    # the ledger's writes go with the COMMIT; a new draft's ids come with its number, its rows
    # with the COMMIT; the lots an issue takes are read by the document's id with its row.
    # Then 5 / 2 / 2 / 3: a new draft's SKU facts come with its number (its lines checked
    # before its date, as before). Left: calendar + number + ids + SKU facts | writes; the row
    # + lines + lots | the ledger's locks | writes
    assert trips["create"] <= 2, trips
    assert trips["submit"] <= 2, trips
    assert trips["approve"] <= 2, trips
    assert trips["post"] <= 3, trips
    # 保存并过账 in a step of its own holds back the same way: calendar + number + ids + SKU
    # facts | the lots | the ledger's locks | writes (the draft's rows among them) + COMMIT,
    # and one read of the approval policy
    assert trips["at_once"] <= 5, trips
    assert_ledger_consistent()
