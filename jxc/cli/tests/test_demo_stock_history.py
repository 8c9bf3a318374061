"""The demo's stock history (jxc/cli/demo.py, made through the warehouse documents' services)
gives every report content: three closed-or-open months, snapshots, alerts, a count."""

import pytest
from django.utils import timezone

from jxc.cli import demo
from jxc.core.models import User
from jxc.core.periods import month_bounds, months_back
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.snapshot_models import StockSnapshotPeriod
from jxc.inventory.testing import assert_ledger_consistent
from jxc.reports import selectors

pytestmark = pytest.mark.django_db


def test_demo_history_feeds_the_reports():
    demo.load_demo()
    boss = User.objects.get(username="boss")
    months = months_back(timezone.localdate(), 3)
    assert StockSnapshotPeriod.objects.count() == 2  # the first two months are closed

    last = months[2]
    s = selectors.movement_summary(
        user=boss, start=last, end=month_bounds(last.year, last.month)[1]
    )
    assert s.snapshot is not None and s.rows
    assert {R.OTHER_RECEIPT, R.TRANSFER_IN} <= set(s.receipt_reasons)
    assert {R.OTHER_ISSUE, R.TRANSFER_OUT} <= set(s.issue_reasons)
    assert R.COUNT_GAIN in s.receipt_reasons or R.COUNT_LOSS in s.issue_reasons
    whole = selectors.movement_summary(
        user=boss, start=last, end=month_bounds(last.year, last.month)[1], use_snapshots=False
    )
    assert (s.totals.closing.qty, s.totals.closing.value) == (
        whole.totals.closing.qty,
        whole.totals.closing.value,
    )
    counts = selectors.alert_counts(boss)
    assert all(counts[k] > 0 for k in ("below_min", "near_expiry", "no_movement")), counts
    assert_ledger_consistent()
