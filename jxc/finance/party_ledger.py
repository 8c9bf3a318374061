"""往来账 writer: the only code that adds party ledger entries, opens and settles open items
and changes party balances (ARCHITECTURE.md §2–4, STYLE.md rule 3). Like the stock ledger's
writer it knows no document: it gets a source reference and plain lines.

Posting shape: check the lines (pure) → refuse closed periods → lock the partners' balance
rows in id order → write entries and their open items → add to the balances. All in the
caller's transaction (one is opened when there is none).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from jxc.core.documents.actions import write_fields
from jxc.core.documents.calendar import BookCalendar, book_calendar, ensure_period_open
from jxc.core.documents.models import SourceRef
from jxc.core.errors import (
    AlreadyReversed,
    EntrySettled,
    InvalidPartyLine,
    NothingToReverse,
    SettlementExceedsOpen,
    SettlementMismatch,
)
from jxc.finance import rules
from jxc.finance.choices import PartySide
from jxc.finance.models import OpenItem, PartyBalance, PartyLedgerEntry, Settlement
from jxc.finance.rules import PartyLine

_Key = tuple[str, int]  # (side, partner id)


def _partner(side: str, partner_id: int) -> dict[str, int | None]:
    if side == PartySide.PAYABLE:
        return {"supplier_id": partner_id, "customer_id": None}
    return {"supplier_id": None, "customer_id": partner_id}


def _key(row) -> _Key:
    return (row.side, row.supplier_id or row.customer_id)


def _lock_balances(keys: Iterable[_Key]) -> dict[_Key, PartyBalance]:
    """The balance rows of these partners, created when missing, locked in id order (so two
    postings for the same partners never deadlock). A partner's first posting creates its
    row; later ones find it and only lock it."""
    keys = sorted(set(keys))

    def select() -> dict[_Key, PartyBalance]:
        cond = Q(pk__in=[])
        suppliers = [pid for side, pid in keys if side == PartySide.PAYABLE]
        customers = [pid for side, pid in keys if side == PartySide.RECEIVABLE]
        if suppliers:
            cond |= Q(side=PartySide.PAYABLE, supplier_id__in=suppliers)
        if customers:
            cond |= Q(side=PartySide.RECEIVABLE, customer_id__in=customers)
        rows = PartyBalance.objects.select_for_update().filter(cond).order_by("id")
        return {_key(b): b for b in rows}

    found = select()
    missing = [k for k in keys if k not in found]
    if missing:
        PartyBalance.objects.bulk_create(
            [PartyBalance(side=side, **_partner(side, pid)) for side, pid in missing],
            ignore_conflicts=True,
        )
        found = select()
    return found


def _add_to_balances(changes: dict[_Key, Decimal]) -> None:
    """Each balance is the locked row's figure plus the change, summed here in Decimal and
    written as a value: ``F("balance") + amount`` would add two REALs on SQLite (0.1 + 0.2 =
    0.30000000000000004), and the drift would surface in SQL comparisons (超信用额度, the
    self-check) and grow with every posting."""
    balances = _lock_balances(changes)
    for key, amount in changes.items():
        if amount:
            row = balances[key]
            row.balance += amount
            PartyBalance.objects.filter(pk=row.pk).update(balance=row.balance)


def _write(
    lines: Sequence[PartyLine],
    *,
    source: SourceRef,
    user,
    reverses: Sequence[PartyLedgerEntry | None] | None = None,
) -> list[PartyLedgerEntry]:
    return _write_each([(source, lines)], user=user, reverses=reverses)[0]


def _write_each(
    batches: Sequence[tuple[SourceRef, Sequence[PartyLine]]],
    *,
    user,
    reverses: Sequence[PartyLedgerEntry | None] | None = None,
) -> list[list[PartyLedgerEntry]]:
    """The entries of each (source, lines), their open items and the balances: one INSERT
    per table and one balance update per partner, whatever the number of sources."""
    user_id = getattr(user, "pk", None)
    made = [
        [
            PartyLedgerEntry(
                side=line.side,
                **_partner(line.side, line.partner_id),
                date=line.date,
                due_date=line.due_date,
                kind=line.kind,
                amount=line.amount,
                source_kind=source.kind,
                source_id=source.id,
                source_number=source.number,
                source_line=line.source_line,
                memo=line.memo[:200],
                reverses=reverses[i] if reverses else None,
                user_id=user_id,
            )
            for i, line in enumerate(lines)
        ]
        for source, lines in batches
    ]
    entries = [e for batch in made for e in batch]
    PartyLedgerEntry.objects.bulk_create(entries)
    OpenItem.objects.bulk_create(
        [
            OpenItem(
                entry=e,
                side=e.side,
                supplier_id=e.supplier_id,
                customer_id=e.customer_id,
                date=e.date,
                due_date=e.due_date,
                amount=e.amount,
            )
            for e in entries
        ]
    )
    changes: dict[_Key, Decimal] = defaultdict(Decimal)
    for e in entries:
        changes[_key(e)] += e.amount
    _add_to_balances(changes)
    return made


def record_party_entries(
    lines: Sequence[PartyLine],
    *,
    source: SourceRef,
    user,
    savepoint: bool = True,
    reverses: Sequence[PartyLedgerEntry] | None = None,
) -> list[PartyLedgerEntry]:
    """记往来账: add the party lines of one document (or payment), all or nothing; each
    becomes an open item. Refuses (typed errors, nothing written) a line without a partner,
    with a zero amount, more than 2 places or beyond the bounds, and a date in a closed
    month. ``savepoint=False``: the caller's own atomic block is all or nothing (a posting,
    a payment) — no SAVEPOINT and RELEASE of the writer's own."""
    if not lines:
        return []
    return record_party_entries_each(
        [(source, lines)], user=user, savepoint=savepoint, reverses=reverses
    )[0]


