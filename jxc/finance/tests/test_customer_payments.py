"""收款单 through the one payment mechanism: deliveries settled oldest first or by hand,
returns offset, discount and 抹零 as their own entries (the books tie), 预收 settled later,
never more than is open, an account the user may not use."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.core.documents.models import SourceRef
from jxc.core.errors import (
    AccountNotPermitted,
    PermissionDenied,
    SettlementExceedsOpen,
    ValidationFailed,
)
from jxc.finance import party_ledger, payments, selectors, settling
from jxc.finance.checks import party_ledger_problems
from jxc.finance.models import (
    CustomerPayment,
    OpenItem,
    PartyBalance,
    PartyLedgerEntry,
    Settlement,
)
from jxc.finance.rules import PartyLine

pytestmark = pytest.mark.django_db
D = Decimal
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def world(owner):
    from jxc.finance.services import create_account
    from jxc.partners.services import create_customer

    customer = create_customer(user=owner, code="C1", name="客户一", payment_terms_days=30)
    account = create_account(user=owner, code="XJ1", name="现金", kind="cash")
    return owner, customer, account


def _doc(owner, customer, amount, day, n, kind="sales_delivery"):
    """A delivery (positive) or a return (negative) as sales would post it."""
    [e] = party_ledger.record_party_entries(
        [PartyLine(side="receivable", partner_id=customer.pk, amount=D(amount), date=day,
                   due_date=day + dt.timedelta(days=30) if D(amount) > 0 else None)],
        source=SourceRef(kind, n, f"{'XSCK' if kind == 'sales_delivery' else 'XSTH'}-{n}"),
        user=owner,
    )  # fmt: skip
    return e


def _open(e):
    return OpenItem.objects.get(pk=e.pk).open_amount


def _receive(owner, customer, account, amount, **kw):
    kw.setdefault("date", DAY + dt.timedelta(days=3))
    return payments.record_customer_payment(
        user=owner, customer=customer, account=account, amount=D(amount), **kw
    )


def test_receipt_settles_oldest_delivery_first_with_discount_and_rounding_off(world):
    owner, customer, account = world
    old = _doc(owner, customer, "100.00", DAY, 1)
    new = _doc(owner, customer, "80.50", DAY + dt.timedelta(days=1), 2)
    rec = _receive(owner, customer, account, "175", discount=D("5"), write_off=D("0.50"))
    assert rec.status == "posted" and rec.number.startswith("SK")
    assert _open(old) == 0 and _open(new) == 0
    kinds = dict(
        PartyLedgerEntry.objects.filter(source_kind="customer_payment").values_list(
            "kind", "amount"
        )
    )
    assert kinds == {"payment": D("-175.00"), "discount": D("-5.00"), "write_off": D("-0.50")}
    # the books tie: the customer owes nothing, the account holds what was paid
    assert PartyBalance.objects.get(customer=customer).balance == 0
    [cash] = [a for a in selectors.account_balances() if a["id"] == account.pk]
    assert cash["balance"] == D("175.00")
    assert payments.unsettled(rec) == 0
    assert party_ledger_problems() == []


def test_receipt_beyond_what_is_open_stays_as_advance_and_is_settled_later(world):
    owner, customer, account = world
    rec = _receive(owner, customer, account, "300")  # 预收款: nothing delivered yet
    assert payments.unsettled(rec) == D("300")
    delivery = _doc(owner, customer, "120.00", DAY + dt.timedelta(days=5), 1)
    done = settling.settle_open_items(
        payments.RECEIVABLE, user=owner, partner_id=customer.pk, date=DAY + dt.timedelta(days=5)
    )
    assert [(s.debit_id, s.amount) for s in done] == [(delivery.pk, D("120.00"))]
    assert _open(delivery) == 0 and payments.unsettled(rec) == D("180")
    assert PartyBalance.objects.get(customer=customer).balance == D("-180.00")
    assert party_ledger_problems() == []


def test_receipt_by_hand_offsets_a_return_against_the_chosen_delivery(world):
    owner, customer, account = world
    a = _doc(owner, customer, "100.00", DAY, 1)
    b = _doc(owner, customer, "60.00", DAY, 2)
    ret = _doc(owner, customer, "-20.00", DAY + dt.timedelta(days=1), 3, kind="sales_return")
    rec = _receive(owner, customer, account, "40", allocations=[(b.pk, D("60")), (ret.pk, D("20"))])
    assert _open(b) == 0 and _open(ret) == 0 and _open(a) == D("100.00")
    assert payments.unsettled(rec) == 0
    assert sum(s.amount for s in payments.settled_by(rec)) == D("60")
    assert party_ledger_problems() == []


def test_receipt_never_settles_more_than_is_open_nothing_written(world):
    owner, customer, account = world
    a = _doc(owner, customer, "50.00", DAY, 1)
    with pytest.raises(SettlementExceedsOpen) as exc:
        _receive(owner, customer, account, "80", allocations=[(a.pk, D("80"))])
    assert exc.value.code == "settlement_exceeds_open"
    with pytest.raises(ValidationFailed) as exc:  # more than received
        _receive(owner, customer, account, "30", allocations=[(a.pk, D("40"))])
    assert "allocations" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:  # a discount with nothing to give it on
        _receive(owner, customer, account, "60", discount=D("1"), allocations=[(a.pk, D("0.5"))])
    assert "allocations" in exc.value.errors
    assert not CustomerPayment.objects.exists()
    assert PartyLedgerEntry.objects.count() == 1 and not Settlement.objects.exists()
    assert _open(a) == D("50.00")


def test_discount_without_an_open_delivery_refused(world):
    owner, customer, account = world
    with pytest.raises(ValidationFailed) as exc:
        _receive(owner, customer, account, "10", discount=D("1"))
    assert "discount" in exc.value.errors
    assert not CustomerPayment.objects.exists() and not PartyLedgerEntry.objects.exists()


@pytest.mark.parametrize(
    "field,kw",
    [
        ("amount", {"amount": D(0)}),
        ("amount", {"amount": D(-1)}),
        ("amount", {"amount": D("1.005")}),
        ("discount", {"amount": D(1), "discount": D(-1)}),
        ("write_off", {"amount": D(1), "write_off": D("0.001")}),
    ],
)
def test_bad_amounts_refused(world, field, kw):
    owner, customer, account = world
    amount = kw.pop("amount")
    with pytest.raises(ValidationFailed) as exc:
        _receive(owner, customer, account, amount, **kw)
    assert field in exc.value.errors
    assert not CustomerPayment.objects.exists()


def test_account_limited_to_roles_refuses_others(world, user_factory):
    from jxc.core.models import Role

    owner, customer, account = world
    _doc(owner, customer, "50.00", DAY, 1)
    finance = user_factory(roles=["finance"])
    account.roles.set([Role.objects.get(code="cashier")])
    with pytest.raises(AccountNotPermitted) as exc:
        _receive(finance, customer, account, "50")
    assert exc.value.code == "account_not_permitted" and exc.value.http_status == 403
    assert not CustomerPayment.objects.exists()
    account.roles.add(Role.objects.get(code="finance"))
    _receive(finance, customer, account, "50")
    keeper = user_factory(roles=["keeper"])
    with pytest.raises(PermissionDenied):
        _receive(keeper, customer, account, "1")


def test_customer_statement_and_receivables_aging(world):
    owner, customer, account = world
    _doc(owner, customer, "100.00", dt.date(2026, 1, 5), 1)  # due 2-04
    _doc(owner, customer, "60.00", dt.date(2026, 2, 20), 2)  # due 3-22
    _receive(owner, customer, account, "30", date=dt.date(2026, 2, 25), write_off=D("0.40"))
    opening, rows, closing = selectors.statement(
        "receivable", customer.pk, date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28)
    )
    assert opening == D("100.00") and closing == D("129.60")
    assert [(r.increase, r.decrease) for r in rows] == [
        (D("60.00"), 0),
        (0, D("0.40")),
        (0, D("30.00")),
    ]
    aging = selectors.aging("receivable", as_of=dt.date(2026, 3, 10))[customer.pk]
    assert aging["buckets"]["31-60"] == D("69.60") and aging["total"] == D("129.60")
    [overdue] = selectors.overdue_receivables(as_of=dt.date(2026, 3, 10))
    assert overdue["customer_id"] == customer.pk and overdue["open"] == D("69.60")


def test_overdue_receivables_take_open_credits_off_the_oldest_due_first(world, owner):
    """逾期应收 follows the 账龄 rule: an unapplied return or 预收 lowers what is overdue, the
    oldest due first; a customer whose credits cover every overdue delivery is not listed."""
    from jxc.partners.services import create_customer

    _owner, customer, account = world
    _doc(owner, customer, "100.00", dt.date(2026, 1, 5), 1)  # due 2-04
    _doc(owner, customer, "60.00", dt.date(2026, 1, 20), 2)  # due 2-19
    _doc(owner, customer, "-30.00", dt.date(2026, 2, 1), 3, kind="sales_return")
    covered = create_customer(user=owner, code="C2", name="客户二", payment_terms_days=30)
    _doc(owner, covered, "80.00", dt.date(2026, 1, 5), 4)
    _receive(owner, covered, account, "100", date=dt.date(2026, 2, 25), allocations=[])  # 预收
    day = dt.date(2026, 3, 10)
    assert selectors.overdue_receivables(as_of=day) == [
        {"customer_id": customer.pk, "open": D("130.00"), "oldest": dt.date(2026, 2, 4)}
    ]
    _doc(owner, customer, "-100.00", dt.date(2026, 2, 2), 5, kind="sales_return")
    [row] = selectors.overdue_receivables(as_of=day)
    assert (row["open"], row["oldest"]) == (D("30.00"), dt.date(2026, 2, 19))
    # the aging of that day says the same: 31–60 and 0–30 hold what the alert counts
    aged = selectors.aging("receivable", as_of=day)[customer.pk]["buckets"]
    assert aged["31-60"] + aged["0-30"] == D("30.00")


def test_receivables_aging_on_a_past_date_is_what_was_open_then(world):
    """账龄 on a past date: a 收款 dated after it does not take the delivery it settled out of
    that day's aging; the total is the statement's balance of that day, to the 分."""
    owner, customer, account = world
    _doc(owner, customer, "100.00", dt.date(2026, 1, 5), 1)  # due 2-04
    _doc(owner, customer, "-30.00", dt.date(2026, 1, 20), 2, kind="sales_return")
    _doc(owner, customer, "60.00", dt.date(2026, 2, 20), 3)  # due 3-22
    _receive(owner, customer, account, "50.01", date=dt.date(2026, 3, 3))  # settles XSCK-1

    def aged(day):
        found = selectors.aging("receivable", as_of=day)[customer.pk]
        closing = selectors.party_statement(
            "receivable", customer.pk, date_from=day, date_to=day
        ).closing
        assert found["total"] == closing == sum(found["buckets"].values()) + found["credit"]
        return {k: v for k, v in found["buckets"].items() if v}, found["total"]

    # Jan 31: the delivery and the return (netted), the March payment not yet there
    assert aged(dt.date(2026, 1, 31)) == ({"not_due": D("70.00")}, D("70.00"))
    assert aged(dt.date(2026, 2, 28)) == ({"0-30": D("70.00"), "not_due": D("60.00")}, D("130.00"))
    assert aged(dt.date(2026, 3, 10)) == ({"31-60": D("19.99"), "not_due": D("60.00")}, D("79.99"))
