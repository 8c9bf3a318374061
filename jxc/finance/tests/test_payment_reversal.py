"""红冲 of a 付款单 / 收款单: the payment's entries countered, its account no longer holding the
money from that day, what it had settled open again — and the refusals (twice, no reason, a
closed month, a date before the payment, an account or a permission the user lacks)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from jxc.core.documents.models import SourceRef
from jxc.core.errors import (
    AccountNotPermitted,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from jxc.finance import party_ledger, payments, selectors
from jxc.finance.checks import party_ledger_problems
from jxc.finance.models import OpenItem, PartyBalance, PartyLedgerEntry
from jxc.finance.rules import PartyLine

pytestmark = pytest.mark.django_db
D = Decimal
DAY = dt.date(2026, 3, 2)
LATER = dt.date(2026, 3, 20)


@pytest.fixture
def world(owner):
    from jxc.finance.services import create_account
    from jxc.partners.services import create_supplier

    supplier = create_supplier(user=owner, code="S1", name="供应商一", payment_terms_days=30)
    account = create_account(
        user=owner, code="YH1", name="工行", kind="bank", opening_balance=D("5000")
    )
    return owner, supplier, account


def _owe(owner, supplier, amount, n):
    [e] = party_ledger.record_party_entries(
        [PartyLine(side="payable", partner_id=supplier.pk, amount=D(amount), date=DAY,
                   due_date=DAY + dt.timedelta(days=30))],
        source=SourceRef("purchase_receipt", n, f"CGRK-{n}"),
        user=owner,
    )  # fmt: skip
    return e


def _balance(supplier) -> Decimal:
    return PartyBalance.objects.get(side="payable", supplier_id=supplier.pk).balance


def _money(account, as_of=None) -> Decimal:
    return next(
        a["balance"] for a in selectors.account_balances(as_of=as_of) if a["id"] == account.pk
    )


def _pay(owner, supplier, account, amount, **kw):
    return payments.record_supplier_payment(
        user=owner, supplier=supplier, account=account, amount=D(amount), date=DAY, **kw
    )


def test_a_prepayment_reversed_leaves_nothing_open(world):
    owner, supplier, account = world
    pay = _pay(owner, supplier, account, "300")  # nothing owed: all of it 预付
    assert _balance(supplier) == D("-300.00") and _money(account) == D("4700.00")
    done = payments.reverse_payment(pay, user=owner, reason="金额录错", date=LATER)
    assert done.status == "reversed" and done.status_reason == "金额录错"
    pay.refresh_from_db()
    assert pay.status == "reversed" and pay.reversal_date == LATER
    assert _balance(supplier) == D("0.00")
    assert not OpenItem.objects.filter(supplier=supplier, is_open=True).exists()
    # the account holds the money until the day of the 红冲, not after
    assert _money(account) == D("5000.00")
    assert _money(account, as_of=LATER - dt.timedelta(days=1)) == D("4700.00")
    assert _money(account, as_of=LATER) == D("5000.00")
    counter = PartyLedgerEntry.objects.get(reverses__isnull=False)
    assert counter.amount == D("300.00") and counter.date == LATER and counter.kind == "payment"
    assert party_ledger_problems() == []


def test_a_payment_that_settled_a_receipt_reversed_owes_that_again(world):
    owner, supplier, account = world
    receipt = _owe(owner, supplier, "100.00", 1)
    pay = _pay(owner, supplier, account, "150")  # 100 settled, 50 预付
    assert not OpenItem.objects.get(pk=receipt.pk).is_open
    payments.reverse_payment(pay, user=owner, reason="付错供应商", date=LATER)
    # the supplier is owed the 100 again: the settlement stays, the counter-entry is open
    assert _balance(supplier) == D("100.00")
    opens = list(OpenItem.objects.filter(supplier=supplier, is_open=True))
    assert [(o.open_amount, o.date) for o in opens] == [(D("100.00"), LATER)]
    assert opens[0].entry.source_number == pay.number
    assert payments.unsettled(pay) == D(0)
    # the counter-entry is the reversal of the payment's entry, and reads so on the statement
    assert opens[0].entry.reverses.source_number == pay.number
    rows = selectors.party_statement("payable", supplier.pk, date_from=DAY, date_to=LATER).rows
    assert [(r.entry_kind, r.reversal) for r in rows] == [
        ("document", False),
        ("payment", False),
        ("payment", True),
    ]
    with translation.override("zh-hans"):
        assert (
            selectors.entry_label("payment", "supplier_payment", reversal=True) == "付款单（红冲）"
        )
    # a new payment settles it
    again = payments.record_supplier_payment(
        user=owner, supplier=supplier, account=account, amount=D("100"), date=LATER
    )
    assert again.status == "posted" and _balance(supplier) == D("0.00")
    assert not OpenItem.objects.filter(supplier=supplier, is_open=True).exists()
    assert _money(account) == D("4900.00")
    assert party_ledger_problems() == []


def test_discount_and_rounding_off_are_reversed_with_the_money(world):
    owner, supplier, account = world
    _owe(owner, supplier, "100.00", 1)
    pay = _pay(owner, supplier, account, "97", discount=D("2.5"), write_off=D("0.5"))
    assert _balance(supplier) == D("0.00")
    payments.reverse_payment(pay, user=owner, reason="折扣谈错")
    assert _balance(supplier) == D("100.00")
    entries = PartyLedgerEntry.objects.filter(source_kind="supplier_payment", source_id=pay.pk)
    assert sorted((e.kind, e.amount) for e in entries) == [
        ("discount", D("-2.50")),
        ("discount", D("2.50")),
        ("payment", D("-97.00")),
        ("payment", D("97.00")),
        ("write_off", D("-0.50")),
        ("write_off", D("0.50")),
    ]
    assert party_ledger_problems() == []


def test_refused_twice_without_reason_and_before_the_payment(world):
    owner, supplier, account = world
    pay = _pay(owner, supplier, account, "50")
    with pytest.raises(ValidationFailed) as exc:
        payments.reverse_payment(pay, user=owner, reason="  ")
    assert "reason" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        payments.reverse_payment(pay, user=owner, reason="x", date=DAY - dt.timedelta(days=1))
    assert "date" in exc.value.errors
    pay.refresh_from_db()
    assert pay.status == "posted" and PartyLedgerEntry.objects.count() == 1
    payments.reverse_payment(pay, user=owner, reason="重复录入")
    with pytest.raises(InvalidTransition):
        payments.reverse_payment(pay, user=owner, reason="again")
    assert PartyLedgerEntry.objects.count() == 2 and _balance(supplier) == D("0.00")


def test_a_payment_in_a_closed_month_is_not_reversed(world):
    from jxc.core.errors import PeriodClosed
    from jxc.core.models import ClosedPeriod

    owner, supplier, account = world
    pay = _pay(owner, supplier, account, "50")
    ClosedPeriod.objects.create(year=2026, month=3)
    with pytest.raises(PeriodClosed):
        payments.reverse_payment(pay, user=owner, reason="x")
    pay.refresh_from_db()
    assert pay.status == "posted" and PartyLedgerEntry.objects.count() == 1


def test_who_may_reverse(world, user_factory):
    owner, supplier, account = world
    pay = _pay(owner, supplier, account, "50")
    purchaser = user_factory(roles=["purchaser"])  # sees payables, does not pay
    with pytest.raises(PermissionDenied):
        payments.reverse_payment(pay, user=purchaser, reason="x")
    finance = user_factory(roles=["finance"])
    # an account that names roles is only for them, also to take money back out of it
    account.roles.set([owner.roles.get()])
    with pytest.raises(AccountNotPermitted):
        payments.reverse_payment(pay, user=finance, reason="x")
    pay.refresh_from_db()
    assert pay.status == "posted"
    account.roles.set([])
    assert payments.reverse_payment(pay, user=finance, reason="x").status == "reversed"
