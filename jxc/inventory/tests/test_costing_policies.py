"""The costing policies of DOMAIN.md §5 by hand-worked figures: customer and purchase returns,
negative stock, no cost history, backdated postings, reversals. Every figure is worked out
by hand (never by the engine's own helpers), postings go through the public writer
(LedgerKit) or the documents' services, every test ends with the ledger self-check.
kit.day(n) is 2026-01-n.
"""

from decimal import Decimal as D

import pytest

from jxc.core.errors import (
    InsufficientStock,
    NoCostHistory,
    ReversalBlocked,
)
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.models import CostPool, StockBalance, StockMove
from jxc.inventory.selectors import layers_consumed
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
