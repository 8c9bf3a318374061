"""采购 through the API: the price list, 采购订单 lifecycle with 在途, amounts with VAT, the
quote, error codes, idempotent creation and cost hiding."""

from decimal import Decimal as D

import pytest

from jxc.api.tests.conftest import call
from jxc.inventory.models import StockBalance
from jxc.purchasing.models import PurchaseOrder
from jxc.purchasing.tests.conftest import shop  # noqa: F401

pytestmark = pytest.mark.django_db
DAY = "2026-03-02"


def order(s, **extra):
    return {
        "supplier_id": s.supplier.pk,
        "warehouse_id": s.warehouse.pk,
        "date": DAY,
        "prices_include_tax": False,
        "lines": [
            {"sku_id": s.cola.pk, "qty": "10", "price": "2.50", "tax_rate": "13"},
            {
                "sku_id": s.tea.pk,
                "qty": "2",
                "unit_id": s.box.pk,
                "price": "60",
                "tax_rate": "9",
                "discount_rate": "5",
                "promised_date": "2026-03-09",
            },
        ],
        **extra,
    }


def test_purchase_order_lifecycle_on_order_and_close(client_for, shop):  # noqa: F811
    client = client_for(shop.user)
    status, doc = call(client, "post", "/purchase-orders", order(shop), key="po-1")
    assert status == 201 and doc["number"] == "CGDD20260302-0001"
    assert (doc["net_amount"], doc["tax_amount"], doc["total_amount"]) == (
        "139",
        "13.51",
        "152.51",
    )
    tea = doc["lines"][1]
    assert (tea["price"], tea["base_qty"], tea["promised_date"]) == (
        "60",
        "24",
        "2026-03-09",
    )
    assert call(client, "post", "/purchase-orders", order(shop), key="po-1") == (201, doc)
    assert PurchaseOrder.objects.count() == 1
    for action, state in (("submit", "submitted"), ("approve", "approved")):
        status, doc = call(client, "post", f"/purchase-orders/{doc['id']}/{action}")
        assert (status, doc["status"]) == (200, state)
    assert set(doc["actions"]) == {"unapprove", "close"}
    on_order = dict(StockBalance.objects.values_list("sku__code", "on_order"))
    assert on_order == {"COLA": D(10), "TEA": D(24)}
    status, body = call(client, "post", f"/purchase-orders/{doc['id']}/close", {})
    assert (status, body["code"]) == (422, "validation_failed")
    status, doc = call(client, "post", f"/purchase-orders/{doc['id']}/close", {"reason": "缺货"})
    assert (status, doc["status"]) == (200, "closed")
    assert set(StockBalance.objects.values_list("on_order", flat=True)) == {D(0)}


def test_bad_order_lines_are_field_errors(client_for, shop):  # noqa: F811
    client = client_for(shop.user)
    body = order(shop)
    body["lines"][0]["price"] = "0"
    body["lines"][1]["qty"] = "-1"
    status, err = call(client, "post", "/purchase-orders", body)
    assert (status, err["code"]) == (422, "validation_failed")
    assert {"lines.0.price", "lines.1.qty"} <= err["params"]["errors"].keys()
    body = order(shop)
    body["lines"][0]["tax_rate"] = "130"
    status, err = call(client, "post", "/purchase-orders", body)
    assert status == 422
    assert not PurchaseOrder.objects.exists()


