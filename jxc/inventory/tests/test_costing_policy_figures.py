"""DOMAIN.md §5 to the 分: the smallest history of each place where the ledger differed from
the policy (issue 11 §4), with the issue's own figures. Posted through the real writer;
every test ends with the ledger self-check.

Dates: ``kit.day(n)`` is 2026-01-n.
"""

from decimal import Decimal as D

import pytest

from jxc.core.errors import NoCostHistory, ReturnExceedsOrigin
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.models import CostPool, StockBalance
from jxc.inventory.services import settle_periodic_average
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _check_after(db):
    yield
    assert_ledger_consistent()


def fresh(mv):
    mv.refresh_from_db()
    return mv


def pool(sku, wh=None):
    qs = CostPool.objects.filter(sku=sku)
    if wh is not None:
        qs = qs.filter(warehouse=wh)
    return qs.get()


def test_company_pool_warehouse_values_are_qty_times_the_pool_unit(kit):
    """Item 1 (即时库存): WH1 1 @ 10 on day 1, WH2 1 @ 30 on day 2 → pool 2 / 40, unit 20;
    each warehouse is worth 1 × 20 = 20 (not 10 / 30)."""
    sku, w1, w2 = kit.sku("A"), kit.warehouse("W1"), kit.warehouse("W2")
    kit.receive(sku, w1, "1", "10", day=1)
    kit.receive(sku, w2, "1", "30", day=2)
    values = {b.warehouse_id: b.value for b in StockBalance.objects.filter(sku=sku)}
    assert values == {w1.pk: D("20.00"), w2.pk: D("20.00")}


def test_gain_with_a_stated_cost_keeps_the_cost_as_entered(kit):
    """Item 2: 报溢 (其他入库, reason surplus) of 0.004 @ 17.82 into an empty pool: the move is
    worth round(0.004 × 17.82) = 0.07 and the pool's unit cost is 17.82, not 0.07 ÷ 0.004."""
    from jxc.core.documents.lines import LineInput
    from jxc.inventory.documents import services as docs
    from jxc.inventory.documents.tests.conftest import post

    sku = kit.sku("A")
    kg = sku.product.base_unit
    kg.allow_fraction = True
    kg.save()
    wh = kit.warehouse("W1")
    doc = docs.create_stock_document(
        user=kit.user,
        kind="other_receipt",
        warehouse=wh,
        date=kit.day(1),
        reason="surplus",
        lines=[LineInput(sku=sku.pk, qty=D("0.004"), price=D("17.82"))],
    )
    post(doc, kit.user)
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D("0.004"), D("0.07"), D("17.82"))
    # the writer itself: a gain with a stated cost
    sku2 = kit.sku("B")
    mv = fresh(kit.receive(sku2, wh, "0.004", "17.82", reason=R.COUNT_GAIN))
    assert (mv.value, mv.unit_cost) == (D("0.07"), D("17.82"))
    assert pool(sku2).unit_cost == D("17.82")


def test_customer_return_carries_the_delivery_booked_unit(kit):
    """Item 3: receive 3 @ 3.3333 (9.9999 → 10.00), deliver 3 (empties: 10.00); the customer
    returns 2 → round(2 × 10.00 / 3) = 6.67 at the delivery's booked unit 3.3333333333 (not
    6.67 ÷ 2 = 3.335); the next issue of 1 → round(3.3333333333) = 3.33 (not 3.34)."""
    sku, wh = kit.sku("A"), kit.warehouse("W1")
    kit.receive(sku, wh, "3", "3.3333", day=1)
    delivery = fresh(kit.issue(sku, wh, "3", day=2))
    assert delivery.value == D("-10.00")
    back = fresh(kit.sales_return(sku, wh, "2", day=3, origin=delivery))
    assert (back.value, back.unit_cost) == (D("6.67"), D("3.3333333333"))
    assert pool(sku).unit_cost == D("3.3333333333")
    assert fresh(kit.issue(sku, wh, "1", day=4)).value == D("-3.33")


def test_purchase_returns_against_one_receipt_never_exceed_it(kit):
    """Item 4: a receipt of 10; a purchase return of 6 against it is taken, a second one of
    6 is refused (6 + 6 > 10) with ``return_exceeds_origin``; 4 more still fit."""
    sku, wh = kit.sku("A"), kit.warehouse("W1")
    r1 = kit.receive(sku, wh, "10", "5", day=1)
    kit.receive(sku, wh, "10", "5", day=1)
    kit.purchase_return(sku, wh, "6", day=2, origin=r1)
    with pytest.raises(ReturnExceedsOrigin) as exc:
        kit.purchase_return(sku, wh, "6", day=3, origin=r1)
    assert exc.value.code == "return_exceeds_origin"
    kit.purchase_return(sku, wh, "4", day=3, origin=r1)
    with pytest.raises(ReturnExceedsOrigin):
        kit.purchase_return(sku, wh, "1", day=4, origin=r1)


def test_periodic_transfer_value_is_booked_to_the_fen_and_builds_the_target_unit(kit):
    """Item 5: periodic, per-warehouse. WH1 receives 3 @ 10 and 3 @ 10.01 (60.03, unit
    10.005), transfers 1 to WH2. Close: the transfer is booked round(1 × 10.005) = 10.01,
    and WH2's month unit is 10.01 ÷ 1 = 10.01 (not the unrounded 10.005)."""
    kit.company(costing_method="periodic_average", cost_scope="warehouse")
    sku, w1, w2 = kit.sku("A"), kit.warehouse("W1"), kit.warehouse("W2")
    kit.receive(sku, w1, "3", "10", day=1)
    kit.receive(sku, w1, "3", "10.01", day=2)
    out, inn = kit.transfer(sku, w1, w2, "1", day=3)
    settle_periodic_average(year=2026, month=1)
    assert fresh(out).value == D("-10.01") and fresh(inn).value == D("10.01")
    target = pool(sku, w2)
    assert (target.qty, target.value, target.unit_cost) == (D(1), D("10.01"), D("10.01"))
    source = pool(sku, w1)
    assert (source.qty, source.value) == (D(5), D("50.02"))


