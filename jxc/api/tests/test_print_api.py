"""打印 through the API: a document as a PDF (the screens' printer), its permission and
warehouse scope, an unknown type, the paper sizes."""

import io
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from jxc.core.documents.lines import LineInput
from jxc.purchasing import services
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_purchase_order_as_pdf_through_the_api(client_for, shop, user_factory):  # noqa: F811
    po = services.create_purchase_order(
        user=shop.user,
        supplier=shop.supplier,
        warehouse=shop.warehouse,
        date=DAY,
        lines=[LineInput(sku=shop.cola.pk, qty=D(2), price=D("11.30"))],
    )
    client = client_for(shop.user)
    client.get("/")  # as in a running server, the screens (and their printers) are loaded
    response = client.get(f"/api/v1/documents/purchase_order/{po.pk}/pdf?paper=241x140")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert po.number in text and "贰拾贰元陆角整" in text
    assert client.get(f"/api/v1/documents/purchase_order/{po.pk + 99}/pdf").status_code == 404
    assert client.get(f"/api/v1/documents/no_such_type/{po.pk}/pdf").status_code == 404
    assert client.get(f"/api/v1/documents/purchase_order/{po.pk}/pdf?paper=a5").status_code == 422
    cashier = client_for(user_factory(roles=["cashier"]))
    assert cashier.get(f"/api/v1/documents/purchase_order/{po.pk}/pdf").status_code == 403
