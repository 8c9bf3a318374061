"""付款单 and 收款单 print on the documents' mechanism: A4 and 241 × 140 三联 PDFs with the
partner, the account, the 大写金额 of the amount, what was settled and the advance left open;
the detail page offers the buttons; the API prints them by type like any document."""

import io
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from jxc.core.documents.models import SourceRef
from jxc.finance import payments
from jxc.finance.party_ledger import record_party_entries
from jxc.finance.rules import PartyLine
from jxc.finance.services import create_account
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401

pytestmark = pytest.mark.django_db
MM = 72 / 25.4


def text_of(content: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def _owe(shop, side, partner_id, n, amount, kind):  # noqa: F811
    [entry] = record_party_entries(
        [PartyLine(side=side, partner_id=partner_id, amount=D(amount), date=DAY, due_date=DAY)],
        source=SourceRef(kind, n, f"{kind[:2].upper()}-{n}"),
        user=shop.user,
    )
    return entry


@pytest.fixture
def paid(shop):  # noqa: F811
    bank = create_account(user=shop.user, code="YH1", name="工商银行", kind="bank")
    _owe(shop, "payable", shop.supplier.pk, 1, "100.00", "purchase_receipt")
    payment = payments.record_supplier_payment(
        user=shop.user,
        supplier=shop.supplier,
        account=bank,
        date=DAY,
        amount=D("1234.50"),
        discount=D(0),
        write_off=D(0),
        memo="三月货款",
    )
    return payment


def test_supplier_payment_pdf_a4_has_partner_account_settled_and_amount_in_words(
    client_for,
    shop,  # noqa: F811
    paid,
):
    client = client_for(shop.user)
    detail = client.get(f"/finance/supplier-payments/{paid.pk}/").content.decode()
    assert f"/finance/supplier-payments/{paid.pk}/pdf/" in detail
    assert f"/finance/supplier-payments/{paid.pk}/pdf/?paper=241x140" in detail
    response = client.get(f"/finance/supplier-payments/{paid.pk}/pdf/?paper=a4")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, reader = text_of(response.content)
    assert paid.number in text and "付款单" in text
    assert "供应商一" in text and "工商银行" in text and "三月货款" in text
    assert "壹仟贰佰叁拾肆元伍角整" in text and "1,234.50" in text  # 大写金额 and the figure
    assert "PU-1" in text and "100.00" in text  # the receipt it settled
    assert "1,134.50" in text  # the advance left open (预付)
    assert "收款人" in text and "制单" in text
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width / MM), round(height / MM)) == (210, 297)


def test_customer_receipt_pdf_on_three_part_paper(client_for, shop, owner):  # noqa: F811
    from jxc.partners.services import create_customer

    customer = create_customer(user=owner, code="KH1", name="杭州客户", payment_terms_days=10)
    cash = create_account(user=owner, code="XJ", name="现金柜", kind="cash")
    _owe(shop, "receivable", customer.pk, 7, "88.00", "sales_delivery")
    receipt = payments.record_customer_payment(
        user=owner, customer=customer, account=cash, date=DAY, amount=D("88.00"),
        discount=D(0), write_off=D(0),
    )  # fmt: skip
    response = client_for(owner).get(f"/finance/receipts/{receipt.pk}/pdf/?paper=241x140")
    assert response.status_code == 200
    text, reader = text_of(response.content)
    assert receipt.number in text and "收款单" in text and "杭州客户" in text
    assert "捌拾捌元整" in text and "SA-7" in text and "交款人" in text
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width / MM), round(height / MM)) == (241, 140)
    page = client_for(owner).get(f"/finance/receipts/{receipt.pk}/print/").content.decode()
    assert "捌拾捌元整" in page and receipt.number in page


def test_payment_pdf_through_the_api_and_not_for_a_stranger(
    client_for,
    shop,  # noqa: F811
    paid,
    user_factory,
):
    api = client_for(shop.user).get(f"/api/v1/documents/supplier_payment/{paid.pk}/pdf")
    assert api.status_code == 200 and api["Content-Type"] == "application/pdf"
    assert paid.number in text_of(api.content)[0]
    seller = client_for(user_factory(roles=["sales"]))
    assert seller.get(f"/finance/supplier-payments/{paid.pk}/pdf/").status_code == 403


def test_a_payment_print_without_the_cjk_font_falls_back_to_the_page(
    client_for,
    shop,  # noqa: F811
    paid,
    monkeypatch,
):
    from jxc.core.printing import fonts

    monkeypatch.setattr(fonts, "_candidates", lambda: ["/nonexistent/font.ttf"])
    fonts.forget()
    try:
        response = client_for(shop.user).get(f"/finance/supplier-payments/{paid.pk}/pdf/")
        assert response.status_code == 302
        assert response["Location"].endswith(f"/finance/supplier-payments/{paid.pk}/print/")
    finally:
        monkeypatch.undo()
        fonts.forget()
