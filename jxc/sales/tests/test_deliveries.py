"""销售出库单 and 销售退货单 services: partial deliveries against an order (COGS per line,
reservation released, receivable recorded), over-delivery refused, returns at the cost the
goods left with (into a 次品 bin), over-return refused, an exchange in one step."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.finance.models import PartyBalance
from jxc.inventory.models import LotBalance, StockBalance
from jxc.inventory.testing import assert_ledger_consistent
from jxc.sales import deliveries, orders, returns
from jxc.sales.errors import OverDelivery, OverReturn

pytestmark = pytest.mark.django_db


def _approved_order(w, *lines):
    o = orders.create_sales_order(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today, lines=list(lines)
    )
    return orders.approve_sales_order(orders.submit_sales_order(o, user=w.user), user=w.user)


def _post(w, doc, post):
    return post(approve(submit(doc, user=w.user), user=w.user), user=w.user)


def _deliver(w, *lines):
    d = deliveries.create_sales_delivery(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today, lines=list(lines)
    )
    return _post(w, d, deliveries.post_sales_delivery)


def _owed(w):
    return PartyBalance.objects.get(side="receivable", customer=w.customer).balance


def test_partial_deliveries_post_cogs_release_reservation_and_receivable(world):
    w = world
    w.receive(w.cola, 30, "1.20")
    order = _approved_order(w, LineInput(sku=w.cola.pk, qty=D(20), price=D("2.26")))
    line = order.lines.get()
    d1 = _deliver(w, LineInput(sku=w.cola.pk, qty=D(8), source_line=line.pk))
    x = d1.lines.get()
    assert d1.status == "posted"
    assert x.cost_amount == D("9.60") and x.unit_cost == D("1.2")
    assert x.net_amount == D("16.00") and x.gross_profit == D("6.40")  # price − cost per line
    b = StockBalance.objects.get(sku=w.cola, warehouse=w.warehouse)
    assert (b.on_hand, b.reserved) == (22, 12)
    assert _owed(w) == D("18.08")
    line.refresh_from_db()
    assert (line.delivered_qty, line.reserved_qty) == (8, 12)
    with pytest.raises(OverDelivery) as e:
        _deliver(w, LineInput(sku=w.cola.pk, qty=D(13), source_line=line.pk))
    assert e.value.code == "over_delivery"
    _deliver(w, LineInput(sku=w.cola.pk, qty=D(12), source_line=line.pk))
    order.refresh_from_db()
    b.refresh_from_db()
    assert order.status == "done" and (b.on_hand, b.reserved) == (10, 0)
    assert_ledger_consistent()


def test_delivery_takes_batches_first_expiry_first(world):
    import datetime as dt

    w = world
    w.receive(w.tea, 5, "2", batch="B-LATE", expiry=w.today + dt.timedelta(days=300))
    w.receive(w.tea, 5, "2", batch="B-SOON", expiry=w.today + dt.timedelta(days=30))
    order = _approved_order(w, LineInput(sku=w.tea.pk, qty=D(7)))
    deliveries.deliver_orders  # noqa: B018
    d = deliveries.deliver_orders([order], user=w.user)
    _post(w, d, deliveries.post_sales_delivery)
    left = {
        lot.batch.number: lot.qty
        for lot in LotBalance.objects.filter(sku=w.tea).select_related("batch")
    }
    assert left == {"B-SOON": 0, "B-LATE": 3}


def test_return_comes_back_at_delivery_cost_into_the_defect_bin(world):
    w = world
    w.receive(w.cola, 10, "1.00")
    order = _approved_order(w, LineInput(sku=w.cola.pk, qty=D(10), price=D("3")))
    d = _deliver(w, LineInput(sku=w.cola.pk, qty=D(10), source_line=order.lines.get().pk))
    w.receive(
        w.cola, 10, "2.00", date=w.today
    )  # the average moves to 2: the return still comes back at 1
    dl = d.lines.get()
    r = returns.create_sales_return(
        user=w.user,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(4), source_line=dl.pk, bin=w.bad_bin.pk)],
    )
    r = _post(w, r, returns.post_sales_return)
    rl = r.lines.get()
    assert rl.cost_amount == D("4.00") and r.total_amount == D("12.00")
    assert _owed(w) == D("18.00")
    assert LotBalance.objects.get(sku=w.cola, bin=w.bad_bin).qty == 4
    dl.refresh_from_db()
    assert dl.returned_qty == 4
    with pytest.raises(OverReturn) as e:
        returns.create_sales_return(
            user=w.user,
            customer=w.customer,
            warehouse=w.warehouse,
            date=w.today,
            lines=[LineInput(sku=w.cola.pk, qty=D(7), source_line=dl.pk)],
        )
    assert e.value.code == "over_return"
    assert_ledger_consistent()


def test_unlinked_return_needs_a_reason(world):
    from jxc.core.errors import ValidationFailed

    w = world
    w.receive(w.cola, 10, "1.00")
    with pytest.raises(ValidationFailed) as e:
        returns.create_sales_return(
            user=w.user,
            customer=w.customer,
            warehouse=w.warehouse,
            date=w.today,
            lines=[LineInput(sku=w.cola.pk, qty=D(1))],
        )
    assert "reason" in e.value.errors
    r = returns.create_sales_return(
        user=w.user,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        reason="无单退货",
        lines=[LineInput(sku=w.cola.pk, qty=D(1))],
    )
    r = _post(w, r, returns.post_sales_return)
    assert r.lines.get().cost_amount == D("1.00")  # the current cost


def test_exchange_is_a_return_and_a_delivery_in_one_step(world):
    w = world
    w.receive(w.cola, 10, "1.00")
    w.receive(w.tea, 10, "2.00")
    d = _deliver(w, LineInput(sku=w.cola.pk, qty=D(2), price=D("3")))  # a counter sale
    ret, new = returns.exchange_sales_return(
        user=w.user,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        reason="换货",
        return_lines=[LineInput(sku=w.cola.pk, qty=D(2), source_line=d.lines.get().pk)],
        new_lines=[LineInput(sku=w.tea.pk, qty=D(1), price=D("6"))],
    )
    assert ret.status == "posted" and new.status == "posted" and ret.exchange == new
    assert _owed(w) == D("6.00")
    assert StockBalance.objects.get(sku=w.cola, warehouse=w.warehouse).on_hand == 10
    assert_ledger_consistent()


def test_a_delivery_without_an_order_may_not_pass_the_credit_limit_unless_a_manager_posts_it(
    world, user_factory
):
    """Limit 10,000, an approved order of 6,000 not yet delivered: a keeper's delivery typed
    without an order for 4,800 (1,200 × 4.00) would take the customer to 10,800 — refused,
    nothing posted; the same delivery against the order posts; the owner (credit.approve)
    posts the unordered one."""
    from jxc.sales.errors import CreditLimitExceeded

    w = world
    w.receive(w.tea, 5000, "1")
    order = _approved_order(w, LineInput(sku=w.tea.pk, qty=D(1500)))
    keeper = user_factory(roles=["keeper"])
    typed = deliveries.create_sales_delivery(
        user=keeper,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        lines=[LineInput(sku=w.tea.pk, qty=D(1200), price=D(4))],
    )
    typed = approve(submit(typed, user=keeper), user=keeper)
    with pytest.raises(CreditLimitExceeded) as exc:
        deliveries.post_sales_delivery(typed, user=keeper)
    assert exc.value.params["exposure"] == D("10800.00")
    typed.refresh_from_db()
    assert typed.status == "approved" and not PartyBalance.objects.filter(customer=w.customer)
    against = deliveries.create_sales_delivery(
        user=keeper,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        lines=[LineInput(sku=w.tea.pk, qty=D(1500), source_line=order.lines.get().pk)],
    )
    against = approve(submit(against, user=keeper), user=keeper)
    assert deliveries.post_sales_delivery(against, user=keeper).status == "posted"
    assert deliveries.post_sales_delivery(typed, user=w.user).status == "posted"
    assert _owed(w) == D("10800.00")
