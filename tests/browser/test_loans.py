"""A keeper lends samples to a customer and takes them back in two parts, in headless Chromium.

The 借出单 is typed in the generic document form (a wrong quantity first: the row says why),
posted through its workflow buttons; the detail page's 归还 form takes 1 of 3 back, the
未归还 list shows the 2 still out, the second return completes the loan.
"""

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.documents.lines import LineInput
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.models import StockBalance
from jxc.loans.models import LoanOut
from jxc.partners import services as partners

D = Decimal
SHOTS = os.environ.get("JXC_LOAN_SHOTS")  # a directory: keep a picture of each screen


def _look(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def samples(owner, user_factory):
    pcs = catalog.create_unit(user=owner, name="个")
    cola = catalog.create_product(
        user=owner,
        code="COLA330",
        name="可口可乐 330ml",
        base_unit=pcs,
        units=[UnitSpec(unit_id=pcs.pk, barcode="6901234567892")],
    ).skus.get()
    wh = inventory.create_warehouse(user=owner, code="WH01", name="总仓")
    doc = docs.create_stock_document(
        user=owner,
        kind="opening_stock",
        warehouse=wh,
        date=dt.date.today(),
        lines=[LineInput(sku=cola.pk, qty=D(10), price=D("2.50"))],
    )
    for step in (docs.submit_document, docs.approve_document, docs.post_document):
        doc = step(doc, user=owner)
    customer = partners.create_customer(user=owner, code="KH01", name="华联超市")
    user_factory(roles=["keeper"], username="keeper", first_name="仓管小李")
    return {"cola": cola, "warehouse": wh, "customer": customer}


def test_keeper_lends_samples_and_takes_them_back_in_two_parts(new_page, samples, login):
    s = samples
    page = new_page()
    login(page, "keeper")
    page.goto("/inventory/loans-out/")
    expect(page.locator("h1")).to_have_text("借出单")
    _look(page, "loans_out_list_empty")
    page.goto("/inventory/loans-out/new/")
    page.locator("select[name=warehouse]").select_option(str(s["warehouse"].pk))
    page.locator("select[name=customer]").select_option(str(s["customer"].pk))
    picker = page.get_by_test_id("sku-picker").first
    picker.fill("COLA")
    expect(page.locator(".picker-results").first).to_contain_text("COLA330")
    picker.press("Enter")
    page.get_by_test_id("grid-qty").first.fill("-3")
    _look(page, "loans_out_form")
    page.get_by_test_id("btn-save").click()
    expect(page.locator("[data-testid=grid-row] .error").filter(has_text="大于零")).to_be_visible()
    _look(page, "loans_out_form_error")
    assert not LoanOut.objects.exists()
    page.get_by_test_id("grid-qty").first.fill("3")
    page.get_by_test_id("btn-save").click()
    expect(page.locator("h1")).to_contain_text("JCD")
    for label in ("提交", "审核", "过账"):
        page.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_test_id("return-form")).to_be_visible()
    _look(page, "loans_out_detail")
    page.get_by_test_id("return-qty").fill("1")
    page.get_by_test_id("btn-return").click()
    expect(page.get_by_test_id("return-qty")).to_have_value("2")
    page.goto("/inventory/loans-out/outstanding/")
    expect(page.get_by_test_id("outstanding")).to_contain_text("华联超市")
    _look(page, "loans_out_outstanding")
    loan = LoanOut.objects.get()
    page.goto(f"/inventory/loans-out/{loan.pk}/")
    page.get_by_test_id("btn-return").click()
    expect(page.get_by_test_id("return-form")).to_have_count(0)
    assert LoanOut.objects.get().status == "done"
    on_hand = StockBalance.objects.get(sku=s["cola"], warehouse=s["warehouse"]).on_hand
    assert on_hand == D(10)
    page.goto(f"/inventory/loans-out/{loan.pk}/print/")
    _look(page, "loans_out_print")
