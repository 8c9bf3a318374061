"""A document's own statements in the four-call flow make SQLite build no temporary b-tree
(docs/ledger.md, tenth pass): each costs ~16,000–25,000 CPU instructions, and they came from
a check's ``IN`` list (the header's status, kind and reason: inventory 0022), a RETURNING
(the header's and lines' ids: ``lastrowid`` instead; an audit line nobody reads back) and a
derived table joined inside the step's read (the approval probe, the calendar)."""

import re
from decimal import Decimal

import pytest
from django.db import connection

from jxc.core.documents.lines import LineInput
from jxc.inventory.documents import services as docs

from .conftest import TODAY

# the tables of the documents and their audit lines (other statements are the catalog's, the
# numbering's and the ledger's)
OWN = ("inventory_stockdocument", "inventory_stockdocumentline", "core_auditlog")


def _flow_statements(w, kind: str, lines) -> list[tuple[str, tuple]]:
    seen: list[tuple[str, tuple]] = []

    def watch(execute, sql, params, many, context):
        seen.append((sql, tuple(params[0] if many else params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        doc = docs.create_stock_document(
            user=w.owner, kind=kind, warehouse=w.zc, date=TODAY, reason="other", lines=lines
        )
        doc = docs.submit_document(doc, user=w.owner)
        doc = docs.approve_document(doc, user=w.owner)
        docs.post_document(doc, user=w.owner)
    return seen


def _builds_a_tree(sql: str, params: tuple) -> bool:
    text = re.sub(r"(?<!%)%s", "?", sql).replace("%%", "%")
    plan = connection.connection.execute("EXPLAIN " + text, params).fetchall()
    return any(row[1] == "OpenEphemeral" for row in plan)


@pytest.mark.django_db
def test_the_documents_own_statements_build_no_temporary_btree(stock_world):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plans")
    w = stock_world
    lines = [
        LineInput(sku=w.sku_a.pk, qty=Decimal("5"), price=Decimal("2.5")),
        LineInput(sku=w.sku_b.pk, qty=Decimal("3"), price=Decimal("1")),
        LineInput(sku=w.sku_k.pk, qty=Decimal("4"), price=Decimal("7")),
    ]
    out = [LineInput(sku=x.sku, qty=Decimal("1")) for x in lines]
    seen = _flow_statements(w, "other_receipt", lines) + _flow_statements(w, "other_issue", out)
    own = [
        (sql, params)
        for sql, params in seen
        if sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE"))
        and any(f'"{table}"' in sql for table in OWN)
    ]
    writes = [s for s, _p in own if not s.lstrip().upper().startswith("SELECT")]
    assert len(writes) >= 2 * (1 + 1 + 3 + 4)  # header, lines, three steps, four audit lines
    assert [sql for sql, params in own if _builds_a_tree(sql, params)] == []


@pytest.mark.django_db
def test_ids_of_inserted_rows_are_the_rows_the_database_holds(stock_world):
    """``insert_many`` / ``insert_one`` set the ids the rows got (SQLite: from the driver's
    ``lastrowid``, no RETURNING), also after the table's last rows were deleted."""
    from django.db import transaction

    from jxc.catalog.selectors import sku_facts
    from jxc.core.documents.lines import LineInput
    from jxc.core.documents.services import insert_document
    from jxc.inventory.documents import services as docs
    from jxc.inventory.documents.models import OtherReceipt, StockDocumentLine

    w = stock_world
    day = TODAY

    def lines(n: int) -> list:
        return [LineInput(sku=w.sku_a.pk, qty=Decimal(i + 1), price=Decimal(1)) for i in range(n)]

    first = docs.create_stock_document(
        user=w.owner, kind="other_receipt", warehouse=w.zc, date=day, reason="other", lines=lines(4)
    )
    docs.update_stock_document(first, user=w.owner, lines=lines(2))  # the last ids deleted
    with transaction.atomic():
        made = insert_document(
            OtherReceipt,
            user=w.owner,
            header={"warehouse": w.zc, "date": day, "reason": "other"},
            lines=lines(3),
            facts=sku_facts([w.sku_a.pk]),
        )
    held = list(
        StockDocumentLine.objects.filter(document_id=made.doc.pk)
        .order_by("line_no")
        .values_list("id", "line_no", "qty")
    )
    assert [(r.pk, r.line_no, r.qty) for r in made.rows] == held
    assert OtherReceipt.objects.filter(pk=made.doc.pk, number=made.doc.number).exists()
    assert made.doc.pk > first.pk
