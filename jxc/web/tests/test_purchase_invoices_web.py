"""进项发票 screens and the purchasing reports: 登记发票 on a posted receipt makes a draft, a
return added by its number is credited, the grid's invoiced amounts saved, registered from the
page with its three-way match; 三单匹配差异 and 供应商绩效 on screen and as Excel with Chinese
headers; the supplier page shows its performance and price trend."""

import io
from decimal import Decimal as D

import openpyxl
import pytest

from jxc.core.documents.lines import LineInput
from jxc.purchasing import returns
from jxc.purchasing.models import PurchaseInvoice
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401
from jxc.purchasing.tests.helpers import approved_order, post_doc, posted_receipt

pytestmark = pytest.mark.django_db


def test_invoice_from_a_receipt_and_the_reports_in_the_browser(client_for, shop):  # noqa: F811
    order = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D("11.30"))])
    receipt = posted_receipt(shop, order, rejected=D(1), qty=D(9))
    back = returns.create_purchase_return(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=DAY,
        lines=[LineInput(sku=shop.cola.pk, qty=D(1), source_line=receipt.lines.get().pk)],
    )  # fmt: skip
    back = post_doc(shop, back, returns.post_purchase_return)
    client = client_for(shop.user)
    home = client.get("/").content.decode()
    for url in ("/purchasing/invoices/", "/purchasing/invoice-mismatches/", "/purchasing/supplier-performance/"):  # fmt: skip
        assert url in home
    page = client.get(f"/purchasing/receipts/{receipt.pk}/").content.decode()
    assert 'data-testid="invoice-form"' in page
    response = client.post(f"/purchasing/receipts/{receipt.pk}/invoice/", {"invoice_number": ""})
    assert response.status_code == 302 and not PurchaseInvoice.objects.exists()
    response = client.post(
        f"/purchasing/receipts/{receipt.pk}/invoice/", {"invoice_number": "0448"}
    )
    doc = PurchaseInvoice.objects.get()
    assert response["Location"].endswith(f"/{doc.pk}/edit/")
    client.post(f"/purchasing/invoices/{doc.pk}/add-document/", {"number": back.number})
    assert [x.value_change for x in doc.lines.order_by("line_no")] == [D("90.00"), D("-10.00")]
    lines = list(doc.lines.order_by("line_no"))
    form = {
        "supplier": shop.supplier.pk, "invoice_number": "0448", "date": "2026-03-05",
        "amount": "81.00", "tax_amount": "10.53",
        "line_sku": [x.sku_id for x in lines], "line_sku_label": ["", ""],
        "line_source": [x.source_line_id for x in lines], "line_source_label": ["", ""],
        "line_qty": ["9", "1"], "line_unit": ["", ""], "line_value": ["91.00", "-10.00"],
        "line_memo": ["", ""],
    }  # fmt: skip
    response = client.post(f"/purchasing/invoices/{doc.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    for action in ("submit", "approve", "post"):
        client.post(f"/purchasing/invoices/{doc.pk}/do/{action}/")
    doc.refresh_from_db()
    assert doc.status == "posted" and doc.total_amount == D("91.53")
    page = client.get(f"/purchasing/invoices/{doc.pk}/").content.decode()
    assert "三单匹配" in page and "单价不符" in page and receipt.number in page
    report = client.get("/purchasing/invoice-mismatches/").content.decode()
    assert "单价不符" in report and "0448" in report and order.number in report
    xlsx = client.get("/purchasing/invoice-mismatches/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[1]]
    assert "差异" in header and "原因" in header
    assert sheet.cell(2, header.index("差异") + 1).value == 1  # 81.00 invoiced for 80.00
    perf = client.get("/purchasing/supplier-performance/?date_from=2026-03-01&date_to=2026-03-31")
    assert perf.status_code == 200 and "供应商一" in perf.content.decode()
    xlsx = client.get(
        "/purchasing/supplier-performance/?date_from=2026-03-01&date_to=2026-03-31&export=xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[1]]
    assert "拒收率 %" in header and sheet.cell(2, header.index("拒收率 %") + 1).value == 10
    supplier_page = client.get(f"/partners/suppliers/{shop.supplier.pk}/").content.decode()
    assert 'data-testid="performance-link"' in supplier_page and "价格走势" in supplier_page
    bad = client.get("/purchasing/supplier-performance/?date_from=2026-03-31&date_to=2026-03-01")
    assert bad.status_code == 200