def test_fifo_layer_share_is_rounded_from_what_was_taken(kit):
    """Item 6: FIFO, receive 2 @ 6.175 = 12.35; issue 1 → round(12.35 × 1 / 2) − 0 = 6.18
    (half up), not 12.35 − round(12.35 × 1 / 2) = 6.17; the second issue takes the rest 6.17."""
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("A"), kit.warehouse("W1")
    kit.receive(sku, wh, "2", "6.175", day=1)
    assert fresh(kit.issue(sku, wh, "1", day=2)).value == D("-6.18")
    assert (pool(sku).qty, pool(sku).value) == (D(1), D("6.17"))
    assert fresh(kit.issue(sku, wh, "1", day=3)).value == D("-6.17")


def test_periodic_customer_return_in_the_month_comes_back_at_the_settled_delivery_unit(kit):
    """Item 7: periodic, receive 2 @ 10 and 2 @ 10.005 (20.01): unit (20 + 20.01) / 4 =
    10.0025. The delivery of 2 settles at round(2 × 10.0025) = 20.01 (unit 10.005); the
    customer's return of 1 in the same month comes back at that booked unit: 10.01 (not the
    month unit's 10.00)."""
    kit.company(costing_method="periodic_average")
    sku, wh = kit.sku("A"), kit.warehouse("W1")
    kit.receive(sku, wh, "2", "10", day=1)
    kit.receive(sku, wh, "2", "10.005", day=2)
    delivery = kit.issue(sku, wh, "2", day=3)
    back = kit.sales_return(sku, wh, "1", day=4, origin=delivery)
    settle_periodic_average(year=2026, month=1)
    assert fresh(delivery).value == D("-20.01")
    assert fresh(back).value == D("10.01")
    p = pool(sku)
    assert (p.qty, p.value) == (D(3), D("30.01"))


def test_moving_average_issue_crossing_zero_takes_the_whole_value_then_the_rest(kit):
    """Item 8: negative stock allowed; receive 3 @ 1.004 = 3.01; issue 4 → the part that
    empties the pool takes 3.01, the rest round(1 × 1.004) = 1.00: 4.01 (not 4 × 1.004 = 4.02)."""
    sku, wh = kit.sku("A"), kit.warehouse("W1", allow_negative=True)
    kit.receive(sku, wh, "3", "1.004", day=1)
    assert fresh(kit.issue(sku, wh, "4", day=2)).value == D("-4.01")
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(-1), D("-1.00"), D("1.004"))


def test_reference_price_zero_is_a_price_only_none_refuses(kit):
    """Item 9: never received, reference purchase price 0 → the issue is valued at 0.00;
    a SKU with no reference price at all refuses with NoCostHistory."""
    wh = kit.warehouse("W1", allow_negative=True)
    free = kit.sku("FREE", price="0")
    mv = fresh(kit.issue(free, wh, "2", day=1))
    assert mv.value == D("0.00")
    bare = kit.sku("BARE", price=None)
    with pytest.raises(NoCostHistory):
        kit.issue(bare, wh, "1", day=1)


def test_fifo_layers_keep_their_receipt_through_transfers(kit):
    """Item 10: FIFO per warehouse. WH1 receives 4 @ 10 (R1), WH2 4 @ 20; R1's 4 go to WH2
    (WH2 now holds R1's layer after its own). A purchase return of 4 against R1 from WH2
    takes R1's layer: 40 (not WH2's oldest, 80)."""
    kit.company(costing_method="fifo", cost_scope="warehouse")
    sku, w1, w2 = kit.sku("A"), kit.warehouse("W1"), kit.warehouse("W2")
    r1 = kit.receive(sku, w1, "4", "10", day=1)
    kit.receive(sku, w2, "4", "20", day=1)
    kit.transfer(sku, w1, w2, "4", day=2)
    back = fresh(kit.purchase_return(sku, w2, "4", day=3, origin=r1))
    assert back.value == D("-40.00")
    p = pool(sku, w2)
    assert (p.qty, p.value) == (D(4), D("80.00"))


def test_periodic_return_into_another_warehouse_comes_back_at_the_settled_delivery_unit(kit):
    """Item 7, per-warehouse pools (the rule written in docs/ledger.md): W1 receives 2 @ 10
    and 2 @ 10.005, delivers 2; the customer returns 1 of that delivery into W2 in the same
    month. Close: the delivery settles at 20.01 (unit 10.005) and the return comes into W2's
    pool at that booked unit, round(1 × 10.005) = 10.01 — W1's pool settled first."""
    kit.company(costing_method="periodic_average", cost_scope="warehouse")
    sku, w1, w2 = kit.sku("A"), kit.warehouse("W1"), kit.warehouse("W2")
    kit.receive(sku, w1, "2", "10", day=1)
    kit.receive(sku, w1, "2", "10.005", day=2)
    delivery = kit.issue(sku, w1, "2", day=3)
    back = kit.sales_return(sku, w2, "1", day=4, origin=delivery)
    settle_periodic_average(year=2026, month=1)
    assert fresh(delivery).value == D("-20.01")
    assert (fresh(back).value, fresh(back).unit_cost) == (D("10.01"), D("10.005"))
    assert (pool(sku, w2).qty, pool(sku, w2).value) == (D(1), D("10.01"))
