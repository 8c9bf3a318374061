"""付款单: paying a supplier settles the oldest receipts first or those chosen, never more than
paid; the rest is a prepayment; statement and aging read the party ledger."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.core.documents.models import SourceRef
from jxc.core.errors import SettlementExceedsOpen, ValidationFailed
from jxc.finance import party_ledger, payments, selectors
from jxc.finance.checks import party_ledger_problems
from jxc.finance.models import OpenItem, PartyLedgerEntry, SupplierPayment
from jxc.finance.rules import PartyLine

pytestmark = pytest.mark.django_db
D = Decimal
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def world(owner):
    from jxc.finance.services import create_account
    from jxc.partners.services import create_supplier

    supplier = create_supplier(user=owner, code="S1", name="供应商一", payment_terms_days=30)
    account = create_account(user=owner, code="YH1", name="工行", kind="bank")
    return owner, supplier, account


def _owe(owner, supplier, amount, day, n):
    [e] = party_ledger.record_party_entries(
        [PartyLine(side="payable", partner_id=supplier.pk, amount=D(amount), date=day,
                   due_date=day + dt.timedelta(days=30))],
        source=SourceRef("purchase_receipt", n, f"CGRK-{n}"),
        user=owner,
    )  # fmt: skip
    return e


def test_pay_oldest_first_then_a_prepayment(world):
    owner, supplier, account = world
    old = _owe(owner, supplier, "100.00", DAY, 1)
    new = _owe(owner, supplier, "80.00", DAY + dt.timedelta(days=5), 2)
    pay = payments.record_supplier_payment(
        user=owner,
        supplier=supplier,
        account=account,
        amount=D("150"),
        date=DAY + dt.timedelta(days=6),
    )
    assert pay.status == "posted" and pay.number.startswith("FK")
    assert OpenItem.objects.get(pk=old.pk).is_open is False
    assert OpenItem.objects.get(pk=new.pk).open_amount == D("30.00")
    pre = payments.record_supplier_payment(
        user=owner,
        supplier=supplier,
        account=account,
        amount=D("50"),
        date=DAY + dt.timedelta(days=7),
    )
    entry = PartyLedgerEntry.objects.get(source_kind="supplier_payment", source_id=pre.pk)
    assert OpenItem.objects.get(pk=entry.pk).open_amount == D("-20.00")  # 预付 left
    assert [o.open_amount for o in selectors.supplier_open_items(supplier.pk)] == [D("-20.00")]
    assert party_ledger_problems() == []


def test_pay_chosen_receipts_never_more_than_paid_or_open(world):
    owner, supplier, account = world
    a = _owe(owner, supplier, "100.00", DAY, 1)
    b = _owe(owner, supplier, "40.00", DAY, 2)
    with pytest.raises(ValidationFailed) as exc:
        payments.record_supplier_payment(
            user=owner, supplier=supplier, account=account, amount=D("50"), date=DAY,
            allocations=[(a.pk, D("30")), (b.pk, D("30"))],
        )  # fmt: skip
    assert "allocations" in exc.value.errors
    with pytest.raises(SettlementExceedsOpen):
        payments.record_supplier_payment(
            user=owner, supplier=supplier, account=account, amount=D("50"), date=DAY,
            allocations=[(b.pk, D("45"))],
        )  # fmt: skip
    assert not SupplierPayment.objects.exists() and PartyLedgerEntry.objects.count() == 2
    payments.record_supplier_payment(
        user=owner, supplier=supplier, account=account, amount=D("50"), date=DAY,
        allocations=[(b.pk, D("40"))],
    )  # fmt: skip
    assert OpenItem.objects.get(pk=a.pk).settled == 0 and not OpenItem.objects.get(pk=b.pk).is_open
    assert party_ledger_problems() == []


@pytest.mark.parametrize("amount", [D(0), D(-5), D("1.001")])
def test_bad_amounts_and_inactive_account_refused(world, amount):
    owner, supplier, account = world
    with pytest.raises(ValidationFailed) as exc:
        payments.record_supplier_payment(
            user=owner, supplier=supplier, account=account, amount=amount, date=DAY
        )
    assert "amount" in exc.value.errors
    account.is_active = False
    account.save()
    with pytest.raises(ValidationFailed) as exc:
        payments.record_supplier_payment(
            user=owner, supplier=supplier, account=account, amount=D(1), date=DAY
        )
    assert "account" in exc.value.errors
    assert not SupplierPayment.objects.exists()


def test_statement_and_aging(world):
    owner, supplier, account = world
    _owe(owner, supplier, "100.00", dt.date(2026, 1, 5), 1)  # due 2-04
    _owe(owner, supplier, "60.00", dt.date(2026, 2, 20), 2)  # due 3-22
    payments.record_supplier_payment(
        user=owner, supplier=supplier, account=account, amount=D("30"), date=dt.date(2026, 2, 25)
    )
    opening, rows, closing = selectors.supplier_statement(
        supplier.pk, date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28)
    )
    assert opening == D("100.00") and closing == D("130.00")
    assert [(r.number[:4], r.increase, r.decrease) for r in rows] == [
        ("CGRK", D("60.00"), 0),
        ("FK20", 0, D("30.00")),
    ]
    aging = selectors.payables_aging(as_of=dt.date(2026, 3, 10))[supplier.pk]
    assert aging["buckets"]["31-60"] == D("70.00")  # 100 due 2-04, 30 paid oldest first
    assert aging["buckets"]["not_due"] == D("60.00") and aging["total"] == D("130.00")


def test_statement_and_aging_are_exact_in_a_bounded_number_of_statements(
    world, django_assert_max_num_queries
):
    """对账单: two statements (the opening SUM, the period's entries) and 账龄 one grouped
    statement, whatever the number of entries; amounts that add up badly as REALs (0.1 +
    0.2, 1.13 + 2.26) come out exact to the 分."""
    owner, supplier, _account = world
    amounts = ["0.10", "0.20", "1.13", "2.26", "1234567.89", "0.01"]
    for n, a in enumerate(amounts, 1):
        _owe(owner, supplier, a, DAY + dt.timedelta(days=n), n)
    with django_assert_max_num_queries(2):
        found = selectors.party_statement(
            "payable",
            supplier.pk,
            date_from=DAY + dt.timedelta(days=2),
            date_to=DAY + dt.timedelta(days=9),
        )
    assert found.opening == D("0.10")
    assert [r.balance for r in found.rows] == [D("0.30"), D("1.43"), D("3.69"), D("1234571.58"),
                                               D("1234571.59")]  # fmt: skip
    assert [str(r.increase) for r in found.rows] == amounts[1:]
    assert found.closing == D("1234571.59") and found.increase == D("1234571.49")
    assert found.rows[0].kind == "purchase_receipt" and found.rows[0].number == "CGRK-2"
    assert found.rows[0].due_date == DAY + dt.timedelta(days=32)
    with django_assert_max_num_queries(1):
        aged = selectors.aging("payable", as_of=DAY + dt.timedelta(days=70))[supplier.pk]
    # due on day 31..36 after DAY: 34..39 days past due on day 70
    assert aged["buckets"]["31-60"] == D("1234571.59") == aged["total"]
    assert aged["buckets"]["0-30"] == aged["buckets"]["not_due"] == D(0)
    later = selectors.aging("payable", as_of=DAY + dt.timedelta(days=66))[supplier.pk]
    # day 66: the first four 30–35 days past due → 0–30 for day 36 (30 days), 31–60 for the rest
    assert sum(later["buckets"].values()) == later["total"] == D("1234571.59")


def test_a_payment_settling_many_receipts_writes_them_set_based(
    world, django_assert_max_num_queries
):
    """核销 of one payment against many receipts: the items and settlements written in one
    statement each (before: three statements per receipt)."""
    owner, supplier, account = world
    for n in range(1, 9):
        _owe(owner, supplier, "10.00", DAY, n)
    payments.record_supplier_payment(
        user=owner, supplier=supplier, account=account, amount=D("5"), date=DAY
    )  # the balance row and caches
    with django_assert_max_num_queries(24):
        pay = payments.record_supplier_payment(
            user=owner, supplier=supplier, account=account, amount=D("75"), date=DAY
        )
    assert len(payments.settled_by(pay)) == 8
    assert not OpenItem.objects.filter(supplier=supplier, is_open=True).exists()
    assert party_ledger_problems() == []
