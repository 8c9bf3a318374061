"""门店零售 through the API: a counter sale by barcode, SKU code and SKU id with a split payment
(cash with change, WeChat), idempotent; a refund of one item the next day; the 日结 per cashier
and method (a cashier sees their own, finance everyone); bad input refused with stable codes
and nothing written; the permissions of the counter screen."""

import datetime as dt

import pytest

from jxc.api.tests.conftest import call
from jxc.finance.models import CustomerPayment
from jxc.sales.models import SalesDelivery, SalesReturn
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db
COLA, TEA = "69COLA0000000", "69TEA00000000"


@pytest.fixture
def counter(world, user_factory):  # noqa: F811
    from jxc.finance.services import create_account

    world.receive(world.cola, "100", "1.20")
    world.receive(world.tea, "50", "2.00")
    cashier = user_factory(roles=["cashier"], first_name="收银小李")
    create_account(user=world.user, code="XJ", name="现金", kind="cash")
    create_account(user=world.user, code="WX", name="微信", kind="wechat")
    return world, cashier


def _sale(w, **extra):
    return {
        "warehouse_id": w.warehouse.pk,
        "items": [{"code": COLA}, {"code": "TEA", "qty": "1"}, {"sku_id": w.cola.pk, "qty": "2"}],
        "payments": [{"method": "cash", "amount": "10.00"}, {"method": "wechat", "amount": "4"}],
        "tendered_cash": "20",
        **extra,
    }


def test_counter_sale_refund_and_day_summary_through_the_api(client_for, counter, user_factory):
    w, cashier = counter
    client = client_for(cashier)
    yesterday = (w.today - dt.timedelta(days=1)).isoformat()
    status, sale = call(client, "post", "/counter-sales", _sale(w, date=yesterday), key="c-1")
    assert status == 201, sale
    assert call(client, "post", "/counter-sales", _sale(w, date=yesterday), key="c-1") == (
        201,
        sale,
    )
    assert SalesDelivery.objects.count() == 1 and CustomerPayment.objects.count() == 2
    assert (sale["total"], sale["change"]) == ("14", "10")
    # a barcode and a SKU id of the same SKU: a line each (the id's in the base unit)
    assert sorted((x["sku_id"], x["qty"]) for x in sale["lines"]) == sorted(
        [(w.cola.pk, "1"), (w.cola.pk, "2"), (w.tea.pk, "1")]
    )
    assert [(r["method"], r["amount"]) for r in sale["receipts"]] == [
        ("cash", "10"),
        ("wechat", "4"),
    ]
    cola_line = next(x["id"] for x in sale["lines"] if x["sku_id"] == w.cola.pk and x["qty"] == "2")
    body = {"items": [{"line_id": cola_line, "qty": "1"}], "method": "cash", "reason": "坏了"}
    status, refund = call(
        client, "post", f"/counter-sales/{sale['delivery_id']}/refunds", body, key="r-1"
    )
    assert status == 201, refund
    assert (refund["amount"], refund["method"]) == ("3", "cash")
    assert SalesReturn.objects.get().status == "posted"
    status, day = call(client, "get", "/counter-sales/day-summary", {"date": yesterday})
    assert status == 200 and (day["taken"], day["net"]) == ("14", "14")
    assert [(r["method"], r["count"]) for r in day["rows"]] == [("cash", 1), ("wechat", 1)]
    status, today = call(client, "get", "/counter-sales/day-summary")
    assert today["refunded"] == "3" and today["net"] == "-3"
    # another cashier sees only their own day; finance sees everyone's
    other = client_for(user_factory(roles=["cashier"]))
    assert call(other, "get", "/counter-sales/day-summary", {"date": yesterday})[1]["rows"] == []
    finance = client_for(user_factory(roles=["finance"]))
    assert (
        len(call(finance, "get", "/counter-sales/day-summary", {"date": yesterday})[1]["rows"]) == 2
    )


def test_counter_sale_bad_input_is_refused_and_nothing_is_written(
    client_for, counter, user_factory
):
    w, cashier = counter
    client = client_for(cashier)
    cases = [
        (_sale(w, items=[{"code": "NOPE"}]), 422, "validation_failed", "lines"),
        (_sale(w, items=[{"code": COLA, "qty": "0"}]), 422, "validation_failed", "lines"),
        (_sale(w, items=[{"code": COLA, "sku_id": w.cola.pk}]), 422, "validation_failed", "items"),
        (
            _sale(w, payments=[{"method": "cash", "amount": "13.99"}]),
            422,
            "validation_failed",
            "paid",
        ),
        (_sale(w, tendered_cash="5"), 422, "validation_failed", "tendered"),
        (
            _sale(w, payments=[{"method": "alipay", "amount": "14"}]),
            422,
            "validation_failed",
            "payments.0",
        ),
        (
            _sale(
                w,
                items=[{"code": COLA, "qty": "1000"}],
                payments=[{"method": "cash", "amount": "3000"}],
                tendered_cash=None,
            ),
            409,
            "insufficient_stock",
            None,
        ),
    ]
    for body, status, code, field in cases:
        got, err = call(client, "post", "/counter-sales", body)
        assert (got, err["code"]) == (status, code), (body, err)
        assert err.get("message")
        if field:
            assert field in err["params"]["errors"], err
    assert not SalesDelivery.objects.exists() and not CustomerPayment.objects.exists()
    keeper = client_for(user_factory(roles=["keeper"]))
    assert call(keeper, "post", "/counter-sales", _sale(w))[0] == 403
    assert call(keeper, "get", "/counter-sales/day-summary")[0] == 403
    assert (
        call(
            client,
            "post",
            "/counter-sales/999999/refunds",
            {"items": [{"line_id": 1, "qty": "1"}], "method": "cash"},
        )[0]
        == 404
    )
