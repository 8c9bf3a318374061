"""The line grid every document form shares, in headless Chromium (issue 12, the grid):
a floating picker with variant, unit and available quantity; scanning (box barcodes, repeats,
bursts, Enter before the search); the keyboard (Enter, Ctrl+S, Tab); the live 合计 row and
the one on the detail page and the print; 3箱5瓶; 保存并过账.

其他入库 is the document driven here: the grid is built once on the document platform, so
every document type gets what is tested here.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.documents.lines import LineInput
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import OtherReceipt
from jxc.inventory.models import StockBalance

D = Decimal
BOTTLE, BOX = "6901234567892", "16901234567899"


@pytest.fixture
def shop(owner):
    """Drinks in 瓶 and 箱 (12), a T-shirt in 红/白 × S/M (one SKU each), twelve 汤圆 flavours
    whose initials are all ``txyl``, stock of each in 总仓."""
    bottle = catalog.create_unit(user=owner, name="瓶")
    box = catalog.create_unit(user=owner, name="箱")
    piece = catalog.create_unit(user=owner, name="件")
    cola = catalog.create_product(
        user=owner,
        code="COLA330",
        name="可口可乐 330ml",
        base_unit=bottle,
        units=[
            UnitSpec(unit_id=bottle.pk, barcode=BOTTLE),
            UnitSpec(unit_id=box.pk, factor=D(12), barcode=BOX),
        ],
    ).skus.get()
    shirt = catalog.create_product(
        user=owner,
        code="TS01",
        name="圆领T恤",
        base_unit=piece,
        attribute1="颜色",
        values1=["红", "白"],
        attribute2="尺码",
        values2=["S", "M"],
    )
    red_s = shirt.skus.get(value1="红", value2="S")
    flavours = []
    for i, name in enumerate(
        [
            "芝麻",
            "花生",
            "豆沙",
            "黑糖",
            "紫薯",
            "抹茶",
            "草莓",
            "芒果",
            "椰子",
            "红枣",
            "桂花",
            "玫瑰",
        ]
    ):
        flavours.append(
            catalog.create_product(
                user=owner,
                code=f"TY{i:02d}",
                name=f"汤圆{name}",
                base_unit=bottle,
                mnemonic=f"txyl{i:02d}",
            ).skus.get()
        )
    wh = inventory.create_warehouse(user=owner, code="WH01", name="总仓")
    opening = docs.create_stock_document(
        user=owner,
        kind="opening_stock",
        warehouse=wh,
        date=dt.date.today(),
        lines=[
            LineInput(sku=cola.pk, qty=D(41), price=D("2.50")),
            LineInput(sku=red_s.pk, qty=D(5), price=D(30)),
            *[LineInput(sku=s.pk, qty=D(3), price=D(8)) for s in flavours],
        ],
    )
    for step in (docs.submit_document, docs.approve_document, docs.post_document):
        opening = step(opening, user=owner)
    return {"cola": cola, "red_s": red_s, "warehouse": wh}


def _new_receipt(page, login, shop):
    login(page, "boss")
    page.goto("/inventory/other-receipts/new/")
    expect(page.get_by_test_id("grid-row")).to_have_count(1)  # Alpine has started
    page.locator("select[name=warehouse]").select_option(str(shop["warehouse"].pk))
    # 原因 has no preselected choice (desk's words): the user picks one.
    page.locator("select[name=reason]").select_option("other")


def _scan(page, target, code: str) -> None:
    """What a scanner does: the code's characters fast, then Enter."""
    target.focus()
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def _lines(page):
    return [
        (
            row.get_by_test_id("sku-picker").input_value(),
            row.get_by_test_id("grid-qty").input_value(),
        )
        for row in page.get_by_test_id("grid-row").all()
        if row.get_by_test_id("sku-picker").input_value()
    ]


