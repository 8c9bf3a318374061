"""门店零售 counter through the web: the page for a cashier, a barcode looked up with its
price, a sale posted in one POST (JSON) with split payment and change, a refused sale keeps
nothing, the 日结 page; a keeper may not open the counter."""

import json
from decimal import Decimal

import pytest

from jxc.finance.models import CustomerPayment
from jxc.retail.tests.test_counter import COLA, TEA, counter  # noqa: F401
from jxc.sales.models import SalesDelivery
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_counter_page_lookup_sell_and_day(client_for, counter, user_factory):  # noqa: F811
    w, cashier, cash, wechat = counter
    client = client_for(cashier)
    page = client.get("/sales/counter/").content.decode()
    assert "收银" in page or "门店零售" in page
    found = client.get("/sales/counter/lookup/", {"code": COLA}).json()
    assert found["price"] == "3.00" and found["sku"] == w.cola.pk
    assert client.get("/sales/counter/lookup/", {"code": "nope"}).status_code == 404
    body = {
        "warehouse": w.warehouse.pk,
        "items": [{"code": COLA, "qty": "2"}, {"code": TEA, "qty": "1"}],
        "paid": [{"account": cash.pk, "amount": "6"}, {"account": wechat.pk, "amount": "5"}],
        "tendered": "10",
    }
    refused = client.post(
        "/sales/counter/sell/",
        json.dumps({**body, "tendered": "1"}),
        content_type="application/json",
    )
    assert refused.status_code == 422 and "现金" in refused.json()["error"]
    assert not SalesDelivery.objects.exists() and not CustomerPayment.objects.exists()
    sold = client.post("/sales/counter/sell/", json.dumps(body), content_type="application/json")
    assert sold.status_code == 201, sold.content
    assert sold.json()["total"] == "11.00" and sold.json()["change"] == "4.00"
    day = client.get("/sales/counter/day/").content.decode()
    assert "6.00" in day and "5.00" in day and "11.00" in day
    assert CustomerPayment.objects.filter(amount__gt=0).count() == 2
    keeper = client_for(user_factory(roles=["keeper"]))
    assert keeper.get("/sales/counter/").status_code == 403
    assert Decimal(sold.json()["total"]) == SalesDelivery.objects.get().total_amount


def test_a_scanned_code_says_its_unit(client_for, counter):  # noqa: F811
    """A 箱 of 12 and a piece of the same SKU are two lines: the lookup names the unit the
    counter shows beside the quantity."""
    from jxc.catalog.models import Barcode

    w, cashier, _cash, _wechat = counter
    Barcode.objects.create(code="69COLABOX0000", sku=w.cola, sku_unit=w.cola.units.get(unit=w.box))
    client = client_for(cashier)
    piece = client.get("/sales/counter/lookup/", {"code": COLA}).json()
    box = client.get("/sales/counter/lookup/", {"code": "69COLABOX0000"}).json()
    assert (piece["unit_name"], piece["price"]) == ("个", "3.00")
    assert (box["unit_name"], box["price"]) == ("箱", "36.00")
    assert piece["key"] != box["key"]


def test_a_sale_posted_twice_with_one_key_is_sold_once(client_for, counter):  # noqa: F811
    """收款并过账 pressed twice, or sent again after a lost answer: the page's Idempotency-Key
    gets the first sale's answer back, one delivery and one receipt are written."""
    w, cashier, cash, _wechat = counter
    client = client_for(cashier)
    body = json.dumps(
        {
            "warehouse": w.warehouse.pk,
            "items": [{"code": COLA, "qty": "1"}],
            "paid": [{"account": cash.pk, "amount": "3.00"}],
            "tendered": "5",
        }
    )

    def post(key):
        return client.post(
            "/sales/counter/sell/",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )

    first, again = post("cart-1"), post("cart-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and first.json()["change"] == "2.00"
    assert SalesDelivery.objects.count() == 1 and CustomerPayment.objects.count() == 1
    assert post("cart-2").status_code == 201  # another cart: another sale
    assert SalesDelivery.objects.count() == 2
