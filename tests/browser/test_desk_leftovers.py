"""What was left of issue 12 [Desk], in headless Chromium at 1280 px and 375 px:

- date boxes take 年-月-日 with a small Chinese calendar (never the browser's own picker), on
  document headers and report filters;
- the count page says a refused quantity (1.5 罐 of a whole-number unit) at its row and keeps
  what was typed, whether saved or sent with a scan;
- 收发存汇总 on a phone: cards named by group, folded to their quantities, 20 a page;
- mixed units (4箱13瓶 beside 109) in 库存流水, 按日期库存, 收发存汇总, the drill-downs and the
  Excel export;
- the scan box has the focus when a document form opens and F2 brings it back;
- toasts never cover 红冲, 打印, 修改 or 停用.
"""

import datetime as dt
import re
from decimal import Decimal as D
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from jxc.catalog import services as catalog
from jxc.core.documents.lines import LineInput
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import StockCountLine
from jxc.inventory.documents.tests.conftest import post
from tests.browser import test_count_scan, test_desk_words
from tests.browser.test_count_scan import CHIPS, COLA

sheet = test_count_scan.sheet  # a count sheet of cola (瓶, 箱) and chips
shop = test_desk_words.shop  # water 109 瓶 (24 a box), a posted 报溢

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 375, "height": 740}
PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])


def _open(new_page, viewport, **options):
    if viewport == PHONE:  # a phone's browser says so in its user agent
        options.update(is_mobile=True, has_touch=True, user_agent=PHONE_UA)
    return new_page(viewport=viewport, **options)


# --- 1. dates --------------------------------------------------------------------------------


@VIEWPORTS
def test_date_boxes_take_year_month_day_with_a_chinese_calendar(
    new_page, shop, login, viewport, shot
):
    page = _open(new_page, viewport)
    login(page, "boss")
    page.goto("/inventory/other-receipts/new/")
    box = page.locator("input[name=date]")
    expect(box).to_have_attribute("type", "text")
    expect(box).to_have_attribute("placeholder", "年-月-日")
    today = dt.date.today()
    expect(box).to_have_value(today.isoformat())
    box.click()
    picker = page.get_by_test_id("date-picker")
    expect(picker).to_be_visible()
    expect(page.get_by_test_id("date-picker-title")).to_have_text(f"{today.year}年{today.month}月")
    expect(picker).to_contain_text("一")
    expect(picker).to_contain_text("今天")
    bbox = picker.bounding_box()
    assert bbox and bbox["x"] >= 0 and bbox["x"] + bbox["width"] <= viewport["width"] + 1
    if viewport == DESKTOP:
        shot(page, "date-picker")
    page.get_by_test_id("date-picker-prev").click()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    expect(page.get_by_test_id("date-picker-title")).to_have_text(
        f"{last_month.year}年{last_month.month}月"
    )
    picker.locator(f"[data-value='{last_month:%Y-%m}-15']").click()
    expect(picker).to_have_count(0)
    expect(box).to_have_value(f"{last_month:%Y-%m}-15")
    # Typed the Chinese way or with slashes: put right when the box is left.
    box.fill(f"{today.year}年{today.month}月{today.day}日")
    box.press("Tab")
    expect(box).to_have_value(today.isoformat())
    box.fill(f"{today.year}/{today.month}/{today.day}")
    box.press("Tab")
    expect(box).to_have_value(today.isoformat())
    # Report filters: a month box (年-月) and date boxes.
    page.goto("/reports/movement-summary/")
    month = page.locator("input[name=month]")
    expect(month).to_have_attribute("placeholder", "年-月")
    month.click()
    expect(page.get_by_test_id("date-picker-title")).to_have_text(re.compile(r"^\d{4}年$"))
    page.get_by_test_id("date-picker").locator(f"[data-value='{today:%Y-%m}']").click()
    expect(month).to_have_value(f"{today:%Y-%m}")
    page.goto("/inventory/moves/")
    start = page.locator("input[name=start]")
    expect(start).to_have_attribute("placeholder", "年-月-日")
    start.fill("20260104")
    start.press("Tab")
    expect(start).to_have_value("2026-01-04")


def test_a_document_saves_with_a_date_typed_the_chinese_way(page, shop, login):
    login(page, "boss")
    page.goto("/inventory/other-receipts/new/")
    today = dt.date.today()
    page.locator("input[name=date]").fill(f"{today.year}年{today.month}月{today.day}日")
    page.locator("select[name=warehouse]").select_option(label="总仓")
    page.locator("select[name=reason]").select_option(index=1)
    page.get_by_test_id("grid-scan").focus()
    page.keyboard.type("WATER550")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("grid-qty").first).to_have_value("1")
    page.get_by_test_id("grid-qty").first.fill("2")
    page.get_by_test_id("grid-price").first.fill("2.50")
    page.get_by_test_id("btn-save").click()
    expect(page.get_by_test_id("doc-total")).to_be_visible()
    expect(page.locator("main")).to_contain_text(today.isoformat())


# --- 2. count page ---------------------------------------------------------------------------