def test_price_list_and_quote(client_for, shop):  # noqa: F811
    client = client_for(shop.user)
    status, row = call(
        client,
        "post",
        "/supplier-prices",
        {
            "supplier_id": shop.supplier.pk,
            "sku_id": shop.cola.pk,
            "unit_id": shop.box.pk,
            "price": "27.12",
            "tax_rate": "13",
            "moq": "5",
            "pack_multiple": "5",
            "lead_time_days": 3,
            "valid_from": "2026-03-01",
        },
        key="sp-1",
    )
    assert status == 201 and (row["price"], row["unit_name"]) == ("27.12", "箱")
    q = f"supplier_id={shop.supplier.pk}&sku_id={shop.cola.pk}&unit_id={shop.box.pk}&date={DAY}"
    status, quote = call(client, "get", f"/purchase-orders/quote?{q}")
    assert status == 200 and (quote["source"], quote["moq"]) == ("price_list", "5")
    status, _none = call(client, "get", f"/purchase-orders/quote?{q.replace(DAY, '2026-02-01')}")
    assert status == 404
    body = order(shop, prices_include_tax=True)
    body["lines"] = [{"sku_id": shop.cola.pk, "qty": "5", "unit_id": shop.box.pk}]
    status, doc = call(client, "post", "/purchase-orders", body)
    assert status == 201 and doc["lines"][0]["price"] == "27.12"
    assert doc["total_amount"] == "135.6"
    status, _err = call(
        client,
        "post",
        "/supplier-prices",
        {
            "supplier_id": shop.supplier.pk,
            "sku_id": shop.cola.pk,
            "unit_id": shop.unit.pk,
            "price": "0",
        },
    )
    assert status == 422


def test_prices_hidden_without_cost_view(client_for, shop, user_factory):  # noqa: F811
    status, doc = call(client_for(shop.user), "post", "/purchase-orders", order(shop))
    assert status == 201
    keeper = user_factory(roles=["keeper"])  # 仓管: reads orders to receive them, no cost.view
    status, seen = call(client_for(keeper), "get", f"/purchase-orders/{doc['id']}")
    assert status == 200 and seen["lines"][0]["qty"] == "10"
    hidden = {"net_amount", "tax_amount", "total_amount"}
    assert not hidden & seen.keys()
    assert not {"price", "net_amount", "gross_amount", "unit_cost"} & seen["lines"][0].keys()
    status, _body = call(client_for(keeper), "post", "/purchase-orders", order(shop))
    assert status == 403


def test_receive_an_order_through_the_api(client_for, shop):  # noqa: F811
    client = client_for(shop.user)
    status, po = call(client, "post", "/purchase-orders", order(shop))
    for action in ("submit", "approve"):
        call(client, "post", f"/purchase-orders/{po['id']}/{action}")
    status, draft = call(
        client, "post", "/purchase-receipts/from-orders", {"order_ids": [po["id"]], "date": DAY}
    )
    assert status == 201 and draft["number"].startswith("CGRK") and len(draft["lines"]) == 2
    cola, tea = po["lines"]
    body = {
        "supplier_id": shop.supplier.pk,
        "warehouse_id": shop.warehouse.pk,
        "date": DAY,
        "lines": [
            {"order_line_id": cola["id"], "sku_id": shop.cola.pk, "qty": "8",
             "rejected_qty": "2", "reject_reason": "瓶盖松动"},
            {"order_line_id": tea["id"], "sku_id": shop.tea.pk, "qty": "3", "unit_id": shop.box.pk},
        ],
    }  # fmt: skip
    status, err = call(client, "post", "/purchase-receipts", body)
    assert (status, err["code"]) == (422, "over_receipt") and "lines.1.qty" in err["params"][
        "errors"
    ]
    body["lines"][1]["qty"] = "2"
    status, receipt = call(client, "post", "/purchase-receipts", body, key="r-1")
    assert status == 201 and receipt["lines"][0]["arrived_qty"] == "10"
    assert receipt["lines"][0]["order_number"] == po["number"]
    for action, state in (("submit", "submitted"), ("approve", "approved"), ("post", "posted")):
        status, receipt = call(client, "post", f"/purchase-receipts/{receipt['id']}/{action}")
        assert (status, receipt["status"]) == (200, state)
    assert receipt["due_date"] == "2026-04-01"
    status, po = call(client, "get", f"/purchase-orders/{po['id']}")
    assert po["status"] == "approved" and po["lines"][0]["open_qty"] == "2"
    on_hand = dict(StockBalance.objects.values_list("sku__code", "on_hand"))
    assert on_hand == {"COLA": D(8), "TEA": D(24)}
    status, _body = call(client, "post", f"/purchase-receipts/{receipt['id']}/post")
    assert status == 409
