"""往来账 rules, pure (no database): checking party lines, due dates, allocating a payment to
open items oldest first, payables / receivables aging and the running balance of a statement.

Sign convention: a positive amount raises what a partner's book holds (a receipt: we owe the
supplier more; a delivery: the customer owes us more); a negative amount lowers it (a
payment, a return, a prepayment before any goods)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jxc.core.fields import size_error
from jxc.core.numbers import MONEY_PLACES, ZERO

SIDES = ("payable", "receivable")
KINDS = ("document", "payment", "opening", "discount", "write_off")


@dataclass(frozen=True)
class PartyLine:
    """One change of a partner's book that a document (or a payment) hands to the writer."""

    side: str  # "payable" (a supplier) or "receivable" (a customer)
    partner_id: int
    amount: Decimal  # signed, to the 分
    date: dt.date
    kind: str = "document"
    due_date: dt.date | None = None
    source_line: int | None = None
    memo: str = ""


def party_line_problems(lines: Sequence[PartyLine]) -> list[tuple[int, str]]:
    """(index, why) for every line the writer must refuse: an unknown book or kind, no
    partner, a zero amount, an amount with more than 2 places or beyond the bounds."""
    problems: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        if line.side not in SIDES:
            problems.append((i, str(_("unknown book %(side)s") % {"side": line.side})))
        elif line.kind not in KINDS:
            problems.append((i, str(_("unknown kind %(kind)s") % {"kind": line.kind})))
        elif not line.partner_id:
            problems.append((i, str(_("no partner"))))
        elif not isinstance(line.amount, Decimal) or not line.amount.is_finite():
            problems.append((i, str(_("the amount is not a number"))))
        elif line.amount == 0:
            problems.append((i, str(_("the amount is zero"))))
        elif (error := size_error(line.amount, MONEY_PLACES)) is not None:
            problems.append((i, error))
        elif line.due_date is not None and line.due_date < line.date:
            problems.append((i, str(_("the due date is before the business date"))))
    return problems


def due_date_for(date: dt.date, terms_days: int) -> dt.date:
    """The due date of a document under the partner's payment terms (days after its date)."""
    return date + dt.timedelta(days=max(int(terms_days or 0), 0))


@dataclass(frozen=True)
class Open:
    """An open item as the allocation sees it: its id, when it falls due, what is open
    (signed)."""

    id: int
    date: dt.date
    due_date: dt.date | None
    open: Decimal


def oldest_first(items: Iterable[Open]) -> list[Open]:
    """Items in the order settlement takes them: due date (or date), then date, then id."""
    return sorted(items, key=lambda o: (o.due_date or o.date, o.date, o.id))


def allocate(amount: Decimal, items: Iterable[Open]) -> list[tuple[int, Decimal]]:
    """核销 oldest first: split ``amount`` (> 0) over the items' open amounts (taken as their
    absolute value) in :func:`oldest_first` order, never more than an item has open, never
    more than ``amount`` in all. Returns (item id, amount) for each item touched."""
    left = Decimal(amount)
    out: list[tuple[int, Decimal]] = []
    if left <= 0:
        return out
    for item in oldest_first(items):
        room = abs(item.open)
        if not room:
            continue
        take = min(room, left)
        out.append((item.id, take))
        left -= take
        if not left:
            break
    return out


def pair_settlements(
    debits: Sequence[tuple[int, Decimal]], credits: Sequence[tuple[int, Decimal]]
) -> list[tuple[int, int, Decimal]]:
    """Which credit meets which debit: walk both lists in their order, each pair taking what
    is left of both, until either list runs out. Returns (debit id, credit id, amount); the
    total is the smaller of the two sums, no item takes more than it offers."""
    out: list[tuple[int, int, Decimal]] = []
    d_ids = [i for i, a in debits if a > 0]
    d_left = [Decimal(a) for _i, a in debits if a > 0]
    c_ids = [i for i, a in credits if a > 0]
    c_left = [Decimal(a) for _i, a in credits if a > 0]
    di = ci = 0
    while di < len(d_left) and ci < len(c_left):
        take = min(d_left[di], c_left[ci])
        out.append((d_ids[di], c_ids[ci], take))
        d_left[di] -= take
        c_left[ci] -= take
        if not d_left[di]:
            di += 1
        if not c_left[ci]:
            ci += 1
    return out


AGING_BUCKETS = ("not_due", "0-30", "31-60", "61-90", "90+")
AGING_LABELS = {
    "not_due": _("Not yet due"),
    "0-30": _("0–30 days"),
    "31-60": _("31–60 days"),
    "61-90": _("61–90 days"),
    "90+": _("Over 90 days"),
}


