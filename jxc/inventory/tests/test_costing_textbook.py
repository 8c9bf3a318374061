"""The worked example of 《初级会计实务》 (全国会计专业技术初级资格考试辅导教材, chapter
"资产 — 存货", editions 2019–2023): 甲公司's D商品 for one month —

    opening 150 件 @ 10 = 1,500
    day 5   purchase 100 @ 12 = 1,200      day 11  issue 200
    day 16  purchase 200 @ 14 = 2,800      day 20  issue 100
    day 23  purchase 100 @ 15 = 1,500      day 27  issue 100

and its published answers under 先进先出法, 月末一次加权平均法 and 移动加权平均法. The
figures are posted through the real ledger (record_moves) and read back from the moves."""

from decimal import Decimal as D

import pytest

from jxc.core.periods import month_bounds
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.models import CostPool, StockBalance
from jxc.inventory.selectors import layers_consumed
from jxc.inventory.services import settle_periodic_average
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def _post_month(kit):
    sku = kit.sku("D")
    wh = kit.warehouse("ZC")
    kit.receive(sku, wh, "150", "10", day=1, reason=R.OPENING)
    kit.receive(sku, wh, "100", "12", day=5)
    i1 = kit.issue(sku, wh, "200", day=11)
    kit.receive(sku, wh, "200", "14", day=16)
    i2 = kit.issue(sku, wh, "100", day=20)
    kit.receive(sku, wh, "100", "15", day=23)
    i3 = kit.issue(sku, wh, "100", day=27)
    return sku, wh, [i1, i2, i3]


def _closing(sku, wh):
    b = StockBalance.objects.get(sku=sku, warehouse=wh)
    return b.on_hand, b.value


def test_fifo(kit):
    """先进先出法: issues 2,100 + 1,300 + 1,400 = 4,800; closing 2,200 (50 @ 14 + 100 @ 15)."""
    kit.company(costing_method="fifo")
    sku, wh, issues = _post_month(kit)
    for mv in issues:
        mv.refresh_from_db()
    assert [-mv.value for mv in issues] == [D("2100.00"), D("1300.00"), D("1400.00")]
    assert _closing(sku, wh) == (D(150), D("2200.00"))
    used = layers_consumed(issues[0])
    assert [(u.qty, u.value, u.layer.unit_cost) for u in used] == [
        (D(150), D("1500.00"), D(10)),
        (D(50), D("600.00"), D(12)),
    ]
    assert_ledger_consistent()


def test_moving_average(kit):
    """移动加权平均法: unit 10.8, 13.36, 14.016; issues 2,160 + 1,336 + 1,401.6 = 4,897.6;
    closing 2,102.4."""
    sku, wh, issues = _post_month(kit)
    for mv in issues:
        mv.refresh_from_db()
    assert [mv.unit_cost for mv in issues] == [D("10.8"), D("13.36"), D("14.016")]
    assert [-mv.value for mv in issues] == [D("2160.00"), D("1336.00"), D("1401.60")]
    assert sum(-mv.value for mv in issues) == D("4897.60")
    assert _closing(sku, wh) == (D(150), D("2102.40"))
    assert_ledger_consistent()


def test_monthly_weighted_average(kit):
    """月末一次加权平均法: unit = (1,500 + 5,500) / (150 + 400) = 12.7272…; the book rounds it
    to 12.73 and gets issues 400 × 12.73 = 5,092 and closing 7,000 − 5,092 = 1,908. We keep
    the unit with 10 places (DOMAIN.md §5): issues 5,090.91, closing 1,909.09 — the same
    rule (closing = available − issued) with a less rounded unit."""
    kit.company(costing_method="periodic_average")
    sku, wh, issues = _post_month(kit)
    settle_periodic_average(year=2026, month=1)
    for mv in issues:
        mv.refresh_from_db()
    unit = issues[0].unit_cost
    assert unit == D("12.7272727273") and round(unit, 2) == D("12.73")
    assert D(400) * round(unit, 2) == D("5092.00")  # the book's figure
    assert [-mv.value for mv in issues] == [D("2545.45"), D("1272.73"), D("1272.73")]
    assert sum(-mv.value for mv in issues) == D("5090.91")
    assert _closing(sku, wh) == (D(150), D("1909.09"))
    assert D("7000") - D("5092") == D("1908")  # the book's closing, same rule
    pool = CostPool.objects.get(sku=sku)
    assert pool.value == D("1909.09")
    assert month_bounds(2026, 1)[1].day == 31
    assert_ledger_consistent()
