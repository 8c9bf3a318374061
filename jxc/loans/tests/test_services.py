"""借出单 / 借入单 through the real services: lend, partial 归还, done, 红冲, guards — and the
stock design: lent goods stay ours (valued, in the lent-out location), borrowed goods are not."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.lines import LineInput
from jxc.core.errors import (
    InsufficientStock,
    InvalidTransition,
    LoanPartlyReturned,
    PermissionDenied,
    ValidationFailed,
)
from jxc.inventory.choices import WarehouseKind
from jxc.inventory.documents.tests.conftest import TODAY, balances, receive
from jxc.inventory.models import StockBalance, StockMove
from jxc.inventory.testing import assert_ledger_consistent
from jxc.loans import selectors, services
from jxc.loans.models import LoanIn, LoanOut

pytestmark = pytest.mark.django_db


def lend(w, lines, *, model=LoanOut, user=None, **header):
    header.setdefault("customer", w.customer)
    doc = services.create_loan(
        model, user=user or w.owner, warehouse=w.zc, date=TODAY, lines=lines, **header
    )
    for step in ("submit", "approve"):
        doc = getattr(__import__("jxc.core.documents.actions", fromlist=[step]), step)(
            doc, user=user or w.owner
        )
    return services.post_loan(doc, user=user or w.owner)


def value_of_stock():
    return sum((b.value for b in StockBalance.objects.all()), D(0))


def test_lending_moves_goods_to_the_lent_out_location_and_keeps_their_value(loan_world):
    w = loan_world
    receive(w, w.sku_a, w.zc, 10, "3")
    before = value_of_stock()
    loan = lend(w, [LineInput(sku=w.sku_a.pk, qty=D(4))])
    assert loan.status == "posted" and loan.number.startswith("JCD")
    lent = w.zc.lent_location
    assert lent.kind == WarehouseKind.LENT
    b = balances()
    assert b[(w.sku_a.pk, w.zc.pk)][:2] == (D(6), D("18.00"))
    assert b[(w.sku_a.pk, lent.pk)][:2] == (D(4), D("12.00"))
    assert value_of_stock() == before  # still ours
    assert_ledger_consistent()


def test_partial_returns_then_done(loan_world):
    w = loan_world
    receive(w, w.sku_a, w.zc, 10, "3")
    loan = lend(w, [LineInput(sku=w.sku_a.pk, qty=D(4))])
    line = loan.lines.get()
    loan = services.return_loan(loan, user=w.owner, quantities={line.pk: D(1)})
    assert loan.status == "posted"
    assert loan.lines.get().returned_qty == D(1)
    assert [x.open_qty for x in selectors.outstanding_lines(w.owner, LoanOut)] == [D(3)]
    loan = services.return_loan(loan, user=w.owner)  # the rest
    assert loan.status == "done"
    b = balances()
    assert b[(w.sku_a.pk, w.zc.pk)][:2] == (D(10), D("30.00"))
    assert b[(w.sku_a.pk, w.zc.lent_location.pk)][:2] == (D(0), D("0.00"))
    assert list(selectors.outstanding_lines(w.owner, LoanOut)) == []
    assert_ledger_consistent()


def test_return_more_than_is_out_is_refused_and_changes_nothing(loan_world):
    w = loan_world
    receive(w, w.sku_a, w.zc, 10, "3")
    loan = lend(w, [LineInput(sku=w.sku_a.pk, qty=D(4))])
    line = loan.lines.get()
    moves = StockMove.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.return_loan(loan, user=w.owner, quantities={line.pk: D(5)})
    assert f"lines.{line.pk}.qty" in exc.value.errors
    with pytest.raises(ValidationFailed):
        services.return_loan(loan, user=w.owner, quantities={line.pk + 999: D(1)})
    with pytest.raises(ValidationFailed):
        services.return_loan(loan, user=w.owner, quantities={line.pk: D(-1)})
    assert StockMove.objects.count() == moves
    assert loan.lines.get().returned_qty == 0


def test_lending_more_than_on_hand_is_refused(loan_world):
    w = loan_world
    receive(w, w.sku_a, w.zc, 2, "3")
    with pytest.raises(InsufficientStock):
        lend(w, [LineInput(sku=w.sku_a.pk, qty=D(4))])
    assert not StockMove.objects.filter(source_kind="loan_out").exists()


def test_reverse_returns_the_goods_exactly_and_is_refused_after_a_return(loan_world):
    w = loan_world
    receive(w, w.sku_a, w.zc, 10, "3")
    before = balances()
    loan = lend(w, [LineInput(sku=w.sku_a.pk, qty=D(4))])
    loan = services.reverse_loan(loan, user=w.owner, reason="录错")
    assert loan.status == "reversed"
    after = balances()
    assert after[(w.sku_a.pk, w.zc.pk)] == before[(w.sku_a.pk, w.zc.pk)]
    other = lend(w, [LineInput(sku=w.sku_a.pk, qty=D(2))])
    services.return_loan(other, user=w.owner, quantities={other.lines.get().pk: D(1)})
    with pytest.raises(LoanPartlyReturned) as exc:
        services.reverse_loan(other, user=w.owner, reason="x")
    assert exc.value.code == "loan_partly_returned"
    assert_ledger_consistent()


def test_borrowed_goods_are_not_in_our_stock_or_value(loan_world):
    w = loan_world
    receive(w, w.sku_a, w.zc, 10, "3")
    before, value = balances(), value_of_stock()
    loan = lend(
        w, [LineInput(sku=w.sku_a.pk, qty=D(5))], model=LoanIn, customer=None, supplier=w.supplier
    )
    assert loan.number.startswith("JRD") and loan.status == "posted"
    assert balances() == before and value_of_stock() == value
    assert [x.open_qty for x in selectors.outstanding_lines(w.owner, LoanIn)] == [D(5)]
    loan = services.return_loan(loan, user=w.owner)
    assert loan.status == "done" and balances() == before


def test_header_needs_exactly_one_partner_and_a_due_date_after_the_date(loan_world):
    w = loan_world
    line = [LineInput(sku=w.sku_a.pk, qty=D(1))]
    with pytest.raises(ValidationFailed) as exc:
        services.create_loan(LoanOut, user=w.owner, warehouse=w.zc, date=TODAY, lines=line)
    assert "customer" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.create_loan(
            LoanOut,
            user=w.owner,
            warehouse=w.zc,
            date=TODAY,
            lines=line,
            customer=w.customer,
            supplier=w.supplier,
        )
    assert "customer" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.create_loan(
            LoanOut,
            user=w.owner,
            warehouse=w.zc,
            date=TODAY,
            lines=line,
            customer=w.customer,
            due_date=TODAY.replace(day=1),
        )
    assert "due_date" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.create_loan(
            LoanOut,
            user=w.owner,
            warehouse=w.zc,
            date=TODAY,
            customer=w.customer,
            lines=[LineInput(sku=w.sku_a.pk, qty=D(0))],
        )
    assert "lines.0.qty" in exc.value.errors


def test_update_draft_replaces_lines_and_posted_loans_cannot_change(loan_world):
    w = loan_world
    receive(w, w.sku_a, w.zc, 10, "3")
    doc = services.create_loan(
        LoanOut,
        user=w.owner,
        warehouse=w.zc,
        date=TODAY,
        customer=w.customer,
        lines=[LineInput(sku=w.sku_a.pk, qty=D(1))],
    )
    doc = services.update_loan(
        doc, user=w.owner, lines=[LineInput(sku=w.sku_b.pk, qty=D(2), memo="样品")]
    )
    assert [(x.sku_id, x.qty, x.memo) for x in doc.lines.all()] == [(w.sku_b.pk, D(2), "样品")]
    posted = lend(w, [LineInput(sku=w.sku_a.pk, qty=D(1))])
    with pytest.raises(Exception) as exc:
        services.update_loan(posted, user=w.owner, memo="x")
    assert getattr(exc.value, "code", "") == "not_editable"
    with pytest.raises(InvalidTransition):
        services.post_loan(posted, user=w.owner)


def test_sales_role_may_not_lend(loan_world):
    w = loan_world
    with pytest.raises(PermissionDenied):
        services.create_loan(
            LoanOut,
            user=w.sales,
            warehouse=w.zc,
            date=TODAY,
            customer=w.customer,
            lines=[LineInput(sku=w.sku_a.pk, qty=D(1))],
        )


def test_keeper_may_lend(loan_world):
    w = loan_world
    receive(w, w.sku_a, w.zc, 10, "3")
    loan = lend(w, [LineInput(sku=w.sku_a.pk, qty=D(1))], user=w.keeper)
    assert loan.status == "posted"