def record_party_entries_each(
    batches: Sequence[tuple[SourceRef, Sequence[PartyLine]]],
    *,
    user,
    savepoint: bool = True,
    calendar: BookCalendar | None = None,
    reverses: Sequence[PartyLedgerEntry] | None = None,
) -> list[list[PartyLedgerEntry]]:
    """:func:`record_party_entries` for several documents written as one set (the 收款单 of
    a split payment), all or nothing: each source's lines checked as there (a problem names
    the line of its source), then every entry and open item in one INSERT each and the
    balances added once. The entries per source, in order. ``calendar``: the caller's
    (read once for the set)."""
    for _source, lines in batches:
        problems = rules.party_line_problems(lines)
        if problems:
            i, problem = problems[0]
            raise InvalidPartyLine(line=i + 1, problem=problem)
    if not any(lines for _source, lines in batches):
        return [[] for _b in batches]
    with transaction.atomic(savepoint=savepoint):
        cal = calendar or book_calendar()
        for day in sorted({line.date for _source, lines in batches for line in lines}):
            ensure_period_open(day, cal)
        return _write_each(batches, user=user, reverses=reverses)


def _counter(e: PartyLedgerEntry, date: dt.date, *, due: bool) -> PartyLine:
    """The opposite of entry ``e`` on ``date`` (never before it), of the same kind; ``due``:
    due that day (it stays open), else without a due date (settled against ``e`` at once)."""
    day = max(date, e.date)
    return PartyLine(
        side=e.side,
        partner_id=e.supplier_id or e.customer_id,  # type: ignore[arg-type]
        amount=-e.amount,
        date=day,
        kind=e.kind,
        due_date=day if due else None,
        source_line=e.source_line,
        memo=e.memo,
    )


@transaction.atomic
def reverse_party_entries(
    *, source: SourceRef, user, date: dt.date, reversal: SourceRef | None = None
) -> list[PartyLedgerEntry]:
    """红冲: a counter-entry for every entry of ``source`` not reversed yet, dated ``date``,
    each settled against the entry it reverses (so neither stays open). Refused while an
    entry is settled in part or in whole (undo the settlement first), and a second time."""
    originals = list(
        PartyLedgerEntry.objects.filter(
            source_kind=source.kind, source_id=source.id, reverses__isnull=True
        ).order_by("id")
    )
    if not originals:
        raise NothingToReverse(source=source.number)
    done = set(
        PartyLedgerEntry.objects.filter(reverses__in=originals).values_list(
            "reverses_id", flat=True
        )
    )
    todo = [e for e in originals if e.pk not in done]
    if not todo:
        raise AlreadyReversed(source=source.number)
    ensure_period_open(date)
    _lock_balances(_key(e) for e in todo)
    items = {
        i.pk: i for i in OpenItem.objects.select_for_update().filter(pk__in=[e.pk for e in todo])
    }
    if any(items[e.pk].settled for e in todo):
        raise EntrySettled(source=source.number)
    lines = [_counter(e, date, due=False) for e in todo]
    counters = _write(lines, source=reversal or source, user=user, reverses=todo)
    counter_items = {i.pk: i for i in OpenItem.objects.filter(pk__in=[c.pk for c in counters])}
    for original, counter in zip(todo, counters, strict=True):
        a, b = items[original.pk], counter_items[counter.pk]
        debit, credit = (a, b) if a.amount > 0 else (b, a)
        _settle(debit, credit, abs(original.amount), date=counter.date, user=user, source=None)
    return counters


