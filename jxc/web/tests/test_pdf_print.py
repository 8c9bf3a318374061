"""打印 as PDF on the document platform: every document screen has it (A4 and 241 × 140 三联),
the CJK font is embedded, the 大写金额 and the lines are in the text, cost figures are masked
for a reader without cost.view, and a machine without the font falls back to the page print."""

import io
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from jxc.core.documents import actions
from jxc.core.documents.lines import LineInput
from jxc.core.printing import fonts
from jxc.purchasing import services
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401
from jxc.web.generic.documents import DOCUMENT_SCREENS

pytestmark = pytest.mark.django_db
MM = 72 / 25.4


def read(content: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.add(str(font["/BaseFont"]))
    return names


@pytest.fixture
def order(shop):  # noqa: F811
    po = services.create_purchase_order(
        user=shop.user,
        supplier=shop.supplier,
        warehouse=shop.warehouse,
        date=DAY,
        prices_include_tax=True,
        memo="三月补货",
        lines=[
            LineInput(sku=shop.cola.pk, qty=D(5), unit=shop.box.pk, price=D("67.80")),
            LineInput(sku=shop.tea.pk, qty=D(10), price=D("2.18"), tax_rate=D(9)),
        ],
    )
    return services.approve_purchase_order(actions.submit(po, user=shop.user), user=shop.user)


def test_purchase_order_pdf_on_a4_has_the_lines_the_amount_in_words_and_the_font_embedded(
    client_for,
    shop,  # noqa: F811
    order,
):
    response = client_for(shop.user).get(f"/purchasing/orders/{order.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, reader = read(response.content)
    assert order.number in text and "采购订单" in text and "供应商一" in text
    assert "COLA" in text and "TEA" in text and "三月补货" in text
    assert order.total_amount == D("360.80")
    assert "叁佰陆拾元捌角整" in text and "360.80" in text  # 大写金额 and the figure
    assert "制单" in text and "审核" in text
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width / MM), round(height / MM)) == (210, 297)
    assert any("WenQuanYi" in name for name in embedded_fonts(reader))


def test_three_part_paper_is_241_by_140_mm_and_names_the_copies(client_for, shop, order):  # noqa: F811
    many = services.create_purchase_order(
        user=shop.user,
        supplier=shop.supplier,
        warehouse=shop.warehouse,
        date=DAY,
        lines=[LineInput(sku=shop.cola.pk, qty=D(i), price=D("1.13")) for i in range(1, 31)],
    )
    response = client_for(shop.user).get(f"/purchasing/orders/{many.pk}/pdf/?paper=241x140")
    text, reader = read(response.content)
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width / MM), round(height / MM)) == (241, 140)
    assert len(reader.pages) > 1  # 30 lines do not fit on one sheet: the lines go on
    assert f"第 {len(reader.pages)} 页，共 {len(reader.pages)} 页" in text
    assert "存根" in text and many.number in reader.pages[-1].extract_text()


def test_a_reader_without_cost_view_gets_no_price_in_the_pdf(client_for, shop, order, user_factory):  # noqa: F811
    keeper = user_factory(roles=["keeper"])
    response = client_for(keeper).get(f"/purchasing/orders/{order.pk}/pdf/")
    text, _reader = read(response.content)
    assert "COLA" in text and "***" in text
    assert "67.80" not in text and "360.80" not in text and "叁佰陆拾" not in text


def test_without_a_cjk_font_the_pdf_falls_back_to_the_page_print(
    client_for,
    shop,  # noqa: F811
    order,
    monkeypatch,
):
    monkeypatch.setattr(fonts, "_candidates", lambda: ["/nonexistent/font.ttf"])
    fonts.forget()
    try:
        client = client_for(shop.user)
        response = client.get(f"/purchasing/orders/{order.pk}/pdf/")
        assert response.status_code == 302
        assert response["Location"].endswith(f"/purchasing/orders/{order.pk}/print/")
        page = client.get(response["Location"]).content.decode()
        assert order.number in page and "叁佰陆拾元捌角整" in page
        detail = client.get(f"/purchasing/orders/{order.pk}/").content.decode()
        assert f"/purchasing/orders/{order.pk}/print/" in detail and "/pdf/" not in detail
    finally:
        monkeypatch.undo()
        fonts.forget()
    assert fonts.cjk_font() is not None  # found again: the other tests print


def test_every_document_screen_prints_a_pdf(client_for, owner):
    """The stock documents' print is the same mechanism: each declared screen has its PDF
    URL and registers its printer for the API."""
    from django.urls import reverse

    from jxc.core.printing.registry import PRINTERS

    client_for(owner).get("/")  # the URLs are loaded
    assert len(DOCUMENT_SCREENS) >= 10
    for doc_type, screen in DOCUMENT_SCREENS.items():
        assert reverse(f"web:{screen.url_name}_pdf", args=[1]).endswith("/1/pdf/"), doc_type
        assert doc_type in PRINTERS, doc_type
