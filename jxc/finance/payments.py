"""付款单 and 收款单: one mechanism for both books (docs/finance.md).

Money moves through one of our accounts and is settled (核销) against the partner's open
documents: a supplier's receipts we owe for, a customer's deliveries. Beside the money a
discount (折扣) and 抹零 may be given; each is its own party entry, so the account holds what
was paid and the partner's book drops by paid + discount + 抹零. What finds no document stays
open as a prepayment (预付 / 预收) that ``settle_open_items`` takes up later.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.core.documents.actions import audit_saved, ensure_perm, take_action
from jxc.core.documents.approval import policy as approval_policy
from jxc.core.documents.calendar import assign_number, assign_numbers, ensure_document_date
from jxc.core.errors import AccountNotPermitted, SettlementExceedsOpen, ValidationFailed
from jxc.core.fields import size_error
from jxc.core.numbers import MONEY_PLACES, ZERO
from jxc.core.services import record_audit_each
from jxc.core.statements import fetch
from jxc.core.transitions import ensure_transition
from jxc.finance import party_ledger, rules, settling
from jxc.finance.models import (
    Account,
    CustomerPayment,
    OpenItem,
    PartyPayment,
    Settlement,
    SupplierPayment,
)
from jxc.finance.rules import PartyLine


@dataclass(frozen=True)
class PaymentBook:
    """One side of the mechanism: which book, which document, which partner field."""

    side: str  # "payable" or "receivable"
    model: type[PartyPayment]
    partner_field: str  # "supplier" or "customer"

    @property
    def resource(self) -> str:
        return self.model.RESOURCE

    def items(self, partner_id: int):
        return OpenItem.objects.filter(side=self.side, **{f"{self.partner_field}_id": partner_id})


PAYABLE = PaymentBook("payable", SupplierPayment, "supplier")
RECEIVABLE = PaymentBook("receivable", CustomerPayment, "customer")
BOOKS = {"payable": PAYABLE, "receivable": RECEIVABLE}


def ensure_may_use_account(user, account: Account) -> None:
    """Money in or out of an account whose roles are named: only for users holding one of
    them (AccountNotPermitted, 403); an account naming no role is open to every user with
    the payment permission."""
    if account.pk in _refused_accounts(user, [account]):
        raise AccountNotPermitted(account=account.name)


def _refused_accounts(user, accounts: Sequence[Account]) -> set[int]:
    """The accounts (ids) ``user`` may not use (``ensure_may_use_account``): the roles of all
    of them in one statement, the user's roles only when one names any."""
    if user is None or getattr(user, "is_superuser", False) or not accounts:
        return set()
    named: dict[int, set[int]] = defaultdict(set)
    through = Account.roles.through.objects.filter(account_id__in={a.pk for a in accounts})
    for account_id, role_id in through.values_list("account_id", "role_id"):
        named[account_id].add(role_id)
    if not named:
        return set()
    mine = set(user.roles.values_list("pk", flat=True))
    return {a for a, roles in named.items() if not roles & mine}


def _money_error(value: Decimal | None, *, above_zero: bool) -> str | None:
    if value is None or (value <= 0 if above_zero else value < 0):
        return _("Enter an amount above zero.") if above_zero else _("Enter zero or more.")
    return size_error(value, MONEY_PLACES)


