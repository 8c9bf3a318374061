"""PostgreSQL: the document flow's own statements (the row under lock, the approvals probe, the
calendar, numbering, the lines, the audit line) are bound on the server and prepared once per
connection with a generic plan, like the ledger's (issue 10 §2: planning every statement again
took about as long as running it). docs/ledger.md "Benchmark"."""

from decimal import Decimal as D

import pytest
from django.db import connection

from jxc.core.audit import chain_problems
from jxc.core.documents.lines import LineInput
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.tests.conftest import TODAY, receive
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


def _prepared() -> dict[str, tuple[int, int]]:
    """Per statement text, the most generic plans and all custom plans: one text may be
    prepared more than once on the connection (a NULL parameter has a type of its own, so
    an audit line without a user is another prepared statement; earlier tests on the same
    connection leave theirs)."""
    found: dict[str, tuple[int, int]] = {}
    with connection.cursor() as cur:
        cur.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        for text, generic, custom in cur.fetchall():
            g, c = found.get(text, (0, 0))
            found[text] = (max(g, generic), c + custom)
    return found


def _plans(found: dict[str, tuple[int, int]], start: str, contains: str = "") -> list:
    return [v for k, v in found.items() if k.startswith(start) and contains in k]


def test_each_step_of_the_document_flow_reuses_prepared_statements(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 50, "2")
    for _n in range(4):
        doc = docs.create_stock_document(
            user=w.owner,
            kind="other_issue",
            warehouse=w.zc,
            date=TODAY,
            reason="sample",
            lines=[LineInput(sku=w.sku_a.pk, qty=D(1))],
        )
        for step in (docs.submit_document, docs.approve_document, docs.post_document):
            doc = step(doc, user=w.owner)
        assert doc.status == "posted"
    found = _prepared()
    reads = {k: v for k, v in found.items() if "FOR UPDATE" in k and "inventory_stockdocument" in k}
    audit = _plans(found, 'INSERT INTO "core_auditlog"')
    numbering = _plans(found, 'INSERT INTO "core_documentsequence"')
    # each step's read (the row under lock with the approvals probe, and what the step reads
    # beside it: whether lines exist, the calendar and the warehouse) is a text of its own,
    # prepared once and run for each of the four documents; four audit lines per document
    assert len(reads) >= 3 and all(g >= 4 for g, _c in reads.values()), reads
    assert all("approvals_approvalrule" in k for k in reads)  # the probe rides in the read
    assert audit and max(g for g, _c in audit) >= 16
    assert numbering and max(g for g, _c in numbering) >= 4
    assert all(c == 0 for _g, c in [*reads.values(), *audit, *numbering])
    assert chain_problems() == []
    assert_ledger_consistent()
