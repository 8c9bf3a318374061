"""Pure rules of the 盘点单 (no database): sheet scope, frozen book quantities, scanning,
variance and the 盘盈 / 盘亏 lines it posts.

The book quantity of a line is frozen when the sheet is made (the ledger position
``frozen_move_id``). Moves posted after that do not disturb the count: the variance is
counted − frozen book, and it is posted as a change to whatever the balance is by then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jxc.core.numbers import value_of
from jxc.inventory.choices import MoveReason
from jxc.inventory.ledger.types import StockLine

ZERO = Decimal(0)


def lot_key(bin_id: int | None, batch_id: int | None) -> str:
    """The key of a (bin, batch) lot, as the ledger's lot balances spell it."""
    return f"{bin_id or 0}-{batch_id or 0}"


def in_bin_range(code: str | None, lo: str, hi: str) -> bool:
    """A bin code inside ``lo``…``hi`` (inclusive, by text; empty ends are open). Stock that
    sits in no bin is inside only when no range is given."""
    if not lo and not hi:
        return True
    if not code:
        return False
    return (not lo or code >= lo) and (not hi or code <= hi)


def book_at_freeze(current: Decimal, since_freeze: Iterable[Decimal]) -> Decimal:
    """What the book said at the freeze: today's quantity minus the moves posted since."""
    return current - sum(since_freeze, ZERO)


def variance(book: Decimal, counted: Decimal | None, *, uncounted_as_zero: bool) -> Decimal:
    """盘盈 (> 0) / 盘亏 (< 0) of a line; an uncounted line has none unless it counts as 0."""
    if counted is None:
        return -book if uncounted_as_zero else ZERO
    return counted - book


def scanned(current: Decimal | None, factor: Decimal = Decimal(1)) -> Decimal:
    """A scan of a barcode adds one of its unit (a 箱 barcode adds the box's base units)."""
    return (current or ZERO) + factor


@dataclass(frozen=True)
class CountLineValues:
    id: int
    sku: int
    book: Decimal
    counted: Decimal | None
    bin: int | None = None
    batch: int | None = None
    unit_cost: Decimal | None = None


def count_stock_lines(
    *,
    warehouse: int,
    date: dt.date,
    lines: Sequence[CountLineValues],
    uncounted_as_zero: bool,
) -> list[StockLine]:
    """确认盘点: a 盘盈 line (in at the pool's current cost) or a 盘亏 line (out at cost) for
    every line whose counted quantity differs from its frozen book quantity."""
    out = []
    for line in lines:
        v = variance(line.book, line.counted, uncounted_as_zero=uncounted_as_zero)
        if v == 0:
            continue
        out.append(
            StockLine(
                sku=line.sku,
                warehouse=warehouse,
                qty=v,
                reason=MoveReason.COUNT_GAIN if v > 0 else MoveReason.COUNT_LOSS,
                date=date,
                bin=line.bin,
                batch=line.batch,
                entered_qty=abs(v),
                source_line=line.id,
            )
        )
    return out


@dataclass(frozen=True)
class VarianceRow:
    line: CountLineValues
    variance: Decimal
    value: Decimal | None  # variance × unit cost, to the 分 (None: no cost known)


@dataclass(frozen=True)
class VarianceSummary:
    rows: tuple[VarianceRow, ...]
    lines: int
    counted: int
    uncounted: int
    gain_qty: Decimal
    loss_qty: Decimal
    gain_value: Decimal
    loss_value: Decimal

    @property
    def net_value(self) -> Decimal:
        return self.gain_value + self.loss_value


def variance_review(
    lines: Sequence[CountLineValues], *, uncounted_as_zero: bool, only_differences: bool = False
) -> VarianceSummary:
    """盘点差异: per line the variance and its value at the current unit cost, and totals."""
    rows = []
    gain_q = loss_q = gain_v = loss_v = ZERO
    counted = 0
    for line in lines:
        if line.counted is not None:
            counted += 1
        v = variance(line.book, line.counted, uncounted_as_zero=uncounted_as_zero)
        value = value_of(v, line.unit_cost) if line.unit_cost is not None else None
        if v > 0:
            gain_q += v
            gain_v += value or ZERO
        elif v < 0:
            loss_q += v
            loss_v += value or ZERO
        if v != 0 or not only_differences:
            rows.append(VarianceRow(line=line, variance=v, value=value))
    return VarianceSummary(
        rows=tuple(rows),
        lines=len(lines),
        counted=counted,
        uncounted=len(lines) - counted,
        gain_qty=gain_q,
        loss_qty=loss_q,
        gain_value=gain_v,
        loss_value=loss_v,
    )


def large_variances(
    rows: Sequence[VarianceRow], *, value_limit: Decimal, percent_limit: int
) -> list[VarianceRow]:
    """The lines to confirm before posting: a variance worth more than ``value_limit``, or
    larger than ``percent_limit`` % of the book (anything found where the book had none counts
    by value only). A limit of 0 is no limit. Largest value first."""
    out = []
    for r in rows:
        if r.variance == 0:
            continue
        by_value = value_limit > 0 and r.value is not None and abs(r.value) > value_limit
        book = r.line.book
        by_share = percent_limit > 0 and book > 0 and abs(r.variance) * 100 > book * percent_limit
        if by_value or by_share:
            out.append(r)
    return sorted(
        out, key=lambda r: (-(abs(r.value) if r.value is not None else ZERO), -abs(r.variance))
    )