def _errors(
    book: PaymentBook, *, partner, account: Account, amount, discount, write_off, allocations
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not partner.is_active:
        errors[book.partner_field] = [
            _("The supplier is inactive.")
            if book.partner_field == "supplier"
            else _("The customer is inactive.")
        ]
    if not account.is_active:
        errors["account"] = [_("The account is inactive.")]
    for name, value, above_zero in (
        ("amount", amount, True),
        ("discount", discount, False),
        ("write_off", write_off, False),
    ):
        if (problem := _money_error(value, above_zero=above_zero)) is not None:
            errors[name] = [problem]
    if allocations and any(a is None or a <= 0 for _i, a in allocations):
        errors["allocations"] = [_("Each settled amount is above zero.")]
    elif allocations and len({i for i, _a in allocations}) != len(allocations):
        errors["allocations"] = [_("Each open item is named once.")]
    return errors


@transaction.atomic
def record_payment(
    book: PaymentBook,
    *,
    user,
    partner,
    account: Account,
    amount: Decimal,
    date: dt.date,
    memo: str = "",
    discount: Decimal = ZERO,
    write_off: Decimal = ZERO,
    allocations: Sequence[tuple[int, Decimal]] | None = None,
    check_permission: bool = True,
) -> PartyPayment:
    """付款 / 收款: record ``amount`` through ``account`` with ``partner`` on ``date`` (with a
    discount and 抹零 given beside it) and settle it: against the open items named in
    ``allocations`` ((open item id, amount): documents to pay; returns or earlier payments to
    offset), else automatically the oldest due first. Never more than an item has open
    (``settlement_exceeds_open``), never more than paid + given; the rest is a prepayment."""
    if check_permission:
        ensure_perm(user, book.resource, "create")
    ensure_may_use_account(user, account)
    errors = _errors(
        book,
        partner=partner,
        account=account,
        amount=amount,
        discount=discount,
        write_off=write_off,
        allocations=allocations,
    )
    if errors:
        raise ValidationFailed(errors)
    payment = book.model(
        **{book.partner_field: partner},
        account=account,
        amount=amount,
        discount=discount,
        write_off=write_off,
        date=date,
        memo=memo[:500],
    )
    payment.created_by = user
    assign_number(payment)
    payment.save()
    audit_saved(payment, user=user, creating=True, lines=None)

    def effect(locked: PartyPayment) -> None:
        paid = Money(account, amount, discount, write_off, allocations)
        lines = _party_lines(book, partner_id=partner.pk, money=paid, date=date, memo=memo)
        # inside this service's atomic block: the writer needs no savepoint of its own
        entries = party_ledger.record_party_entries(
            lines, source=locked.ref(), user=user, savepoint=False
        )
        pairs = settling.settlement_plan(
            book, partner_id=partner.pk, entries=entries, allocations=allocations
        )
        party_ledger.record_settlements(
            pairs, date=date, user=user, source=locked.ref(), savepoint=False
        )

    return take_action(payment, action="post", user=user, effect=effect, check_permission=False)


@dataclass(frozen=True)
class Money:
    """One payment of a set (:func:`record_payments`): ``record_payment``'s own arguments."""

    account: Account
    amount: Decimal
    discount: Decimal = ZERO
    write_off: Decimal = ZERO
    allocations: Sequence[tuple[int, Decimal]] | None = None


def _party_lines(
    book: PaymentBook, *, partner_id: int, money: Money, date: dt.date, memo: str
) -> list[PartyLine]:
    """What a payment lowers the partner's book by: the discount and 抹零 given beside it,
    then the money (each that is not zero)."""
    return [
        PartyLine(
            side=book.side,
            partner_id=partner_id,
            amount=-value,
            date=date,
            kind=kind,
            memo=memo[:200],
        )
        for kind, value in (
            ("discount", money.discount),
            ("write_off", money.write_off),
            ("payment", money.amount),
        )
        if value
    ]


def record_payments(
    book: PaymentBook,
    *,
    user,
    partner,
    date: dt.date,
    money: Sequence[Money],
    memo: str = "",
    check_permission: bool = True,
    savepoint: bool = True,
    at_counter: bool = False,
) -> list[PartyPayment]:
    """Several 付款单 / 收款单 of one partner and date as one set (a split payment at the
    counter: 现金 + 微信). Each is what ``record_payment`` writes, in the order given: its own
    number (consecutive), its audit lines (新建, 过账), its party entries and settlements
    (an automatic one sees what the payments before it in the set settled), and the same
    refusals, all or nothing. Only written set-based: the accounts' roles and the calendar
    read once, the numbers in one statement, the payments, entries, open items and
    settlements in one INSERT each, the balance once, the audit lines in one round trip.
    ``savepoint=False``: as for ``party_ledger.record_party_entries``. ``at_counter``: 收款单
    of a counter sale (``CustomerPayment.at_counter``, what the 日结 counts)."""
    if check_permission:
        ensure_perm(user, book.resource, "create")
    if not money:
        return []
    refused = _refused_accounts(user, [m.account for m in money])
    for m in money:
        if m.account.pk in refused:
            raise AccountNotPermitted(account=m.account.name)
        errors = _errors(
            book,
            partner=partner,
            account=m.account,
            amount=m.amount,
            discount=m.discount,
            write_off=m.write_off,
            allocations=m.allocations,
        )
        if errors:
            raise ValidationFailed(errors)
    model = book.model
    transition = ensure_transition(model.WORKFLOW, "draft", action="post")
    with transaction.atomic(savepoint=savepoint):
        now = timezone.now()
        rows = [
            model(
                **{book.partner_field: partner},
                account=m.account,
                amount=m.amount,
                discount=m.discount,
                write_off=m.write_off,
                date=date,
                memo=memo[:500],
                created_by=user,
                status=transition.target,
                posted_by=user,
                posted_at=now,
                **({"at_counter": True} if at_counter else {}),
            )
            for m in money
        ]
        calendar = assign_numbers(rows)
        model._default_manager.bulk_create(rows)
        # what record_payment's 过账 asks the approval policy: a payment made in this
        # transaction has had no approval round, so one probe answers for all of them
        policy = approval_policy()
        probe = policy.prefetch(rows[0], action="post", user=user)
        prefetched = fetch(*probe)[0] if probe is not None else None
        for row in rows:
            policy.gate(row, action="post", user=user, prefetched=prefetched)
        batches = [
            (
                row.ref(),
                _party_lines(book, partner_id=partner.pk, money=m, date=date, memo=memo),
            )
            for row, m in zip(rows, money, strict=True)
        ]
        made = party_ledger.record_party_entries_each(
            batches, user=user, savepoint=False, calendar=calendar
        )
        pairs = settling.set_plan(book, partner_id=partner.pk, money=money, made=made)
        party_ledger.record_settlements_each(
            [
                (d, c, a, row.ref())
                for row, plan in zip(rows, pairs, strict=True)
                for d, c, a in plan
            ],
            date=date,
            user=user,
            savepoint=False,
            calendar=calendar,
        )
        record_audit_each(
            user=user,
            steps=[
                step
                for row in rows
                for step in (
                    (row, "create", {}),
                    (row, "post", {"status": ["draft", transition.target]}),
                )
            ],
        )
    return rows


@transaction.atomic
def record_refund(
    book: PaymentBook,
    *,
    user,
    partner,
    account: Account,
    amount: Decimal,
    date: dt.date,
    memo: str = "",
    against: Sequence[int] | None = None,
    check_permission: bool = True,
    at_counter: bool = False,
) -> PartyPayment:
    """退款: ``amount`` back out of ``account`` to ``partner`` (a customer's return paid back,
    a supplier's refund of a prepayment: the same document with a negative amount). It raises
    the book and is settled against what the partner has open in its favour — the returns or
    advances named in ``against`` (open item ids), else the oldest first; never more than is
    open in its favour (``settlement_exceeds_open``, nothing written). ``at_counter``: the
    refund of a counter sale's return (``CustomerPayment.at_counter``, in the 日结)."""
    if check_permission:
        ensure_perm(user, book.resource, "create")
    ensure_may_use_account(user, account)
    errors = _errors(
        book, partner=partner, account=account, amount=amount, discount=ZERO, write_off=ZERO,
        allocations=None,
    )  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    credits = book.items(partner.pk).filter(is_open=True, amount__lt=0)
    if against:
        credits = credits.filter(pk__in=against)
    opens = [
        rules.Open(id=o.pk, date=o.date, due_date=o.due_date, open=o.open_amount) for o in credits
    ]
    plan = rules.allocate(amount, opens)
    room = sum((a for _i, a in plan), ZERO)
    if room < amount:
        raise SettlementExceedsOpen(open=room, number=partner, amount=amount)
    payment = book.model(
        **{book.partner_field: partner},
        account=account,
        amount=-amount,
        date=date,
        memo=memo[:500],
        **({"at_counter": True} if at_counter else {}),
    )
    payment.created_by = user
    assign_number(payment)
    payment.save()
    audit_saved(payment, user=user, creating=True, lines=None)

    def effect(locked: PartyPayment) -> None:
        [entry] = party_ledger.record_party_entries(
            [PartyLine(side=book.side, partner_id=partner.pk, amount=amount, date=date,
                       kind="payment", memo=memo[:200])],
            source=locked.ref(),
            user=user,
        )  # fmt: skip
        party_ledger.record_settlements(
            [(entry.pk, credit, part) for credit, part in plan],
            date=date,
            user=user,
            source=locked.ref(),
        )

    return take_action(payment, action="post", user=user, effect=effect, check_permission=False)


def book_of(payment: PartyPayment) -> PaymentBook:
    return PAYABLE if isinstance(payment, SupplierPayment) else RECEIVABLE


def reverse_payment(
    payment: PartyPayment, *, user, reason: str, date: dt.date | None = None
) -> PartyPayment:
    """红冲 of a 付款单 / 收款单 (a wrong amount, account or partner): its entries — the
    money, the discount and the 抹零 — countered on ``date`` (default today; never before the
    payment, not in a closed month), the payment reads 已红冲 with the reason and its account
    no longer holds the money from that day. What it had settled is not undone
    (``party_ledger.undo_party_entries``): that much is open again as the counter-entry — the
    supplier is owed it, the customer owes it. Refused: a payment in a closed month (the
    correction goes into the open one), an account the user may not use, no reason."""

    def effect(locked: PartyPayment) -> None:
        ensure_may_use_account(user, locked.account)
        day = date or max(timezone.localdate(), locked.date)
        if day < locked.date:
            raise ValidationFailed({"date": [_("A reversal cannot be dated before the payment.")]})
        ensure_document_date(day)
        party_ledger.undo_party_entries(source=locked.ref(), user=user, date=day)
        locked.reversal_date = day
        locked.save(update_fields=["reversal_date"])

    return take_action(payment, action="reverse", user=user, reason=reason, effect=effect)


def record_supplier_payment(*, supplier, **kwargs) -> PartyPayment:
    """付款: pay a supplier (``record_payment`` on the payable book)."""
    return record_payment(PAYABLE, partner=supplier, **kwargs)


def record_customer_payment(*, customer, **kwargs) -> PartyPayment:
    """收款: money from a customer (``record_payment`` on the receivable book)."""
    return record_payment(RECEIVABLE, partner=customer, **kwargs)


def record_customer_payments(*, customer, **kwargs) -> list[PartyPayment]:
    """收款 of several payments at once (``record_payments`` on the receivable book)."""
    return record_payments(RECEIVABLE, partner=customer, **kwargs)


def settled_by(payment: PartyPayment) -> list[Settlement]:
    """What a 付款单 / 收款单 settled (its own entries, and the returns it offset)."""
    return list(
        Settlement.objects.filter(source_kind=payment.DOC_TYPE, source_id=payment.pk)
        .select_related("debit__entry")
        .order_by("id")
    )


def unsettled(payment: PartyPayment) -> Decimal:
    """What of a payment's money is still open: a prepayment (预付 / 预收), as a positive
    number."""
    entry = (
        OpenItem.objects.filter(
            entry__source_kind=payment.DOC_TYPE, entry__source_id=payment.pk, entry__kind="payment"
        )
        .only("amount", "settled")
        .first()
    )
    return abs(entry.open_amount) if entry else ZERO
