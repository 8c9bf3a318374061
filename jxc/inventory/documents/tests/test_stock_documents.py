"""其他入库 / 其他出库 / 成本调整 / 期初库存: the whole lifecycle through the services."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.documents.lines import LineInput
from jxc.core.errors import (
    InsufficientStock,
    InvalidTransition,
    NotEditable,
    OpeningAfterMoves,
    PeriodClosed,
    PermissionDenied,
    ValidationFailed,
)
from jxc.core.models import AuditLog
from jxc.core.periods import close_period
from jxc.core.services import update_company
from jxc.inventory import selectors as stock_selectors
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import OtherIssue, OtherReceipt, StockDocument
from jxc.inventory.documents.tests.conftest import TODAY, balances, post, receive
from jxc.inventory.models import CostPool, StockMove
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def issue(w, lines, *, reason="sample", wh=None, date=TODAY, user=None):
    return docs.create_stock_document(
        user=user or w.owner,
        kind="other_issue",
        warehouse=wh or w.zc,
        date=date,
        reason=reason,
        lines=lines,
    )


def test_other_receipt_lifecycle_numbering_and_audit(stock_world):
    w = stock_world
    doc = docs.create_stock_document(
        user=w.keeper,
        kind="other_receipt",
        warehouse=w.zc,
        date=TODAY,
        reason="gift",
        memo="供应商赠品",
        lines=[LineInput(sku=w.sku_a.pk, qty=D(2), unit=w.box.pk, price=D("30"))],
    )
    assert isinstance(doc, OtherReceipt) and doc.number == "QTRK20261120-0001"
    line = doc.lines.get()
    assert (line.qty, line.factor, line.base_qty) == (D(2), D(12), D(24))
    for action, status in (
        (docs.submit_document, "submitted"),
        (docs.approve_document, "approved"),
        (docs.post_document, "posted"),
    ):
        doc = action(doc, user=w.keeper)
        assert doc.status == status
    assert doc.posted_by == w.keeper and doc.approved_by == w.keeper
    assert balances()[(w.sku_a.pk, w.zc.pk)][:2] == (D(24), D("60.00"))
    move = StockMove.objects.get(source_kind="other_receipt", source_id=doc.pk)
    assert (move.reason, move.source_number, move.source_line) == (
        "other_receipt",
        doc.number,
        line.pk,
    )
    actions = list(
        AuditLog.objects.filter(object_id=str(doc.pk), object_type="inventory.otherreceipt")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "submit", "approve", "post"]
    assert_ledger_consistent()


def test_other_issue_posts_out_at_cost_and_twice_changes_nothing(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "2.5")
    doc = post(issue(w, [LineInput(sku=w.sku_a.pk, qty=D(4))]), w.owner)
    assert doc.number.startswith("QTCK20261120-")
    move = StockMove.objects.get(source_kind="other_issue", source_id=doc.pk)
    assert (move.qty, move.value) == (D(-4), D("-10.00"))
    before = balances()
    moves = StockMove.objects.count()
    with pytest.raises(InvalidTransition) as exc:
        docs.post_document(doc, user=w.owner)
    assert exc.value.code == "invalid_transition"
    assert balances() == before and StockMove.objects.count() == moves
    assert_ledger_consistent()


def test_reversal_restores_balances_exactly(stock_world):
    w = stock_world
    update_company(user=w.owner, price_decimals=4)  # costs to the 0.1 分
    receive(w, w.sku_a, w.zc, 7, "3.3333")
    before = balances()
    pools_before = list(CostPool.objects.values_list("qty", "value", "unit_cost"))
    doc = post(issue(w, [LineInput(sku=w.sku_a.pk, qty=D(3))]), w.owner)
    assert balances() != before
    doc = docs.reverse_document(doc, user=w.owner, reason="录错了")
    assert doc.status == "reversed" and doc.status_reason == "录错了"
    assert doc.reversal_date == max(TODAY, dt.date.today())
    assert balances() == before
    assert list(CostPool.objects.values_list("qty", "value", "unit_cost")) == pools_before
    reversed_moves = StockMove.objects.filter(source_id=doc.pk, reverses__isnull=False)
    assert reversed_moves.count() == 1
    with pytest.raises(InvalidTransition):
        docs.reverse_document(doc, user=w.owner, reason="again")
    assert_ledger_consistent()


def test_reverse_needs_a_reason(stock_world):
    w = stock_world
    doc = receive(w, w.sku_a, w.zc, 1, "1")
    with pytest.raises(ValidationFailed) as exc:
        docs.reverse_document(doc, user=w.owner, reason=" ")
    assert "reason" in exc.value.errors


def test_insufficient_stock_leaves_the_document_approved(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 2, "1")
    doc = issue(w, [LineInput(sku=w.sku_a.pk, qty=D(3))])
    docs.submit_document(doc, user=w.owner)
    docs.approve_document(doc, user=w.owner)
    before = balances()
    with pytest.raises(InsufficientStock) as exc:
        docs.post_document(doc, user=w.owner)
    assert exc.value.code == "insufficient_stock"
    doc.refresh_from_db()
    assert doc.status == "approved" and balances() == before


def test_void_before_posting_and_not_after(stock_world):
    w = stock_world
    doc = issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))])
    with pytest.raises(ValidationFailed):
        docs.void_document(doc, user=w.owner, reason="")
    doc = docs.void_document(doc, user=w.owner, reason="不需要了")
    assert doc.status == "void"
    assert not StockMove.objects.filter(source_id=doc.pk).exists()
    with pytest.raises(InvalidTransition):
        docs.submit_document(doc, user=w.owner)
    posted = receive(w, w.sku_a, w.zc, 1, "1")
    with pytest.raises(InvalidTransition):
        docs.void_document(posted, user=w.owner, reason="晚了")


def test_unapprove_and_reject_go_back(stock_world):
    w = stock_world
    doc = docs.submit_document(issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))]), user=w.owner)
    doc = docs.approve_document(doc, user=w.owner)
    doc = docs.unapprove_document(doc, user=w.owner)
    assert doc.status == "submitted"
    doc = docs.unapprove_document(doc, user=w.owner)
    assert doc.status == "draft"
    docs.submit_document(doc, user=w.owner)
    with pytest.raises(ValidationFailed):
        docs.reject_document(doc, user=w.owner, reason="")
    doc = docs.reject_document(doc, user=w.owner, reason="数量不对")
    assert doc.status == "draft" and doc.status_reason == "数量不对"


def test_edit_only_while_draft(stock_world):
    w = stock_world
    doc = issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))])
    doc = docs.update_stock_document(
        doc,
        user=w.owner,
        reason="internal_use",
        lines=[LineInput(sku=w.sku_a.pk, qty=D(2)), LineInput(sku=w.sku_b.pk, qty=D(1))],
    )
    assert doc.reason == "internal_use" and doc.lines.count() == 2
    assert list(doc.lines.values_list("line_no", flat=True)) == [1, 2]
    docs.submit_document(doc, user=w.owner)
    with pytest.raises(NotEditable) as exc:
        docs.update_stock_document(doc, user=w.owner, memo="x")
    assert exc.value.code == "not_editable"


def test_bad_input_saves_nothing(stock_world):
    w = stock_world
    with pytest.raises(ValidationFailed) as exc:
        docs.create_stock_document(
            user=w.owner,
            kind="other_issue",
            warehouse=w.zc,
            date=TODAY,
            reason="surplus",
            lines=[
                LineInput(sku=w.sku_a.pk, qty=D(0)),
                LineInput(sku=w.sku_a.pk, qty=D(1), bin=999),
            ],
        )
    assert {"reason", "lines.0.qty", "lines.1.bin"} <= set(exc.value.errors)
    with pytest.raises(ValidationFailed) as exc:
        docs.create_stock_document(
            user=w.owner, kind="other_issue", warehouse=w.zc, date=TODAY, reason="gift", lines=[]
        )
    assert "lines" in exc.value.errors
    with pytest.raises(ValidationFailed):
        docs.create_stock_document(user=w.owner, kind="nope", warehouse=w.zc, date=TODAY, lines=[])
    assert not StockDocument.objects.exists()


def test_submit_needs_lines(stock_world):
    w = stock_world
    doc = issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))])
    doc.lines.all().delete()
    with pytest.raises(ValidationFailed):
        docs.submit_document(doc, user=w.owner)


def test_permissions_and_warehouse_scope(stock_world):
    w = stock_world
    with pytest.raises(PermissionDenied):
        issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))], user=w.sales)
    inventory.set_user_warehouses(user=w.owner, target=w.keeper, warehouses=[w.md])
    with pytest.raises(PermissionDenied):
        issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))], user=w.keeper)
    doc = issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))], user=w.keeper, wh=w.md)
    assert doc.created_by == w.keeper
    # 成本调整 and 期初 belong to the owner (the keeper's role does not list them).
    with pytest.raises(PermissionDenied):
        docs.create_stock_document(
            user=w.keeper,
            kind="cost_adjustment",
            warehouse=w.md,
            date=TODAY,
            lines=[LineInput(sku=w.sku_a.pk, price=D(1))],
        )
    docs.submit_document(doc, user=w.keeper)
    with pytest.raises(PermissionDenied):
        docs.approve_document(doc, user=w.sales)


def test_closed_period_refuses_posting_and_reversal(stock_world, monkeypatch):
    w = stock_world
    october = dt.date(2026, 10, 15)
    early = receive(w, w.sku_a, w.zc, 5, "2", date=october)
    late = docs.submit_document(
        issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))], date=october), user=w.owner
    )
    docs.approve_document(late, user=w.owner)
    docs.void_document(late, user=w.owner, reason="月结前作废")
    waiting = docs.approve_document(
        docs.submit_document(
            issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))], date=october), user=w.owner
        ),
        user=w.owner,
    )
    docs.void_document(waiting, user=w.owner, reason="x")
    close_period(year=2026, month=10, user=w.owner)
    # a new document dated in the closed month is refused on its date …
    with pytest.raises(ValidationFailed) as refused:
        issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))], date=october)
    assert list(refused.value.errors) == ["date"]
    # … and one that got there anyway (made before that rule) is never posted
    from jxc.core.documents import actions, calendar

    with monkeypatch.context() as m:
        for module in (actions, calendar):  # the steps' guard and the numbering's
            m.setattr(module, "ensure_document_date", lambda day, calendar=None: None)
        doc = docs.approve_document(
            docs.submit_document(
                issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))], date=october), user=w.owner
            ),
            user=w.owner,
        )
    before = balances()
    with pytest.raises(PeriodClosed) as exc:
        docs.post_document(doc, user=w.owner)
    assert exc.value.code == "period_closed"
    with pytest.raises(PeriodClosed):
        docs.reverse_document(early, user=w.owner, reason="太晚")
    with pytest.raises(PeriodClosed):
        docs.unapprove_document(doc, user=w.owner)
    assert balances() == before


def test_the_lots_read_with_an_issues_row_are_the_lots_read_by_its_skus(stock_world):
    """过账 of an issue reads the lots its SKUs hold by the document's id, with its row
    (``document_lots_statements``): the same lots, in the same order, as ``available_lots``
    reads by warehouse and SKUs — plain stock, bins and batches (先到期先出)."""
    from jxc.core.statements import fetch_each
    from jxc.inventory.documents.lifecycle import (
        available_lots,
        document_lots_statements,
        lots_from,
    )

    w = stock_world
    shelf = inventory.create_bin(user=w.owner, warehouse=w.zc, code="A-01")
    receive(w, w.sku_c, w.zc, 3, "5", batch_number="B2", expiry_date=dt.date(2027, 3, 1))
    receive(w, w.sku_c, w.zc, 4, "6", batch_number="B1", expiry_date=dt.date(2027, 1, 1))
    receive(w, w.sku_a, w.zc, 5, "2")
    receive(w, w.sku_a, w.zc, 2, "2", bin=shelf.pk)
    receive(w, w.sku_b, w.md, 9, "1")  # another warehouse: not the issue's
    doc = issue(
        w,
        [
            LineInput(sku=w.sku_c.pk, qty=D(1)),
            LineInput(sku=w.sku_a.pk, qty=D(1)),
            LineInput(sku=w.sku_b.pk, qty=D(1)),
        ],
    )
    skus = {w.sku_a.pk, w.sku_b.pk, w.sku_c.pk}
    by_document = lots_from(*fetch_each(document_lots_statements(doc)), skus)
    expected = available_lots(w.zc.pk, skus)
    assert by_document == expected
    assert [lot.batch is not None for lot in by_document[w.sku_c.pk]] == [True, True]
    assert [lot.bin for lot in by_document[w.sku_a.pk]] == [None, shelf.pk]
    assert by_document[w.sku_b.pk] == []


def test_fefo_issue_of_a_batch_tracked_sku(stock_world):
    w = stock_world
    receive(w, w.sku_c, w.zc, 3, "5", batch_number="B2", expiry_date=dt.date(2027, 3, 1))
    receive(w, w.sku_c, w.zc, 4, "6", batch_number="B1", expiry_date=dt.date(2027, 1, 1))
    doc = post(issue(w, [LineInput(sku=w.sku_c.pk, qty=D(5))]), w.owner)
    moves = StockMove.objects.filter(source_id=doc.pk, source_kind="other_issue").order_by("id")
    assert [(m.batch.number, m.qty) for m in moves] == [("B1", D(-4)), ("B2", D(-1))]
    named = post(issue(w, [LineInput(sku=w.sku_c.pk, qty=D(1), batch_number="B2")]), w.owner)
    assert StockMove.objects.get(source_id=named.pk, source_kind="other_issue").batch.number == "B2"
    with pytest.raises(ValidationFailed) as exc:
        post(issue(w, [LineInput(sku=w.sku_c.pk, qty=D(1), batch_number="NOPE")]), w.owner)
    assert "lines.0.batch_number" in exc.value.errors
    assert_ledger_consistent()


def test_bins_receive_and_issue(stock_world):
    w = stock_world
    shelf = inventory.create_bin(user=w.owner, warehouse=w.zc, code="A-01")
    receive(w, w.sku_a, w.zc, 5, "1", bin=shelf.pk)
    doc = post(issue(w, [LineInput(sku=w.sku_a.pk, qty=D(2))]), w.owner)
    move = StockMove.objects.get(source_id=doc.pk, source_kind="other_issue")
    assert move.bin_id == shelf.pk  # 先到期先出 finds the stock in its bin
    assert_ledger_consistent()


def test_cost_adjustment_revalues_without_changing_quantity(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "2")
    doc = docs.create_stock_document(
        user=w.owner,
        kind="cost_adjustment",
        warehouse=w.zc,
        date=TODAY,
        lines=[LineInput(sku=w.sku_a.pk, price=D("2.5"))],
    )
    assert doc.number.startswith("CBTZ") and doc.lines.get().base_qty == 0
    post(doc, w.owner)
    on_hand, value, _t = balances()[(w.sku_a.pk, w.zc.pk)]
    assert (on_hand, value) == (D(10), D("25.00"))
    by_amount = docs.create_stock_document(
        user=w.owner,
        kind="cost_adjustment",
        warehouse=w.zc,
        date=TODAY,
        lines=[LineInput(sku=w.sku_a.pk, value_change=D("-5"))],
    )
    post(by_amount, w.owner)
    assert balances()[(w.sku_a.pk, w.zc.pk)][:2] == (D(10), D("20.00"))
    docs.reverse_document(by_amount, user=w.owner, reason="撤销")
    assert balances()[(w.sku_a.pk, w.zc.pk)][:2] == (D(10), D("25.00"))
    assert_ledger_consistent()


def test_opening_stock_with_batch_and_only_before_go_live(stock_world):
    w = stock_world
    doc = docs.create_stock_document(
        user=w.owner,
        kind="opening_stock",
        warehouse=w.zc,
        date=TODAY,
        lines=[
            LineInput(sku=w.sku_c.pk, qty=D(6), price=D("4.2"), batch_number="L1"),
            LineInput(sku=w.sku_w.pk, qty=D("2.5"), price=D("6")),
        ],
    )
    assert doc.number.startswith("QCKC")
    post(doc, w.owner)
    assert balances()[(w.sku_c.pk, w.zc.pk)][:2] == (D(6), D("25.20"))
    assert balances()[(w.sku_w.pk, w.zc.pk)][:2] == (D("2.5"), D("15.00"))
    with pytest.raises(ValidationFailed) as exc:
        docs.create_stock_document(
            user=w.owner,
            kind="opening_stock",
            warehouse=w.zc,
            date=TODAY,
            lines=[LineInput(sku=w.sku_a.pk, qty=D(1))],
        )
    assert "lines.0.price" in exc.value.errors
    receive(w, w.sku_a, w.zc, 1, "1")
    late = docs.create_stock_document(
        user=w.owner,
        kind="opening_stock",
        warehouse=w.zc,
        date=TODAY,
        lines=[LineInput(sku=w.sku_a.pk, qty=D(1), price=D(1))],
    )
    with pytest.raises(OpeningAfterMoves) as exc2:
        post(late, w.owner)
    assert exc2.value.code == "opening_after_moves"
    assert_ledger_consistent()


def test_numbers_count_per_type_and_day(stock_world):
    w = stock_world
    a = issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))])
    b = issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))])
    c = issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))], date=TODAY + dt.timedelta(days=1))
    assert [a.number, b.number, c.number] == [
        "QTCK20261120-0001",
        "QTCK20261120-0002",
        "QTCK20261121-0001",
    ]
    assert OtherIssue.objects.count() == 3 and OtherReceipt.objects.count() == 0


def test_actions_for_derive_from_the_workflow(stock_world):
    w = stock_world
    doc = issue(w, [LineInput(sku=w.sku_a.pk, qty=D(1))])
    assert {t.action for t in doc.actions_for(w.owner)} == {"submit", "void"}
    assert doc.actions_for(w.sales) == []
    assert stock_selectors.stock_on_hand(sku=w.sku_a) == 0
