"""往来账 writer: entries, open items, balances, settlement within both sides, reversal once,
closed periods, and the self-check that proves balances = entries = open items."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from jxc.core.documents.models import SourceRef
from jxc.core.errors import (
    AlreadyReversed,
    EntrySettled,
    InvalidPartyLine,
    PeriodClosed,
    SettlementExceedsOpen,
    SettlementMismatch,
)
from jxc.finance import party_ledger as writer
from jxc.finance.checks import party_ledger_problems
from jxc.finance.models import OpenItem, PartyBalance, PartyLedgerEntry, Settlement
from jxc.finance.rules import PartyLine

pytestmark = pytest.mark.django_db

D = Decimal
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def supplier(owner):
    from jxc.partners.services import create_supplier

    return create_supplier(user=owner, code="S1", name="供应商一", payment_terms_days=30)


@pytest.fixture
def other_supplier(owner):
    from jxc.partners.services import create_supplier

    return create_supplier(user=owner, code="S2", name="供应商二")


@pytest.fixture
def customer(owner):
    from jxc.partners.services import create_customer

    return create_customer(user=owner, code="C1", name="客户一")


_ids = iter(range(1, 10_000))


def _post(owner, partner, amount, *, side="payable", kind="document", day=DAY, due=None):
    n = next(_ids)
    src = SourceRef(kind="test_doc" if kind == "document" else "test_pay", id=n, number=f"T-{n}")
    [entry] = writer.record_party_entries(
        [
            PartyLine(
                side=side,
                partner_id=partner.pk,
                amount=D(amount),
                date=day,
                kind=kind,
                due_date=due,
            )
        ],
        source=src,
        user=owner,
    )
    return src, entry


def _balance(partner, side="payable"):
    field = "supplier" if side == "payable" else "customer"
    return PartyBalance.objects.get(**{field: partner}).balance


def test_entries_open_items_and_balance(owner, supplier, customer):
    _post(owner, supplier, "100.00", due=DAY + dt.timedelta(days=30))
    _post(owner, supplier, "-30.50", kind="payment")
    _post(owner, customer, "8.00", side="receivable")
    assert _balance(supplier) == D("69.50")
    assert _balance(customer, "receivable") == D("8.00")
    assert OpenItem.objects.filter(is_open=True).count() == 3
    assert party_ledger_problems() == []


def test_refused_line_writes_nothing(owner, supplier):
    with pytest.raises(InvalidPartyLine) as exc:
        writer.record_party_entries(
            [
                PartyLine(side="payable", partner_id=supplier.pk, amount=D("5"), date=DAY),
                PartyLine(side="payable", partner_id=supplier.pk, amount=D("0"), date=DAY),
            ],
            source=SourceRef("t", 1, "T-1"),
            user=owner,
        )
    assert exc.value.code == "invalid_party_line" and exc.value.params["line"] == 2
    assert not PartyLedgerEntry.objects.exists() and not PartyBalance.objects.exists()


def test_amount_beyond_bounds_is_value_too_large(owner, supplier):
    with pytest.raises(InvalidPartyLine) as exc:
        _post(owner, supplier, "10000000000000")
    assert exc.value.code == "value_too_large"


def test_closed_period_refused(owner, supplier):
    from jxc.core.models import ClosedPeriod

    ClosedPeriod.objects.create(year=2026, month=3)
    with pytest.raises(PeriodClosed):
        _post(owner, supplier, "1.00")
    assert not PartyLedgerEntry.objects.exists()


def test_settle_by_hand_within_both_sides(owner, supplier):
    _s, receipt = _post(owner, supplier, "100.00")
    _p, payment = _post(owner, supplier, "-150.00", kind="payment")
    writer.record_settlement(
        debit_id=receipt.pk, credit_id=payment.pk, amount=D("60"), date=DAY, user=owner
    )
    with pytest.raises(SettlementExceedsOpen) as exc:
        writer.record_settlement(
            debit_id=receipt.pk, credit_id=payment.pk, amount=D("40.01"), date=DAY, user=owner
        )
    assert exc.value.code == "settlement_exceeds_open" and exc.value.params["open"] == D("40.00")
    writer.record_settlement(
        debit_id=receipt.pk, credit_id=payment.pk, amount=D("40"), date=DAY, user=owner
    )
    r, p = OpenItem.objects.get(pk=receipt.pk), OpenItem.objects.get(pk=payment.pk)
    assert (r.settled, r.is_open) == (D("100"), False)
    assert (p.settled, p.is_open, p.open_amount) == (D("-100"), True, D("-50"))
    # the payment's remaining 50 cannot be spent twice either
    _s2, receipt2 = _post(owner, supplier, "80.00")
    with pytest.raises(SettlementExceedsOpen):
        writer.record_settlement(
            debit_id=receipt2.pk, credit_id=payment.pk, amount=D("50.01"), date=DAY, user=owner
        )
    assert party_ledger_problems() == []


def test_settlement_of_two_partners_or_same_sign_refused(owner, supplier, other_supplier):
    _a, receipt = _post(owner, supplier, "10.00")
    _b, foreign = _post(owner, other_supplier, "-10.00", kind="payment")
    _c, receipt2 = _post(owner, supplier, "10.00")
    for debit, credit in ((receipt, foreign), (receipt, receipt2)):
        with pytest.raises(SettlementMismatch):
            writer.record_settlement(
                debit_id=debit.pk, credit_id=credit.pk, amount=D("1"), date=DAY, user=owner
            )
    assert not Settlement.objects.exists()


def test_database_refuses_settled_beyond_amount(owner, supplier):
    _a, receipt = _post(owner, supplier, "10.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        OpenItem.objects.filter(pk=receipt.pk).update(settled=D("10.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        OpenItem.objects.filter(pk=receipt.pk).update(settled=D("-1"))


def test_oldest_first_settles_the_oldest_due_and_leaves_a_prepayment(owner, supplier):
    _a, late = _post(owner, supplier, "100.00", day=DAY, due=DAY + dt.timedelta(days=60))
    _b, early = _post(owner, supplier, "50.00", day=DAY, due=DAY + dt.timedelta(days=10))
    _c, pay = _post(owner, supplier, "-200.00", kind="payment")
    done = writer.settle_oldest_first(pay.pk, date=DAY, user=owner)
    assert [(s.debit_id, s.amount) for s in done] == [(early.pk, D("50")), (late.pk, D("100"))]
    assert OpenItem.objects.get(pk=pay.pk).open_amount == D("-50.00")  # 预付 left open
    # a later receipt picks the prepayment up
    _d, later = _post(owner, supplier, "30.00")
    [s] = writer.settle_oldest_first(later.pk, date=DAY, user=owner)
    assert (s.debit_id, s.credit_id, s.amount) == (later.pk, pay.pk, D("30"))
    assert _balance(supplier) == D("-20.00")
    assert party_ledger_problems() == []


def test_reversal_once_and_closed_against_the_original(owner, supplier):
    src, entry = _post(owner, supplier, "100.00")
    [counter] = writer.reverse_party_entries(
        source=src, user=owner, date=DAY, reversal=SourceRef("test_doc_rev", 1, "R-1")
    )
    assert counter.amount == D("-100.00") and counter.reverses_id == entry.pk
    assert not OpenItem.objects.filter(pk__in=[entry.pk, counter.pk], is_open=True).exists()
    assert _balance(supplier) == 0
    with pytest.raises(AlreadyReversed):
        writer.reverse_party_entries(source=src, user=owner, date=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyLedgerEntry.objects.create(
            side="payable",
            supplier=supplier,
            date=DAY,
            kind="document",
            amount=D("-100"),
            source_kind="x",
            source_id=1,
            reverses=entry,
        )
    assert party_ledger_problems() == []


def test_reversal_of_a_settled_entry_refused(owner, supplier):
    src, _entry = _post(owner, supplier, "100.00")
    _p, pay = _post(owner, supplier, "-10.00", kind="payment")
    writer.settle_oldest_first(pay.pk, date=DAY, user=owner)
    with pytest.raises(EntrySettled) as exc:
        writer.reverse_party_entries(source=src, user=owner, date=DAY)
    assert exc.value.code == "entry_settled"
    assert PartyLedgerEntry.objects.count() == 2


def test_check_finds_a_tampered_balance_and_open_item(owner, supplier):
    _a, entry = _post(owner, supplier, "10.00")
    PartyBalance.objects.filter(supplier=supplier).update(balance=D("11"))
    OpenItem.objects.filter(pk=entry.pk).update(settled=D("1"))
    problems = party_ledger_problems()
    assert any("balance payable" in p and "!= entries" in p for p in problems)
    assert any(f"open item {entry.pk}: settled" in p for p in problems)


def test_balance_sums_exactly_in_the_database(owner, supplier, customer):
    """Thirty postings of 0.10 and 0.20 (and their payment) leave the stored balance exactly
    what the entries add up to, as the database itself compares it: summed as REALs on SQLite
    (``balance + 0.1``…) it would drift to 8.999999999999998 and neither the equality below nor
    the 超信用额度 comparison (balance > credit limit) would hold."""
    from django.db import connection

    for i in range(30):
        _post(owner, supplier, "0.10" if i % 2 else "0.20")
        _post(owner, customer, "0.10" if i % 2 else "0.20", side="receivable")
    _post(owner, customer, "-4.50", side="receivable", kind="payment")
    want = {"payable": D("4.50"), "receivable": D("0.00")}
    for side, amount in want.items():
        assert PartyBalance.objects.filter(side=side, balance=amount).count() == 1
    with connection.cursor() as cur:
        cur.execute("SELECT side, CAST(balance AS TEXT) FROM finance_partybalance")
        stored = {side: D(text) for side, text in cur.fetchall()}
    assert stored == want
    assert party_ledger_problems() == []
