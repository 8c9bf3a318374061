"""采购申请 through the API: from the stock alert, approval, 生成采购订单 with a supplier per line
and its stable error codes."""

from decimal import Decimal as D

import pytest

from jxc.api.tests.conftest import call
from jxc.inventory.services import set_stock_limit
from jxc.purchasing import services
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401

pytestmark = pytest.mark.django_db


def test_requisition_from_alert_to_orders(client_for, shop):  # noqa: F811
    set_stock_limit(
        user=shop.user, sku=shop.cola, warehouse=shop.warehouse, min_qty=D(5), max_qty=D(24)
    )
    services.create_supplier_price(user=shop.user, supplier=shop.supplier, sku=shop.cola, unit=shop.box, price=D(12), valid_from=DAY)  # fmt: skip
    client = client_for(shop.user)
    status, made = call(client, "post", "/purchase-requisitions/from-alerts", {"date": str(DAY)})
    assert status == 201, made
    (req,) = made["requisitions"]
    assert req["number"].startswith("CGSQ")
    line = req["lines"][0]
    assert (D(line["qty"]), line["unit_id"], line["supplier_id"]) == (
        D(2),
        shop.box.pk,
        shop.supplier.pk,
    )
    status, err = call(client, "post", f"/purchase-requisitions/{req['id']}/make-orders", {})
    assert (status, err["code"]) == (409, "invalid_transition")  # not approved yet
    for action in ("submit", "approve"):
        call(client, "post", f"/purchase-requisitions/{req['id']}/{action}")
    status, made = call(
        client, "post", f"/purchase-requisitions/{req['id']}/make-orders",
        {"lines": [{"line_id": line["id"], "supplier_id": shop.supplier.pk}], "date": str(DAY)},
    )  # fmt: skip
    orders = made["orders"]
    assert status == 201 and len(orders) == 1 and orders[0]["number"].startswith("CGDD")
    assert call(client, "post", f"/purchase-requisitions/{req['id']}/make-orders", {})[0] == 409
    status, got = call(client, "get", f"/purchase-requisitions/{req['id']}")
    assert got["status"] == "done" and got["lines"][0]["order_line_id"]
