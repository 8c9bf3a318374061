"""月结: months close in order, a closed month refuses postings, only the last one reopens."""

import datetime as dt

import pytest

from jxc.core import periods
from jxc.core.documents.calendar import ensure_period_open, lock_date
from jxc.core.errors import PeriodClosed, ValidationFailed
from jxc.core.models import AuditLog, ClosedPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def steps(monkeypatch):
    """A clean step registry with one recording step; problems can be injected."""
    calls: list[tuple] = []
    problems: list[str] = []
    monkeypatch.setattr(periods, "STEPS", {})
    periods.register_period_step(
        periods.PeriodStep(
            name="probe",
            check=lambda y, m: list(problems),
            close=lambda y, m, u: calls.append(("close", y, m)),
            reopen=lambda y, m, u: calls.append(("reopen", y, m)),
        )
    )
    return calls, problems


def test_closing_locks_the_month_and_everything_before(owner, steps):
    calls, _ = steps
    assert lock_date() is None
    periods.close_period(year=2026, month=2, user=owner)
    assert lock_date() == dt.date(2026, 2, 28)
    assert calls == [("close", 2026, 2)]
    with pytest.raises(PeriodClosed) as exc:
        ensure_period_open(dt.date(2026, 2, 28))
    assert exc.value.params == {"date": "2026-02-28"}
    with pytest.raises(PeriodClosed):
        ensure_period_open(dt.date(2025, 12, 1))
    ensure_period_open(dt.date(2026, 3, 1))  # the next month is open


def test_months_close_in_order(owner, steps):
    periods.close_period(year=2026, month=1, user=owner)
    with pytest.raises(periods.PeriodNotReady) as exc:
        periods.close_period(year=2026, month=3, user=owner)
    assert "2026-02" in str(exc.value)
    periods.close_period(year=2026, month=2, user=owner)
    assert ClosedPeriod.objects.count() == 2


def test_a_check_problem_closes_nothing(owner, steps):
    calls, problems = steps
    problems.append("2 documents not posted")
    with pytest.raises(periods.PeriodNotReady) as exc:
        periods.close_period(year=2026, month=4, user=owner)
    assert "2 documents not posted" in str(exc.value)
    assert calls == [] and not ClosedPeriod.objects.exists()


def test_the_current_month_cannot_close(owner, steps):
    from django.utils import timezone

    today = timezone.localdate()
    with pytest.raises(periods.PeriodNotReady):
        periods.close_period(year=today.year, month=today.month, user=owner)


def test_reopen_only_the_last_month_with_a_reason(owner, steps):
    calls, _ = steps
    periods.close_period(year=2026, month=1, user=owner)
    periods.close_period(year=2026, month=2, user=owner)
    with pytest.raises(ValidationFailed):
        periods.reopen_period(user=owner, reason=" ")
    reopened = periods.reopen_period(user=owner, reason="补录2月采购发票")
    assert (reopened.year, reopened.month) == (2026, 2)
    assert lock_date() == dt.date(2026, 1, 31)
    assert calls[-1] == ("reopen", 2026, 2)
    entry = AuditLog.objects.filter(action="reopen_period").get()
    assert (entry.user, entry.reason, entry.object_repr) == (owner, "补录2月采购发票", "2026-02")


def test_month_bounds_handles_december_and_february():
    assert periods.month_bounds(2026, 12) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert periods.month_bounds(2028, 2) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