@transaction.atomic
def undo_party_entries(*, source: SourceRef, user, date: dt.date) -> None:
    """红冲 of a document's (or a payment's) party entries, settled or not: while nothing of
    them is settled, ``reverse_party_entries`` (each counter-entry linked to its original and
    settled against it). Otherwise settlements are never undone, like the ledger's rows: each
    counter-entry is a new entry of the same source, of the same kind, due ``date``, settled
    against what its original still has open, and the rest stays open — a paid receipt's
    payment reversed: the supplier is owed that money again; a return settled against its
    receipt reversed: the receipt is owed again. Nothing to do for a source without entries."""
    originals = list(
        PartyLedgerEntry.objects.filter(
            source_kind=source.kind, source_id=source.id, reverses__isnull=True
        ).order_by("id")
    )
    if not originals:
        return  # nothing was owed (an amount of zero)
    items = _lock_items(e.pk for e in originals)
    if not any(items[e.pk].settled for e in originals):
        reverse_party_entries(source=source, user=user, date=date)
        return
    counters = record_party_entries(
        [_counter(e, date, due=True) for e in originals],
        source=source,
        user=user,
        savepoint=False,
        reverses=originals,
    )
    pairs = []
    for original, counter in zip(originals, counters, strict=True):
        left = items[original.pk].open_amount
        if left:
            debit, credit = (original.pk, counter.pk) if left > 0 else (counter.pk, original.pk)
            pairs.append((debit, credit, abs(left)))
    record_settlements(pairs, date=date, user=user, savepoint=False)


def _settle(
    debit: OpenItem,
    credit: OpenItem,
    amount: Decimal,
    *,
    date: dt.date,
    user,
    source: SourceRef | None,
) -> Settlement:
    """Both items locked by the caller."""
    return _settle_many([(debit, credit, amount)], date=date, user=user, source=source)[0]


def _settle_many(
    plan: Sequence[tuple[OpenItem, OpenItem, Decimal]],
    *,
    date: dt.date,
    user,
    source: SourceRef | None,
) -> list[Settlement]:
    return _settle_each([(d, c, a, source) for d, c, a in plan], date=date, user=user)


def _settle_each(
    plan: Sequence[tuple[OpenItem, OpenItem, Decimal, SourceRef | None]],
    *,
    date: dt.date,
    user,
) -> list[Settlement]:
    """Each (debit, credit, amount, source) checked and applied to the locked items in turn
    (an item met twice sees what the first pair took), then written set-based: every touched
    item in one executemany, every settlement in one INSERT."""
    touched: dict[int, OpenItem] = {}
    made = []
    for debit, credit, amount, source in plan:
        if (
            debit.side != credit.side
            or debit.partner_id != credit.partner_id
            or debit.amount <= 0
            or credit.amount >= 0
            or amount <= 0
        ):
            raise SettlementMismatch(debit=debit.entry_id, credit=credit.entry_id)
        for item in (debit, credit):
            if amount > abs(item.open_amount):
                number = (
                    PartyLedgerEntry.objects.filter(pk=item.pk)
                    .values_list("source_number", flat=True)
                    .first()
                )
                raise SettlementExceedsOpen(
                    open=abs(item.open_amount), number=number or item.pk, amount=amount
                )
        # the locked rows' figures, summed here in Decimal: SQLite would add two REALs
        # (1.13 + 2.26 = 3.3899999999999997 ≠ 3.39) and the database check refuse the row
        debit.settled += amount
        credit.settled -= amount
        for item in (debit, credit):
            item.is_open = item.settled != item.amount
            touched[item.pk] = item
        made.append(
            Settlement(
                side=debit.side,
                supplier_id=debit.supplier_id,
                customer_id=debit.customer_id,
                date=date,
                debit=debit,
                credit=credit,
                amount=amount,
                source_kind=source.kind if source else "",
                source_id=source.id if source else None,
                source_number=source.number if source else "",
                user_id=getattr(user, "pk", None),
            )
        )
    write_fields(OpenItem, list(touched.values()), ["settled", "is_open"])
    return Settlement.objects.bulk_create(made)