def test_picker_floats_above_the_table_moves_with_arrows_and_shows_variant_unit_available(
    page, shop, login, shot
):
    _new_receipt(page, login, shop)
    picker = page.get_by_test_id("sku-picker").first
    picker.fill("txyl")
    panel = page.get_by_test_id("sku-picker-panel")
    expect(panel.get_by_test_id("sku-result")).to_have_count(12)
    # Floating: not inside the grid's scroll area, taller than a sliver, under the input.
    assert panel.evaluate("el => !el.closest('.table-wrap')")
    box, field = panel.bounding_box(), picker.bounding_box()
    assert box["height"] > 200, box
    assert abs(box["y"] - (field["y"] + field["height"])) < 6
    first = panel.get_by_test_id("sku-result").first
    expect(first.get_by_test_id("result-unit")).to_have_text("瓶")
    expect(first.get_by_test_id("result-available")).to_have_text("可用 3瓶")
    # ↓ eleven times: the chosen row is the last one and is scrolled into view.
    for _ in range(11):
        picker.press("ArrowDown")
    last = panel.get_by_test_id("sku-result").nth(11)
    expect(last).to_have_class("active")
    assert panel.evaluate(
        "el => { const li = el.querySelectorAll('li')[11].getBoundingClientRect(); "
        "const b = el.getBoundingClientRect(); return li.top >= b.top && li.bottom <= b.bottom + 1; }"
    )
    picker.press("ArrowUp")
    expect(panel.get_by_test_id("sku-result").nth(10)).to_have_class("active")
    shot(page, "grid-picker")
    picker.press("Enter")
    expect(picker).to_have_value("TY10 汤圆桂花")
    expect(page.get_by_test_id("grid-qty").first).to_be_focused()

    # A variant: the match and the chosen line both show 红 / S.
    picker2 = page.get_by_test_id("sku-picker").first
    picker2.fill("圆领")
    expect(panel.get_by_test_id("sku-result")).to_have_count(4)
    red = panel.get_by_test_id("sku-result").filter(has_text="红 / S")
    expect(red.get_by_test_id("result-variant")).to_have_text("红 / S")
    expect(red.get_by_test_id("result-available")).to_have_text("可用 5件")
    red.click()
    expect(page.get_by_test_id("grid-variant").first).to_have_text("红 / S")


def test_picker_floats_at_phone_width(phone_page, shop, login, shot):
    page = phone_page
    _new_receipt(page, login, shop)
    picker = page.get_by_test_id("sku-picker").first
    picker.fill("txyl")
    panel = page.get_by_test_id("sku-picker-panel")
    expect(panel.get_by_test_id("sku-result")).to_have_count(12)
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 + 1, box
    assert box["height"] > 120, box
    shot(page, "grid-picker_phone")


def test_scans_add_the_unit_of_the_barcode_and_repeats_add_one(page, shop, login):
    _new_receipt(page, login, shop)
    scan = page.get_by_test_id("grid-scan")
    _scan(page, scan, BOTTLE)
    _scan(page, scan, BOTTLE)
    _scan(page, scan, BOX)
    _scan(page, scan, "NOPE123")
    expect(page.get_by_test_id("grid-scan-feedback")).to_contain_text("NOPE123")
    expect(page.locator("[data-testid=grid-row]").nth(0).get_by_test_id("grid-qty")).to_have_value(
        "2"
    )
    rows = page.get_by_test_id("grid-row")
    expect(rows.nth(1).get_by_test_id("grid-unit")).to_have_value(
        str(shop["cola"].units.get(factor=12).unit_id)
    )
    assert _lines(page) == [("COLA330 可口可乐 330ml", "2"), ("COLA330 可口可乐 330ml", "1")]
    # The 合计 row: 3 entered, 14 瓶 in the base unit.
    expect(page.get_by_test_id("total-qty")).to_have_text("3")
    expect(page.get_by_test_id("total-base")).to_have_text("= 14瓶")


