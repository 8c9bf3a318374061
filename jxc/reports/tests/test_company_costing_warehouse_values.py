"""Company costing, warehouse values (DOMAIN.md §5, docs/adr/0005): a warehouse is worth its
quantity × the pool's unit cost at the date, in 即时库存, 库存查询(按日期) and 收发存汇总 by
warehouse, where the 成本差异 column ties 期初 + 入 − 出 ± 差异 = 期末 per warehouse.

The issue's history: WH1 receives 1 @ 10 on day 1, WH2 1 @ 30 on day 2 (moving average,
company pool): at the end of day 1 WH1 is worth 10; at the end of day 2 the pool is 2 / 40,
unit 20, and each warehouse is worth 20 (the ledger sums would say 10 / 30).
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.periods import close_period
from jxc.inventory.models import StockBalance
from jxc.inventory.testing import assert_ledger_consistent
from jxc.reports import selectors

pytestmark = pytest.mark.django_db

DAY1, DAY2 = dt.date(2026, 1, 1), dt.date(2026, 1, 2)


@pytest.fixture
def two_warehouses(kit):
    sku, w1, w2 = kit.sku("A"), kit.warehouse("W1"), kit.warehouse("W2")
    kit.receive(sku, w1, "1", "10", day=1)
    kit.receive(sku, w2, "1", "30", day=2)
    return sku, w1, w2


def at(owner, day, **kw):
    return {
        (r.warehouse.code if r.warehouse else None): (r.qty, r.value)
        for r in selectors.stock_at_date(user=owner, day=day, **kw)
    }


def test_stock_now_and_at_a_date_are_qty_times_the_pool_unit(two_warehouses, owner):
    sku, _w1, _w2 = two_warehouses
    assert {b.warehouse.code: b.value for b in StockBalance.objects.filter(sku=sku)} == {
        "W1": D("20.00"),
        "W2": D("20.00"),
    }
    assert at(owner, DAY1) == {"W1": (1, D("10.00"))}
    assert at(owner, DAY2) == {"W1": (1, D("20.00")), "W2": (1, D("20.00"))}
    # per SKU: the pool's value (the books)
    assert at(owner, DAY2, by_warehouse=False) == {None: (2, D("40.00"))}
    assert_ledger_consistent()


def test_movement_summary_by_warehouse_shows_the_cost_difference(two_warehouses, owner):
    s = selectors.movement_summary(user=owner, start=DAY2, end=DAY2)
    rows = {r.warehouse.code: r for r in s.rows}
    w1, w2 = rows["W1"], rows["W2"]
    assert (w1.opening.value, w1.received.value, w1.issued.value) == (D("10.00"), 0, 0)
    assert (w1.cost_difference, w1.closing.value) == (D("10.00"), D("20.00"))
    assert (w2.opening.value, w2.received.value) == (0, D("30.00"))
    assert (w2.cost_difference, w2.closing.value) == (D("-10.00"), D("20.00"))
    for r in [*s.rows, s.totals]:
        assert (
            r.opening.value + r.received.value - r.issued.value + r.cost_difference
            == r.closing.value
        )
    assert (s.totals.cost_difference, s.totals.closing.value) == (0, D("40.00"))
    # per SKU there is no difference: the pool's value moved only by its moves
    (a,) = selectors.movement_summary(user=owner, start=DAY2, end=DAY2, by_warehouse=False).rows
    assert (a.opening.value, a.received.value, a.cost_difference, a.closing.value) == (
        D("10.00"),
        D("30.00"),
        0,
        D("40.00"),
    )


def test_the_same_figures_from_a_month_end_snapshot(kit, owner):
    """January closed (snapshot per SKU × warehouse × pool); February's receipt in W2 moves
    the unit: W1 1 @ 10 (Jan) → W2 1 @ 30 (Feb 2): February by warehouse W1 10 → 20 (差异
    +10), W2 0 + 30 → 20 (差异 −10); at Feb 2 each is 20, from the snapshot or the ledger."""
    sku, w1, w2 = kit.sku("A"), kit.warehouse("W1"), kit.warehouse("W2")
    kit.receive(sku, w1, "1", "10", day=5)
    close_period(year=2026, month=1, user=owner)
    kit.receive(sku, w2, "1", "30", day=dt.date(2026, 2, 2))
    feb1, feb2, feb28 = dt.date(2026, 2, 1), dt.date(2026, 2, 2), dt.date(2026, 2, 28)
    for use in (True, False):
        s = selectors.movement_summary(user=owner, start=feb1, end=feb28, use_snapshots=use)
        assert (s.snapshot is not None) == use
        rows = {r.warehouse.code: r for r in s.rows}
        assert (rows["W1"].opening.value, rows["W1"].cost_difference) == (D("10"), D("10"))
        assert (rows["W2"].received.value, rows["W2"].cost_difference) == (D("30"), D("-10"))
        assert rows["W1"].closing.value == rows["W2"].closing.value == D("20.00")
        assert at(owner, feb2, use_snapshots=use) == {"W1": (1, D("20")), "W2": (1, D("20"))}


def test_per_warehouse_costing_keeps_each_pool_value(kit, owner):
    """Per-warehouse pools: each warehouse is its own pool, worth its own moves (10 / 30), and
    成本差异 is 0."""
    kit.company(cost_scope="warehouse")
    sku, w1, w2 = kit.sku("A"), kit.warehouse("W1"), kit.warehouse("W2")
    kit.receive(sku, w1, "1", "10", day=1)
    kit.receive(sku, w2, "1", "30", day=2)
    assert at(owner, DAY2) == {"W1": (1, D("10.00")), "W2": (1, D("30.00"))}
    s = selectors.movement_summary(user=owner, start=DAY2, end=DAY2)
    assert {r.warehouse.code: (r.closing.value, r.cost_difference) for r in s.rows} == {
        "W1": (D("10.00"), 0),
        "W2": (D("30.00"), 0),
    }


def test_a_sum_beyond_64_bits_is_added_in_halves(two_warehouses, owner, monkeypatch):
    """The plain sums come first; when the database reports an overflow ("integer overflow" on
    SQLite, "bigint out of range" on PostgreSQL) the summary adds each figure's high and low
    halves apart and gives the same figures."""
    from django.db import OperationalError

    from jxc.reports import summary

    def figures(s):
        return [
            (r.warehouse.code, r.opening.value, r.received.value, r.cost_difference, r.closing)
            for r in s.rows
        ]

    plain = selectors.movement_summary(user=owner, start=DAY1, end=DAY2)
    real = summary._aggregate
    calls = []

    def overflowing(*args, split=False, **kw):
        calls.append(split)
        if not split:
            raise OperationalError("integer overflow")
        return real(*args, split=split, **kw)

    monkeypatch.setattr(summary, "_aggregate", overflowing)
    halves = selectors.movement_summary(user=owner, start=DAY1, end=DAY2)
    assert calls == [False, True]
    assert figures(halves) == figures(plain)
    assert halves.totals.closing == plain.totals.closing
