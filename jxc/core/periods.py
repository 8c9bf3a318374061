"""月结 (period close) as a kernel mechanism: the ledgers plug their steps in.

Each app registers a ``PeriodStep`` (in its ``AppConfig.ready``): ``check`` lists what stops
the month from closing (unposted documents, re-costing pending …), ``close`` does the work
(settle the monthly average, write snapshots), ``reopen`` undoes it. ``close_period`` runs
every check first and closes nothing if any complains; then all close steps and the lock,
in one transaction. Months close in order; only the last closed month may be reopened, and
that is recorded in the audit log with its reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.models import ClosedPeriod, User
from jxc.core.services import record_audit


class PeriodNotReady(DomainError):
    code = "period_not_ready"
    http_status = 409
    default_message = _("%(period)s cannot be closed yet: %(problems)s")


@dataclass(frozen=True)
class PeriodStep:
    name: str
    check: Callable[[int, int], list[str]] = field(default=lambda y, m: [])
    close: Callable[[int, int, User | None], None] = field(default=lambda y, m, u: None)
    reopen: Callable[[int, int, User | None], None] = field(default=lambda y, m, u: None)


STEPS: dict[str, PeriodStep] = {}


def register_period_step(step: PeriodStep) -> None:
    STEPS[step.name] = step


# --- month arithmetic (the one home; pure) -----------------------------------------------


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + (month == 12), month % 12 + 1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - (month == 1), 12 if month == 1 else month - 1)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of a month."""
    first = dt.date(year, month, 1)
    return first, dt.date(*next_month(year, month), 1) - dt.timedelta(days=1)


def months_back(day: dt.date, n: int) -> list[dt.date]:
    """The first days of the ``n`` months before ``day``'s month and of that month, oldest
    first."""
    out = []
    y, m = day.year, day.month
    for _i in range(n + 1):
        out.append(dt.date(y, m, 1))
        y, m = previous_month(y, m)
    return out[::-1]


def months_from(year: int, month: int, n: int) -> list[tuple[int, int]]:
    """``n`` months from ``year``-``month`` on, as (year, month)."""
    out = []
    for _i in range(n):
        out.append((year, month))
        year, month = next_month(year, month)
    return out


def last_closed() -> ClosedPeriod | None:
    return ClosedPeriod.objects.order_by("-year", "-month").first()


def next_to_close() -> tuple[int, int] | None:
    """The month that may be closed next (None: the first close may be any past month)."""
    last = last_closed()
    if last is None:
        return None
    return next_month(last.year, last.month)


def period_problems(year: int, month: int) -> list[str]:
    """Everything that stops a month from closing, from every registered step."""
    problems: list[str] = []
    expected = next_to_close()
    if expected is not None and expected != (year, month):
        problems.append(
            str(_("close %(year)d-%(month)02d first")) % {"year": expected[0], "month": expected[1]}
        )
    if month_bounds(year, month)[1] >= timezone.localdate():
        problems.append(str(_("the month has not ended yet")))
    for step in STEPS.values():
        problems.extend(step.check(year, month))
    return problems


@transaction.atomic
def close_period(*, year: int, month: int, user: User | None) -> ClosedPeriod:
    """结账: check, run every close step, lock the month."""
    if not 1 <= month <= 12:
        raise ValidationFailed({"month": [str(_("A month is 1 to 12."))]})
    # One close at a time: the counter row of the last period serialises closers.
    list(ClosedPeriod.objects.select_for_update().all()[:1])
    problems = period_problems(year, month)
    if problems:
        raise PeriodNotReady(period=f"{year}-{month:02d}", problems="; ".join(problems))
    for step in STEPS.values():
        step.close(year, month, user)
    period = ClosedPeriod.objects.create(year=year, month=month, closed_by=user)
    record_audit(user=user, obj=period, action="close_period")
    return period


@transaction.atomic
def reopen_period(*, user: User | None, reason: str) -> ClosedPeriod:
    """反结账: reopen the last closed month (an administrator's action, with a reason)."""
    if not reason.strip():
        raise ValidationFailed({"reason": [str(_("Please give a reason."))]})
    period = ClosedPeriod.objects.select_for_update().order_by("-year", "-month").first()
    if period is None:
        raise ValidationFailed({"__all__": [str(_("No month is closed."))]})
    for step in reversed(list(STEPS.values())):
        step.reopen(period.year, period.month, user)
    record_audit(user=user, obj=period, action="reopen_period", reason=reason)
    ClosedPeriod.objects.filter(pk=period.pk).delete()
    return period
