"""One scenario per row of the costing policy table (DOMAIN.md §5), through record_moves.
Every scenario ends with the ledger self-check."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.errors import InsufficientStock, NoCostHistory, PeriodClosed
from jxc.core.models import ClosedPeriod
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.models import CostPool, LotBalance, StockBalance, StockMove
from jxc.inventory.selectors import layers_consumed
from jxc.inventory.services import settle_periodic_average
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _check_after(db):
    yield
    assert_ledger_consistent()


def bal(sku, wh):
    return StockBalance.objects.get(sku=sku, warehouse=wh)


def fresh(mv):
    mv.refresh_from_db()
    return mv


# --- cost pool -------------------------------------------------------------------------------


def test_company_pool_is_the_default(kit):
    """(SKU, company) pool: receipts in two warehouses average together."""
    sku, a, b = kit.sku("A"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "10", "10")
    kit.receive(sku, b, "10", "20")
    assert CostPool.objects.filter(sku=sku).count() == 1
    assert fresh(kit.issue(sku, a, "1", day=2)).value == D("-15.00")


def test_per_warehouse_pools_and_transfer_at_source_cost(kit):
    """Per-warehouse costing: a transfer carries value out of A into B at A's cost."""
    kit.company(cost_scope="warehouse")
    sku, a, b = kit.sku("A"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "10", "10")
    kit.receive(sku, b, "10", "20")
    assert CostPool.objects.filter(sku=sku).count() == 2
    out, inn = kit.transfer(sku, a, b, "5", day=2)
    assert out.value == D("-50.00") and inn.value == D("50.00")
    assert bal(sku, b).value == D("250.00") and bal(sku, a).value == D("50.00")
    assert fresh(kit.issue(sku, b, "1", day=3)).value == D("-16.67")


def test_per_warehouse_fifo_transfer_keeps_the_exact_layers(kit):
    kit.company(cost_scope="warehouse", costing_method="fifo")
    sku, a, b = kit.sku("A"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "2", "1")
    kit.receive(sku, a, "2", "5")
    kit.transfer(sku, a, b, "3", day=2)  # 2 @ 1 + 1 @ 5
    first = fresh(kit.issue(sku, b, "2", day=3))
    assert first.value == D("-2.00")  # B's oldest layer is A's first receipt
    assert fresh(kit.issue(sku, b, "1", day=3)).value == D("-5.00")


# --- moving average / FIFO / specific ---------------------------------------------------------


def test_moving_average_incoming_value_changes_the_average_only(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "3", value=None, cost="3.3333333333")
    mv = fresh(kit.issue(sku, wh, "1", day=2))
    assert mv.value == D("-3.33") and mv.unit_cost == D("3.3333333333")
    assert CostPool.objects.get(sku=sku).unit_cost == D("3.3333333333")


def test_fifo_issue_shows_the_layers_it_consumed(kit):
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("A"), kit.warehouse("A")
    r1 = kit.receive(sku, wh, "5", "2")
    r2 = kit.receive(sku, wh, "5", "3", day=2)
    mv = fresh(kit.issue(sku, wh, "7", day=3))
    assert mv.value == D("-16.00")
    assert [(u.layer.move_id, u.qty, u.value) for u in layers_consumed(mv)] == [
        (r1.pk, D(5), D("10.00")),
        (r2.pk, D(2), D("6.00")),
    ]


def test_specific_identification_by_batch(kit):
    """个别计价: each batch its own pool; an issue names its batch and takes that batch's cost."""
    kit.company(costing_method="specific")
    sku, wh = kit.sku("A", tracking="batch"), kit.warehouse("A")
    b1, b2 = kit.batch(sku, "L1"), kit.batch(sku, "L2")
    kit.receive(sku, wh, "10", "5", batch=b1)
    kit.receive(sku, wh, "10", "9", batch=b2)
    assert CostPool.objects.filter(sku=sku).count() == 2
    assert fresh(kit.issue(sku, wh, "3", day=2, batch=b2)).value == D("-27.00")
    assert fresh(kit.issue(sku, wh, "3", day=2, batch=b1)).value == D("-15.00")
    assert bal(sku, wh).value == D("98.00")  # 7 × 5 + 7 × 9


