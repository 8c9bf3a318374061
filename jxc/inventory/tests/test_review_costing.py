"""Independent review of the costing engine against DOMAIN.md §5, row by row.

Every figure below is worked out by hand in the docstring or a comment (never by calling the
engine's own helpers); everything is posted through the public writer
(``jxc.inventory.services.record_moves`` / ``reverse_moves`` via ``LedgerKit``) or the
warehouse documents' services. Every test ends with the ledger self-check.

Dates: ``kit.day(n)`` is 2026-01-n (day 32 = 2026-02-01); dt.date for other months.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.documents.lines import LineInput
from jxc.core.errors import (
    InsufficientStock,
    NoCostHistory,
    PeriodClosed,
    ReversalBlocked,
)
from jxc.core.periods import close_period
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.models import CostPool, StockBalance, StockMove
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


# --- moving average ---------------------------------------------------------------------------


def test_moving_average_formula_and_issues_keep_the_stored_average(kit):
    """avg = (value + q·c)/(qty + q) on incoming value only; issues at round(q × avg).

    4 @ 2.50 = 10.00; 6 @ 3.10 = 18.60        → pool 10 / 28.60, avg 2.86
    issue 3: 3 × 2.86 = 8.58                  → pool 7 / 20.02, avg 2.86
    2 @ 3.35 = 6.70: avg = 26.72 / 9 = 2.968888… → 2.9688888889 (10 places)
    issue 1: 2.9688888889 → 2.97              → pool 8 / 23.75
    issue 3: 3 × 2.9688888889 = 8.9066666667 → 8.91 (value ÷ qty would be 23.75 / 8 = 2.96875,
             3 × 2.96875 = 8.90625 → 8.91 too; so check the stored avg, and the next one)
             → pool 5 / 14.84
    issue 2: 2 × 2.9688888889 = 5.9377777778 → 5.94 (14.84 / 5 = 2.968 → 5.936 → 5.94)
             → pool 3 / 8.90
    issue 3 empties the pool: takes 8.90 (3 × avg = 8.9066… → 8.91 would leave −0.01)
    """
    sku, wh = kit.sku("MA1"), kit.warehouse("W1")
    kit.receive(sku, wh, "4", "2.50", day=1)
    kit.receive(sku, wh, "6", "3.10", day=2)
    assert pool(sku).unit_cost == D("2.86")
    i1 = fresh(kit.issue(sku, wh, "3", day=3))
    assert (i1.value, i1.unit_cost) == (D("-8.58"), D("2.86"))
    r3 = fresh(kit.receive(sku, wh, "2", "3.35", day=4))
    assert r3.value == D("6.70")
    assert pool(sku).unit_cost == D("2.9688888889")
    values = [fresh(kit.issue(sku, wh, q, day=5 + n)).value for n, q in enumerate("132")]
    assert values == [D("-2.97"), D("-8.91"), D("-5.94")]
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(3), D("8.90"), D("2.9688888889"))
    last = fresh(kit.issue(sku, wh, "3", day=9))
    assert last.value == D("-8.90")
    assert state(pool(sku)) == (0, D("0.00"))
    assert bal(sku, wh).value == 0
    done()


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


# --- FIFO -------------------------------------------------------------------------------------


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


# --- periodic monthly average --------------------------------------------------------------------


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


# --- specific by batch --------------------------------------------------------------------------


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


# --- per-warehouse pools ------------------------------------------------------------------------


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


# --- company pool and warehouses ----------------------------------------------------------------


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


# --- customer return ----------------------------------------------------------------------------


def test_customer_return_linked_and_unlinked_moving_average(kit):
    """d1 receive 10 @ 10.00; d2 delivery 4 → 40.00; d3 receive 6 @ 13.50 = 81.00:
    avg = (60.00 + 81.00)/12 = 11.75.
    d4 linked return 3 → at the delivery's 10.00 → 30.00; avg = (141.00 + 30.00)/15 = 11.40.
    d5 unlinked return 1 → at the current 11.40 → 11.40; avg stays 11.40, pool 16 / 182.40."""
    sku, wh = kit.sku("CR1"), kit.warehouse("W1")
    kit.receive(sku, wh, "10", "10.00", day=1)
    delivery = fresh(kit.issue(sku, wh, "4", day=2))
    assert delivery.value == D("-40.00")
    kit.receive(sku, wh, "6", "13.50", day=3)
    assert pool(sku).unit_cost == D("11.75")
    back = fresh(kit.sales_return(sku, wh, "3", day=4, origin=delivery))
    assert back.value == D("30.00")
    assert pool(sku).unit_cost == D("11.4")
    unlinked = fresh(kit.sales_return(sku, wh, "1", day=5))
    assert unlinked.value == D("11.40")
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(16), D("182.40"), D("11.4"))
    done()


def test_customer_return_fifo_at_the_cost_the_delivery_left_with(kit):
    """FIFO: r1 2 @ 3.00, r2 3 @ 5.00; delivery 4 → 6.00 + 10.00 = 16.00 (unit 4.00).
    r3 5 @ 9.00. Linked return 2 → 2 × 4.00 = 8.00 (not today's 9.00 nor r2's 5.00)."""
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("CR2"), kit.warehouse("W1")
    kit.receive(sku, wh, "2", "3.00", day=1)
    kit.receive(sku, wh, "3", "5.00", day=1)
    delivery = fresh(kit.issue(sku, wh, "4", day=2))
    assert delivery.value == D("-16.00")
    kit.receive(sku, wh, "5", "9.00", day=3)
    back = fresh(kit.sales_return(sku, wh, "2", day=4, origin=delivery))
    assert back.value == D("8.00")
    assert state(pool(sku)) == (D(8), D("5.00") + D("45.00") + D("8.00"))
    done()


# --- return to supplier -------------------------------------------------------------------------


def test_purchase_return_moving_average_at_current_average(kit):
    """r1 10 @ 10.00, r2 10 @ 20.00 → avg 15. Return 5 linked to r1 → 5 × 15 = 75.00 (not 50),
    pool 15 / 225.00, avg still 15."""
    sku, wh = kit.sku("PR1"), kit.warehouse("W1")
    r1 = kit.receive(sku, wh, "10", "10.00", day=1)
    kit.receive(sku, wh, "10", "20.00", day=2)
    back = fresh(kit.purchase_return(sku, wh, "5", day=3, origin=r1))
    assert back.value == D("-75.00")
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(15), D("225.00"), D("15"))
    done()


def test_purchase_return_fifo_linked_layer_first_then_fifo_order(kit):
    """r1 4 @ 10, r2 4 @ 20, r3 4 @ 30. Issue 2 → r1 (20.00), r1 has 2 left.
    Return 3 linked to r1 → r1's 2 (20.00) + then FIFO order: r2 1 (20.00) = 40.00.
    Return 1 linked to r3 → 30.00 (r3's layer, not the oldest r2).
    Issue rest 6: r2 3 (60.00) + r3 3 (90.00) = 150.00."""
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("PR2"), kit.warehouse("W1")
    r1 = kit.receive(sku, wh, "4", "10", day=1)
    r2 = kit.receive(sku, wh, "4", "20", day=2)
    r3 = kit.receive(sku, wh, "4", "30", day=3)
    assert fresh(kit.issue(sku, wh, "2", day=4)).value == D("-20.00")
    back = fresh(kit.purchase_return(sku, wh, "3", day=5, origin=r1))
    assert back.value == D("-40.00")
    assert [(u.layer.move_id, u.qty) for u in layers_consumed(back)] == [
        (r1.pk, D(2)),
        (r2.pk, D(1)),
    ]
    back3 = fresh(kit.purchase_return(sku, wh, "1", day=5, origin=r3))
    assert back3.value == D("-30.00")
    assert fresh(kit.issue(sku, wh, "6", day=6)).value == D("-150.00")
    done()


# --- negative stock -----------------------------------------------------------------------------


def test_negative_stock_refused_and_nothing_written(kit):
    sku, wh = kit.sku("N1"), kit.warehouse("W1")
    kit.receive(sku, wh, "2", "1.00", day=1)
    before = StockMove.objects.count()
    with pytest.raises(InsufficientStock):
        kit.issue(sku, wh, "2.001", day=2)
    assert StockMove.objects.count() == before
    assert (bal(sku, wh).on_hand, bal(sku, wh).value) == (D(2), D("2.00"))
    done()


def test_backdated_issue_that_makes_a_later_balance_negative_is_refused(kit):
    """d1 +5, d10 −3, d20 −2 (balance 0 from d20). A backdated −1 on d15 is fine on d15
    (5 − 3 − 1 = 1) but makes d20 −1: refused, nothing written, values unchanged."""
    sku, wh = kit.sku("N2"), kit.warehouse("W1")
    kit.receive(sku, wh, "5", "2.00", day=1)
    kit.issue(sku, wh, "3", day=10)
    later = fresh(kit.issue(sku, wh, "2", day=20))
    before = StockMove.objects.count()
    with pytest.raises(InsufficientStock):
        kit.issue(sku, wh, "1", day=15)
    assert StockMove.objects.count() == before
    assert fresh(later).value == later.value == D("-4.00")
    done()


def test_negative_stock_where_allowed_covering_receipts_and_variance(kit):
    """Warehouse allows negative.
    +2 @ 10 → 2 / 20.00, avg 10. Issue 5 at the current avg → 50.00 → −3 / −30.00.
    +1 @ 12 into a pool ≤ 0: qty after −2; value after = −2 × 12 = −24.00;
        value in = −24.00 − (−30.00) = 6.00; variance = 1 × 12 − 6.00 = 6.00; avg 12.
    Issue 1 at 12 → 12.00 → −3 / −36.00.
    +4 @ 12.50: qty after 1; value after 12.50; value in = 12.50 + 36.00 = 48.50;
        variance = 50.00 − 48.50 = 1.50.
    Issue 1 → 12.50 → 0 / 0.00."""
    sku, wh = kit.sku("N3"), kit.warehouse("W1", allow_negative=True)
    kit.receive(sku, wh, "2", "10", day=1)
    out = fresh(kit.issue(sku, wh, "5", day=2))
    assert out.value == D("-50.00")
    assert state(pool(sku)) == (D(-3), D("-30.00"))
    c1 = fresh(kit.receive(sku, wh, "1", "12", day=3))
    assert (c1.value, c1.variance) == (D("6.00"), D("6.00"))
    assert state(pool(sku)) == (D(-2), D("-24.00"))
    assert fresh(kit.issue(sku, wh, "1", day=4)).value == D("-12.00")
    c2 = fresh(kit.receive(sku, wh, "4", "12.50", day=5))
    assert (c2.value, c2.variance) == (D("48.50"), D("1.50"))
    assert state(pool(sku)) == (D(1), D("12.50"))
    assert fresh(kit.issue(sku, wh, "1", day=6)).value == D("-12.50")
    assert state(pool(sku)) == (0, 0)
    done()


# --- no cost history ----------------------------------------------------------------------------


def test_no_cost_history_reference_price_else_error(kit):
    """Never received, reference purchase price 7.35: an issue of 3 → 22.05 (negative allowed).
    Without a reference price: NoCostHistory, nothing written."""
    sku, wh = kit.sku("H1", price="7.35"), kit.warehouse("W1", allow_negative=True)
    assert fresh(kit.issue(sku, wh, "3", day=1)).value == D("-22.05")
    bare = kit.sku("H2", price=None)
    before = StockMove.objects.count()
    with pytest.raises(NoCostHistory):
        kit.issue(bare, wh, "1", day=1)
    assert StockMove.objects.count() == before
    assert not StockMove.objects.filter(sku=bare).exists()
    done()


# --- backdated postings -------------------------------------------------------------------------


def test_backdated_receipt_revalues_later_issues_of_its_pool_only(kit):
    """SKU X: d1 +10 @ 10; d10 −4; d20 −3. SKU Y (same warehouse): d1 +3 for 10.00; d10 −1;
    d20 −1. Then a backdated X receipt d5 +5 @ 16:
      X avg on d5 = (100 + 80)/15 = 12 → d10 −4 = 48.00 (was 40.00) → 11 / 132.00
      d20 −3 = 36.00 → 8 / 96.00.
    Y's moves (values and pool states) are untouched."""
    sku, other, wh = kit.sku("B1"), kit.sku("B2"), kit.warehouse("W1")
    kit.receive(sku, wh, "10", "10", day=1)
    kit.post([kit.line(other, wh, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    x1 = kit.issue(sku, wh, "4", day=10)
    y1 = kit.issue(other, wh, "1", day=10)
    x2 = kit.issue(sku, wh, "3", day=20)
    y2 = kit.issue(other, wh, "1", day=20)
    fields = ("value", "unit_cost", "pool_qty_after", "pool_value_after")
    y_before = list(StockMove.objects.filter(sku=other).order_by("id").values_list(*fields))
    assert fresh(x1).value == D("-40.00")
    kit.receive(sku, wh, "5", "16", day=5)
    assert (fresh(x1).value, fresh(x2).value) == (D("-48.00"), D("-36.00"))
    assert (fresh(x2).pool_qty_after, fresh(x2).pool_value_after) == (D(8), D("96.00"))
    y_after = list(StockMove.objects.filter(sku=other).order_by("id").values_list(*fields))
    assert y_after == y_before
    assert [fresh(y1).value, fresh(y2).value] == [D("-3.33"), D("-3.33")]
    assert state(pool(sku)) == (D(8), D("96.00"))
    done()


HISTORY = [
    # (day, qty, unit cost or None for an issue)
    (1, "3", "3.3333333333"),
    (4, "-1", None),
    (6, "7", "2.15"),
    (9, "-4", None),
    (12, "2", "4.07"),
    (15, "-6", None),
    (18, "5", "1.99"),
    (22, "-3", None),
    (25, "-3", None),
]


def _post_history(kit, sku, wh, order):
    for i in order:
        day, qty, cost = HISTORY[i]
        if cost is None:
            kit.issue(sku, wh, qty.lstrip("-"), day=day)
        else:
            kit.receive(sku, wh, qty, cost, day=day)


def _ledger_of(sku):
    return list(
        StockMove.objects.filter(sku=sku)
        .order_by("date", "qty")
        .values_list("date", "qty", "value", "pool_qty_after", "pool_value_after")
    )


@pytest.mark.parametrize("method", ["moving_average", "fifo"])
def test_backdated_postings_equal_posting_in_date_order(kit, method):
    """The same history posted in date order and in a scrambled order (receipts late, so
    they are backdated under later issues, never taking a balance below zero at any date)
    ends in exactly the same move values and pool states."""
    kit.company(costing_method=method)
    wh = kit.warehouse("W1")
    in_order, scrambled = kit.sku("O1"), kit.sku("O2")
    _post_history(kit, in_order, wh, range(len(HISTORY)))
    # Scrambled, keeping every date's running balance ≥ 0: receipts first out of date
    # order, then issues latest first.
    _post_history(kit, scrambled, wh, [6, 2, 0, 4, 8, 7, 5, 3, 1])
    assert _ledger_of(scrambled) == _ledger_of(in_order)
    assert state(pool(scrambled)) == state(pool(in_order))
    done()


# --- 红冲 ------------------------------------------------------------------------------------------


def test_reversal_with_nothing_since_restores_the_pool_exactly(kit):
    """3 for 10.00; issue 1 → 3.33. 红冲 the issue: back at 3.33 → 3 / 10.00, avg 3.3333333333.
    红冲 the receipt: 0 / 0.00."""
    sku, wh = kit.sku("RV1"), kit.warehouse("W1")
    rec = kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])[0]
    out = kit.issue(sku, wh, "1", day=2)
    (back,) = kit.reverse(out, day=3)
    assert fresh(back).value == D("3.33")
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(3), D("10.00"), D("3.3333333333"))
    (gone,) = kit.reverse(rec, day=3)
    assert fresh(gone).value == D("-10.00")
    assert state(pool(sku)) == (0, 0)
    assert (bal(sku, wh).on_hand, bal(sku, wh).value) == (0, 0)
    done()


def test_reversal_of_a_consumed_receipt_average(kit):
    """Moving average: r1 10 @ 10, r2 10 @ 20 → avg 15; issue 15 → 225.00; 5 / 75.00 left.
    红冲 r2 (10 out) would take the balance to −5: refused (InsufficientStock) and nothing
    changes. After r3 10 @ 15 (15 / 225.00, avg 15) the 红冲 of r2 goes out at the current
    average 10 × 15 = 150.00 and the difference to what r2 brought (200.00) is its
    variance: value + variance = −200.00. Pool: 5 / 75.00."""
    sku, wh = kit.sku("RV2"), kit.warehouse("W1")
    kit.receive(sku, wh, "10", "10", day=1)
    r2 = kit.receive(sku, wh, "10", "20", day=2)
    assert fresh(kit.issue(sku, wh, "15", day=3)).value == D("-225.00")
    before = StockMove.objects.count()
    with pytest.raises((InsufficientStock, ReversalBlocked)):
        kit.reverse(r2, day=4)
    assert StockMove.objects.count() == before
    assert state(pool(sku)) == (D(5), D("75.00"))
    kit.receive(sku, wh, "10", "15", day=5)
    (rev,) = kit.reverse(r2, day=6)
    rev = fresh(rev)
    assert rev.value == D("-150.00")
    assert rev.value + rev.variance == D("-200.00")
    assert state(pool(sku)) == (D(5), D("75.00"))
    done()


def test_reversal_of_a_consumed_receipt_fifo(kit):
    """FIFO: r1 5 @ 10, r2 5 @ 20; issue 7 → 50.00 + 40.00 = 90.00; left r2 3 @ 20.
    r3 5 @ 30 → 8 on hand (r2 3 @ 20, r3 5 @ 30).
    红冲 r1 (whose layer is empty): out of its own layer first (nothing), then FIFO order:
    r2 3 (60.00) + r3 2 (60.00) = 120.00. Left: r3 3 @ 30 = 90.00."""
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("RV3"), kit.warehouse("W1")
    r1 = kit.receive(sku, wh, "5", "10", day=1)
    kit.receive(sku, wh, "5", "20", day=2)
    assert fresh(kit.issue(sku, wh, "7", day=3)).value == D("-90.00")
    kit.receive(sku, wh, "5", "30", day=4)
    (rev,) = kit.reverse(r1, day=5)
    assert fresh(rev).value == D("-120.00")
    assert state(pool(sku)) == (D(3), D("90.00"))
    done()


def test_reversal_of_a_delivery_a_return_took_its_cost_from_is_blocked(kit):
    """docs/ledger.md: 红冲 refused (ReversalBlocked) while a return of another document takes
    its cost from one of the moves."""
    sku, wh = kit.sku("RV4"), kit.warehouse("W1")
    kit.receive(sku, wh, "10", "10", day=1)
    delivery = fresh(kit.issue(sku, wh, "4", day=2))
    kit.sales_return(sku, wh, "1", day=3, origin=delivery)
    with pytest.raises(ReversalBlocked):
        kit.reverse(delivery, day=4)
    done()


# --- rounding -----------------------------------------------------------------------------------


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


# --- closed period ------------------------------------------------------------------------------


def test_closed_period_nothing_posted_or_revalued(kit, owner):
    """Moves on 2025-12-10 (+10 @ 10) and 2026-01-15 (−4 → 40.00). Closing January (the first
    close) locks everything up to 2026-01-31: a receipt dated 2025-12-20 (which would
    re-value the January issue) and one dated 2026-01-31 are refused (PeriodClosed); a 红冲
    dated in January is refused; a receipt on 2026-02-01 is fine and the January issue keeps
    40.00."""
    sku, wh = kit.sku("CP1"), kit.warehouse("W1")
    rec = kit.receive(sku, wh, "10", "10", day=dt.date(2025, 12, 10))
    jan = kit.issue(sku, wh, "4", day=15)
    close_period(year=2026, month=1, user=owner)
    before = StockMove.objects.count()
    for day in (dt.date(2025, 12, 20), dt.date(2026, 1, 31)):
        with pytest.raises(PeriodClosed):
            kit.receive(sku, wh, "5", "40", day=day)
    with pytest.raises(PeriodClosed):
        kit.reverse(jan, day=20)
    assert StockMove.objects.count() == before
    kit.receive(sku, wh, "5", "40", day=32)
    assert fresh(jan).value == D("-40.00")
    assert fresh(rec).value == D("100.00")
    assert state(pool(sku)) == (D(11), D("260.00"))
    done()


# --- through the warehouse documents ---------------------------------------------------------------


def test_documents_other_receipt_issue_and_reversal(kit, owner):
    """其他入库 in the base unit: 3 @ 3.335 → 10.005 → 10.01 (half up); the pool's unit cost
    is the cost as entered, 3.335 (DOMAIN.md §5), not 10.01 ÷ 3.
    其他出库 1 → round(1 × 3.335) = 3.34; pool 2 / 6.67.
    红冲 the issue (nothing since) → pool back to 3 / 10.01."""
    from jxc.inventory.documents import services as docs

    sku, wh = kit.sku("DOC1"), kit.warehouse("W1")

    def posted(kind, qty, price=None, reason="other"):
        doc = docs.create_stock_document(
            user=owner,
            kind=kind,
            warehouse=wh,
            date=dt.date(2026, 11, 2),
            reason=reason,
            lines=[LineInput(sku=sku.pk, qty=D(qty), price=price and D(price))],
        )
        for action in (docs.submit_document, docs.approve_document, docs.post_document):
            doc = action(doc, user=owner)
        return doc

    posted("other_receipt", "3", "3.335")
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(3), D("10.01"), D("3.335"))
    out = posted("other_issue", "1", reason="sample")
    assert bal(sku, wh).value == D("6.67")
    docs.reverse_document(out, user=owner, reason="录错")
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(3), D("10.01"), D("3.335"))
    done()
