"""What a first-time user tripped over, in words and on screen (issue 12 [Desk]), in headless
Chromium at 1280 px (and 375 px where it is a layout matter).

老板 reads the 操作记录 and 操作日志 in Chinese, edits a role as a permission matrix, sees
expired batches apart from those about to expire, a document whose current-cost lines show
what they were booked at, a 箱 priced at 24 × the 瓶, one date and one number format; a new
其他出库单 has no reason chosen for him and no "---------"; 仓管 has no 成本重算任务 in the menu.
"""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.documents.lines import LineInput
from jxc.core.services import update_company
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.tests.conftest import post

RAW_ACTIONS = re.compile(r"^(post|approve|submit|receive|close|close_period|create|update)$")


@pytest.fixture
def shop(owner, user_factory):
    update_company(user=owner, name="好运来商贸有限公司")
    today = dt.date.today()
    bottle = catalog.create_unit(user=owner, name="瓶")
    box = catalog.create_unit(user=owner, name="箱")
    water = catalog.create_product(
        user=owner,
        code="WATER550",
        name="农夫山泉 550ml",
        base_unit=bottle,
        units=[
            UnitSpec(unit_id=bottle.pk, prices={"purchase_price": D("2.50")}),
            UnitSpec(unit_id=box.pk, factor=D(24)),
        ],
    )
    milk = catalog.create_product(
        user=owner, code="MILK", name="旺仔牛奶", base_unit=bottle, tracking="batch"
    ).skus.get()
    wh = inventory.create_warehouse(user=owner, code="ZC", name="总仓")
    sku = water.skus.get()
    opening = docs.create_stock_document(
        user=owner,
        kind="opening_stock",
        warehouse=wh,
        date=today,
        lines=[LineInput(sku=sku.pk, qty=D(105), price=D("2.50"))],
    )
    post(opening, owner)
    batches = docs.create_stock_document(
        user=owner,
        kind="other_receipt",
        warehouse=wh,
        date=today,
        reason="other",
        lines=[
            LineInput(
                sku=milk.pk,
                qty=D(5),
                price=D(3),
                batch_number="OLD01",
                expiry_date=today - dt.timedelta(days=20),
            ),
            LineInput(
                sku=milk.pk,
                qty=D(7),
                price=D(3),
                batch_number="NEW01",
                expiry_date=today + dt.timedelta(days=10),
            ),
        ],
    )
    post(batches, owner)
    # 报溢 at the current cost: no cost typed on the line
    surplus = docs.create_stock_document(
        user=owner,
        kind="other_receipt",
        warehouse=wh,
        date=today,
        reason="surplus",
        lines=[LineInput(sku=sku.pk, qty=D(4))],
    )
    post(surplus, owner)
    keeper = user_factory(roles=["keeper"], username="keeper", first_name="仓管小李")
    return {"water": water, "sku": sku, "wh": wh, "surplus": surplus, "keeper": keeper}


def _no_raw_action(page, selector):
    cells = [c.strip() for c in page.locator(selector).all_inner_texts()]
    assert cells, selector
    assert not [c for c in cells if RAW_ACTIONS.match(c)], cells
    return cells


def test_audit_actions_read_in_chinese_on_the_document_and_in_the_audit_log(page, shop, login):
    login(page, "boss")
    page.goto(f"/inventory/other-receipts/{shop['surplus'].pk}/")
    trail = page.get_by_test_id("audit-trail")
    cells = _no_raw_action(page, "[data-testid=audit-trail] td[data-label='操作']")
    assert {"提交", "审核", "过账"} <= set(cells), cells
    expect(trail).not_to_contain_text("post")
    page.goto("/settings/audit/")
    cells = _no_raw_action(page, "table tbody td:nth-child(3)")
    assert "过账" in cells and "审核" in cells, cells


def test_the_role_page_is_a_permission_matrix_in_chinese(new_page, shop, login, shot):
    page = new_page()
    login(page, "boss")
    page.goto("/settings/roles/")
    body = page.locator("main")
    expect(body).to_contain_text("全部权限")
    expect(body).to_contain_text("供应商（全部）")
    expect(body).not_to_contain_text("purchase*.*")
    expect(body).not_to_contain_text("cost.view")
    page.get_by_role("link", name="仓管").first.click()
    grid = page.get_by_test_id("permission-grid")
    expect(grid).to_contain_text("调拨单")
    expect(page.locator("main")).not_to_contain_text("stock*.*")
    transfer_post = grid.locator("tr[data-resource=transfer] td[data-label='过账'] input")
    expect(transfer_post).to_be_checked()
    cost_view = grid.locator("tr[data-resource=cost] td[data-label='查看'] input")
    expect(cost_view).to_have_count(0)  # 仓管 has nothing on 成本与利润: no row
    page.get_by_role("link", name="修改").click()
    grid = page.get_by_test_id("permission-grid")
    grid.locator("tr[data-resource=cost] td[data-label='查看'] input").check()
    expect(page.get_by_test_id("wildcard-patterns")).not_to_have_attribute("open", "")
    shot(page, "permission-matrix")
    page.get_by_test_id("btn-save").click()
    grid = page.get_by_test_id("permission-grid")
    expect(grid.locator("tr[data-resource=cost] td[data-label='查看'] input")).to_be_checked()

    phone = new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    login(phone, "boss")
    phone.goto("/settings/roles/")
    expect(phone.locator("main")).to_contain_text("成本与利润（查看）")
    expect(phone.locator("main")).not_to_contain_text("purchase*")


