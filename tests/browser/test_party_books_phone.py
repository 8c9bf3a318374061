"""付款单 and 供应商对账单 on a phone (390 px): the open items of the payment form are cards
with each value named by its column, and the statement's totals row (期末余额) is a card as
wide as the rows above it, not squeezed to the width of its text."""

import datetime as dt
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from jxc.core.documents.models import SourceRef
from jxc.finance import payments
from jxc.finance.party_ledger import record_party_entries
from jxc.finance.rules import PartyLine

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def books(owner, user_factory):
    from jxc.finance.services import create_account
    from jxc.partners.services import create_supplier

    supplier = create_supplier(user=owner, code="GYS1", name="义乌得力办公用品有限公司")
    bank = create_account(user=owner, code="JH", name="建行基本户", kind="bank")
    today = dt.date.today()
    for n, amount in ((1, "388.30"), (2, "1520.20")):
        record_party_entries(
            [PartyLine(side="payable", partner_id=supplier.pk, amount=D(amount), date=today,
                       due_date=today + dt.timedelta(days=30))],
            source=SourceRef("purchase_receipt", n, f"CGRK-{n}"),
            user=owner,
        )  # fmt: skip
    payments.record_supplier_payment(
        user=owner, supplier=supplier, account=bank, amount=D("380.00"), discount=D("8.00"),
        write_off=D("0.30"), date=today,
    )  # fmt: skip
    user_factory(roles=["finance"], username="caiwu", first_name="财务小王")
    return {"supplier": supplier, "today": today}


def _phone(new_page):
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True)


def test_statement_totals_card_is_as_wide_as_the_rows(new_page, books, login):
    page = _phone(new_page)
    login(page, "caiwu")
    today = books["today"]
    page.goto(
        f"/finance/payables/statement/?partner={books['supplier'].pk}"
        f"&date_from={today.replace(day=1)}&date_to={today}"
    )
    table = page.get_by_test_id("report-table")
    totals = table.get_by_test_id("totals")
    expect(totals).to_contain_text("期末余额")
    row_width = table.locator("tbody tr").first.bounding_box()["width"]
    totals_width = totals.bounding_box()["width"]
    assert abs(totals_width - row_width) <= 1, (totals_width, row_width)
    # the payment's discount and 抹零 say what they are
    kinds = table.locator("tbody td.col-kind").all_inner_texts()
    assert {"付款单", "付款单（折扣）", "付款单（抹零）"} <= set(kinds), kinds


def test_payment_form_open_items_name_each_value(new_page, books, login):
    page = _phone(new_page)
    login(page, "caiwu")
    page.goto("/finance/supplier-payments/new/")
    page.locator("#id_supplier").select_option(str(books["supplier"].pk))
    rows = page.get_by_test_id("open-items-table").locator("tbody tr")
    expect(rows).to_have_count(1)  # CGRK-2: CGRK-1 was paid
    labels = rows.first.locator("td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert labels == [
        '"单据"',
        '"类型"',
        '"单据日期"',
        '"到期日"',
        '"金额"',
        '"未结金额"',
        '"本次核销"',
    ], labels
    expect(rows.first.get_by_test_id("open-item-kind")).to_have_text("采购入库单")
