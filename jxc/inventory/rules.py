"""Pure stock rules (no database): line checks, FEFO allocation, future-balance checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jxc.core.fields import (
    MONEY_PLACES,
    QTY_PLACES,
    UNIT_COST_PLACES,
    size_error,
    size_problem,
)
from jxc.core.numbers import value_of
from jxc.inventory.choices import (
    INCOMING_REASONS,
    ORIGIN_REASONS,
    OUTGOING_REASONS,
    VALUE_ONLY_REASONS,
    MoveReason,
)
from jxc.inventory.ledger.types import FefoPick, StockLine

ZERO = Decimal(0)
_GIVEN_COST_REASONS = frozenset({MoveReason.OPENING, MoveReason.PURCHASE_RECEIPT})
# (MoveReason.values builds a new list on every call: ~50 µs, five times per posting)
_REASONS = frozenset(MoveReason.values)


def line_problem(i: int, line: StockLine, lines: Sequence[StockLine]) -> str | None:
    """What is wrong with one stock line (None: nothing)."""
    qty, reason = line.qty, line.reason
    if not isinstance(qty, Decimal):
        return str(_("the quantity must be a Decimal"))
    if reason not in _REASONS:
        return str(_("unknown reason %(reason)s")) % {"reason": reason}
    if not isinstance(line.date, dt.date):
        return str(_("the business date is missing"))
    if not qty.is_finite() or size_problem(qty, QTY_PLACES) is not None:
        # the last line of the bounds (jxc.core.fields): "数值过大" keeps its code here too
        return size_error(qty, QTY_PLACES) or ""
    entered = line.entered_qty
    if entered is not None and size_problem(entered, QTY_PLACES) is not None:
        return size_error(entered, QTY_PLACES) or ""
    if reason in INCOMING_REASONS and qty <= 0:
        return str(_("an incoming line needs a quantity above zero"))
    if reason in OUTGOING_REASONS and qty >= 0:
        return str(_("an outgoing line needs a quantity below zero"))
    unit_cost, value = line.unit_cost, line.value
    if reason in VALUE_ONLY_REASONS:
        if qty != 0:
            return str(_("a cost adjustment changes value only: its quantity is 0"))
        if (value is None) == (unit_cost is None):
            return str(_("a cost adjustment needs either a new unit cost or a value change"))
    if unit_cost is not None:
        if unit_cost < 0:
            return str(_("a unit cost is zero or more, with at most 10 decimals"))
        if size_problem(unit_cost, UNIT_COST_PLACES) is not None:
            return size_error(unit_cost, UNIT_COST_PLACES)
        if size_problem(value_of(qty, unit_cost), MONEY_PLACES) is not None:
            return size_error(value_of(qty, unit_cost), MONEY_PLACES)
    if value is not None:
        if size_problem(value, MONEY_PLACES) is not None:
            return size_error(value, MONEY_PLACES)
        if reason not in VALUE_ONLY_REASONS and value < 0:
            return str(_("an incoming value cannot be below zero"))
    elif reason in _GIVEN_COST_REASONS and unit_cost is None:
        return str(_("a receipt needs its unit cost"))
    if line.origin is not None and line.origin_line is not None:
        return str(_("name the origin move or the origin line, not both"))
    if line.origin_line is not None:
        j = line.origin_line
        if not 0 <= j < i:
            return str(_("the origin line must be an earlier line of the same posting"))
        out = lines[j]
        if out.reason not in ORIGIN_REASONS.get(MoveReason(reason), frozenset()):
            return str(_("this line cannot take its cost from line %(line)d")) % {"line": j + 1}
        if out.sku_id != line.sku_id or out.date > line.date:
            return str(_("the origin line is of another SKU or dated later"))
        back = sum((x.qty for x in lines if x.origin_line == j), ZERO)
        if back > -out.qty:
            return str(_("more comes back than line %(line)d took out")) % {"line": j + 1}
    if reason == MoveReason.TRANSFER_IN and line.origin is None and line.origin_line is None:
        return str(_("a transfer in names its transfer-out move"))
    for bucket in (line.release_reserved, line.receive_on_order, line.receive_in_transit):
        if bucket < 0:
            return str(_("bucket changes are zero or more"))
    return None


def line_problems(lines: Sequence[StockLine]) -> list[tuple[int, str]]:
    """Every problem of the lines of one posting, with the line index."""
    out = []
    for i, line in enumerate(lines):
        problem = line_problem(i, line, lines)
        if problem:
            out.append((i, problem))
    return out


def origin_problem(
    *,
    reason: str,
    sku_id: int,
    date: dt.date,
    origin_reason: str,
    origin_sku_id: int,
    origin_date: dt.date,
    origin_is_reversal: bool,
) -> str | None:
    """A return comes back from a delivery of the same SKU, a transfer in from a transfer
    out, a purchase return from a receipt — never from a later or reversing move."""
    allowed = ORIGIN_REASONS.get(MoveReason(reason))
    if allowed is None or origin_reason not in allowed or origin_is_reversal:
        return str(_("this line cannot take its cost from a %(reason)s move")) % {
            "reason": origin_reason
        }
    if origin_sku_id != sku_id:
        return str(_("the origin move is of another SKU"))
    if origin_date > date:
        return str(_("the origin move is dated later than this line"))
    return None


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
