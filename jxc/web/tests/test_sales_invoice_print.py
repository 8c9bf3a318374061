"""销项发票 print on the documents' mechanism: A4 and 241 × 140 三联 PDFs with the customer, the
发票号码, the deliveries covered and the 大写金额 of the 价税合计; the detail page offers the
buttons; the API prints it by type like any document, and not for a user outside its warehouses."""

import io
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.sales import deliveries, invoices
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db
MM = 72 / 25.4


def _text(content: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


@pytest.fixture
def invoiced(world):  # noqa: F811
    w = world
    w.receive(w.cola, 20, "1")
    d = deliveries.create_sales_delivery(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(10), price=D("11.30"))],
    )  # fmt: skip
    d = deliveries.post_sales_delivery(approve(submit(d, user=w.user), user=w.user), user=w.user)
    inv = invoices.record_sales_invoice(
        user=w.user, customer=w.customer, date=w.today, invoice_number="No.88001",
        net_amount=D("100.00"), tax_amount=D("13.00"), deliveries=[d.pk],
    )  # fmt: skip
    return inv, d


def test_sales_invoice_pdf_a4_and_three_part_with_amount_in_words(client_for, world, invoiced):  # noqa: F811
    inv, delivery = invoiced
    client = client_for(world.user)
    detail = client.get(f"/sales/invoices/{inv.pk}/").content.decode()
    assert f"/sales/invoices/{inv.pk}/pdf/" in detail
    assert f"/sales/invoices/{inv.pk}/pdf/?paper=241x140" in detail
    response = client.get(f"/sales/invoices/{inv.pk}/pdf/?paper=a4")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, reader = _text(response.content)
    assert inv.number in text and "销项发票" in text and "客户一" in text
    assert "No.88001" in text and delivery.number in text and "113.00" in text
    assert "壹佰壹拾叁元整" in text  # 大写金额 of the 价税合计
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width / MM), round(height / MM)) == (210, 297)
    three = client.get(f"/sales/invoices/{inv.pk}/pdf/?paper=241x140")
    width, height = (float(x) for x in _text(three.content)[1].pages[0].mediabox[2:])
    assert (round(width / MM), round(height / MM)) == (241, 140)
    page = client.get(f"/sales/invoices/{inv.pk}/print/").content.decode()
    assert "壹佰壹拾叁元整" in page and "No.88001" in page


def test_sales_invoice_pdf_through_the_api_and_not_outside_the_users_warehouses(
    client_for,
    world,  # noqa: F811
    invoiced,
    user_factory,
):
    from jxc.inventory.services import create_warehouse

    inv, _delivery = invoiced
    response = client_for(world.user).get(f"/api/v1/documents/sales_invoice/{inv.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    elsewhere = user_factory(roles=["finance"])
    elsewhere.all_warehouses = False
    elsewhere.save(update_fields=["all_warehouses"])
    create_warehouse(user=world.user, code="WH9", name="别处").users.add(elsewhere)
    client = client_for(elsewhere)
    assert client.get(f"/api/v1/documents/sales_invoice/{inv.pk}/pdf").status_code == 404
    assert client.get(f"/sales/invoices/{inv.pk}/pdf/").status_code == 404