def test_a_burst_of_twenty_scans_at_10ms_loses_none_and_enter_outruns_the_search(page, shop, login):
    _new_receipt(page, login, shop)
    scan = page.get_by_test_id("grid-scan")
    scan.focus()
    for _ in range(20):
        page.keyboard.type(BOTTLE)
        page.keyboard.press("Enter")
        page.wait_for_timeout(10)
    expect(page.get_by_test_id("grid-qty").first).to_have_value("20")
    # Scanned straight into a line's picker: Enter comes before any search answer.
    # Five back to back: each Enter opens a fresh line before the next character comes.
    page.get_by_test_id("sku-picker").last.focus()
    for _ in range(5):
        page.keyboard.type(BOX)
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("total-qty")).to_have_text("25")
    assert _lines(page) == [("COLA330 可口可乐 330ml", "20"), ("COLA330 可口可乐 330ml", "5")]
    # A word typed with Enter before its list came takes its first match.
    picker = page.get_by_test_id("sku-picker").last
    picker.focus()
    page.keyboard.type("圆领")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("grid-row").nth(2).get_by_test_id("grid-variant")).to_have_text(
        "红 / S"
    )
    expect(page.get_by_test_id("grid-row").nth(2).get_by_test_id("grid-qty")).to_be_focused()


def test_keyboard_enter_moves_on_opens_a_line_and_ctrl_s_saves(page, shop, login, shot):
    _new_receipt(page, login, shop)
    picker = page.get_by_test_id("sku-picker").first
    picker.fill("COLA")
    expect(page.get_by_test_id("sku-result")).to_have_count(1)
    picker.press("Enter")
    qty = page.get_by_test_id("grid-qty").first
    expect(qty).to_be_focused()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("grid-unit").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("grid-price").first).to_be_focused()
    page.keyboard.type("2.4")
    # The 合计 row follows each keystroke.
    expect(page.get_by_test_id("total-amount")).to_have_text("12.00")
    # Tab follows the grid: the next cell is the bin choice (the × button is skipped).
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('td').className") == "col-bin"
    # Enter passes over what this SKU has none of (bins, batches, serial numbers) to the memo,
    # and Enter in the last cell opens a new line.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("grid-memo").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("grid-row")).to_have_count(2)
    expect(page.get_by_test_id("sku-picker").nth(1)).to_be_focused()
    _scan(page, page.get_by_test_id("sku-picker").nth(1), BOX)
    expect(page.get_by_test_id("total-base")).to_have_text("= 17瓶")
    page.evaluate("document.querySelector('.table-wrap').scrollLeft = 0")
    shot(page, "grid")
    page.keyboard.press("Control+s")
    expect(page.locator("h1")).to_contain_text("其他入库")
    expect(page.get_by_test_id("doc-total")).to_be_visible()
    receipt = OtherReceipt.objects.get()
    assert sorted((x.qty, x.base_qty) for x in receipt.lines.all()) == [(D(1), D(12)), (D(5), D(5))]


def test_totals_and_mixed_units_on_the_detail_page_and_the_print(page, shop, login, shot):
    owner_doc = docs.create_stock_document(
        user=_boss(),
        kind="other_receipt",
        warehouse=shop["warehouse"],
        date=dt.date.today(),
        reason="other",
        lines=[
            LineInput(sku=shop["cola"].pk, qty=D(3), price=D("30"), unit=_box_unit(shop)),
            LineInput(sku=shop["cola"].pk, qty=D(5), price=D("2.50")),
        ],
    )
    login(page, "boss")
    page.goto(f"/inventory/other-receipts/{owner_doc.pk}/")
    lines = page.get_by_test_id("doc-line")
    expect(lines.nth(0)).to_contain_text("3箱")
    total = page.get_by_test_id("doc-total")
    expect(total).to_contain_text("合计")
    expect(total).to_contain_text("41")  # 36 + 5 瓶
    expect(total).to_contain_text("102.50")  # 90 + 12.50
    page.goto(f"/inventory/other-receipts/{owner_doc.pk}/print/")
    expect(page.get_by_test_id("print-total")).to_contain_text("102.50")
    expect(page.get_by_test_id("print-total")).to_contain_text("41")
    # 即时库存: the 41 瓶 of the opening stock in mixed units beside the base quantity.
    page.goto("/inventory/stock/")
    row = page.locator("tr").filter(has_text="COLA330")
    expect(row.locator("td.col-on_hand")).to_have_text(re.compile(r"^41\s*3箱5瓶$"))
    expect(row.locator("td.col-on_hand [data-testid=in-units]")).to_have_text("3箱5瓶")


