"""Pure stock rules (no database): line checks, FEFO allocation, future-balance checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from jxc.inventory.ledger_types import FefoPick

ZERO = Decimal(0)


def allocate_fefo(lots: Sequence[FefoPick], qty: Decimal) -> list[FefoPick]:
    """Take ``qty`` from ``lots`` in the order given (earliest expiry first): whole lots
    until the last one, which gives only what is still needed."""
    picks: list[FefoPick] = []
    want = qty
    for lot in lots:
        if want <= 0:
            break
        take = min(want, lot.qty)
        if take > 0:
            picks.append(replace(lot, qty=take))
            want -= take
    return picks


def lowest_running_balance(start: Decimal, changes: Iterable[Decimal]) -> Decimal:
    """The lowest balance reached from ``start`` through ``changes`` (``start`` included)."""
    low = running = start
    for change in changes:
        running += change
        if running < low:
            low = running
    return low