# --- rounding ---------------------------------------------------------------------------------


def test_the_move_that_empties_the_pool_takes_the_rest(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, value="10.00")])
    values = [fresh(kit.issue(sku, wh, "1", day=2)).value for _ in range(3)]
    assert values == [D("-3.33"), D("-3.33"), D("-3.34")]
    pool = CostPool.objects.get(sku=sku)
    assert (pool.qty, pool.value) == (0, 0)


# --- company pool and warehouses -------------------------------------------------------------


def test_company_pool_warehouse_value_and_transfer(kit):
    """Under the company pool a warehouse is worth qty × pool cost; a transfer carries
    qty × pool cost out and in and the pool's value does not change."""
    sku, a, b = kit.sku("A"), kit.warehouse("A"), kit.warehouse("B")
    kit.post([kit.line(sku, a, "3", R.PURCHASE_RECEIPT, value="10.00")])
    pool_before = CostPool.objects.get(sku=sku)
    out, inn = kit.transfer(sku, a, b, "1", day=2)
    assert out.value == D("-3.33") and inn.value == D("3.33")
    pool = CostPool.objects.get(sku=sku)
    assert (pool.qty, pool.value, pool.unit_cost) == (
        pool_before.qty,
        pool_before.value,
        pool_before.unit_cost,
    )
    assert bal(sku, a).value == D("6.67") and bal(sku, b).value == D("3.33")
    kit.transfer(sku, b, a, "1", day=3)
    assert bal(sku, b).value == 0 and bal(sku, b).on_hand == 0


# --- periodic ---------------------------------------------------------------------------------


def test_periodic_month_that_ends_empty_gives_the_residue_to_the_last_issue(kit):
    kit.company(costing_method="periodic_average")
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, value="10.00")])
    i1 = kit.issue(sku, wh, "1", day=2)
    i2 = kit.issue(sku, wh, "2", day=3)
    later = kit.receive(sku, wh, "1", "7", day=40)  # February
    i3 = kit.issue(sku, wh, "1", day=41)
    settle_periodic_average(year=2026, month=1)
    assert [fresh(i1).value, fresh(i2).value] == [D("-3.33"), D("-6.67")]
    assert fresh(later).pool_value_after == D("7.00")
    assert fresh(i3).value == D("-7.00")


def test_periodic_per_warehouse_transfer_carries_the_settled_cost(kit):
    kit.company(costing_method="periodic_average", cost_scope="warehouse")
    sku, a, b = kit.sku("A"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "10", "10", day=1)
    kit.receive(sku, b, "10", "30", day=1)
    out, inn = kit.transfer(sku, a, b, "5", day=2)
    kit.receive(sku, a, "10", "13", day=3)  # A's month unit: (100 + 130) / 20 = 11.5
    issue_b = kit.issue(sku, b, "15", day=4)
    settle_periodic_average(year=2026, month=1)
    assert fresh(out).value == D("-57.50") and fresh(inn).value == D("57.50")
    # B: (300 + 57.50) / 15 = 23.8333…; it issues all 15
    assert fresh(issue_b).value == D("-357.50")


# --- batches and bins ---------------------------------------------------------------------------


def test_a_batch_never_goes_below_zero_even_where_negative_stock_is_allowed(kit):
    sku, wh = kit.sku("A", tracking="batch"), kit.warehouse("A", allow_negative=True)
    b1, b2 = kit.batch(sku, "L1"), kit.batch(sku, "L2")
    kit.receive(sku, wh, "5", "1", batch=b1)
    with pytest.raises(InsufficientStock):
        kit.issue(sku, wh, "1", day=2, batch=b2)
    with pytest.raises(InsufficientStock):
        kit.issue(sku, wh, "6", day=2, batch=b1)
    kit.issue(sku, wh, "5", day=2, batch=b1)
    assert LotBalance.objects.get(batch=b1).qty == 0


