"""销售订单 services: price resolution, the credit check, approval reserving through the ledger
(all or nothing, shortfalls listed), 反审核 and 强制结单 releasing."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.actions import submit
from jxc.core.documents.lines import LineInput
from jxc.core.errors import DomainError, PermissionDenied
from jxc.inventory.models import StockBalance
from jxc.sales import orders, selectors
from jxc.sales.errors import BelowMinPrice, CreditLimitExceeded, OrderPartlyDelivered, StockShort
from jxc.sales.models import CustomerPrice, SalesSettings

pytestmark = pytest.mark.django_db


def _order(w, *lines, **kw):
    return orders.create_sales_order(
        user=w.user,
        customer=kw.pop("customer", w.customer),
        warehouse=w.warehouse,
        date=w.today,
        lines=list(lines),
        **kw,
    )


def _approve(w, order, user=None):
    order = orders.submit_sales_order(order, user=w.user)
    return orders.approve_sales_order(order, user=user or w.user)


def _reserved(w, sku):
    return StockBalance.objects.get(sku=sku, warehouse=w.warehouse).reserved


def test_price_resolution_customer_price_then_level_then_last_price(world):
    w = world
    unit = w.cola.units.get(is_base=True).unit_id
    # level: the customer is 批发 → wholesale price
    assert selectors.sale_price(w.customer, w.cola.pk, unit).source == "level"
    assert selectors.sale_price(w.customer, w.cola.pk, unit).price == D("2.5")
    CustomerPrice.objects.create(customer=w.customer, sku=w.cola, unit_id=unit, price=D("2.2"))
    found = selectors.sale_price(w.customer, w.cola.pk, unit)
    assert (found.source, found.price) == ("customer", D("2.2"))
    # a SKU without level price (member 0) falls back to the last price sold
    w.customer.price_level = "member"
    w.customer.save()
    CustomerPrice.objects.all().delete()
    w.receive(w.cola, 10, "1.5")
    order = _order(w, LineInput(sku=w.cola.pk, qty=D(1), price=D("2.8")))
    _approve(w, order)
    found = selectors.sale_price(w.customer, w.cola.pk, unit)
    assert (found.source, found.price, found.last_price) == ("last", D("2.8"), D("2.8"))


def test_order_takes_resolved_prices_and_amounts(world):
    w = world
    order = _order(
        w, LineInput(sku=w.cola.pk, qty=D(10)), LineInput(sku=w.tea.pk, qty=D(1), unit=w.box.pk)
    )
    a, b = order.lines.order_by("line_no")
    assert a.price == D("2.5") and b.price == D("48")  # 批发 4.00 × 12 per 箱
    assert order.total_amount == D("73.00")
    assert order.net_amount == D("64.60") and order.tax_amount == D("8.40")


def test_an_order_without_vat_takes_the_resolved_price_exactly(world):
    """批发 2.50 含税 on a 不含税 order is 2.2123… — no "at most 2 decimal places" on a price
    nobody typed, and the line comes to the price list's 含税 amount."""
    w = world
    order = _order(w, LineInput(sku=w.cola.pk, qty=D(10)), prices_include_tax=False)
    line = order.lines.get()
    assert line.price == D("2.2123893805") and order.total_amount == D("25.00")


def test_price_below_lowest_refused_or_left_to_a_manager(world, user_factory):
    w = world
    with pytest.raises(BelowMinPrice) as e:
        _order(w, LineInput(sku=w.cola.pk, qty=D(1), price=D("1.50")))
    assert e.value.code == "below_min_price" and "lines.0.price" in e.value.errors
    SalesSettings.objects.update_or_create(
        pk=selectors.settings().pk, defaults={"below_min_price": "approve"}
    )
    w.receive(w.cola, 10, "1")
    order = _order(w, LineInput(sku=w.cola.pk, qty=D(1), price=D("1.50")))
    clerk = user_factory(roles=["sales"])
    order = orders.submit_sales_order(order, user=w.user)
    with pytest.raises(PermissionDenied):
        orders.approve_sales_order(order, user=clerk)
    assert orders.approve_sales_order(order, user=w.user).status == "approved"  # the owner


def test_approval_reserves_and_unapprove_releases(world):
    w = world
    w.receive(w.cola, 20, "1.2")
    order = _approve(w, _order(w, LineInput(sku=w.cola.pk, qty=D(1), unit=w.box.pk)))
    assert order.status == "approved" and _reserved(w, w.cola) == 12
    assert order.lines.get().reserved_qty == 12
    order = orders.unapprove_sales_order(order, user=w.user)
    assert order.status == "submitted" and _reserved(w, w.cola) == 0


def test_shortfall_lists_every_short_sku_and_reserves_nothing(world):
    w = world
    w.receive(w.cola, 5, "1")
    w.receive(w.tea, 50, "1")
    order = orders.submit_sales_order(
        _order(w, LineInput(sku=w.tea.pk, qty=D(3)), LineInput(sku=w.cola.pk, qty=D(8))),
        user=w.user,
    )
    with pytest.raises(StockShort) as e:
        orders.approve_sales_order(order, user=w.user)
    assert e.value.code == "insufficient_available"
    assert "商品COLA" in str(e.value) and "3" in str(e.value)
    assert _reserved(w, w.tea) == 0 and _reserved(w, w.cola) == 0
    order.refresh_from_db()
    assert order.status == "submitted"