def _counted(page, code):
    return page.locator(f"[data-testid=count-line][data-sku={code}]")


@VIEWPORTS
def test_count_page_refuses_a_fraction_of_a_whole_unit_at_its_row_and_keeps_it(
    new_page, sheet, login, viewport
):
    page = _open(new_page, viewport)
    login(page, "keeper")
    page.goto(f"/inventory/stock-counts/{sheet['count'].pk}/count/")
    cola = _counted(page, "COLA330")
    box = cola.get_by_test_id("counted")
    box.fill("1.5")  # refused at its row as it is typed
    expect(cola.get_by_test_id("row-error")).to_contain_text("只能按整瓶计数")
    expect(cola.get_by_test_id("row-error")).to_be_visible()
    _counted(page, "CHIPS70").get_by_test_id("counted").fill("4")
    page.get_by_test_id("btn-save-counts").click()
    # Saved: refused at the row, every box keeps what was typed, nothing of it saved.
    cola = _counted(page, "COLA330")
    expect(cola.get_by_test_id("row-error")).to_contain_text("第 1 行")
    expect(cola.get_by_test_id("counted")).to_have_value("1.5")
    expect(cola.get_by_test_id("counted")).to_be_focused()
    expect(_counted(page, "CHIPS70").get_by_test_id("counted")).to_have_value("4")
    assert {x.counted_qty for x in StockCountLine.objects.filter(count=sheet["count"])} == {None}
    bbox = cola.get_by_test_id("row-error").bounding_box()
    assert bbox and bbox["x"] + bbox["width"] <= viewport["width"] + 1
    # Sent with a scan: the scan counts, the refused box keeps 1.5 and says why at its row.
    page.get_by_test_id("scan-input").focus()
    page.keyboard.type(CHIPS)
    page.keyboard.press("Enter")
    expect(_counted(page, "CHIPS70").get_by_test_id("counted")).to_have_value("5")
    expect(cola.get_by_test_id("counted")).to_have_value("1.5")
    expect(cola.get_by_test_id("row-error")).to_contain_text("只能按整瓶计数")
    # Put right: the row's error goes.
    cola.get_by_test_id("counted").fill("2")
    page.get_by_test_id("btn-save-counts").click()
    expect(page.locator(".toast")).to_contain_text("已保存")
    expect(_counted(page, "COLA330").get_by_test_id("row-error")).to_be_hidden()
    assert StockCountLine.objects.get(count=sheet["count"], sku=sheet["cola"]).counted_qty == D(2)


def test_f2_returns_to_the_count_page_scan_box(page, sheet, login):
    login(page, "keeper")
    page.goto(f"/inventory/stock-counts/{sheet['count'].pk}/count/")
    page.get_by_test_id("counted").first.click()
    page.keyboard.press("F2")
    expect(page.get_by_test_id("scan-input")).to_be_focused()
    page.keyboard.type(COLA)
    page.keyboard.press("Enter")
    expect(_counted(page, "COLA330").get_by_test_id("counted")).to_have_value("1")


# --- 3. 收发存汇总 on a phone, 4. mixed units -----------------------------------------------


@pytest.fixture
def many(shop, owner):
    """30 more SKUs with stock this month, so the summary has pages."""
    bottle = shop["water"].base_unit
    lines = []
    for i in range(30):
        sku = catalog.create_product(
            user=owner, code=f"P{i:03d}", name=f"商品{i:03d}", base_unit=bottle
        ).skus.get()
        lines.append(LineInput(sku=sku.pk, qty=D(10 + i), price=D("1.20")))
    receipt = docs.create_stock_document(
        user=owner,
        kind="other_receipt",
        warehouse=shop["wh"],
        date=dt.date.today(),
        reason="other",
        lines=lines,
    )
    post(receipt, owner)
    return shop


def test_the_movement_summary_on_a_phone_is_folded_and_paged(new_page, many, login, shot):
    page = _open(new_page, PHONE)
    login(page, "boss")
    page.goto(f"/reports/movement-summary/?month={dt.date.today():%Y-%m}")
    table = page.get_by_test_id("report-table")
    cards = table.locator("tbody tr")
    expect(cards).to_have_count(20)  # a phone: 20 a page
    expect(page.locator(".pager .page").first).to_be_visible()
    card = cards.first
    shown = card.locator("td:visible").evaluate_all("cells => cells.map(c => c.dataset.label)")
    groups = {label.split(" · ")[0] for label in shown if label and " · " in label}
    assert {"期初", "入库合计", "出库合计", "期末"} <= groups, shown
    assert not [x for x in shown if x and x.endswith("金额")], shown  # folded: quantities only
    card.get_by_test_id("row-toggle").click()
    expect(card.locator("td[data-label='期末 · 金额']")).to_be_visible()
    expect(cards.nth(1).locator("td[data-label='期末 · 金额']")).to_be_hidden()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 12_000, height  # was ~77,000 px
    shot(page, "movement-summary-phone")
    page.locator(".pages a.page", has_text="2").click()
    expect(cards).to_have_count(12)  # water, milk and 30 more
    # A desktop reads them all on one page, every figure shown, no card toggles.
    desk = _open(new_page, DESKTOP)
    login(desk, "boss")
    desk.goto(f"/reports/movement-summary/?month={dt.date.today():%Y-%m}")
    rows = desk.get_by_test_id("report-table").locator("tbody tr")
    expect(rows).to_have_count(32)
    expect(rows.first.get_by_test_id("row-toggle")).to_be_hidden()
    expect(rows.first.locator("td.col-closing_value")).to_be_visible()


