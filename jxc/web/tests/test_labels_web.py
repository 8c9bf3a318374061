"""打印标签 screens: choose SKUs and quantities → the PDF; a bad quantity said in Chinese at its
SKU; the receipt's button and its form (per unit / per line)."""

import io
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from jxc.core.documents.lines import LineInput
from jxc.purchasing.tests.conftest import shop  # noqa: F401
from jxc.purchasing.tests.helpers import approved_order, posted_receipt

pytestmark = pytest.mark.django_db


def test_labels_for_skus_chosen_on_the_screen(client_for, shop):  # noqa: F811
    client = client_for(shop.user)
    page = client.get("/catalog/labels/", {"q": "COLA"})
    assert page.status_code == 200
    body = page.content.decode()
    assert f'name="qty_{shop.cola.pk}"' in body and f'name="qty_{shop.tea.pk}"' not in body
    assert "标签尺寸" in body and "零售价" in body
    r = client.post(
        "/catalog/labels/?q=COLA",
        {f"qty_{shop.cola.pk}": "3", f"qty_{shop.tea.pk}": "", "size": "a4-3x8", "price": "none"},
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    assert text.count("商品COLA") == 3
    bad = client.post(
        "/catalog/labels/",
        {"q": "COLA", f"qty_{shop.cola.pk}": "5000", "size": "40x30", "price": "retail_price"},
    )
    assert bad.status_code == 422
    assert "COLA: 请输入 1 到 1000 之间的整数标签数。" in bad.content.decode()
    none = client.post("/catalog/labels/", {"q": "COLA", "size": "40x30", "price": "retail_price"})
    assert none.status_code == 422 and "没有要打印的标签" in none.content.decode()
    product = client.get("/catalog/labels/", {"product": shop.tea.product_id}).content.decode()
    assert f'name="qty_{shop.tea.pk}"' in product
    detail = client.get(f"/catalog/products/{shop.tea.product_id}/").content.decode()
    assert f"/catalog/labels/?product={shop.tea.product_id}" in detail


def test_labels_from_a_purchase_receipt_page(client_for, shop, user_factory):  # noqa: F811
    order = approved_order(shop, [LineInput(sku=shop.tea.pk, qty=D(4), price=D("2"))])
    receipt = posted_receipt(shop, order)
    client = client_for(shop.user)
    detail = client.get(f"/purchasing/receipts/{receipt.pk}/").content.decode()
    url = f"/catalog/labels/purchase_receipt/{receipt.pk}/"
    assert url in detail
    form = client.get(url)
    assert form.status_code == 200 and "每个单位一张标签" in form.content.decode()
    r = client.get(url, {"print": "1", "per": "unit", "size": "50x30", "price": "retail_price"})
    assert r.status_code == 200 and len(PdfReader(io.BytesIO(r.content)).pages) == 4
    r = client.get(url, {"print": "1", "per": "line", "size": "50x30", "price": "retail_price"})
    assert len(PdfReader(io.BytesIO(r.content)).pages) == 1
    assert client.get(url, {"print": "1", "per": "box"}).status_code == 422
    assert client.get(f"/catalog/labels/sales_order/{receipt.pk}/").status_code == 404
    cashier = client_for(user_factory(roles=["cashier"]))
    assert cashier.get(url).status_code == 403


def test_transfer_and_count_pages_print_labels_from_their_lines(client_for, shop):  # noqa: F811
    from django.utils import timezone

    from jxc.inventory.documents import services as docs
    from jxc.inventory.services import create_warehouse

    store = create_warehouse(user=shop.user, code="MD1", name="门店")
    transfer = docs.create_transfer(
        user=shop.user,
        from_warehouse=shop.warehouse,
        to_warehouse=store,
        date=timezone.localdate(),
        lines=[LineInput(sku=shop.tea.pk, qty=D(3))],
    )
    count = docs.create_stock_count(
        user=shop.user, warehouse=shop.warehouse, date=timezone.localdate()
    )
    client = client_for(shop.user)
    for page, doc_type, doc, pages in (
        (f"/inventory/transfers/{transfer.pk}/", "transfer", transfer, 3),
        (f"/inventory/stock-counts/{count.pk}/", "stock_count", count, None),
    ):
        url = f"/catalog/labels/{doc_type}/{doc.pk}/"
        detail = client.get(page)
        assert detail.status_code == 200 and url in detail.content.decode()
        form = client.get(url)
        assert form.status_code == 200 and doc.number in form.content.decode()
        r = client.get(url, {"print": "1", "per": "unit", "size": "40x30", "price": "none"})
        if pages is None:  # nothing counted yet: said, not printed
            assert r.status_code == 422 and "没有任何明细有数量" in r.content.decode()
        else:
            assert r.status_code == 200 and len(PdfReader(io.BytesIO(r.content)).pages) == pages
