"""A keeper counts a warehouse by scanning barcodes in headless Chromium.

仓管 makes a count sheet for 总仓, scans the barcodes (a scanner types the code and Enter;
every scan adds one, a box barcode adds twelve), submits; 老板 reviews the variance (quantity
and value) and confirms. The 盘盈 / 盘亏 reach the stock: 库存流水 and 收发存汇总 show them.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.documents.lines import LineInput
from jxc.core.services import update_company
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import StockCount
from jxc.inventory.models import StockBalance, StockMove
from jxc.inventory.testing import assert_ledger_consistent

D = Decimal


@pytest.fixture
def warehouse_with_stock(owner, user_factory):
    update_company(user=owner, name="好运来商贸有限公司")
    pcs = catalog.create_unit(user=owner, name="个")
    box = catalog.create_unit(user=owner, name="箱")
    cola = catalog.create_product(
        user=owner,
        code="COLA330",
        name="可口可乐 330ml",
        base_unit=pcs,
        units=[
            UnitSpec(unit_id=pcs.pk, barcode="6901234567892"),
            UnitSpec(unit_id=box.pk, factor=D(12), barcode="16901234567899"),
        ],
    ).skus.get()
    chips = catalog.create_product(
        user=owner,
        code="CHIPS70",
        name="乐事薯片 70g",
        base_unit=pcs,
        units=[UnitSpec(unit_id=pcs.pk, barcode="6924743915763")],
    ).skus.get()
    wh = inventory.create_warehouse(user=owner, code="WH01", name="总仓")
    today = dt.date.today()
    doc = docs.create_stock_document(
        user=owner,
        kind="opening_stock",
        warehouse=wh,
        date=today,
        lines=[
            LineInput(sku=cola.pk, qty=D(14), price=D("2.15")),
            LineInput(sku=chips.pk, qty=D(5), price=D("4.20")),
        ],
    )
    for step in (docs.submit_document, docs.approve_document, docs.post_document):
        doc = step(doc, user=owner)
    keeper = user_factory(roles=["keeper"], username="keeper", first_name="仓管小李")
    return {"cola": cola, "chips": chips, "warehouse": wh, "keeper": keeper, "today": today}


def _scan(page, code: str, expected: str):
    box = page.get_by_test_id("scan-input")
    box.fill(code)
    box.press("Enter")
    expect(page.get_by_test_id("scan-feedback")).to_contain_text(expected)
    expect(box).to_be_focused()
    expect(box).to_have_value("")


def test_keeper_scans_a_count_owner_confirms_and_the_ledger_shows_it(
    new_page, owner, warehouse_with_stock, login, shot
):
    w = warehouse_with_stock
    page = new_page()
    login(page, "keeper")
    page.goto("/inventory/stock-counts/")
    expect(page.locator("h1")).to_have_text("盘点单")
    page.get_by_test_id("btn-new").click()
    expect(page.locator("h1")).to_have_text("新建盘点单")
    expect(page.get_by_test_id("scope-row")).to_have_count(1)  # Alpine has started
    page.get_by_test_id("btn-save").click()

    # The count page: the scan box has the focus from the start.
    expect(page.locator("h1")).to_contain_text("盘点 PDD")
    box = page.get_by_test_id("scan-input")
    expect(box).to_be_focused()
    _scan(page, "16901234567899", "COLA330")  # one box: 12
    _scan(page, "6901234567892", "→ 13")
    _scan(page, "6924743915763", "CHIPS70")
    for n in range(2, 5):
        _scan(page, "6924743915763", f"→ {n}")
    _scan(page, "0000000000000", "✗")  # unknown barcode: said so, nothing counted
    cola_row = page.locator("[data-testid=count-line][data-sku=COLA330]")
    expect(cola_row.get_by_test_id("counted")).to_have_value("13")
    chips_row = page.locator("[data-testid=count-line][data-sku=CHIPS70]")
    expect(chips_row.get_by_test_id("counted")).to_have_value("4")
    shot(page, "stock-count-scan")

    # The keeper submits for review.
    page.get_by_test_id("btn-review").click()
    expect(page.get_by_test_id("review-totals")).to_contain_text("2")
    page.get_by_test_id("btn-submit").click()
    expect(page.locator(".toast")).to_contain_text("提交")

    # 老板 reviews the variance (quantity and value) and confirms.
    boss = new_page()
    login(boss, "boss")
    count = StockCount.objects.get()
    boss.goto(f"/inventory/stock-counts/{count.pk}/review/?differences=1")
    expect(boss.get_by_test_id("review-line")).to_have_count(2)
    expect(boss.get_by_test_id("gain-qty")).to_have_text("0")
    expect(boss.get_by_test_id("loss-qty")).to_have_text("-2")
    expect(boss.get_by_test_id("net-value")).to_have_text("-6.35")  # 2.15 + 4.20
    shot(boss, "stock-count-review")
    boss.get_by_test_id("btn-approve").click()
    boss.goto(f"/inventory/stock-counts/{count.pk}/review/")
    boss.once("dialog", lambda d: d.accept())
    boss.get_by_test_id("btn-post").click()
    expect(boss.locator("h1 .tag")).to_have_text("已过账")

    balances = {b.sku_id: b.on_hand for b in StockBalance.objects.all()}
    assert balances == {w["cola"].pk: D(13), w["chips"].pk: D(4)}
    moves = StockMove.objects.filter(source_kind="stock_count")
    assert sorted(m.qty for m in moves) == [D(-1), D(-1)]
    assert_ledger_consistent()

    # 库存流水 and 收发存汇总 (the stock-report screens) show the count's losses.
    try:
        moves_url = reverse("web:stock_moves")
    except NoReverseMatch:
        moves_url = ""
    if moves_url:
        boss.goto(f"{moves_url}?sku={w['chips'].pk}")
        expect(boss.locator("main")).to_contain_text(count.number)
        expect(boss.locator("main")).to_contain_text("盘亏")
        shot(boss, "stock-ledger-after-count")
    try:
        summary_url = reverse("web:movement_summary")
    except NoReverseMatch:
        summary_url = ""
    if summary_url:
        boss.goto(f"{summary_url}?month={w['today']:%Y-%m}")
        expect(boss.locator("main")).to_contain_text("盘亏")
        expect(boss.locator("main")).to_contain_text("CHIPS70")
