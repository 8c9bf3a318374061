"""销项发票 screens in Chinese: the 未开票出库单 page per customer, the form with the customer's
documents to tick (HTMX), an invoice above what is left kept on the form with nothing written,
the detail with the documents covered, 作废 from the detail."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.sales import deliveries
from jxc.sales.models import SalesInvoice
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db


def _delivered(w, qty, price):
    d = deliveries.create_sales_delivery(
        user=w.user,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(qty), price=D(price))],
    )
    return deliveries.post_sales_delivery(approve(submit(d, user=w.user), user=w.user), user=w.user)


def test_invoice_screens_in_chinese(client_for, world):  # noqa: F811
    w = world
    w.receive(w.cola, 30, "1")
    d1 = _delivered(w, 10, "11.30")
    client = client_for(w.user)
    home = client.get("/").content.decode()
    assert "/sales/invoices/" in home and "未开票出库单" in home
    page = client.get("/sales/invoices/uninvoiced/").content.decode()
    assert d1.number in page and "113.00" in page and "登记发票" in page
    form = client.get(f"/sales/invoices/new/?customer={w.customer.pk}").content.decode()
    assert "销项发票" in form and "发票号码" in form and "税额" in form
    part = client.get(
        "/sales/invoices/documents/", {"customer": w.customer.pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert f'name="doc_delivery_{d1.pk}"' in part
    body = {
        "customer": w.customer.pk,
        "date": w.today.isoformat(),
        "invoice_number": "12345678",
        "kind": "special",
        "net_amount": "100.00",
        "tax_amount": "13.01",
        f"doc_delivery_{d1.pk}": "1",
    }
    bad = client.post("/sales/invoices/new/", body)
    text = bad.content.decode()
    assert bad.status_code == 200 and "超过" in text and not SalesInvoice.objects.exists()
    nothing = client.post("/sales/invoices/new/", {**body, f"doc_delivery_{d1.pk}": ""})
    assert nothing.status_code == 200 and not SalesInvoice.objects.exists()
    ok = client.post("/sales/invoices/new/", {**body, "tax_amount": "13.00"})
    assert ok.status_code == 302, ok.content.decode()[:2000]
    inv = SalesInvoice.objects.get()
    detail = client.get(f"/sales/invoices/{inv.pk}/").content.decode()
    assert d1.number in detail and "113.00" in detail and "作废" in detail
    assert "未开票" in client.get("/sales/invoices/uninvoiced/").content.decode()
    assert d1.number not in client.get("/sales/invoices/uninvoiced/").content.decode()
    client.post(f"/sales/invoices/{inv.pk}/do/void/", {"reason": "开错"})
    inv.refresh_from_db()
    assert inv.status == "void"


def test_the_invoice_change_history_names_its_line_count_in_chinese(client_for, world):  # noqa: F811
    from jxc.sales.invoices import record_sales_invoice

    w = world
    w.receive(w.cola, 30, "1")
    d1, d2 = _delivered(w, 10, "11.30"), _delivered(w, 5, "11.30")
    inv = record_sales_invoice(
        user=w.user, customer=w.customer, date=w.today, invoice_number="87654321",
        net_amount=D("150.00"), tax_amount=D("19.50"), deliveries=[d1.pk, d2.pk],
    )  # fmt: skip
    detail = client_for(w.user).get(f"/sales/invoices/{inv.pk}/").content.decode()
    history = detail[detail.index('id="audit"') :]
    assert "明细行数" in history and "Lines" not in history