def test_a_bin_never_goes_below_zero(kit):
    from jxc.inventory.services import create_bin

    sku, wh = kit.sku("A"), kit.warehouse("A", allow_negative=True)
    shelf = create_bin(user=kit.user, warehouse=wh, code="A-01")
    kit.receive(sku, wh, "2", "1", bin=shelf)
    with pytest.raises(InsufficientStock):
        kit.issue(sku, wh, "3", day=2, bin=shelf)
    kit.issue(sku, wh, "3", day=2)  # no bin named: the warehouse may go negative
    assert bal(sku, wh).on_hand == -1


# --- returns ---------------------------------------------------------------------------------


def test_customer_return_comes_back_at_the_cost_it_left_with(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "10", "10")
    delivery = kit.issue(sku, wh, "4", day=2)  # at 10
    kit.receive(sku, wh, "10", "20", day=3)  # average now (60 + 200) / 16
    back = kit.sales_return(sku, wh, "3", day=4, origin=delivery)
    assert back.value == D("30.00")
    unlinked = kit.sales_return(sku, wh, "1", day=4)
    assert unlinked.unit_cost == CostPool.objects.get(sku=sku).unit_cost or unlinked.value


def test_customer_return_cannot_bring_back_more_than_went_out(kit):
    from jxc.core.errors import InvalidStockLine

    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "10", "10")
    delivery = kit.issue(sku, wh, "4", day=2)
    kit.sales_return(sku, wh, "3", day=3, origin=delivery)
    with pytest.raises(InvalidStockLine):
        kit.sales_return(sku, wh, "2", day=3, origin=delivery)


def test_partial_returns_add_up_to_the_delivery(kit):
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "1", "1")
    kit.receive(sku, wh, "2", "1.005")
    delivery = fresh(kit.issue(sku, wh, "3", day=2))
    parts = [kit.sales_return(sku, wh, "1", day=3, origin=delivery).value for _ in range(3)]
    assert sum(parts) == -delivery.value


def test_return_to_supplier_average_at_current_average(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A")
    r1 = kit.receive(sku, wh, "10", "10")
    kit.receive(sku, wh, "10", "20", day=2)
    back = fresh(kit.purchase_return(sku, wh, "5", day=3, origin=r1))
    assert back.value == D("-75.00")


def test_return_to_supplier_fifo_takes_the_linked_receipt_layer(kit):
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "10", "10")
    r2 = kit.receive(sku, wh, "10", "20", day=2)
    back = fresh(kit.purchase_return(sku, wh, "5", day=3, origin=r2))
    assert back.value == D("-100.00")
    assert fresh(kit.issue(sku, wh, "10", day=4)).value == D("-100.00")  # layer 1 intact


def test_return_to_supplier_specific_from_the_named_batch(kit):
    kit.company(costing_method="specific")
    sku, wh = kit.sku("A", tracking="batch"), kit.warehouse("A")
    b1, b2 = kit.batch(sku, "L1"), kit.batch(sku, "L2")
    kit.receive(sku, wh, "10", "5", batch=b1)
    kit.receive(sku, wh, "10", "9", batch=b2)
    assert fresh(kit.purchase_return(sku, wh, "2", day=2, batch=b2)).value == D("-18.00")


# --- negative stock -----------------------------------------------------------------------------


def test_negative_stock_is_refused_by_default(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "2", "1")
    with pytest.raises(InsufficientStock) as exc:
        kit.issue(sku, wh, "3", day=2)
    assert exc.value.code == "insufficient_stock"
    assert bal(sku, wh).on_hand == 2 and StockMove.objects.count() == 1