def test_save_and_post_in_one_click(page, shop, login):
    _new_receipt(page, login, shop)
    _scan(page, page.get_by_test_id("grid-scan"), BOX)
    expect(page.get_by_test_id("grid-qty").first).to_have_value("1")
    page.get_by_test_id("grid-price").first.fill("30")
    page.get_by_test_id("btn-save-post").click()
    expect(page.locator("h1 .tag, .tag").first).to_be_visible()
    receipt = OtherReceipt.objects.get()
    assert receipt.status == "posted"
    assert StockBalance.objects.get(sku=shop["cola"], warehouse=shop["warehouse"]).on_hand == D(53)


def test_save_and_post_is_not_offered_where_an_approval_applies(page, shop, login, monkeypatch):
    """The one decision "does this document need approval" hides the button ([Approvals]
    will answer it from its rules)."""
    from jxc.web.generic import post_at_once

    monkeypatch.setattr(post_at_once, "needs_approval", lambda kind, document=None: True)
    login(page, "boss")
    page.goto("/inventory/other-receipts/new/")
    expect(page.get_by_test_id("btn-save")).to_be_visible()
    expect(page.get_by_test_id("btn-save-post")).to_have_count(0)


def _boss():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="boss")


def _box_unit(shop) -> int:
    return shop["cola"].units.get(factor=12).unit_id


def test_grid_at_phone_width_scans_and_totals(phone_page, shop, login, shot):
    """At 375 px each line is a card with its labels; the scan box, the lines and the 合计
    fit the screen (nothing wider than the phone)."""
    page = phone_page
    _new_receipt(page, login, shop)
    _scan(page, page.get_by_test_id("grid-scan"), BOX)
    _scan(page, page.get_by_test_id("grid-scan"), BOTTLE)
    expect(page.get_by_test_id("total-qty")).to_have_text("2")
    expect(page.get_by_test_id("total-base")).to_have_text("= 13瓶")
    for testid in ("grid-scan", "sku-picker", "grid-qty", "total-qty"):
        box = page.get_by_test_id(testid).first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375 + 1, (testid, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    shot(page, "grid_phone", full_page=True)


def test_the_transfer_form_has_the_same_grid(page, shop, owner, login):
    """调拨单 (converted onto the platform) gets the grid with nothing of its own: a scan
    adds the box, the picker shows what is available in the warehouse it leaves."""
    store = inventory.create_warehouse(user=owner, code="ST01", name="门店")
    login(page, "boss")
    page.goto("/inventory/transfers/new/")
    expect(page.get_by_test_id("grid-row")).to_have_count(1)
    page.locator("select[name=from_warehouse]").select_option(str(shop["warehouse"].pk))
    page.locator("select[name=to_warehouse]").select_option(str(store.pk))
    _scan(page, page.get_by_test_id("grid-scan"), BOX)
    expect(page.get_by_test_id("total-base")).to_have_text("= 12瓶")
    picker = page.get_by_test_id("sku-picker").last
    picker.fill("圆领")
    red = page.get_by_test_id("sku-result").filter(has_text="红 / S")
    expect(red.get_by_test_id("result-available")).to_have_text("可用 5件")
