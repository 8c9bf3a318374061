"""月结 with the stock ledger: the inventory step's checks, the periodic-average settlement,
month-end snapshots, the lock, and 反结账."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.core.documents.lines import LineInput
from jxc.core.errors import PeriodClosed
from jxc.core.models import AuditLog, ClosedPeriod
from jxc.core.periods import PeriodNotReady, close_period, reopen_period
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.models import SkuLedger
from jxc.inventory.snapshot_models import StockSnapshot, StockSnapshotPeriod
from jxc.inventory.testing import assert_ledger_consistent
from jxc.reports import selectors
from jxc.reports.tests.conftest import D, feb

pytestmark = pytest.mark.django_db


def snapshot_rows(year, month):
    return {
        (r.sku.code, r.warehouse.code): (r.qty, r.value)
        for r in StockSnapshot.objects.filter(
            period__year=year, period__month=month
        ).select_related("sku", "warehouse")
    }


def test_close_writes_snapshot_and_locks_the_month(history, owner, kit):
    close_period(year=2026, month=1, user=owner)
    assert snapshot_rows(2026, 1) == {("A", "ZC"): (15, D("191.25")), ("B", "EC"): (3, D("10"))}
    assert StockSnapshotPeriod.objects.get().rows == 2

    with pytest.raises(PeriodClosed):
        kit.receive(history.a, history.zc, "1", "12", day=20)
    with pytest.raises(PeriodClosed):
        kit.issue(history.a, history.zc, "1", day=31)
    # February is open: a posting there is fine and leaves January's snapshot alone
    kit.receive(history.a, history.zc, "1", "12", day=feb(1))
    assert snapshot_rows(2026, 1)[("A", "ZC")] == (15, D("191.25"))

    # Closing February builds on January's snapshot. The 1 February receipt re-costed the
    # month: 26 / 303.25 after the 3 February receipt (avg 11.6634615385), so the issue of 8
    # is 93.31 and the transfer of 4 is 46.65.
    close_period(year=2026, month=2, user=owner)
    assert snapshot_rows(2026, 2) == {
        ("A", "ZC"): (14, D("163.29")),
        ("A", "EC"): (4, D("46.65")),
        ("B", "EC"): (2, D("6.67")),
    }
    assert_ledger_consistent()


def test_reopen_deletes_the_snapshot_and_is_audited(history, owner, kit):
    close_period(year=2026, month=1, user=owner)
    reopen_period(user=owner, reason="补录1月采购")
    assert not StockSnapshotPeriod.objects.exists() and not ClosedPeriod.objects.exists()
    assert AuditLog.objects.filter(action="reopen_period", reason="补录1月采购").exists()
    kit.receive(history.a, history.zc, "5", "11", day=20)  # allowed again, re-costs February
    s = selectors.movement_summary(
        user=owner, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28), by_warehouse=False
    )
    a = next(r for r in s.rows if r.sku.code == "A")
    assert (a.closing.qty, a.closing.value) == (22, D("253.92"))
    close_period(year=2026, month=1, user=owner)
    assert snapshot_rows(2026, 1)[("A", "ZC")] == (20, D("246.25"))


def test_unposted_stock_document_blocks_the_close(history, owner):
    from jxc.inventory.documents import services as docs

    doc = docs.create_stock_document(
        user=owner,
        kind="other_receipt",
        warehouse=history.zc,
        date=feb(10),
        reason="gift",
        lines=[LineInput(sku=history.a.pk, qty=Decimal(2), price=Decimal(5))],
    )
    close_period(year=2026, month=1, user=owner)  # January has no open document
    with pytest.raises(PeriodNotReady) as exc:
        close_period(year=2026, month=2, user=owner)
    assert doc.number in str(exc.value)
    assert not ClosedPeriod.objects.filter(month=2).exists()
    assert not StockSnapshotPeriod.objects.filter(month=2).exists()
    overview = selectors.period_overview(today=dt.date(2026, 3, 15))
    assert overview.next_to_close == (2026, 2)
    assert any(doc.number in p for p in overview.problems)


def test_recosting_pending_blocks_the_close(history, owner):
    SkuLedger.objects.filter(sku=history.a).update(recosting=True)
    with pytest.raises(PeriodNotReady) as exc:
        close_period(year=2026, month=1, user=owner)
    assert "1" in str(exc.value)
    SkuLedger.objects.filter(sku=history.a).update(recosting=False)
    close_period(year=2026, month=1, user=owner)


def test_periodic_average_is_settled_before_the_snapshot(kit, owner):
    kit.company(costing_method="periodic_average")
    sku, wh = kit.sku("P", price="10"), kit.warehouse("ZC")
    kit.receive(sku, wh, "10", "10", day=2)
    issue = kit.issue(sku, wh, "5", day=5)  # provisional: 5 × 10
    kit.receive(sku, wh, "10", "13", day=8)
    assert issue.value == D("-50")
    close_period(year=2026, month=1, user=owner)
    issue.refresh_from_db()
    # unit = (0 + 100 + 130) / (0 + 10 + 10) = 11.50
    assert issue.value == D("-57.50")
    assert snapshot_rows(2026, 1) == {("P", "ZC"): (15, D("172.50"))}
    jan = selectors.movement_summary(
        user=owner, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)
    )
    row = jan.rows[0]
    assert (row.issues[R.SALES_DELIVERY].qty, row.issues[R.SALES_DELIVERY].value) == (
        5,
        D("57.50"),
    )
    assert (row.closing.qty, row.closing.value) == (15, D("172.50"))
    assert_ledger_consistent()


def test_period_overview_and_who_may_reopen(history, owner, user_factory):
    close_period(year=2026, month=1, user=owner)
    overview = selectors.period_overview(months=3, today=dt.date(2026, 3, 10))
    assert [m.label for m in overview.months] == ["2026-03", "2026-02", "2026-01"]
    assert [bool(m.closed) for m in overview.months] == [False, False, True]
    assert overview.months[2].snapshot_rows == 2
    assert overview.next_to_close == (2026, 2) and overview.problems == []
    assert selectors.can_reopen_period(owner)
    assert not selectors.can_reopen_period(user_factory(roles=["finance"]))
