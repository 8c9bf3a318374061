"""The costing methods and cost pools of DOMAIN.md §5 by hand-worked figures: moving average,
FIFO, monthly average, specific by batch, per-warehouse and company pools, rounding and
fractional quantities. Every figure is worked out by hand (never by the engine's own
helpers), postings go through the public writer (LedgerKit) or the documents' services,
every test ends with the ledger self-check. kit.day(n) is 2026-01-n (day 32
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.periods import close_period
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.models import CostPool, StockBalance
from jxc.inventory.selectors import layers_consumed
from jxc.inventory.services import settle_periodic_average
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def fresh(mv):
    mv.refresh_from_db()
    return mv


def pool(sku, wh=None, batch=None):
    qs = CostPool.objects.filter(sku=sku)
    if wh is not None:
        qs = qs.filter(warehouse=wh)
    if batch is not None:
        qs = qs.filter(batch=batch)
    return qs.get()


def bal(sku, wh):
    return StockBalance.objects.get(sku=sku, warehouse=wh)


def state(p):
    return (p.qty, p.value)


def no_value_at_zero_quantity():
    """Policy 'rounding': no pool and no warehouse ever holds value at zero quantity."""
    assert not CostPool.objects.filter(qty=0).exclude(value=0).exists()
    assert not StockBalance.objects.filter(on_hand=0).exclude(value=0).exists()


def done():
    no_value_at_zero_quantity()
    assert_ledger_consistent()


def test_moving_average_issue_is_not_value_over_qty(kit):
    """The stored avg, not value ÷ qty, values an issue.

    3 for 10.00 → avg 3.3333333333. Issue 1 → 3.33; pool 2 / 6.67 (6.67 / 2 = 3.335).
    Receive 1 @ 3.34 (avg = (6.67 + 3.34)/3 = 10.01/3 = 3.3366666667).
    Issue 2 → 2 × 3.3366666667 = 6.6733333334 → 6.67; pool 1 / 3.34; the stored avg stays
    3.3366666667 (value ÷ qty would be 3.34).
    Issue 1 empties → 3.34.
    """
    sku, wh = kit.sku("MA2"), kit.warehouse("W1")
    kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    assert fresh(kit.issue(sku, wh, "1", day=2)).value == D("-3.33")
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(2), D("6.67"), D("3.3333333333"))
    kit.receive(sku, wh, "1", "3.34", day=3)
    assert pool(sku).unit_cost == D("3.3366666667")
    assert fresh(kit.issue(sku, wh, "2", day=4)).value == D("-6.67")
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(1), D("3.34"), D("3.3366666667"))
    assert fresh(kit.issue(sku, wh, "1", day=5)).value == D("-3.34")
    assert state(pool(sku)) == (0, 0)
    done()


def test_three_issues_of_one_from_three_at_a_third_of_ten(kit):
    """3 @ 10/3: issues of 1, 1, 1 → 3.33, 3.33, then the last takes the rest 3.34; 0 / 0.00.
    A later receipt of 2 @ 5 into the empty pool sets avg 5 exactly (no residue)."""
    sku, wh = kit.sku("MA3"), kit.warehouse("W1")
    kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    assert pool(sku).unit_cost == D("3.3333333333")
    vals = [fresh(kit.issue(sku, wh, "1", day=2 + n)).value for n in range(3)]
    assert vals == [D("-3.33"), D("-3.33"), D("-3.34")]
    p = pool(sku)
    assert (p.qty, p.value) == (0, D("0.00"))
    kit.receive(sku, wh, "2", "5", day=6)
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(2), D("10.00"), D("5"))
    done()


def test_fifo_consumes_across_layers_and_shows_them(kit):
    """r1 3 @ 4.00, r2 5 @ 4.50, r3 2 @ 7.25.
    issue 4 → r1 3 (12.00) + r2 1 (4.50) = 16.50
    issue 5 → r2 4 (18.00) + r3 1 (7.25) = 25.25
    left: r3 1 @ 7.25 → pool 1 / 7.25; issue 1 → r3 1 (7.25)."""
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("F1"), kit.warehouse("W1")
    r1 = kit.receive(sku, wh, "3", "4.00", day=1)
    r2 = kit.receive(sku, wh, "5", "4.50", day=2)
    r3 = kit.receive(sku, wh, "2", "7.25", day=3)
    a = fresh(kit.issue(sku, wh, "4", day=4))
    b = fresh(kit.issue(sku, wh, "5", day=5))
    assert (a.value, b.value) == (D("-16.50"), D("-25.25"))
    used = [(u.layer.move_id, u.qty, u.value) for u in layers_consumed(a)]
    assert used == [(r1.pk, D(3), D("12.00")), (r2.pk, D(1), D("4.50"))]
    used = [(u.layer.move_id, u.qty, u.value) for u in layers_consumed(b)]
    assert used == [(r2.pk, D(4), D("18.00")), (r3.pk, D(1), D("7.25"))]
    assert state(pool(sku)) == (D(1), D("7.25"))
    c = fresh(kit.issue(sku, wh, "1", day=6))
    assert c.value == D("-7.25")
    assert [(u.layer.move_id, u.qty) for u in layers_consumed(c)] == [(r3.pk, D(1))]
    assert state(pool(sku)) == (0, 0)
    done()


def test_fifo_layer_with_a_repeating_unit_cost_adds_up_to_the_layer(kit):
    """A layer of 3 holding 10.00 issued 1 by 1: each 3.33 or 3.34, together exactly 10.00,
    and the layer ends at 0 / 0.00. A backdated older layer does not change that sum."""
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("F2"), kit.warehouse("W1")
    kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    vals = [fresh(kit.issue(sku, wh, "1", day=2 + n)).value for n in range(3)]
    assert sum(vals) == D("-10.00")
    assert all(v in (D("-3.33"), D("-3.34")) for v in vals)
    assert state(pool(sku)) == (0, 0)
    done()


def test_periodic_provisional_then_settled_at_month_end(kit, owner):
    """全月一次加权平均.
    Dec 2025: receive 10 @ 8.00 = 80.00 (opening of January).
    Jan: d3 receive 5 @ 9.50 = 47.50; d5 issue 6; d10 receive 7 @ 11.20 = 78.40; d20 issue 4.
    Provisional (moving average):
      after d3: 15 / 127.50, avg 8.5 → issue 6 = 51.00 → 9 / 76.50
      after d10: 16 / 154.90, avg 9.68125 → issue 4 = 38.725 → 38.73 (half up)
    Settlement (close January):
      unit = (80.00 + 47.50 + 78.40)/(10 + 5 + 7) = 205.90 / 22 = 9.359090909… → 9.3590909091
      issue 6 → 56.1545454546 → 56.15; issue 4 → 37.4363636364 → 37.44; issued 93.59
      ending value = 205.90 − 93.59 = 112.31, qty 12.
    Feb: issue 12 empties the pool → takes 112.31.
    """
    kit.company(costing_method="periodic_average")
    sku, wh = kit.sku("P1"), kit.warehouse("W1")
    kit.receive(sku, wh, "10", "8.00", day=dt.date(2025, 12, 5))
    close_period(year=2025, month=12, user=owner)
    kit.receive(sku, wh, "5", "9.50", day=3)
    i1 = fresh(kit.issue(sku, wh, "6", day=5))
    assert i1.value == D("-51.00")
    kit.receive(sku, wh, "7", "11.20", day=10)
    i2 = fresh(kit.issue(sku, wh, "4", day=20))
    assert i2.value == D("-38.73")
    feb = kit.issue(sku, wh, "12", day=33)
    close_period(year=2026, month=1, user=owner)
    assert (fresh(i1).value, fresh(i2).value) == (D("-56.15"), D("-37.44"))
    assert fresh(i2).pool_value_after == D("112.31")
    assert fresh(feb).value == D("-112.31")
    assert state(pool(sku)) == (0, 0)
    done()


def test_periodic_month_ending_empty_gives_residue_to_last_outgoing_by_date(kit):
    """Jan: d1 receive 3 for 10.00; d2 receive 4 @ 2.00 = 8.00 → available 7 / 18.00.
    unit = 18.00 / 7 = 2.571428571… → 2.5714285714.
    Issues: 3 on d20 (entered FIRST), 2 on d10, 2 on d15 (entered later, backdated).
      2 × 2.5714285714 = 5.1428571428 → 5.14 (twice); 3 × … = 7.7142857142 → 7.71
      sum 17.99; the month ends at qty 0, so value must be 0: residue 0.01 goes to the last
      outgoing move by DATE (d20, although entered first) → 7.72.
    """
    kit.company(costing_method="periodic_average")
    sku, wh = kit.sku("P2"), kit.warehouse("W1")
    kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    kit.receive(sku, wh, "4", "2.00", day=2)
    last = kit.issue(sku, wh, "3", day=20)
    a = kit.issue(sku, wh, "2", day=10)
    b = kit.issue(sku, wh, "2", day=15)
    settle_periodic_average(year=2026, month=1)
    assert [fresh(a).value, fresh(b).value, fresh(last).value] == [
        D("-5.14"),
        D("-5.14"),
        D("-7.72"),
    ]
    assert state(pool(sku)) == (0, 0)
    done()


def test_periodic_residue_same_day_goes_to_the_later_entry(kit):
    """Same numbers; the two last issues on the same day d20: the later entry takes it.
    d10 issue 3 → 7.71; d20 issue 2 (entry 1) → 5.14; d20 issue 2 (entry 2) → 5.15."""
    kit.company(costing_method="periodic_average")
    sku, wh = kit.sku("P3"), kit.warehouse("W1")
    kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    kit.receive(sku, wh, "4", "2.00", day=2)
    a = kit.issue(sku, wh, "3", day=10)
    b = kit.issue(sku, wh, "2", day=20)
    c = kit.issue(sku, wh, "2", day=20)
    settle_periodic_average(year=2026, month=1)
    assert [fresh(a).value, fresh(b).value, fresh(c).value] == [
        D("-7.71"),
        D("-5.14"),
        D("-5.15"),
    ]
    done()


def test_specific_each_batch_its_own_average(kit):
    """个别计价: L1 receives 4 @ 5.00 and 2 @ 6.20 → (20.00 + 12.40)/6 = 5.40; L2 3 @ 9.99.
    Issue 3 of L1 → 16.20 (not mixed with L2); issue 3 of L2 → 29.97 and L2's pool is 0 / 0.
    Warehouse value: 3 × 5.40 = 16.20."""
    kit.company(costing_method="specific")
    sku, wh = kit.sku("S1", tracking="batch"), kit.warehouse("W1")
    l1, l2 = kit.batch(sku, "L1"), kit.batch(sku, "L2")
    kit.receive(sku, wh, "4", "5.00", day=1, batch=l1)
    kit.receive(sku, wh, "3", "9.99", day=1, batch=l2)
    kit.receive(sku, wh, "2", "6.20", day=2, batch=l1)
    assert pool(sku, batch=l1).unit_cost == D("5.4")
    assert fresh(kit.issue(sku, wh, "3", day=3, batch=l1)).value == D("-16.20")
    assert fresh(kit.issue(sku, wh, "3", day=3, batch=l2)).value == D("-29.97")
    assert state(pool(sku, batch=l2)) == (0, 0)
    assert state(pool(sku, batch=l1)) == (D(3), D("16.20"))
    assert bal(sku, wh).value == D("16.20")
    done()


def test_per_warehouse_average_transfer_carries_source_cost(kit):
    """A: 3 for 10.00 (3.3333333333). B: 2 @ 5.00 = 10.00.
    Transfer 1 A→B: out 3.33, in 3.33. A: 2 / 6.67. B: 3 / 13.33, avg 13.33/3 = 4.4433333333.
    Transfer 2 A→B empties A: out takes 6.67; B: 5 / 20.00, avg 4.
    Issue 5 at B → 20.00."""
    kit.company(cost_scope="warehouse")
    sku, a, b = kit.sku("W1"), kit.warehouse("A"), kit.warehouse("B")
    kit.post([kit.line(sku, a, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    kit.receive(sku, b, "2", "5.00", day=1)
    out, inn = kit.transfer(sku, a, b, "1", day=2)
    assert (fresh(out).value, fresh(inn).value) == (D("-3.33"), D("3.33"))
    assert state(pool(sku, a)) == (D(2), D("6.67"))
    pb = pool(sku, b)
    assert (pb.qty, pb.value, pb.unit_cost) == (D(3), D("13.33"), D("4.4433333333"))
    out, inn = kit.transfer(sku, a, b, "2", day=3)
    assert (fresh(out).value, fresh(inn).value) == (D("-6.67"), D("6.67"))
    assert state(pool(sku, a)) == (0, 0)
    assert (pool(sku, b).value, pool(sku, b).unit_cost) == (D("20.00"), D("4"))
    assert fresh(kit.issue(sku, b, "5", day=4)).value == D("-20.00")
    done()


def test_per_warehouse_fifo_transfer_carries_exact_layers(kit):
    """A: 2 @ 1.10 (d1), 3 @ 2.20 (d2). B: 1 @ 10.00 (d1).
    Transfer 4 A→B on d3: out = 2 × 1.10 + 2 × 2.20 = 6.60; A keeps 1 @ 2.20.
    B's layers: 1 @ 10.00, then 2 @ 1.10 and 2 @ 2.20 (the exact source layers).
    B issue 2 → 10.00 + 1.10 = 11.10; B issue 3 → 1.10 + 4.40 = 5.50; B empty.
    A issue 1 → 2.20."""
    kit.company(cost_scope="warehouse", costing_method="fifo")
    sku, a, b = kit.sku("W2"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "2", "1.10", day=1)
    kit.receive(sku, a, "3", "2.20", day=2)
    kit.receive(sku, b, "1", "10.00", day=1)
    out, inn = kit.transfer(sku, a, b, "4", day=3)
    assert (fresh(out).value, fresh(inn).value) == (D("-6.60"), D("6.60"))
    assert [(u.qty, u.value) for u in layers_consumed(fresh(out))] == [
        (D(2), D("2.20")),
        (D(2), D("4.40")),
    ]
    assert fresh(kit.issue(sku, b, "2", day=4)).value == D("-11.10")
    assert fresh(kit.issue(sku, b, "3", day=5)).value == D("-5.50")
    assert state(pool(sku, b)) == (0, 0)
    assert fresh(kit.issue(sku, a, "1", day=5)).value == D("-2.20")
    done()


def test_company_pool_warehouse_value_is_qty_times_unit_cost(kit):
    """Company pool: 3 for 10.00 in A (unit 3.3333333333).
    Transfer 2 A→B: out/in = round(2 × 3.3333333333) = 6.67; the pool stays 3 / 10.00.
    A: 1 × unit = 3.33; B: 2 × unit = 6.67."""
    sku, a, b = kit.sku("C1"), kit.warehouse("A"), kit.warehouse("B")
    kit.post([kit.line(sku, a, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    out, inn = kit.transfer(sku, a, b, "2", day=2)
    assert (fresh(out).value, fresh(inn).value) == (D("-6.67"), D("6.67"))
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(3), D("10.00"), D("3.3333333333"))
    assert (bal(sku, a).value, bal(sku, b).value) == (D("3.33"), D("6.67"))
    done()


def test_company_pool_three_warehouses_of_one_each(kit):
    """Company pool 3 for 10.00 spread 1/1/1 over A, B, C by two transfers.
    Policy: each warehouse's value is 1 × 3.3333333333 → 3.33 (the pool stays 10.00; the
    warehouses add up to 9.99 — the policy values warehouses by qty × unit, not by share).
    Then all back to A: B and C are 0 / 0.00 and A is 3 × unit → 10.00."""
    sku = kit.sku("C2")
    a, b, c = kit.warehouse("A"), kit.warehouse("B"), kit.warehouse("C")
    kit.post([kit.line(sku, a, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    kit.transfer(sku, a, b, "1", day=2)
    kit.transfer(sku, a, c, "1", day=2)
    assert state(pool(sku)) == (D(3), D("10.00"))
    assert [bal(sku, w).value for w in (a, b, c)] == [D("3.33")] * 3
    kit.transfer(sku, b, a, "1", day=3)
    kit.transfer(sku, c, a, "1", day=3)
    assert [bal(sku, w).value for w in (b, c)] == [0, 0]
    assert bal(sku, a).value == D("10.00")
    done()


def test_rounding_half_up_and_ten_place_unit_costs(kit):
    """1 @ 0.005 → 0.01 (half up, banker's would give 0.00).
    A second SKU: 8 for 1.00 → unit 0.125; issue 1 → 0.125 → 0.13 (half up; banker's 0.12);
    issue 3 → 0.375 → 0.38; pool 4 / 0.49; issue 4 empties → 0.49 (4 × 0.125 = 0.50 would
    leave −0.01).
    A third: 7 for 1.00 → unit 1/7 = 0.142857142857… → 0.1428571429 (10 places, half up)."""
    wh = kit.warehouse("W1")
    tiny = kit.sku("RD1")
    assert fresh(kit.receive(tiny, wh, "1", "0.005", day=1)).value == D("0.01")
    sku = kit.sku("RD2")
    kit.post([kit.line(sku, wh, "8", R.PURCHASE_RECEIPT, 1, value="1.00")])
    assert pool(sku).unit_cost == D("0.125")
    assert fresh(kit.issue(sku, wh, "1", day=2)).value == D("-0.13")
    assert fresh(kit.issue(sku, wh, "3", day=3)).value == D("-0.38")
    assert state(pool(sku)) == (D(4), D("0.49"))
    assert fresh(kit.issue(sku, wh, "4", day=4)).value == D("-0.49")
    assert state(pool(sku)) == (0, 0)
    seventh = kit.sku("RD3")
    kit.post([kit.line(seventh, wh, "7", R.PURCHASE_RECEIPT, 1, value="1.00")])
    assert pool(seventh).unit_cost == D("0.1428571429")
    done()


def test_fractional_quantities(kit):
    """2.5 kg @ 3.47 = 8.675 → 8.68. Issue 1.25 → 1.25 × 3.47 = 4.3375 → 4.34; the rest
    1.25 empties the pool → 8.68 − 4.34 = 4.34."""
    sku, wh = kit.sku("RD4"), kit.warehouse("W1")
    assert fresh(kit.receive(sku, wh, "2.5", "3.47", day=1)).value == D("8.68")
    assert fresh(kit.issue(sku, wh, "1.25", day=2)).value == D("-4.34")
    assert fresh(kit.issue(sku, wh, "1.25", day=3)).value == D("-4.34")
    assert state(pool(sku)) == (0, 0)
    done()
