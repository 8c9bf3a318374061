"""送货单: the 销售出库单's print on the platform's PDF mechanism — A4 and 241 × 140 三联, titled
送货单, the 大写金额, boxes for 送货人 / 收货人 / 日期, a QR code of the document number, and no
cost or margin on the paper (it goes to the customer), whoever prints."""

import io
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.core.printing import pdf
from jxc.sales import deliveries
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db
MM = 72 / 25.4


@pytest.fixture
def delivery(world):  # noqa: F811
    w = world
    w.receive(w.cola, 30, "1.2345")
    d = deliveries.create_sales_delivery(
        user=w.user,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(12), price=D("11.30"))],
    )
    return deliveries.post_sales_delivery(approve(submit(d, user=w.user), user=w.user), user=w.user)


def _xobjects(page) -> list[str]:
    found = page["/Resources"].get("/XObject") or {}
    return [str(k) for k in found.get_object()]


@pytest.mark.parametrize(("paper", "size_mm"), [("a4", (210, 297)), ("241x140", (241, 140))])
def test_delivery_note_pdf_has_number_words_boxes_and_qr(
    client_for,
    world,  # noqa: F811
    delivery,
    paper,
    size_mm,
    monkeypatch,
):
    seen: list[str] = []
    real = pdf.qr_drawing

    def spy(text, side):
        seen.append(text)
        return real(text, side)

    monkeypatch.setattr(pdf, "qr_drawing", spy)
    response = client_for(world.user).get(f"/sales/deliveries/{delivery.pk}/pdf/", {"paper": paper})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    first = reader.pages[0]
    w, h = float(first.mediabox.width), float(first.mediabox.height)
    assert (round(w / MM), round(h / MM)) == size_mm
    assert "送货单" in text and delivery.number in text
    assert "壹佰叁拾伍元陆角整" in text  # 12 × 11.30 = 135.60 价税合计
    for word in ("送货人", "收货人", "日期"):
        assert word in text
    assert seen == [delivery.number]  # the QR code holds the document number
    assert any("jxc_qr" in name for name in _xobjects(first))
    # the paper goes to the customer: no cost of goods sold or margin, even for the owner
    assert "毛利" not in text and "销售成本" not in text and "14.81" not in text


def test_delivery_note_through_the_api_and_html_print(client_for, world, delivery):  # noqa: F811
    client = client_for(world.user)
    response = client.get(f"/api/v1/documents/sales_delivery/{delivery.pk}/pdf?paper=241x140")
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "送货单" in text and delivery.number in text
    page = client.get(f"/sales/deliveries/{delivery.pk}/print/").content.decode()
    assert "送货单" in page and "收货人" in page and "毛利" not in page


def test_qr_drawing_encodes_the_text():
    drawing = pdf.qr_drawing("XSCK20261206-0001", 18 * MM)
    (widget,) = drawing.contents
    assert widget.value == "XSCK20261206-0001"
    assert (drawing.width, drawing.height) == (18 * MM, 18 * MM)
