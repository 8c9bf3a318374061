"""采购申请 screens: the stock alert's button makes a requisition, approved it offers
生成采购订单 with a supplier per line, which makes the order."""

from decimal import Decimal as D

import pytest

from jxc.core.documents import actions
from jxc.inventory.services import set_stock_limit
from jxc.purchasing import services
from jxc.purchasing.models import PurchaseOrder, PurchaseRequisition
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401

pytestmark = pytest.mark.django_db


def test_alert_to_requisition_to_order_in_the_browser(client_for, shop):  # noqa: F811
    set_stock_limit(
        user=shop.user, sku=shop.cola, warehouse=shop.warehouse, min_qty=D(5), max_qty=D(10)
    )
    services.create_supplier_price(user=shop.user, supplier=shop.supplier, sku=shop.cola, unit=shop.unit, price=D(2), valid_from=DAY)  # fmt: skip
    client = client_for(shop.user)
    page = client.get("/inventory/alerts/").content.decode()
    assert 'data-testid="btn-requisition"' in page and "/purchasing/requisitions/" in page
    response = client.post("/purchasing/requisitions/from-alerts/")
    req = PurchaseRequisition.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{req.pk}/")
    assert req.lines.get().qty == D(10)
    req = actions.approve(actions.submit(req, user=shop.user), user=shop.user)
    page = client.get(f"/purchasing/requisitions/{req.pk}/").content.decode()
    assert 'data-testid="make-orders-form"' in page
    line = req.lines.get()
    response = client.post(
        f"/purchasing/requisitions/{req.pk}/make-orders/", {f"supplier_{line.pk}": shop.supplier.pk}
    )
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{order.pk}/")
    assert order.lines.get().qty == D(10)
