"""采购 screens: menu, the price list, the order form with the grid's price / VAT / discount /
promised-date columns (and its errors), detail with the amounts and buttons, 审核 → 在途,
强制结单, print, export, prices hidden without cost.view."""

from decimal import Decimal as D

import pytest

from jxc.core.services import update_company
from jxc.inventory.models import StockBalance
from jxc.purchasing.models import PurchaseOrder, SupplierPrice
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401

pytestmark = pytest.mark.django_db


def grid(*lines):
    data: dict[str, list] = {}
    keys = ("sku", "sku_label", "qty", "unit", "price", "tax_rate", "discount", "promised", "memo")
    for line in lines:
        for key in keys:
            data.setdefault(f"line_{key}", []).append(str(line.get(key, "")))
    return data


def header(s, **extra):
    return {
        "supplier": s.supplier.pk,
        "warehouse": s.warehouse.pk,
        "date": DAY.isoformat(),
        "prices_include_tax": "on",
        **extra,
    }


def test_menu_and_order_form_to_on_order(client_for, shop):  # noqa: F811
    client = client_for(shop.user)
    home = client.get("/").content.decode()
    assert "/purchasing/orders/" in home and "/purchasing/supplier-prices/" in home
    form = client.get("/purchasing/orders/new/").content.decode()
    assert '"tax_rate"' in form and '"promised"' in form
    response = client.post(
        "/purchasing/orders/new/",
        {
            **header(shop, memo="三月补货"),
            **grid(
                {"sku": shop.cola.pk, "qty": "2", "unit": shop.box.pk, "price": "33.90",
                 "tax_rate": "13", "promised": "2026-03-09"},
                {"sku": shop.tea.pk, "qty": "5", "price": "10.90", "tax_rate": "9", "discount": "10"},
            ),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    po = PurchaseOrder.objects.get()
    a, b = po.lines.order_by("line_no")
    assert (a.base_qty, a.gross_amount, a.net_amount) == (D(24), D("67.80"), D("60.00"))
    assert (b.gross_amount, b.net_amount, b.tax_amount) == (D("49.05"), D("45.00"), D("4.05"))
    assert (po.net_amount, po.tax_amount, po.total_amount) == (D(105), D("11.85"), D("116.85"))
    page = client.get(f"/purchasing/orders/{po.pk}/").content.decode()
    assert "116.85" in page and "2026-03-09" in page  # one date format (Y-m-d)
    for action in ("submit", "approve"):
        assert client.post(f"/purchasing/orders/{po.pk}/do/{action}/").status_code == 302
    assert PurchaseOrder.objects.get().status == "approved"
    assert StockBalance.objects.get(sku=shop.cola).on_order == D(24)
    client.post(f"/purchasing/orders/{po.pk}/do/close/", {"reason": "不再需要"})
    assert PurchaseOrder.objects.get().status == "closed"
    assert StockBalance.objects.get(sku=shop.cola).on_order == 0
    assert client.get(f"/purchasing/orders/{po.pk}/print/").status_code == 200
    export = client.get("/purchasing/orders/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


def test_wrong_lines_show_errors_and_save_nothing(client_for, shop):  # noqa: F811
    client = client_for(shop.user)
    response = client.post(
        "/purchasing/orders/new/",
        {**header(shop), **grid({"sku": shop.cola.pk, "qty": "1", "price": "0", "tax_rate": "x"})},
    )
    assert response.status_code == 400
    response = client.post(
        "/purchasing/orders/new/",
        {**header(shop), **grid({"sku": shop.cola.pk, "qty": "1", "price": "0"})},
    )
    assert response.status_code == 400
    assert not PurchaseOrder.objects.exists()


def test_price_list_screen_and_hidden_prices(client_for, shop, user_factory):  # noqa: F811
    update_company(user=shop.user, price_decimals=4)  # the list price has four places
    client = client_for(shop.user)
    response = client.post(
        "/purchasing/supplier-prices/new/",
        {
            "supplier": shop.supplier.pk,
            "sku": shop.cola.pk,
            "unit": shop.unit.pk,
            "price": "2.7319",
            "includes_tax": "on",
            "tax_rate": "13",
            "moq": "0",
            "pack_multiple": "0",
            "lead_time_days": "2",
            "valid_from": DAY.isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert SupplierPrice.objects.get().price == D("2.7319")
    listing = client.get("/purchasing/supplier-prices/").content.decode()
    assert ("2.73" in listing and "可乐" not in listing) or "COLA" in listing
    keeper = client_for(user_factory(roles=["keeper"]))
    assert keeper.get("/purchasing/supplier-prices/").status_code == 403
    client.post(
        "/purchasing/orders/new/",
        {**header(shop), **grid({"sku": shop.cola.pk, "qty": "3", "tax_rate": "13"})},
    )
    po = PurchaseOrder.objects.get()
    assert po.lines.get().price == D("2.7319")
    page = keeper.get(f"/purchasing/orders/{po.pk}/").content.decode()
    assert "2.73" not in page and "8.20" not in page and "9.26" not in page


def test_receive_from_the_order_page_and_post(client_for, shop):  # noqa: F811
    from jxc.purchasing.models import PurchaseReceipt

    client = client_for(shop.user)
    client.post(
        "/purchasing/orders/new/",
        {**header(shop), **grid({"sku": shop.cola.pk, "qty": "5", "price": "2", "tax_rate": "13"})},
    )
    po = PurchaseOrder.objects.get()
    for action in ("submit", "approve"):
        client.post(f"/purchasing/orders/{po.pk}/do/{action}/")
    page = client.get(f"/purchasing/orders/{po.pk}/").content.decode()
    assert 'data-testid="receive-form"' in page
    response = client.post(f"/purchasing/orders/{po.pk}/receive/")
    receipt = PurchaseReceipt.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{receipt.pk}/edit/")
    form = client.get(f"/purchasing/receipts/{receipt.pk}/edit/").content.decode()
    assert po.number in form
    line = po.lines.get()
    data = {
        "supplier": shop.supplier.pk,
        "warehouse": shop.warehouse.pk,
        "date": DAY.isoformat(),
        "line_sku": [shop.cola.pk],
        "line_qty": ["4"],
        "line_unit": [shop.unit.pk],
        "line_source": [line.pk],
        "line_rejected": ["1"],
        "line_reject_reason": ["破损"],
    }
    response = client.post(f"/purchasing/receipts/{receipt.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    receipt = PurchaseReceipt.objects.get()
    assert (receipt.lines.get().qty, receipt.lines.get().rejected_qty) == (D(4), D(1))
    for action in ("submit", "approve", "post"):
        assert client.post(f"/purchasing/receipts/{receipt.pk}/do/{action}/").status_code == 302
    assert PurchaseReceipt.objects.get().status == "posted"
    b = StockBalance.objects.get(sku=shop.cola)
    assert (b.on_hand, b.on_order) == (D(4), D(1))
    detail = client.get(f"/purchasing/receipts/{receipt.pk}/").content.decode()
    assert "破损" in detail and po.number in detail
