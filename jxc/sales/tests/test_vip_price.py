"""VIP price level (会员 / VIP): a VIP customer's level price is the SKU unit's VIP price
(catalog, per unit, 箱 priced on its own); the order of resolution stays customer-specific →
level → 历史单价, with a VIP price of 0 meaning "not set"."""

from decimal import Decimal as D

import pytest

from jxc.catalog.models import SkuUnit
from jxc.core.documents.lines import LineInput
from jxc.core.errors import ValidationFailed
from jxc.partners.services import create_customer
from jxc.sales import orders, selectors
from jxc.sales.models import CustomerPrice

pytestmark = pytest.mark.django_db


def _vip(w, code="VIP1"):
    return create_customer(user=w.user, code=code, name="VIP 客户", price_level="vip", tier="vip")


def test_vip_resolution_customer_price_then_vip_level_then_last_price(world):
    w = world
    unit = w.cola.units.get(is_base=True).unit_id
    SkuUnit.objects.filter(sku=w.cola, unit_id=unit).update(vip_price=D("2.30"))
    SkuUnit.objects.filter(sku=w.cola, unit_id=w.box.pk).update(vip_price=D("26.00"))
    vip = _vip(w)
    found = selectors.sale_price(vip, w.cola.pk, unit)
    assert (found.source, found.price, found.list_price) == ("level", D("2.3"), D("2.3"))
    assert selectors.sale_price(vip, w.cola.pk, w.box.pk).price == D("26")  # per unit
    # the customer's own price first
    CustomerPrice.objects.create(customer=vip, sku=w.cola, unit_id=unit, price=D("2.10"))
    assert selectors.sale_price(vip, w.cola.pk, unit).source == "customer"
    CustomerPrice.objects.all().delete()
    # no VIP price (0): the last price sold to the customer (历史单价)
    w.receive(w.cola, 10, "1.5")
    order = orders.create_sales_order(
        user=w.user, customer=vip, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(1), price=D("2.80"))],
    )  # fmt: skip
    orders.approve_sales_order(orders.submit_sales_order(order, user=w.user), user=w.user)
    assert selectors.sale_price(vip, w.cola.pk, unit).source == "level"  # VIP price still set
    SkuUnit.objects.filter(sku=w.cola).update(vip_price=D(0))
    found = selectors.sale_price(vip, w.cola.pk, unit)
    assert (found.source, found.price, found.last_price) == ("last", D("2.8"), D("2.8"))


def test_an_order_line_of_a_vip_customer_takes_the_vip_price(world):
    w = world
    SkuUnit.objects.filter(sku=w.tea).update(vip_price=D("4.50"))
    order = orders.create_sales_order(
        user=w.user, customer=_vip(w, "VIP2"), warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.tea.pk, qty=D(2))],
    )  # fmt: skip
    line = order.lines.get()
    assert (line.price, line.list_price, order.total_amount) == (D("4.5"), D("4.5"), D("9.00"))


def test_vip_price_through_the_catalog_and_a_bad_level_refused(world):
    from jxc.catalog import services as catalog

    w = world
    assert catalog.prices_from({"vip_price": "3.3"}) == {"vip_price": D("3.3")}
    with pytest.raises(ValidationFailed):
        create_customer(user=w.user, code="BAD", name="坏", price_level="diamond")
