"""老板 reads last month's stock and closes it, in headless Chromium.

The home page shows the stock alerts; 收发存汇总 of last month has its totals row and exports
an .xlsx with Chinese headers; 月结 closes the month (a posting into it is then refused) and
the owner reopens it with a reason.
"""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from jxc.core.errors import PeriodClosed
from jxc.core.models import ClosedPeriod
from jxc.core.services import update_company
from jxc.inventory.services import set_stock_limit
from jxc.inventory.testing import LedgerKit


@pytest.fixture
def last_month(owner):
    update_company(user=owner, name="好运来商贸有限公司")
    first = dt.date.today().replace(day=1)
    start = (first - dt.timedelta(days=1)).replace(day=1)
    kit = LedgerKit(user=owner)
    cola, zc = kit.sku("COLA", price="2"), kit.warehouse("ZC")
    kit.receive(cola, zc, "24", "2.15", day=start)
    kit.issue(cola, zc, "10", day=start + dt.timedelta(days=9))
    set_stock_limit(user=owner, sku=cola, warehouse=zc, min_qty=Decimal(20), max_qty=None)
    return {"kit": kit, "cola": cola, "zc": zc, "start": start}


def test_owner_reads_the_summary_and_closes_the_month(new_page, last_month, login, shot):
    m = last_month
    page = new_page()
    login(page, "boss")
    expect(page.get_by_test_id("alert-below_min")).to_contain_text("1")

    page.goto(f"/reports/movement-summary/?month={m['start']:%Y-%m}")
    expect(page.locator("h1")).to_have_text("收发存汇总")
    totals = page.get_by_test_id("totals")
    expect(totals).to_contain_text("合计")
    expect(totals).to_contain_text("30.10")  # 14 × 2.15 left at the end of the month
    shot(page, "movement-summary")
    with page.expect_download() as download:
        page.get_by_test_id("btn-export").click()
    ws = load_workbook(BytesIO(download.value.path().read_bytes())).active
    rows = list(ws.iter_rows(values_only=True))
    assert "期初" in rows[0] and "期末" in rows[0]

    page.goto("/reports/periods/")
    expect(page.locator("h1")).to_have_text("月结")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.get_by_test_id("btn-close").click()
    expect(page.locator(".toast")).to_contain_text("已结账")
    assert f"{m['start']:%Y-%m}" in asked[0] and "过账" in asked[0], asked
    assert ClosedPeriod.objects.filter(year=m["start"].year, month=m["start"].month).exists()
    with pytest.raises(PeriodClosed):
        m["kit"].receive(m["cola"], m["zc"], "1", "2", day=m["start"])
    shot(page, "period-close")

    page.get_by_test_id("reopen-reason").fill("补录上月入库单")
    page.get_by_test_id("btn-reopen").click()
    expect(page.locator(".toast")).to_contain_text("已反结账")
    assert not ClosedPeriod.objects.exists()