def test_backdated_issue_that_breaks_a_later_balance_is_refused(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "5", "1", day=1)
    kit.issue(sku, wh, "5", day=10)
    kit.receive(sku, wh, "5", "1", day=20)
    with pytest.raises(InsufficientStock) as exc:
        kit.issue(sku, wh, "1", day=5)  # on day 10 the balance would be -1
    assert "2026-01-10" in str(exc.value)
    kit.issue(sku, wh, "1", day=21)


def test_negative_stock_where_allowed_and_the_covering_receipt(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A", allow_negative=True)
    kit.receive(sku, wh, "2", "10")
    out = fresh(kit.issue(sku, wh, "5", day=2))  # 2 @ 10 + 3 more at the last cost
    assert out.value == D("-50.00") and bal(sku, wh).on_hand == -3
    cover = fresh(kit.receive(sku, wh, "5", "12", day=3))
    # the pool after holds 2 × 12 = 24; value in = 24 − (−30) = 54; variance 60 − 54 = 6
    assert (cover.value, cover.variance) == (D("54.00"), D("6.00"))
    assert CostPool.objects.get(sku=sku).value == D("24.00")


# --- backdated postings ------------------------------------------------------------------------


def test_backdated_receipt_revalues_later_issues_of_its_pool_only(kit):
    sku, other, wh = kit.sku("A"), kit.sku("B"), kit.warehouse("A")
    kit.receive(sku, wh, "10", "10", day=1)
    kit.receive(other, wh, "10", "10", day=1)
    i1 = kit.issue(sku, wh, "5", day=10)
    o1 = kit.issue(other, wh, "5", day=10)
    before = StockMove.objects.get(pk=o1.pk).value
    kit.receive(sku, wh, "10", "20", day=5)
    assert fresh(i1).value == D("-75.00")
    assert fresh(o1).value == before


def test_backdating_feeds_the_pools_a_transfer_fed(kit):
    kit.company(cost_scope="warehouse")
    sku, a, b = kit.sku("A"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "10", "10", day=1)
    out, inn = kit.transfer(sku, a, b, "5", day=10)
    ib = kit.issue(sku, b, "5", day=20)
    kit.receive(sku, a, "10", "20", day=5)  # A's average on day 10 is 15
    assert fresh(out).value == D("-75.00") and fresh(inn).value == D("75.00")
    assert fresh(ib).value == D("-75.00")


def test_nothing_in_a_closed_period_changes(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "10", "10", day=1)
    ClosedPeriod.objects.create(year=2026, month=1)
    with pytest.raises(PeriodClosed):
        kit.receive(sku, wh, "1", "1", day=31)
    kit.receive(sku, wh, "1", "1", day=32)


def test_landed_cost_as_backdated_revaluation(kit):
    """费用分摊 raises the received goods' cost: the issues made since are re-valued."""
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "10", "10", day=1)
    i1 = kit.issue(sku, wh, "4", day=5)
    kit.adjust(sku, wh, day=1, value="20.00")
    assert fresh(i1).value == D("-48.00")


# --- no cost history ---------------------------------------------------------------------------


def test_no_cost_history_uses_the_reference_purchase_price(kit):
    sku, wh = kit.sku("A", price="6.5"), kit.warehouse("A", allow_negative=True)
    assert fresh(kit.issue(sku, wh, "2")).value == D("-13.00")
    gain = kit.post([kit.line(sku, wh, "1", R.COUNT_GAIN, day=2)])[0]
    assert gain.value == D("6.50")


def test_no_cost_history_and_no_reference_price_is_refused(kit):
    sku, wh = kit.sku("A", price=None), kit.warehouse("A")
    with pytest.raises(NoCostHistory) as exc:
        kit.post([kit.line(sku, wh, "1", R.COUNT_GAIN)])
    assert exc.value.code == "no_cost_history" and "A" in str(exc.value)
    assert not StockMove.objects.exists()


def test_dates(kit):
    assert kit.day(32) == dt.date(2026, 2, 1)
