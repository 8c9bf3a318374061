"""往来账自检 (DOMAIN.md §4.2 for money): party balances = Σ of their entries = Σ of what is
open on their items; each open item = its entry, settled = Σ of its settlements and never
beyond its amount; a settlement joins two items of one partner and book, opposite signs."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from jxc.core.numbers import ZERO
from jxc.finance.models import OpenItem, PartyBalance, PartyLedgerEntry, Settlement


def _who(side: str, supplier_id, customer_id) -> str:
    return f"{side} supplier={supplier_id}" if supplier_id else f"{side} customer={customer_id}"


def party_ledger_problems() -> list[str]:
    """Every difference between the party ledger and its projections."""
    problems: list[str] = []
    by_entries: dict[tuple, Decimal] = defaultdict(Decimal)
    entries: dict[int, tuple] = {}
    for pk, side, sup, cus, amount in PartyLedgerEntry.objects.values_list(
        "id", "side", "supplier_id", "customer_id", "amount"
    ):
        by_entries[(side, sup, cus)] += amount
        entries[pk] = (side, sup, cus, amount)
    settled: dict[int, Decimal] = defaultdict(Decimal)
    for s_id, side, sup, cus, debit, credit, amount in Settlement.objects.values_list(
        "id", "side", "supplier_id", "customer_id", "debit_id", "credit_id", "amount"
    ):
        settled[debit] += amount
        settled[credit] -= amount
        for item_id in (debit, credit):
            e = entries.get(item_id)
            if e is None or e[:3] != (side, sup, cus):
                problems.append(f"settlement {s_id}: item {item_id} of another partner or book")
        if (
            entries.get(debit, (0, 0, 0, ZERO))[3] <= 0
            or entries.get(credit, (0, 0, 0, ZERO))[3] >= 0
        ):
            problems.append(f"settlement {s_id}: items the wrong way round")
    by_open: dict[tuple, Decimal] = defaultdict(Decimal)
    seen = set()
    for pk, side, sup, cus, amount, done, is_open in OpenItem.objects.values_list(
        "entry_id", "side", "supplier_id", "customer_id", "amount", "settled", "is_open"
    ):
        seen.add(pk)
        by_open[(side, sup, cus)] += amount - done
        e = entries.get(pk)
        if e is None or e != (side, sup, cus, amount):
            problems.append(f"open item {pk}: {side}/{sup or cus}/{amount} != its entry {e}")
        if done != settled.get(pk, ZERO):
            problems.append(
                f"open item {pk}: settled {done} != settlements {settled.get(pk, ZERO)}"
            )
        if abs(done) > abs(amount) or (done and (done > 0) != (amount > 0)):
            problems.append(f"open item {pk}: settled {done} beyond its amount {amount}")
        if is_open != (done != amount):
            problems.append(f"open item {pk}: open flag {is_open} with {done} of {amount} settled")
    for pk in entries.keys() - seen:
        problems.append(f"entry {pk}: no open item")
    balances = {
        (side, sup, cus): bal
        for side, sup, cus, bal in PartyBalance.objects.values_list(
            "side", "supplier_id", "customer_id", "balance"
        )
    }
    for key in sorted(balances.keys() | by_entries.keys(), key=str):
        bal = balances.get(key)
        want = by_entries.get(key, ZERO)
        who = _who(*key)
        if bal is None:
            problems.append(f"balance {who}: missing (entries {want})")
        elif bal != want:
            problems.append(f"balance {who}: {bal} != entries {want}")
        if by_open.get(key, ZERO) != want:
            problems.append(f"balance {who}: open items {by_open.get(key, ZERO)} != entries {want}")
    return problems