@VIEWPORTS
def test_mixed_units_in_every_stock_report_and_the_export(new_page, shop, login, viewport):
    page = _open(new_page, viewport)
    login(page, "boss")
    sku, month, today = shop["sku"], f"{dt.date.today():%Y-%m}", dt.date.today().isoformat()
    water = "4箱13瓶"  # 105 + 4 = 109 瓶, 24 a box
    for url in (
        "/inventory/stock/",
        f"/inventory/moves/?sku={sku.pk}",
        f"/inventory/stock-at-date/?date={today}",
        f"/reports/movement-summary/?month={month}",
        f"/inventory/stock/{sku.pk}/",
    ):
        page.goto(url)
        row = page.locator("tr", has_text=water).first
        expect(row.get_by_test_id("in-units").filter(has_text=water).first).to_be_visible()
        expect(row).to_contain_text("109")
    page.goto(f"/inventory/moves/?sku={sku.pk}")
    page.locator("td.col-date a").first.click()  # the move's own page
    expect(page.get_by_test_id("move-fields")).to_contain_text("4箱9瓶")  # its 105 瓶
    page.goto(f"/reports/movement-summary/?month={month}")
    with page.expect_download() as download:
        page.get_by_test_id("btn-export").click()
    with open(download.value.path(), "rb") as f:
        rows = list(load_workbook(BytesIO(f.read())).active.iter_rows(values_only=True))
    water_row = next(r for r in rows if "WATER550" in r)
    i = water_row.index(water)
    assert water_row[i - 1] == 109 and rows[1][i] == "数量（多单位）"


# --- 5. the scan box -------------------------------------------------------------------------


@VIEWPORTS
def test_the_scan_box_has_the_focus_and_f2_brings_it_back(new_page, shop, login, viewport):
    page = _open(new_page, viewport)
    login(page, "boss")
    page.goto("/inventory/other-receipts/new/")
    scan = page.get_by_test_id("grid-scan")
    expect(scan).to_be_focused()
    page.get_by_test_id("grid-qty").first.click()
    page.keyboard.press("F2")
    expect(scan).to_be_focused()
    page.keyboard.type("WATER550")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("grid-qty").first).to_have_value("1")
    expect(scan).to_be_focused()  # ready for the next code
    page.goto(f"/inventory/other-receipts/{shop['surplus'].pk}/")
    expect(page.locator("main")).to_be_visible()


# --- 6. toasts -------------------------------------------------------------------------------

TOASTS = (
    "() => { const t = document.getElementById('toasts'); for (const w of ['已过账。', "
    "'库存不足：现有 105 瓶，需要 99,999 瓶。这是一条很长的提示，会换行显示。', '已保存。']) {"
    " const d = document.createElement('div'); d.className = 'toast toast-error';"
    " d.innerHTML = '<span>' + w + '</span>'; t.append(d); } }"
)


def _not_covered(page, testid):
    button = page.get_by_test_id(testid).first
    expect(button).to_be_visible()
    covered = button.evaluate(
        "b => { const r = b.getBoundingClientRect();"
        " const pts = [[r.left + 2, r.top + 2], [r.right - 2, r.bottom - 2],"
        " [r.left + r.width / 2, r.top + r.height / 2]];"
        " return pts.some(([x, y]) => { const e = document.elementFromPoint(x, y);"
        " return !e || !(e === b || b.contains(e)); }); }"
    )
    assert not covered, testid


@VIEWPORTS
def test_toasts_never_cover_the_action_buttons(new_page, shop, login, viewport):
    page = _open(new_page, viewport)
    login(page, "boss")
    draft = docs.create_stock_document(
        user=shop["keeper"],
        kind="other_receipt",
        warehouse=shop["wh"],
        date=dt.date.today(),
        reason="other",
        lines=[LineInput(sku=shop["sku"].pk, qty=D(1), price=D(2))],
    )
    pages = [
        (f"/inventory/other-receipts/{shop['surplus'].pk}/", ["btn-reverse", "btn-print"]),
        (f"/inventory/other-receipts/{draft.pk}/", ["btn-edit-doc", "btn-print"]),
        (f"/inventory/warehouses/{shop['wh'].pk}/", ["btn-edit", "btn-active"]),
    ]
    for url, buttons in pages:
        page.goto(url)
        page.evaluate(TOASTS)
        for testid in buttons:
            _not_covered(page, testid)
    # A real one: after 过账 the document page says so, and 红冲 stays free.
    page.goto(f"/inventory/other-receipts/{draft.pk}/")
    page.get_by_test_id("btn-submit").click()
    expect(page.locator("#toasts .toast").first).to_be_visible()
    _not_covered(page, "btn-print")
