"""月结 status: which recent months are closed, by whom, with what snapshot, and what stops the
next one from closing (the checks of every registered period step)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from jxc.core.models import ClosedPeriod, User
from jxc.core.periods import (
    last_closed,
    month_bounds,
    next_to_close,
    period_problems,
    previous_month,
)
from jxc.inventory.snapshot_models import StockSnapshotPeriod

__all__ = ["MonthStatus", "PeriodOverview", "can_reopen_period", "period_overview"]


@dataclass
class MonthStatus:
    year: int
    month: int
    closed: ClosedPeriod | None = None
    snapshot_rows: int | None = None

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return month_bounds(self.year, self.month)[0]

    @property
    def last_day(self) -> dt.date:
        return month_bounds(self.year, self.month)[1]


@dataclass
class PeriodOverview:
    months: list[MonthStatus]
    last_closed: ClosedPeriod | None
    next_to_close: tuple[int, int] | None
    problems: list[str] = field(default_factory=list)


def period_overview(*, months: int = 12, today: dt.date | None = None) -> PeriodOverview:
    """The last ``months`` months (newest first) with their close status, the month to close
    next (the one after the last closed; the previous month when none is closed yet) and
    what stops it from closing now."""
    today = today or timezone.localdate()
    closed = {(p.year, p.month): p for p in ClosedPeriod.objects.select_related("closed_by").all()}
    snapshots = dict(
        ((s.year, s.month), s.rows)
        for s in StockSnapshotPeriod.objects.only("year", "month", "rows")
    )
    out = []
    y, m = today.year, today.month
    for _ in range(months):
        out.append(MonthStatus(y, m, closed.get((y, m)), snapshots.get((y, m))))
        y, m = previous_month(y, m)
    nxt = next_to_close() or previous_month(today.year, today.month)
    if month_bounds(*nxt)[1] >= today:
        return PeriodOverview(out, last_closed(), None)
    return PeriodOverview(out, last_closed(), nxt, period_problems(*nxt))


def can_reopen_period(user: User | None) -> bool:
    """反结账 is the owner's (administrator's) action."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.roles.filter(code="owner").exists())
