"""A 销售 takes an order (issue 15): what the warehouse has available and will have after this
order changes with each keystroke of the quantity, before anything is saved; an order for more
than is available is refused at 审核 with the SKU and the shortfall on the page, nothing
reserved."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jxc.inventory.models import StockBalance
from jxc.sales.models import SalesOrder
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def stocked(world, sales_user):  # noqa: F811
    world.receive(world.cola, "100", "1.20")
    return world


def test_salesperson_sees_availability_follow_the_typed_quantity_and_approval_names_the_shortfall(
    page, stocked, login, shot
):
    w = stocked
    login(page, "sales")
    page.goto("/sales/orders/new/")
    expect(page.get_by_test_id("grid-row")).to_have_count(1)  # the grid has started
    page.locator("select[name=customer]").select_option(str(w.customer.pk))
    page.locator("select[name=warehouse]").select_option(str(w.warehouse.pk))
    picker = page.get_by_test_id("sku-picker").first
    picker.fill("COLA")
    expect(page.get_by_test_id("sku-result")).to_have_count(1)
    picker.press("Enter")
    qty = page.get_by_test_id("grid-qty").first
    expect(qty).to_be_focused()
    box = page.get_by_test_id("availability")
    expect(box.get_by_test_id("available")).to_have_text("100")
    expect(qty).to_have_value("1")  # a picked SKU starts at one, selected for typing over
    expect(box.get_by_test_id("available-after")).to_have_text("99")
    page.keyboard.type("3")
    expect(box.get_by_test_id("available-after")).to_have_text("97")
    expect(box.get_by_test_id("projected-after")).to_have_text("97")
    page.keyboard.type("0")  # 30
    expect(box.get_by_test_id("available-after")).to_have_text("70")
    qty.fill("150")
    expect(box.get_by_test_id("available-after")).to_have_text("-50")
    expect(box.locator("tr.row-short")).to_have_count(1)
    expect(box.locator("tr.row-short")).to_contain_text("150 · 缺货")
    shot(page, "sales-order-availability", full_page=True)
    # on a phone each row is a card: its figures are named by their column
    assert box.get_by_test_id("available").first.get_attribute("data-label") == "可用量"
    assert not SalesOrder.objects.exists()  # all of it before saving

    page.get_by_test_id("btn-save").click()
    expect(page.locator("h1")).to_contain_text("销售订单")
    order = SalesOrder.objects.get()
    page.get_by_test_id("btn-submit").click()
    expect(page.locator("h1")).to_contain_text("待审核")
    page.get_by_test_id("btn-approve").click()
    error = page.locator(".toast-error").filter(has_text="库存不足")
    expect(error.first).to_contain_text("COLA")
    expect(error.first).to_contain_text("50")
    order.refresh_from_db()
    assert order.status == "submitted"
    balance = StockBalance.objects.get(sku=w.cola, warehouse=w.warehouse)
    assert balance.reserved == Decimal(0)


def test_the_total_row_takes_off_the_discount_and_adds_vat_to_prices_without_it(
    page, stocked, login
):
    """The form's 合计 is the saved order's 价税合计: 10 × 3.00 less 10 % = 27.00 with VAT in
    the price; without it, at the company's 13 % (no rate typed) 30.51, at a typed 6 % 28.62."""
    w = stocked
    login(page, "sales")
    page.goto("/sales/orders/new/")
    expect(page.get_by_test_id("grid-row")).to_have_count(1)
    page.locator("select[name=customer]").select_option(str(w.customer.pk))
    page.locator("select[name=warehouse]").select_option(str(w.warehouse.pk))
    picker = page.get_by_test_id("sku-picker").first
    picker.fill("COLA")
    expect(page.get_by_test_id("sku-result")).to_have_count(1)
    picker.press("Enter")
    page.get_by_test_id("grid-qty").first.fill("10")
    page.get_by_test_id("grid-price").first.fill("3")
    expect(page.get_by_test_id("total-amount")).to_have_text("30.00")
    page.get_by_test_id("grid-discount").first.fill("10")
    expect(page.get_by_test_id("total-amount")).to_have_text("27.00")
    page.locator("input[name=prices_include_tax]").uncheck()
    expect(page.get_by_test_id("total-amount")).to_have_text("30.51")
    page.get_by_test_id("grid-tax_rate").first.fill("6")
    expect(page.get_by_test_id("total-amount")).to_have_text("28.62")
    page.get_by_test_id("btn-save").click()
    expect(page.locator("h1")).to_contain_text("销售订单")
    assert SalesOrder.objects.get().total_amount == Decimal("28.62")
