"""Several 收款单 as one set (``payments.record_payments``, a split payment at the counter):
the same rows, numbers, party entries, settlements, balances and audit lines as the payments
recorded one by one, the same refusals with nothing written, and written set-based."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jxc.core.documents.models import SourceRef
from jxc.core.errors import AccountNotPermitted, SettlementExceedsOpen, ValidationFailed
from jxc.core.models import AuditLog
from jxc.finance import party_ledger, payments
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
PAID_ON = DAY + dt.timedelta(days=3)


@pytest.fixture
def world(owner):
    from jxc.finance.services import create_account
    from jxc.partners.services import create_customer

    customer = create_customer(user=owner, code="C1", name="客户一", payment_terms_days=30)
    accounts = [
        create_account(user=owner, code=code, name=name, kind=kind)
        for code, name, kind in (
            ("XJ1", "现金", "cash"),
            ("WX1", "微信", "wechat"),
            ("YH1", "银行", "bank"),
        )
    ]
    return owner, customer, accounts


def _doc(owner, customer, amount, day, n, kind="sales_delivery"):
    [e] = party_ledger.record_party_entries(
        [PartyLine(side="receivable", partner_id=customer.pk, amount=D(amount), date=day,
                   due_date=day + dt.timedelta(days=30) if D(amount) > 0 else None)],
        source=SourceRef(kind, n, f"{'XSCK' if kind == 'sales_delivery' else 'XSTH'}-{n}"),
        user=owner,
    )  # fmt: skip
    return e


def _books(customer) -> dict:
    """What the payments wrote, by numbers and amounts (ids and clocks left out)."""
    name = dict(PartyLedgerEntry.objects.values_list("pk", "source_number"))
    kind = dict(PartyLedgerEntry.objects.values_list("pk", "kind"))
    return {
        "payments": list(
            CustomerPayment.objects.order_by("number").values_list(
                "number",
                "account__code",
                "amount",
                "discount",
                "write_off",
                "status",
                "memo",
                "posted_by",
                "date",
            )
        ),
        "entries": list(
            PartyLedgerEntry.objects.filter(source_kind="customer_payment")
            .order_by("source_number", "kind")
            .values_list("source_number", "kind", "amount", "date", "memo")
        ),
        "settlements": sorted(
            (name[s.debit_id], name[s.credit_id], kind[s.credit_id], s.amount, s.source_number)
            for s in Settlement.objects.all()
        ),
        "open": sorted(
            (name[i.pk], kind[i.pk], i.settled, i.is_open)
            for i in OpenItem.objects.filter(customer=customer)
        ),
        "balance": PartyBalance.objects.get(customer=customer).balance,
        "audit": list(
            AuditLog.objects.filter(object_type="finance.customerpayment")
            .order_by("id")
            .values_list("action", "object_repr", "changes", "user_id")
        ),
    }


class _Undo(Exception):
    pass


def test_a_set_of_payments_writes_what_the_payments_one_by_one_write(world):
    owner, customer, (cash, wechat, bank) = world
    d1 = _doc(owner, customer, "10.00", DAY, 1)
    d2 = _doc(owner, customer, "20.00", DAY + dt.timedelta(days=1), 2)
    d3 = _doc(owner, customer, "30.00", DAY + dt.timedelta(days=2), 3)
    ret = _doc(owner, customer, "-5.00", DAY + dt.timedelta(days=2), 4, kind="sales_return")
    money = [
        # by hand, with a discount: 10 of the first delivery, 3 of the second
        payments.Money(cash, D("12"), discount=D("1"), allocations=[(d1.pk, D("10")), (d2.pk, D("3"))]),
        # oldest first: sees that the first delivery is settled and 17 of the second is open
        payments.Money(wechat, D("15")),
        # oldest first with 抹零: the second's last 2, then the third
        payments.Money(bank, D("8"), write_off=D("0.50")),
        # by hand, the return offset against the third
        payments.Money(cash, D("4"), allocations=[(d3.pk, D("9")), (ret.pk, D("5"))]),
    ]  # fmt: skip
    one_by_one = None
    try:
        with transaction.atomic():
            for m in money:
                payments.record_customer_payment(
                    user=owner, customer=customer, account=m.account, amount=m.amount,
                    discount=m.discount, write_off=m.write_off, allocations=m.allocations,
                    date=PAID_ON, memo="POS-1",
                )  # fmt: skip
            one_by_one = _books(customer)
            raise _Undo
    except _Undo:
        pass
    assert not CustomerPayment.objects.exists()  # rolled back, its numbers given back
    made = payments.record_customer_payments(
        user=owner, customer=customer, money=money, date=PAID_ON, memo="POS-1"
    )
    assert _books(customer) == one_by_one
    assert [p.number for p in made] == [row[0] for row in one_by_one["payments"]]
    assert [p.status for p in made] == ["posted"] * 4
    assert len(one_by_one["settlements"]) == 9 and one_by_one["balance"] == D("14.50")
    assert party_ledger_problems() == []


@pytest.mark.parametrize(
    "second, error",
    [
        (dict(amount=D("0")), ValidationFailed),  # an amount ≤ 0
        (dict(amount=D("6"), allocations=[(0, D("6"))]), ValidationFailed),  # not its item
        (dict(amount=D("9"), use=0), SettlementExceedsOpen),  # more than the first left open
        (dict(amount=D("3"), restricted=True), AccountNotPermitted),
    ],
)
def test_a_set_with_one_bad_payment_writes_nothing(world, user_factory, second, error):
    from jxc.core.models import Role

    owner, customer, (cash, wechat, _bank) = world
    d1 = _doc(owner, customer, "10.00", DAY, 1)
    user = owner
    if second.pop("restricted", False):
        user = user_factory(roles=["finance"])
        wechat.roles.set([Role.objects.get(code="cashier")])
    if second.pop("use", None) is not None:
        second["allocations"] = [(d1.pk, second["amount"])]
    before = (PartyLedgerEntry.objects.count(), AuditLog.objects.count())
    with pytest.raises(error):
        payments.record_customer_payments(
            user=user,
            customer=customer,
            date=PAID_ON,
            money=[
                payments.Money(cash, D("5"), allocations=[(d1.pk, D("5"))]),
                payments.Money(wechat, **second),
            ],
        )
    assert not CustomerPayment.objects.exists() and not Settlement.objects.exists()
    assert (PartyLedgerEntry.objects.count(), AuditLog.objects.count()) == before
    assert OpenItem.objects.get(pk=d1.pk).settled == 0


def test_each_further_payment_of_a_set_adds_only_its_audit_lines(world):
    """The 收款单 of a set share their statements: one more payment adds only its two audit
    lines on SQLite (in the same round trip on PostgreSQL). One by one, each cost ~24."""
    owner, customer, accounts = world
    docs = [_doc(owner, customer, "100.00", DAY, n) for n in range(1, 5)]

    def statements(n: int) -> int:
        money = [
            payments.Money(accounts[i % 3], D("1"), allocations=[(docs[n].pk, D("1"))])
            for i in range(n)
        ]
        with CaptureQueriesContext(connection) as q:
            payments.record_customer_payments(
                user=owner, customer=customer, money=money, date=PAID_ON
            )
        return len(q.captured_queries)

    statements(1)  # the balance row and caches
    one, three = statements(1), statements(3)
    per_audit_line = 0 if connection.vendor == "postgresql" else 1
    assert three - one <= 2 * 2 * per_audit_line, (one, three)
    assert one <= 17, one


def test_a_set_takes_its_numbers_in_the_calendars_round_trip(world):
    """``assign_numbers`` in a transaction: the calendar and one counter per type and date go
    together (one statement on PostgreSQL, however many documents; before, a set read its
    calendar apart, one statement more than one document), the numbers of each counter
    consecutive in the order given; a date refused gives every number back."""
    from jxc.core.documents.calendar import assign_numbers
    from jxc.finance.models import SupplierPayment

    def numbered(docs):
        with transaction.atomic(), CaptureQueriesContext(connection) as q:
            assign_numbers(docs)
        return [d.number[-13:] for d in docs], len(q.captured_queries)

    numbered([CustomerPayment(date=DAY)])  # the company row
    docs = [
        CustomerPayment(date=PAID_ON),
        SupplierPayment(date=PAID_ON),
        CustomerPayment(date=PAID_ON),
        CustomerPayment(date=DAY),
    ]
    numbers, n = numbered(docs)
    assert numbers == ["20260305-0001", "20260305-0001", "20260305-0002", "20260302-0002"]
    assert docs[0].number[:-13] == docs[2].number[:-13] != docs[1].number[:-13]
    assert n == (1 if connection.vendor == "postgresql" else 4), n  # calendar + 3 counters
    far = PAID_ON + dt.timedelta(days=3650)
    with pytest.raises(ValidationFailed):
        numbered([CustomerPayment(date=PAID_ON), CustomerPayment(date=far)])
    assert numbered([CustomerPayment(date=PAID_ON)])[0] == ["20260305-0003"]
