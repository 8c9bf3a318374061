"""核销: which open items of a partner a payment — or a later settling by hand — meets, and
in what amounts: the discount and 抹零 first, then the money; chosen items, else the oldest
due first (the pairing itself is pure, in ``jxc.finance.rules``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from jxc.core.documents.actions import ensure_perm
from jxc.core.errors import ValidationFailed
from jxc.core.numbers import ZERO
from jxc.finance import party_ledger, rules
from jxc.finance.models import PartyLedgerEntry, Settlement

if TYPE_CHECKING:
    from jxc.finance.payments import Money, PaymentBook


def set_plan(
    book: PaymentBook,
    *,
    partner_id: int,
    money: Sequence[Money],
    made: Sequence[Sequence[PartyLedgerEntry]],
) -> list[list[tuple[int, int, Decimal]]]:
    """The settlement pairs of each payment of a set, as ``record_payment`` one after the
    other would make them: the items chosen read once for all, the open documents once for
    those settled oldest first, less what the payments before took of them."""
    named = {i for m in money for i, _a in m.allocations or ()}
    found = {i.pk: i.amount for i in book.items(partner_id).filter(pk__in=named)} if named else {}
    opens = _open_documents(book, partner_id) if any(not m.allocations for m in money) else []
    taken: dict[int, Decimal] = defaultdict(Decimal)
    out = []
    for m, entries in zip(money, made, strict=True):
        if m.allocations:
            plan = _chosen_plan(entries, m.allocations, found)
        else:
            left = [replace(o, open=o.open - taken[o.id]) for o in opens]
            plan = _oldest_plan(entries, [o for o in left if o.open > 0])
        for debit, _credit, amount in plan:
            taken[debit] += amount
        out.append(plan)
    return out


def settlement_plan(
    book: PaymentBook,
    *,
    partner_id: int,
    entries: Sequence[PartyLedgerEntry],
    allocations: Sequence[tuple[int, Decimal]] | None,
) -> list[tuple[int, int, Decimal]]:
    """(debit, credit, amount) pairs: the discount and 抹零 first (they are given against
    documents, never left open), then the money."""
    if allocations:
        chosen = book.items(partner_id).filter(pk__in=[i for i, _a in allocations])
        return _chosen_plan(entries, allocations, {i.pk: i.amount for i in chosen})
    return _oldest_plan(entries, _open_documents(book, partner_id))


def _open_documents(book: PaymentBook, partner_id: int) -> list[rules.Open]:
    return [
        rules.Open(id=o.pk, date=o.date, due_date=o.due_date, open=o.open_amount)
        for o in book.items(partner_id).filter(is_open=True, amount__gt=0)
    ]


def _chosen_plan(
    entries: Sequence[PartyLedgerEntry],
    allocations: Sequence[tuple[int, Decimal]],
    found: dict[int, Decimal],
) -> list[tuple[int, int, Decimal]]:
    """The pairs of a payment settled as chosen: ``found`` holds the amount (its sign) of
    each of the partner's items named."""
    given = sum((-e.amount for e in entries if e.kind != "payment"), ZERO)
    paid = sum((-e.amount for e in entries), ZERO)
    credits = [(e.pk, -e.amount) for e in entries]  # discount, 抹零, money: in that order
    if any(i not in found for i, _a in allocations):
        raise ValidationFailed({"allocations": [_("Select a valid choice.")]})
    debits = [(i, a) for i, a in allocations if found[i] > 0]
    offsets = [(i, a) for i, a in allocations if found[i] < 0]
    chosen = sum((a for _i, a in debits), ZERO)
    offset = sum((a for _i, a in offsets), ZERO)
    if chosen > paid + offset:
        raise ValidationFailed(
            {
                "allocations": [
                    _("%(total)s is settled, more than the payment of %(amount)s.")
                    % {"total": chosen, "amount": paid + offset}
                ]
            }
        )
    if chosen < given + offset:
        raise ValidationFailed(
            {
                "allocations": [
                    _(
                        "%(needed)s (returns and payments offset, discount, rounding off) "
                        "must be settled against documents; %(total)s is chosen."
                    )
                    % {"needed": given + offset, "total": chosen}
                ]
            }
        )
    return rules.pair_settlements(debits, offsets + credits)


def _oldest_plan(
    entries: Sequence[PartyLedgerEntry], opens: Sequence[rules.Open]
) -> list[tuple[int, int, Decimal]]:
    """The pairs of a payment settled automatically against the open documents ``opens``,
    the oldest due first."""
    given = sum((-e.amount for e in entries if e.kind != "payment"), ZERO)
    paid = sum((-e.amount for e in entries), ZERO)
    credits = [(e.pk, -e.amount) for e in entries]
    debits = rules.allocate(paid, list(opens))
    if sum((a for _i, a in debits), ZERO) < given:
        raise ValidationFailed(
            {
                "discount": [
                    _(
                        "A discount or rounding off is given against open documents: only "
                        "%(open)s is open."
                    )
                    % {"open": sum((a for _i, a in debits), ZERO)}
                ]
            }
        )
    return rules.pair_settlements(debits, credits)


@transaction.atomic
def settle_open_items(
    book: PaymentBook,
    *,
    user,
    partner_id: int,
    date: dt.date,
    pairs: Sequence[tuple[int, int, Decimal]] | None = None,
) -> list[Settlement]:
    """核销 later: meet open documents with what lowers the book — a 预收 / 预付 left open, a
    return — by hand (``pairs``: (document item, payment or return item, amount)), else all
    of the partner's open credits against its open documents, both oldest due first."""
    ensure_perm(user, book.resource, "create")
    items = book.items(partner_id).filter(is_open=True)
    if pairs:
        ids = {i for d, c, _a in pairs for i in (d, c)}
        if items.filter(pk__in=ids).count() != len(ids):
            raise ValidationFailed({"pairs": [_("Select a valid choice.")]})
        if any(a is None or a <= 0 for _d, _c, a in pairs):
            raise ValidationFailed({"pairs": [_("Each settled amount is above zero.")]})
        plan = list(pairs)
    else:

        def side(qs) -> list[tuple[int, Decimal]]:
            opens = [
                rules.Open(id=o.pk, date=o.date, due_date=o.due_date, open=o.open_amount)
                for o in qs
            ]
            return [(o.id, abs(o.open)) for o in rules.oldest_first(opens)]

        plan = rules.pair_settlements(
            side(items.filter(amount__gt=0)), side(items.filter(amount__lt=0))
        )
    return party_ledger.record_settlements(plan, date=date, user=user)