def aging_bucket(due: dt.date, as_of: dt.date) -> str:
    """Which column of the aging an amount due on ``due`` falls in on ``as_of``: days past
    the due date 0–30 (due today counts as 0), 31–60, 61–90, over 90; not yet due."""
    days = (as_of - due).days
    if days < 0:
        return "not_due"
    if days <= 30:
        return "0-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


# 未核销贷项: what of a partner's open credits (a return, a 预收 / 预付, a discount not yet
# matched) no open document of the partner takes — its own column beside the age buckets
AGING_CREDIT = "credit"


def net_credits(debits: dict[str, Decimal], credit: Decimal) -> tuple[dict[str, Decimal], Decimal]:
    """账龄 of one partner: its open credits (``credit``, ≤ 0) taken off its open documents
    (``debits``, ≥ 0 per bucket) the oldest due first — the order 核销 would take them (90+,
    61–90, 31–60, 0–30, then not yet due) — so no age bucket ever shows a credit. Returns the
    buckets after it and what no document takes (≤ 0, the 未核销贷项 column). The buckets and
    that column add up to debits + credit: what is open, the partner's balance."""
    left = -credit
    out = {b: debits.get(b, ZERO) for b in AGING_BUCKETS}
    for b in reversed(AGING_BUCKETS):
        take = min(out[b], left)
        if take > 0:
            out[b] -= take
            left -= take
    return out, -left


def overdue_after_credits(
    overdue: Iterable[tuple[dt.date, Decimal]], credit: Decimal
) -> tuple[Decimal, dt.date | None]:
    """逾期应收 of one customer by the 账龄 rule: its open credits (``credit``, ≤ 0) taken off
    its overdue documents (``overdue``: (due date, open amount > 0), any order) the oldest due
    first, as :func:`net_credits` takes them. Returns what stays overdue and the due date of
    the oldest document still (partly) open after it; (0, None) when the credits cover all."""
    items = sorted(overdue, key=lambda x: x[0])
    rest = sum((amount for _due, amount in items), ZERO) + credit
    if rest <= 0:
        return ZERO, None
    taken = -credit
    for due, amount in items:
        if amount > taken:
            return rest, due
        taken -= amount
    raise AssertionError("unreachable: rest > 0 leaves a document open")


def aging(items: Iterable[Open], as_of: dt.date) -> dict[str, Decimal]:
    """账龄: the open documents (positive) summed per bucket by due date (an item without one
    is due on its date), the open credits (negative) netted against them oldest due first
    (:func:`net_credits`), what is left of the credits under ``AGING_CREDIT``. Every bucket is
    present and none is negative; the buckets and the credit add up to the total open."""
    debits = {b: ZERO for b in AGING_BUCKETS}
    credit = ZERO
    for item in items:
        if item.open < 0:
            credit += item.open
        else:
            debits[aging_bucket(item.due_date or item.date, as_of)] += item.open
    buckets, left = net_credits(debits, credit)
    return {**buckets, AGING_CREDIT: left}


# not frozen: a statement builds one per entry (10,000 for a busy supplier), and a frozen
# dataclass's __init__ takes twice as long (object.__setattr__ per field)
@dataclass
class StatementRow:
    date: dt.date
    number: str
    memo: str
    increase: Decimal  # what raised the balance (a receipt)
    decrease: Decimal  # what lowered it (a payment, a return), as a positive number
    balance: Decimal
    kind: str = ""  # the source document's type (purchase_receipt, supplier_payment …)
    source_id: int | None = None
    due_date: dt.date | None = None
    entry_kind: str = ""  # the entry's own kind (EntryKind: document, payment, discount …)
    reversal: bool = False  # the entry counters another (红冲)


def statement_rows(opening: Decimal, entries: Iterable[tuple]) -> list[StatementRow]:
    """对账单: from the opening balance, each entry (date, document, memo, signed amount, and
    optionally source kind, source id, due date) in order with the running balance after it."""
    balance = Decimal(opening)
    rows = []
    for date, number, memo, amount, *source in entries:
        balance += amount
        kind, source_id, due = (*source, None, None, None)[:3] if source else ("", None, None)
        rows.append(
            StatementRow(
                date=date,
                number=number,
                memo=memo,
                increase=amount if amount > 0 else ZERO,
                decrease=-amount if amount < 0 else ZERO,
                balance=balance,
                kind=kind or "",
                source_id=source_id,
                due_date=due,
            )
        )
    return rows