def test_backorder_customer_reserves_beyond_stock(world):
    w = world
    w.receive(w.cola, 2, "1")
    w.customer.allow_backorder = True
    w.customer.save()
    order = _approve(w, _order(w, LineInput(sku=w.cola.pk, qty=D(5))))
    assert order.status == "approved" and _reserved(w, w.cola) == 5


def test_credit_limit_needs_a_manager(world, user_factory):
    w = world
    w.receive(w.tea, 5000, "1")
    order = _order(w, LineInput(sku=w.tea.pk, qty=D(3000)))  # 12,000 > 10,000
    assert orders.credit_check(order)[0]
    assert orders.order_facts(order)["credit_exceeded"] is True
    clerk = user_factory(roles=["sales"])
    order = orders.submit_sales_order(order, user=clerk)
    with pytest.raises(CreditLimitExceeded) as e:
        orders.approve_sales_order(order, user=clerk)
    assert e.value.code == "credit_limit_exceeded"
    order = orders.approve_sales_order(order, user=w.user)
    assert order.status == "approved"
    order.refresh_from_db()
    assert order.credit_exceeded


def test_approved_orders_not_yet_delivered_count_against_the_credit_limit(world, user_factory):
    """Limit 10,000: an order of 6,000 approved and not delivered leaves room for 4,000, not
    for a second order of 6,000; once half of the first is delivered, what it has left to
    deliver (3,000) and the receivable (3,000) together still count 6,000."""
    from jxc.sales import deliveries

    w = world
    w.receive(w.tea, 5000, "1")
    clerk = user_factory(roles=["sales"])
    first = _order(w, LineInput(sku=w.tea.pk, qty=D(1500)))  # 1,500 × 批发 4.00
    assert first.total_amount == D("6000.00") and not orders.credit_check(first)[0]
    orders.approve_sales_order(orders.submit_sales_order(first, user=clerk), user=clerk)
    second = orders.submit_sales_order(_order(w, LineInput(sku=w.tea.pk, qty=D(1500))), user=clerk)
    assert orders.credit_check(second)[:2] == (True, D("12000.00"))
    with pytest.raises(CreditLimitExceeded):
        orders.approve_sales_order(second, user=clerk)
    third = _order(w, LineInput(sku=w.tea.pk, qty=D(1000)))  # 4,000: exactly the room left
    assert not orders.credit_check(third)[0]
    d = deliveries.create_sales_delivery(
        user=w.user,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        lines=[LineInput(sku=w.tea.pk, qty=D(750), source_line=first.lines.get().pk)],
    )
    deliveries.submit_and_post_sales_delivery(d, user=w.user)
    assert orders.credit_check(third)[:2] == (False, D("10000.00"))


def test_force_close_releases_the_remainder(world):
    from jxc.sales import deliveries

    w = world
    w.receive(w.cola, 20, "1")
    order = _approve(w, _order(w, LineInput(sku=w.cola.pk, qty=D(10))))
    d = deliveries.create_sales_delivery(
        user=w.user,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(4), source_line=order.lines.get().pk)],
    )
    d = submit(d, user=w.user)
    from jxc.core.documents.actions import approve

    deliveries.post_sales_delivery(approve(d, user=w.user), user=w.user)
    assert _reserved(w, w.cola) == 6
    with pytest.raises(DomainError) as e:  # a delivery exists: no 反审核
        orders.unapprove_sales_order(order, user=w.user)
    assert e.value.code in ("downstream_exists", OrderPartlyDelivered.code)
    order = orders.close_sales_order(order, user=w.user, reason="客户取消")
    assert order.status == "closed" and _reserved(w, w.cola) == 0


def test_a_quotation_valid_until_before_its_date_is_refused_on_the_field(world):
    import datetime as dt

    from jxc.core.errors import ValidationFailed

    w = world
    day = dt.timedelta(days=1)
    line = LineInput(sku=w.cola.pk, qty=D(1))
    quote = dict(user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today)
    with pytest.raises(ValidationFailed) as refused:
        orders.create_quotation(**quote, valid_until=w.today - day, lines=[line])
    assert list(refused.value.errors) == ["valid_until"]
    q = orders.create_quotation(**quote, valid_until=w.today, lines=[line])  # the same day: fine
    with pytest.raises(ValidationFailed) as refused:  # a later date on the draft, its end kept
        orders.update_quotation(q, user=w.user, date=w.today + day)
    assert "valid_until" in refused.value.errors
    with pytest.raises(ValidationFailed):
        orders.update_quotation(q, user=w.user, valid_until=w.today - day, lines=[line])
    q = orders.update_quotation(q, user=w.user, date=w.today + day, valid_until=w.today + day)
    assert (q.date, q.valid_until) == (w.today + day, w.today + day)