def _lock_items(ids: Iterable[int]) -> dict[int, OpenItem]:
    return {
        i.pk: i
        for i in OpenItem.objects.select_for_update().filter(pk__in=sorted(set(ids))).order_by("pk")
    }


@transaction.atomic
def record_settlement(
    *,
    debit_id: int,
    credit_id: int,
    amount: Decimal,
    date: dt.date,
    user,
    source: SourceRef | None = None,
) -> Settlement:
    """核销 by hand: meet ``amount`` of the open item ``debit_id`` (it raised the balance: a
    receipt) with the open item ``credit_id`` (it lowered it: a payment, a return). Refuses
    more than either has open (SettlementExceedsOpen), items of different partners or books
    or the wrong way round (SettlementMismatch), a closed month."""
    ensure_period_open(date)
    items = _lock_items([debit_id, credit_id])
    if debit_id not in items or credit_id not in items:
        raise SettlementMismatch(debit=debit_id, credit=credit_id)
    return _settle(items[debit_id], items[credit_id], amount, date=date, user=user, source=source)


def record_settlements(
    pairs: Sequence[tuple[int, int, Decimal]],
    *,
    date: dt.date,
    user,
    source: SourceRef | None = None,
    savepoint: bool = True,
) -> list[Settlement]:
    """核销 of several pairs (debit id, credit id, amount) at once, all or nothing: every item
    locked first, in primary-key order (so two settlements of one partner queue instead of
    deadlocking), then each pair checked and settled as ``record_settlement`` does, all
    written set-based. ``savepoint=False``: as for ``record_party_entries``."""
    return record_settlements_each(
        [(d, c, a, source) for d, c, a in pairs], date=date, user=user, savepoint=savepoint
    )


def record_settlements_each(
    pairs: Sequence[tuple[int, int, Decimal, SourceRef | None]],
    *,
    date: dt.date,
    user,
    savepoint: bool = True,
    calendar: BookCalendar | None = None,
) -> list[Settlement]:
    """:func:`record_settlements` for the pairs of several sources at once (debit id, credit
    id, amount, source): the items locked once in primary-key order, each pair checked in
    turn, all written set-based."""
    if not pairs:
        return []
    with transaction.atomic(savepoint=savepoint):
        ensure_period_open(date, calendar)
        items = _lock_items(i for d, c, _a, _s in pairs for i in (d, c))
        for debit_id, credit_id, _amount, _source in pairs:
            if debit_id not in items or credit_id not in items:
                raise SettlementMismatch(debit=debit_id, credit=credit_id)
        return _settle_each(
            [(items[d], items[c], amount, source) for d, c, amount, source in pairs],
            date=date,
            user=user,
        )


@transaction.atomic
def settle_oldest_first(
    item_id: int,
    *,
    date: dt.date,
    user,
    limit: Decimal | None = None,
    source: SourceRef | None = None,
) -> list[Settlement]:
    """核销 automatically: meet what is open of item ``item_id`` (up to ``limit``) with the
    partner's open items of the other sign, the oldest due first (jxc.finance.rules.allocate).
    What finds no counterpart stays open (a prepayment)."""
    ensure_period_open(date)
    item = _lock_items([item_id])[item_id]
    wanted = abs(item.open_amount) if limit is None else min(abs(item.open_amount), limit)
    opposite = _opposite(item)
    candidates = [
        rules.Open(id=o.pk, date=o.date, due_date=o.due_date, open=o.open_amount) for o in opposite
    ]
    plan = rules.allocate(wanted, candidates)
    locked = _lock_items(i for i, _a in plan)
    pairs = []
    for other_id, amount in plan:
        other = locked[other_id]
        pairs.append((item, other, amount) if item.amount > 0 else (other, item, amount))
    return _settle_many(pairs, date=date, user=user, source=source)


def _opposite(item: OpenItem):
    qs = OpenItem.objects.filter(side=item.side, is_open=True)
    if item.supplier_id:
        qs = qs.filter(supplier_id=item.supplier_id)
    else:
        qs = qs.filter(customer_id=item.customer_id or 0)
    return qs.filter(amount__lt=0) if item.amount > 0 else qs.filter(amount__gt=0)
