"""Guards that used to come too late (issue 12 [Desk]), in headless Chromium: a count typed
as 4040 for 40 is listed first in the review and posts only once the large variance is
ticked as checked; 月结 asks first and says what it will lock."""

import datetime as dt
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.documents.lines import LineInput
from jxc.core.models import ClosedPeriod
from jxc.core.services import update_company
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import StockCount
from jxc.inventory.documents.tests.conftest import post


@pytest.fixture
def count_of_4040(owner):
    update_company(user=owner, name="好运来商贸有限公司")
    can = catalog.create_unit(user=owner, name="罐")
    skus = [
        catalog.create_product(
            user=owner, code=code, name=name, base_unit=can, units=[UnitSpec(unit_id=can.pk)]
        ).skus.get()
        for code, name in (("A001", "雪碧 330ml"), ("COLA", "可口可乐 330ml"))
    ]
    wh = inventory.create_warehouse(user=owner, code="ZC", name="总仓")
    today = dt.date.today()
    opening = docs.create_stock_document(
        user=owner,
        kind="opening_stock",
        warehouse=wh,
        date=today,
        lines=[LineInput(sku=s.pk, qty=D(40), price=D("2.15")) for s in skus],
    )
    post(opening, owner)
    count = docs.create_stock_count(user=owner, warehouse=wh, date=today)
    lines = {x.sku_id: x.pk for x in count.lines.all()}
    docs.record_counts(
        count, user=owner, counts={lines[skus[0].pk]: D(39), lines[skus[1].pk]: D(4040)}
    )
    return docs.approve_document(docs.submit_document(count, user=owner), user=owner)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_large_count_variance_is_listed_first_and_must_be_ticked(
    new_page, count_of_4040, login, width
):
    page = new_page(viewport={"width": width, "height": 860 if width > 400 else 740})
    login(page, "boss")
    page.goto(f"/inventory/stock-counts/{count_of_4040.pk}/review/")
    expect(page.get_by_test_id("large-variances")).to_contain_text("1 行")
    first = page.get_by_test_id("review-line").first
    expect(first).to_have_attribute("data-sku", "COLA")
    expect(first).to_have_attribute("data-large", "1")
    expect(first.get_by_test_id("variance")).to_have_text("4,000")
    page.on("dialog", lambda d: d.accept())
    page.get_by_test_id("btn-post").click()  # not ticked: the browser keeps the form
    page.wait_for_timeout(300)
    assert StockCount.objects.get(pk=count_of_4040.pk).status == "approved"
    page.get_by_test_id("confirm-large").check()
    page.get_by_test_id("btn-post").click()
    expect(page.locator(".toast")).to_contain_text("已完成")
    assert StockCount.objects.get(pk=count_of_4040.pk).status == "posted"


def test_period_close_asks_first_and_says_what_it_locks(page, count_of_4040, login):
    login(page, "boss")
    page.goto("/reports/periods/")
    month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    expect(page.get_by_test_id("close-locks")).to_contain_text(month)
    expect(page.get_by_test_id("close-locks")).to_contain_text("过账")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_test_id("btn-close").click()
    page.wait_for_timeout(300)
    assert asked and month in asked[0] and "红冲" in asked[0], asked
    assert not ClosedPeriod.objects.exists()
