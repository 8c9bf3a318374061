"""销售 through the API: an order priced for the customer, idempotent creation, the grid's
availability and price look-ups, approval reserving (库存不足 with its stable code and nothing
reserved), a delivery from the order posted with its cost hidden from a salesperson, a pick
list scanned, a return, bad input refused with stable codes."""

from decimal import Decimal as D

import pytest

from jxc.api.tests.conftest import call
from jxc.inventory.models import StockBalance
from jxc.sales.models import SalesOrder
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db


def _order(w, qty="5", **extra):
    return {
        "customer_id": w.customer.pk,
        "warehouse_id": w.warehouse.pk,
        "date": w.today.isoformat(),
        "lines": [{"sku_id": w.cola.pk, "qty": qty}],
        **extra,
    }


def test_order_to_delivery_through_the_api(client_for, world):  # noqa: F811
    w = world
    w.receive(w.cola, 8, "1.20")
    client = client_for(w.user)
    status, avail = call(client, "get", "/sales-orders/availability", {"sku_id": w.cola.pk})
    assert status == 200 and avail[0]["available"] == "8" and avail[0]["projected"] == "8"
    status, price = call(
        client, "get", "/sales-orders/price", {"customer_id": w.customer.pk, "sku_id": w.cola.pk}
    )
    assert status == 200 and (price["price"], price["source"]) == ("2.5", "level")
    status, doc = call(client, "post", "/sales-orders", _order(w), key="so-1")
    again = call(client, "post", "/sales-orders", _order(w), key="so-1")
    assert status == 201 and again == (201, doc) and SalesOrder.objects.count() == 1
    assert doc["total_amount"] == "12.5" and doc["lines"][0]["price"] == "2.5"
    for step in ("submit", "approve"):
        status, doc = call(client, "post", f"/sales-orders/{doc['id']}/{step}")
        assert status == 200, doc
    assert doc["status"] == "approved" and doc["lines"][0]["reserved_qty"] == "5"
    status, avail = call(client, "get", "/sales-orders/availability", {"sku_id": w.cola.pk})
    assert avail[0]["available"] == "3"
    # a second order of 5 is short: 409, stable code, nothing reserved
    _s, second = call(client, "post", "/sales-orders", _order(w))
    call(client, "post", f"/sales-orders/{second['id']}/submit")
    status, err = call(client, "post", f"/sales-orders/{second['id']}/approve")
    assert status == 409 and err["code"] == "insufficient_available"
    assert StockBalance.objects.get(sku=w.cola).reserved == 5
    # the delivery from the order, posted
    status, d = call(client, "post", "/sales-deliveries/from-orders", {"order_ids": [doc["id"]]})
    assert status == 201 and d["lines"][0]["order_line_id"] == doc["lines"][0]["id"]
    for step in ("submit", "approve", "post"):
        status, d = call(client, "post", f"/sales-deliveries/{d['id']}/{step}")
        assert status == 200, d
    assert d["cost_amount"] == "6" and d["gross_profit"] == "5.06"
    # over-delivery refused with its code
    status, err = call(
        client,
        "post",
        "/sales-deliveries",
        {
            "customer_id": w.customer.pk,
            "warehouse_id": w.warehouse.pk,
            "date": w.today.isoformat(),
            "lines": [{"sku_id": w.cola.pk, "qty": "1", "order_line_id": doc["lines"][0]["id"]}],
        },
    )
    assert status == 422 and err["code"] == "over_delivery"
    # a return of 2 linked to the delivery line
    status, r = call(
        client,
        "post",
        "/sales-returns",
        {
            "customer_id": w.customer.pk,
            "warehouse_id": w.warehouse.pk,
            "date": w.today.isoformat(),
            "lines": [{"sku_id": w.cola.pk, "qty": "2", "delivery_line_id": d["lines"][0]["id"]}],
        },
    )
    assert status == 201 and r["lines"][0]["delivery_line_id"] == d["lines"][0]["id"]
    for step in ("submit", "approve", "post"):
        status, r = call(client, "post", f"/sales-returns/{r['id']}/{step}")
        assert status == 200, r
    assert r["cost_amount"] == "2.4"


def test_cost_hidden_from_a_salesperson_and_bad_input_codes(client_for, user_factory, world):  # noqa: F811
    w = world
    w.receive(w.cola, 8, "1.20")
    clerk = client_for(user_factory(roles=["sales"]))
    status, err = call(clerk, "post", "/sales-orders", _order(w, qty="0"))
    assert status == 422 and "lines.0.qty" in err["params"]["errors"]
    body = _order(w)
    body["lines"][0]["price"] = "1.00"
    status, err = call(clerk, "post", "/sales-orders", body)
    assert status == 422 and err["code"] == "below_min_price"
    _s, doc = call(clerk, "post", "/sales-orders", _order(w))
    call(clerk, "post", f"/sales-orders/{doc['id']}/submit")
    call(clerk, "post", f"/sales-orders/{doc['id']}/approve")
    status, d = call(clerk, "post", "/sales-deliveries/from-orders", {"order_ids": [doc["id"]]})
    assert status == 201 and "cost_amount" not in d
    assert "cost_amount" not in d["lines"][0] and "gross_profit" not in d


def test_pick_list_scanned_through_the_api(client_for, world):  # noqa: F811
    w = world
    w.receive(w.tea, 10, "2", batch="L1")
    client = client_for(w.user)
    body = _order(w)
    body["lines"] = [{"sku_id": w.tea.pk, "qty": "2"}]
    _s, doc = call(client, "post", "/sales-orders", body)
    call(client, "post", f"/sales-orders/{doc['id']}/submit")
    call(client, "post", f"/sales-orders/{doc['id']}/approve")
    status, pick = call(client, "post", "/pick-lists/from-orders", {"order_ids": [doc["id"]]})
    assert status == 201 and pick["lines"][0]["batch_number"] == "L1"
    call(client, "post", f"/pick-lists/{pick['id']}/approve")
    code = w.tea.barcodes.first().code
    status, pick = call(
        client, "post", f"/pick-lists/{pick['id']}/scan", {"code": code, "qty": "2"}
    )
    assert status == 200 and pick["lines"][0]["picked_qty"] == "2"
    status, err = call(client, "post", f"/pick-lists/{pick['id']}/scan", {"code": code})
    assert status == 409 and err["code"] == "not_on_pick_list"
    status, pick = call(client, "post", f"/pick-lists/{pick['id']}/complete")
    assert status == 200 and pick["status"] == "done"
    status, made = call(client, "post", f"/pick-lists/{pick['id']}/deliver")
    assert status == 201 and made["deliveries"][0]["lines"][0]["batch_number"] == "L1"
    assert D(made["deliveries"][0]["total_amount"]) == D("8")
