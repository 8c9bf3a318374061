"""The count page with a scanner and a keyboard, in headless Chromium (issue 12): scans less
than 100 ms apart all count (a burst of 20 at 10 ms, and a SKU added to the sheet mid-burst),
a scan adds to a typed quantity (typed 7, one scan → 8), the first count box is one Tab from
the scan box and Enter there moves on instead of saving the page; the page at 375 px.
"""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.documents.lines import LineInput
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import StockCountLine

D = Decimal
COLA, COLA_BOX, CHIPS, WATER = "6901234567892", "16901234567899", "6924743915763", "6921168509256"


@pytest.fixture
def sheet(owner, user_factory):
    """A count sheet of 总仓 with cola (14) and chips (5) on it; water is in scope but has no
    stock, so it is not on the sheet until scanned."""
    pcs = catalog.create_unit(user=owner, name="瓶")
    box = catalog.create_unit(user=owner, name="箱")
    cola = catalog.create_product(
        user=owner,
        code="COLA330",
        name="可口可乐 330ml",
        base_unit=pcs,
        units=[
            UnitSpec(unit_id=pcs.pk, barcode=COLA),
            UnitSpec(unit_id=box.pk, factor=D(12), barcode=COLA_BOX),
        ],
    ).skus.get()
    chips = catalog.create_product(
        user=owner,
        code="CHIPS70",
        name="乐事薯片 70g",
        base_unit=pcs,
        units=[UnitSpec(unit_id=pcs.pk, barcode=CHIPS)],
    ).skus.get()
    catalog.create_product(
        user=owner,
        code="WATER550",
        name="农夫山泉 550ml",
        base_unit=pcs,
        units=[UnitSpec(unit_id=pcs.pk, barcode=WATER)],
    )
    wh = inventory.create_warehouse(user=owner, code="WH01", name="总仓")
    opening = docs.create_stock_document(
        user=owner,
        kind="opening_stock",
        warehouse=wh,
        date=dt.date.today(),
        lines=[
            LineInput(sku=cola.pk, qty=D(14), price=D("2.15")),
            LineInput(sku=chips.pk, qty=D(5), price=D("4.20")),
        ],
    )
    for step in (docs.submit_document, docs.approve_document, docs.post_document):
        opening = step(opening, user=owner)
    user_factory(roles=["keeper"], username="keeper")
    count = docs.create_stock_count(user=owner, warehouse=wh, date=dt.date.today())
    return {"count": count, "cola": cola, "chips": chips}


def _open(page, login, sheet):
    login(page, "keeper")
    page.goto(f"/inventory/stock-counts/{sheet['count'].pk}/count/")
    box = page.get_by_test_id("scan-input")
    expect(box).to_be_focused()
    return box


def _counted(page, code: str):
    return page.locator(f"[data-testid=count-line][data-sku={code}]").get_by_test_id("counted")


def _db_counted(sheet, sku) -> Decimal | None:
    return StockCountLine.objects.get(count=sheet["count"], sku=sku).counted_qty


def test_a_burst_of_scans_10ms_apart_loses_none(page, sheet, login):
    _open(page, login, sheet)
    for i in range(20):
        page.keyboard.type(CHIPS if i != 10 else WATER)  # water joins the sheet mid-burst
        page.keyboard.press("Enter")
        page.wait_for_timeout(10)
    page.keyboard.type(COLA_BOX)
    page.keyboard.press("Enter")
    expect(_counted(page, "CHIPS70")).to_have_value("19")
    expect(_counted(page, "WATER550")).to_have_value("1")
    expect(_counted(page, "COLA330")).to_have_value("12")
    assert _db_counted(sheet, sheet["chips"]) == D(19)
    assert _db_counted(sheet, sheet["cola"]) == D(12)


def test_a_scan_adds_to_a_typed_quantity(page, sheet, login, shot):
    box = _open(page, login, sheet)
    _counted(page, "COLA330").fill("7")
    box.focus()
    page.keyboard.type(COLA)
    page.keyboard.press("Enter")
    expect(_counted(page, "COLA330")).to_have_value("8")
    expect(page.get_by_test_id("scan-feedback")).to_contain_text("→ 8")
    assert _db_counted(sheet, sheet["cola"]) == D(8)
    shot(page, "count-page")


def test_tab_from_the_scan_box_reaches_the_first_count_box_and_enter_moves_on(page, sheet, login):
    box = _open(page, login, sheet)
    box.press("Tab")
    first = page.get_by_test_id("counted").first
    expect(first).to_be_focused()
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("counted").nth(1)).to_be_focused()
    url = page.url
    page.keyboard.type("4")
    page.keyboard.press("Enter")  # the last box: on to 保存, the page is not sent
    expect(page.get_by_test_id("btn-save-counts")).to_be_focused()
    assert page.url == url and page.locator(".toast").count() == 0
    assert _db_counted(sheet, sheet["cola"]) is None  # nothing saved yet
    page.keyboard.press("Enter")  # Enter on 保存 saves
    expect(page.locator(".toast")).to_contain_text("已保存")
    assert sorted(x.counted_qty for x in StockCountLine.objects.filter(count=sheet["count"])) == [
        D(3),
        D(4),
    ]


def test_count_page_at_phone_width(phone_page, sheet, login, shot):
    page = phone_page
    box = _open(page, login, sheet)
    bbox = box.bounding_box()
    assert bbox["x"] >= 0 and bbox["x"] + bbox["width"] <= 375 + 1
    page.keyboard.type(COLA)
    page.keyboard.press("Enter")
    expect(_counted(page, "COLA330")).to_have_value("1")
    counted = _counted(page, "COLA330").bounding_box()
    assert counted["x"] + counted["width"] <= 375 + 1
    shot(page, "count-page_phone")