def test_expired_batches_are_their_own_group_and_counted_apart(new_page, shop, login):
    for viewport in ({"width": 1280, "height": 860}, {"width": 375, "height": 740}):
        page = new_page(viewport=viewport)
        login(page, "boss")
        expect(page.get_by_test_id("alert-expired")).to_contain_text("1")
        expect(page.get_by_test_id("alert-near_expiry")).to_contain_text("1")
        page.goto("/inventory/alerts/")
        expired = page.locator("section#expired")
        expect(expired).to_contain_text("已过期")
        expect(expired).to_contain_text("OLD01")
        expect(expired).not_to_contain_text("NEW01")
        near = page.locator("section#near_expiry")
        expect(near).to_contain_text("NEW01")
        expect(near).not_to_contain_text("OLD01")
        assert not re.search(r"(^|\s)-\d", near.inner_text()), near.inner_text()


def test_document_detail_shows_the_reason_once_and_booked_costs(page, shop, login):
    login(page, "boss")
    page.goto(f"/inventory/other-receipts/{shop['surplus'].pk}/")
    fields = page.locator("dl.fields")
    expect(fields.locator("dt", has_text=re.compile("^原因$"))).to_have_count(1)
    line = page.get_by_test_id("doc-line").first
    expect(line).to_contain_text("2.50")  # 单位成本: the current cost it was booked at
    expect(line).to_contain_text("10.00")  # 金额 4 × 2.50
    page.goto(f"/inventory/other-receipts/{shop['surplus'].pk}/print/")
    expect(page.locator("body")).to_contain_text("10.00")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_a_new_issue_has_no_reason_chosen_and_no_dashes(page, shop, login):
    login(page, "boss")
    page.goto("/inventory/other-issues/new/")
    reason = page.locator("select[name=reason]")
    expect(reason).to_have_value("")
    expect(reason.locator("option").first).to_have_text("请选择…")
    assert "---------" not in page.content()
    page.goto("/inventory/alerts/")
    assert "---------" not in page.content()


def test_a_box_reference_price_is_its_factor_times_the_bottle(page, shop, login):
    login(page, "boss")
    page.goto(f"/catalog/products/{shop['water'].pk}/")
    box_price = page.locator("td[data-price=purchase_price][data-derived='1']")
    expect(box_price).to_have_text("60.00")


def test_recost_jobs_only_in_the_menu_of_cost_viewers(new_page, shop, login):
    boss = new_page()
    login(boss, "boss")
    expect(
        boss.locator("nav.sidebar [data-module=inventory]").get_by_text("成本重算任务")
    ).to_have_count(1)
    keeper = new_page()
    login(keeper, "keeper")
    expect(keeper.locator("nav.sidebar").get_by_text("库存流水")).to_have_count(1)
    expect(keeper.locator("nav.sidebar").get_by_text("成本重算任务")).to_have_count(0)


def test_one_date_and_one_number_format_and_chinese_html(page, shop, login):
    login(page, "boss")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.goto(f"/inventory/other-receipts/{shop['surplus'].pk}/")
    main = page.locator("main").inner_text()
    assert dt.date.today().isoformat() in main
    assert not re.search(r"\d+年\d+月\d+日", main), main
    page.goto("/inventory/other-receipts/new/")
    date = page.locator("input[name=date]")  # 年-月-日 whatever the browser (dates.js)
    expect(date).to_have_attribute("data-date-kind", "date")
    expect(date).to_have_attribute("placeholder", "年-月-日")


def test_the_movement_summary_on_a_phone_names_each_group(new_page, shop, login, shot):
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    login(page, "boss")
    page.goto(f"/reports/movement-summary/?month={dt.date.today():%Y-%m}")
    card = page.get_by_test_id("report-table").locator("tbody tr").first
    labels = card.locator("td:visible").evaluate_all("cells => cells.map(c => c.dataset.label)")
    groups = {label.split(" · ")[0] for label in labels if label and " · " in label}
    assert {"期初", "期末"} <= groups, labels
    assert not [label for label in labels if label in ("数量", "金额")], labels  # never bare
    hidden = card.locator("td.col-detail")
    if hidden.count():
        expect(hidden.first).to_be_hidden()
        page.get_by_test_id("detail-toggle").click()
        expect(hidden.first).to_be_visible()
        page.get_by_test_id("detail-toggle").click()


def test_document_lines_carry_their_labels_on_a_phone_and_toasts_leave_the_buttons(
    new_page, shop, login
):
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    login(page, "boss")
    page.goto(f"/inventory/other-receipts/{shop['surplus'].pk}/")
    line = page.get_by_test_id("doc-line").first
    expect(line.locator("td[data-label='数量']")).to_be_visible()
    expect(line.locator("td[data-label='单位成本']")).to_contain_text("2.50")
    print_button = page.get_by_test_id("btn-print")
    page.evaluate(
        "() => { const t = document.getElementById('toasts'); const d = document.createElement("
        "'div'); d.className = 'toast toast-success'; d.textContent = '已保存。'; t.append(d); }"
    )
    toast = page.locator("#toasts .toast").last.bounding_box()
    button = print_button.bounding_box()
    assert toast and button
    overlap = not (
        toast["x"] + toast["width"] <= button["x"]
        or button["x"] + button["width"] <= toast["x"]
        or toast["y"] + toast["height"] <= button["y"]
        or button["y"] + button["height"] <= toast["y"]
    )
    assert not overlap, (toast, button)
