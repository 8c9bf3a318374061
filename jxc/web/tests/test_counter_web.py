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
