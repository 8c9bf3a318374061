"""财务 screens: 付款单 (settled automatically or by hand, a prepayment settled later, only from
an account the user may use), 供应商对账单 and 应付账龄 (screen, Excel with Chinese headers, PDF),
the permissions and the role migration's patterns."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from jxc.core.documents.models import SourceRef
from jxc.finance import payments
from jxc.finance.models import OpenItem, SupplierPayment
from jxc.finance.party_ledger import record_party_entries
from jxc.finance.rules import PartyLine
from jxc.finance.services import create_account
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401

pytestmark = pytest.mark.django_db


def owe(shop, n, amount, day, due):  # noqa: F811
    [entry] = record_party_entries(
        [PartyLine(side="payable", partner_id=shop.supplier.pk, amount=D(amount), date=day,
                   due_date=due)],
        source=SourceRef("purchase_receipt", n, f"CGRK-{n}"),
        user=shop.user,
    )  # fmt: skip
    return entry


@pytest.fixture
def books(shop):  # noqa: F811
    bank = create_account(user=shop.user, code="YH1", name="工商银行", kind="bank")
    first = owe(shop, 1, "100.00", DAY, DAY)
    second = owe(shop, 2, "50.00", DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=40))
    return bank, first, second


def test_supplier_payments_by_hand_and_automatic(client_for, shop, books):  # noqa: F811
    bank, first, second = books
    client = client_for(shop.user)
    assert client.get("/finance/supplier-payments/new/").status_code == 200
    items = client.get(
        f"/finance/supplier-payments/open-items/?supplier={shop.supplier.pk}&in_form=1"
    ).content.decode()
    assert "CGRK-1" in items and "CGRK-2" in items
    base = {"supplier": shop.supplier.pk, "account": bank.pk, "date": DAY.isoformat()}
    response = client.post(
        "/finance/supplier-payments/new/",
        {**base, "amount": "70", "discount": "0", "write_off": "0", f"alloc_{second.pk}": "50"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert OpenItem.objects.get(pk=second.pk).is_open is False  # chosen, not the oldest
    assert OpenItem.objects.get(pk=first.pk).open_amount == D(100)
    client.post(
        "/finance/supplier-payments/new/",
        {**base, "amount": "60", "discount": "0", "write_off": "0"},
    )
    assert OpenItem.objects.get(pk=first.pk).open_amount == D(40)  # the oldest due first
    listing = client.get("/finance/supplier-payments/").content.decode()
    assert all(p.number in listing for p in SupplierPayment.objects.all())


def test_paying_from_an_account_needs_permission_on_it(shop, books, user_factory):  # noqa: F811
    from jxc.core.models import Role

    _bank, _first, _second = books
    clerk = user_factory(roles=["finance"])
    petty = create_account(user=shop.user, code="XJ9", name="备用金")
    petty.roles.set([Role.objects.get(code="owner")])
    with pytest.raises(Exception) as refused:
        payments.record_supplier_payment(
            user=clerk, supplier=shop.supplier, account=petty, amount=D(1), date=DAY
        )
    assert getattr(refused.value, "code", "") == "account_not_permitted"
    assert refused.value.http_status == 403


def test_statement_screen_excel_and_pdf(client_for, shop, books):  # noqa: F811
    bank, _first, _second = books
    payments.record_supplier_payment(
        user=shop.user, supplier=shop.supplier, account=bank, amount=D(30),
        date=DAY + dt.timedelta(days=5),
    )  # fmt: skip
    client = client_for(shop.user)
    query = (
        f"partner={shop.supplier.pk}&date_from={(DAY + dt.timedelta(days=1)).isoformat()}"
        f"&date_to={(DAY + dt.timedelta(days=30)).isoformat()}"
    )
    page = client.get(f"/finance/payables/statement/?{query}")
    assert page.status_code == 200
    text = page.content.decode()
    opening = page.context["statement"].opening
    assert opening == D(100) and page.context["statement"].closing == D(120)
    assert "CGRK-2" in text and "付款单" in text and "期初余额" in text
    book = load_workbook(
        io.BytesIO(client.get(f"/finance/payables/statement/?{query}&export=xlsx").content)
    )
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("日期", "单据类型", "单据编号")
    assert rows[1][-1] == 100 and rows[-1][-1] == 120  # opening … closing, numbers as numbers
    pdf = client.get(f"/finance/payables/statement/?{query}&export=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    pdf_text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "供应商对账单" in pdf_text and "CGRK-2" in pdf_text and "120.00" in pdf_text


def test_aging_screen_by_due_date_with_excel_and_pdf(client_for, shop, books):  # noqa: F811
    client = client_for(shop.user)
    as_of = DAY + dt.timedelta(days=45)  # CGRK-1 45 days past due, CGRK-2 5 days
    page = client.get(f"/finance/payables/aging/?as_of={as_of.isoformat()}")
    row = page.context["table"]["rows"][0]
    texts = {c["col"].key: c["text"] for c in row}
    assert (texts["31-60"], texts["0-30"], texts["total"]) == ("100.00", "50.00", "150.00")
    assert f"/finance/payables/statement/?partner={shop.supplier.pk}" in page.content.decode()
    sheet = load_workbook(
        io.BytesIO(client.get(f"/finance/payables/aging/?as_of={as_of}&export=xlsx").content)
    ).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["编码", "供应商", "未到期"] and "31–60 天" in header
    assert header[-2:] == ["未核销预付及退货", "未核销合计"]  # credits apart, then the total
    pdf = client.get(f"/finance/payables/aging/?as_of={as_of}&export=pdf")
    assert "应付账龄" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_who_sees_the_finance_screens(client_for, shop, books, user_factory):  # noqa: F811
    keeper = client_for(user_factory(roles=["keeper"]))
    assert keeper.get("/finance/payables/aging/").status_code == 403
    assert keeper.get("/finance/supplier-payments/new/").status_code == 403
    buyer = client_for(user_factory(roles=["purchaser"]))
    assert buyer.get("/finance/payables/aging/").status_code == 200
    assert buyer.get("/finance/payables/aging/?export=xlsx").status_code == 403
    finance = client_for(user_factory(roles=["finance"]))
    home = finance.get("/").content.decode()
    for url in (
        "/finance/supplier-payments/",
        "/finance/payables/statement/",
        "/finance/payables/aging/",
    ):
        assert url in home


def test_a_payment_is_reversed_from_its_detail_page_with_a_reason(
    client_for,
    shop,  # noqa: F811
    books,
    user_factory,
):
    bank, first, _second = books
    pay = payments.record_supplier_payment(
        user=shop.user, supplier=shop.supplier, account=bank, amount=D("100"), date=DAY
    )
    assert not OpenItem.objects.get(pk=first.pk).is_open
    url = f"/finance/supplier-payments/{pay.pk}/"
    finance = client_for(user_factory(roles=["finance"]))
    page = finance.get(url).content.decode()
    assert 'data-testid="btn-reverse"' in page and "已过账" in page
    # a purchaser sees the payment, but has no 红冲 button and may not post one
    purchaser = client_for(user_factory(roles=["purchaser"]))
    assert 'data-testid="btn-reverse"' not in purchaser.get(url).content.decode()
    assert purchaser.post(f"{url}do/reverse/", {"reason": "x"}).status_code == 403
    # no reason: refused, nothing written
    finance.post(f"{url}do/reverse/", {"reason": ""})
    pay.refresh_from_db()
    assert pay.status == "posted"
    response = finance.post(f"{url}do/reverse/", {"reason": "付错金额"}, follow=True)
    page = response.content.decode()
    pay.refresh_from_db()
    assert pay.status == "reversed" and "已红冲" in page and "付错金额" in page
    assert 'data-testid="btn-reverse"' not in page
    # what it had paid is owed again; the list shows the status
    assert OpenItem.objects.filter(supplier=shop.supplier, is_open=True).count() == 2
    listing = finance.get("/finance/supplier-payments/").content.decode()
    assert "已红冲" in listing


def test_payment_list_searches_and_filters_by_name_not_by_id(client_for, shop, books):  # noqa: F811
    from jxc.partners.services import create_supplier

    bank, _first, _second = books
    other = create_supplier(user=shop.user, code="GYS2", name="义乌文具")
    mine = payments.record_supplier_payment(
        user=shop.user, supplier=shop.supplier, account=bank, amount=D(30), date=DAY
    )
    theirs = payments.record_supplier_payment(
        user=shop.user, supplier=other, account=bank, amount=D(20), date=DAY, memo="文具预付"
    )
    client = client_for(shop.user)

    def listed(query):
        page = client.get(f"/finance/supplier-payments/?{query}").content.decode()
        return {p.number for p in (mine, theirs) if p.number in page}

    assert listed("q=zzzz") == set()
    assert listed("q=义乌") == listed("q=GYS2") == listed("q=预付") == {theirs.number}
    assert listed(f"q={mine.number}") == {mine.number}
    assert listed(f"supplier={other.pk}") == {theirs.number}
    assert listed("status=reversed") == set()
    page = client.get("/finance/supplier-payments/").content.decode()
    # the filters offer the suppliers, the accounts and the statuses by name
    assert '<select name="supplier"' in page and "义乌文具" in page
    assert '<select name="account"' in page and "工商银行" in page
    assert '<select name="status"' in page and "已红冲" in page


def test_payment_form_words_follow_the_book(client_for, shop, books):  # noqa: F811
    client = client_for(shop.user)
    paying = client.get("/finance/supplier-payments/new/").content.decode()
    assert "以前的付款行" in paying and "预付款" in paying
    assert "预收款" not in paying and "以前的收款行" not in paying
    receiving = client.get("/finance/receipts/new/").content.decode()
    assert "以前的收款行" in receiving and "预收款" in receiving


def test_open_items_name_the_document_type_and_label_each_cell(client_for, shop, books):  # noqa: F811
    import re

    bank, first, _second = books
    payments.record_supplier_payment(  # 400 of it left open: a prepayment
        user=shop.user, supplier=shop.supplier, account=bank, amount=D(500), date=DAY,
        allocations=[(first.pk, D(100))],
    )  # fmt: skip
    part = (
        client_for(shop.user)
        .get(
            f"/finance/supplier-payments/open-items/?supplier={shop.supplier.pk}&in_form=1",
            headers={"HX-Request": "true"},
        )
        .content.decode()
    )
    kinds = re.findall(r'data-testid="open-item-kind">([^<]*)<', part)
    assert kinds and "单据" not in kinds and "付款" not in kinds
    assert "采购入库单" in kinds and "付款单" in kinds
    assert "未结金额" in part and "未结账" not in part  # not the period close's word
    body = part.split("<tbody>")[1]
    cells = re.findall(r"<td[^>]*>", body)
    assert cells and all('data-label="' in c for c in cells), cells


def test_settled_table_dates_and_names_the_discount_and_the_rounding_off(
    client_for,
    shop,  # noqa: F811
    books,
):
    bank, first, _second = books
    pay = payments.record_supplier_payment(
        user=shop.user, supplier=shop.supplier, account=bank, amount=D("91.70"),
        discount=D(8), write_off=D("0.30"), date=DAY + dt.timedelta(days=3),
        allocations=[(first.pk, D(100))],
    )  # fmt: skip
    page = client_for(shop.user).get(f"/finance/supplier-payments/{pay.pk}/").content.decode()
    settled = page.split('data-testid="settled"')[1].split("</table>")[0]
    assert "核销日期" in settled and "单据日期" in settled
    assert DAY.isoformat() in settled  # the receipt's date, beside the settlement's
    assert (DAY + dt.timedelta(days=3)).isoformat() in settled
    assert "付款单（折扣）" in settled and "付款单（抹零）" in settled


def test_statement_names_a_payments_discount_and_rounding_off(client_for, shop, books):  # noqa: F811
    bank, _first, _second = books
    pay = payments.record_supplier_payment(
        user=shop.user, supplier=shop.supplier, account=bank, amount=D("91.70"),
        discount=D(8), write_off=D("0.30"), date=DAY,
    )  # fmt: skip
    client = client_for(shop.user)
    query = f"partner={shop.supplier.pk}&date_from={DAY.isoformat()}&date_to={DAY.isoformat()}"
    page = client.get(f"/finance/payables/statement/?{query}")
    kinds = {
        c["text"]
        for row in page.context["table"]["rows"]
        for c in row
        if c["col"].key == "kind" and any(x["text"] == pay.number for x in row)
    }
    assert kinds == {"付款单", "付款单（折扣）", "付款单（抹零）"}
    sheet = load_workbook(
        io.BytesIO(client.get(f"/finance/payables/statement/?{query}&export=xlsx").content)
    ).active
    exported = {r[1] for r in sheet.iter_rows(values_only=True) if r[2] == pay.number}
    assert exported == kinds


def test_statement_with_the_dates_reversed_says_so_in_its_own_words(client_for, shop, books):  # noqa: F811
    page = client_for(shop.user).get(
        f"/finance/payables/statement/?partner={shop.supplier.pk}"
        f"&date_from=2026-03-31&date_to=2026-03-01"
    )
    text = page.content.decode()
    assert "结束日期早于开始日期。" in text and "失效日期" not in text
    assert page.context.get("statement") is None
