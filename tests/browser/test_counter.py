"""门店零售 at phone width (issue 15): a 收银 scans three items (one code twice: its quantity
becomes 2), pays in cash with change due shown live, and one click posts the delivery and the
receipt; the screen fits 375 px. What a tester found: scans after a repeated code were lost, a
double click sold twice, change was due on a 微信 payment, an ended session read as a JSON
error, a 箱 line looked like a piece."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jxc.finance.models import CustomerPayment
from jxc.retail.tests.test_counter import COLA, TEA
from jxc.sales.models import SalesDelivery
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def till(world, user_factory):  # noqa: F811
    from jxc.finance.services import create_account

    world.receive(world.cola, "100", "1.20")
    world.receive(world.tea, "50", "2.00")
    user_factory(roles=["cashier"], username="cashier", first_name="收银小李")
    create_account(user=world.user, code="XJ", name="现金", kind="cash")
    create_account(user=world.user, code="WX", name="微信", kind="wechat")
    return world


def test_cashier_sells_three_scanned_items_at_phone_width(phone_page, till, login):
    page = phone_page
    login(page, "cashier")
    page.goto("/sales/counter/")
    box = page.get_by_test_id("counter-scan")
    expect(box).to_be_focused()
    for code in (COLA, TEA, COLA):
        page.keyboard.type(code)
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("counter-total")).to_have_text("11.00")  # 2 × 3.00 + 5.00
    expect(page.get_by_test_id("counter-qty")).to_have_count(2)
    expect(page.get_by_test_id("counter-qty").first).to_have_value("2")
    expect(page.get_by_test_id("pay-cash")).to_have_value("11.00")
    page.get_by_test_id("counter-tendered").fill("20")
    expect(page.get_by_test_id("counter-change")).to_have_text("9.00")
    for testid in ("counter-scan", "counter-sell", "counter-tendered"):
        bbox = page.get_by_test_id(testid).bounding_box()
        assert bbox["x"] >= 0 and bbox["x"] + bbox["width"] <= 375 + 1, testid
    page.get_by_test_id("counter-sell").click()
    expect(page.get_by_test_id("counter-done")).to_contain_text("9.00")
    d = SalesDelivery.objects.get()
    assert d.status == "posted" and d.total_amount == Decimal("11.00")
    assert list(CustomerPayment.objects.values_list("amount", flat=True)) == [Decimal("11.00")]
    expect(page.get_by_test_id("counter-total")).to_have_text("0.00")  # ready for the next


def test_cashier_scans_three_items_splits_cash_and_wechat_and_the_day_summary_adds_up(
    phone_page, till, login, shot
):
    """Three different items (one scanned twice), 微信 10.00 typed: the rest of the total goes
    on 现金, the cash handed over gives the change; posted, the 日结 has each method and the
    total."""
    from jxc.sales.tests.conftest import make_sku

    w = till
    juice = make_sku(w.user, "JUICE", w.unit, w.box, retail="4.50", wholesale="4.00")
    w.receive(juice, "20", "2.00")
    page = phone_page
    login(page, "cashier")
    page.goto("/sales/counter/")
    expect(page.get_by_test_id("counter-scan")).to_be_focused()
    for code in (COLA, TEA, "69JUICE000000", COLA):
        page.keyboard.type(code)
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("counter-qty")).to_have_count(3)
    expect(page.get_by_test_id("counter-total")).to_have_text("15.50")  # 2 × 3.00 + 5.00 + 4.50
    page.get_by_test_id("pay-wechat").fill("10")
    expect(page.get_by_test_id("pay-cash")).to_have_value("5.50")
    page.get_by_test_id("counter-tendered").fill("10")
    expect(page.get_by_test_id("counter-change")).to_have_text("4.50")
    shot(page, "counter-split-payment_phone", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    page.get_by_test_id("counter-sell").click()
    expect(page.get_by_test_id("counter-done")).to_contain_text("4.50")
    d = SalesDelivery.objects.get()
    assert d.status == "posted" and d.total_amount == Decimal("15.50")
    assert sorted(CustomerPayment.objects.values_list("account__kind", "amount")) == [
        ("cash", Decimal("5.50")),
        ("wechat", Decimal("10.00")),
    ]
    page.goto("/sales/counter/day/")
    rows = page.get_by_test_id("day-row")
    expect(rows).to_have_count(2)
    expect(page.locator("[data-testid=day-row][data-method=cash]")).to_contain_text("5.50")
    expect(page.locator("[data-testid=day-row][data-method=wechat]")).to_contain_text("10.00")
    expect(page.get_by_test_id("day-taken")).to_have_text("15.50")
    expect(page.get_by_test_id("day-net")).to_have_text("15.50")


def test_a_code_scanned_again_leaves_the_scan_box_working(page, till, login):
    """A code already in the cart adds 1 with no round trip; the scans after it are still
    looked up (they were queued behind it for good)."""
    login(page, "cashier")
    page.goto("/sales/counter/")
    box = page.get_by_test_id("counter-scan")
    qty = page.get_by_test_id("counter-qty")
    box.fill(COLA)
    box.press("Enter")
    expect(qty).to_have_count(1)
    box.fill(COLA)
    box.press("Enter")
    expect(qty.first).to_have_value("2")
    box.fill(TEA)
    box.press("Enter")
    expect(qty).to_have_count(2)
    box.fill(COLA)
    box.press("Enter")
    expect(qty.first).to_have_value("3")
    expect(page.get_by_test_id("counter-total")).to_have_text("14.00")  # 3 × 3.00 + 5.00


def test_collect_and_post_pressed_twice_sells_once(page, till, login):
    """A double click on 收款并过账 sends one sale: one delivery, one receipt, the stock down
    once."""
    from jxc.inventory.models import StockBalance

    login(page, "cashier")
    page.goto("/sales/counter/")
    box = page.get_by_test_id("counter-scan")
    box.fill(COLA)
    box.press("Enter")
    expect(page.get_by_test_id("counter-total")).to_have_text("3.00")
    sent = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/sell/") else None)
    page.get_by_test_id("counter-sell").dblclick()
    expect(page.get_by_test_id("counter-done")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert len(sent) == 1
    assert SalesDelivery.objects.count() == 1 and CustomerPayment.objects.count() == 1
    assert StockBalance.objects.get(sku=till.cola, warehouse=till.warehouse).on_hand == 99


def test_no_change_is_due_when_nothing_is_paid_in_cash(page, till, login):
    """实收现金 100 typed, then the whole sale put on 微信: no change is shown or posted."""
    login(page, "cashier")
    page.goto("/sales/counter/")
    box = page.get_by_test_id("counter-scan")
    box.fill(TEA)
    box.press("Enter")
    expect(page.get_by_test_id("pay-cash")).to_have_value("5.00")
    page.get_by_test_id("counter-tendered").fill("100")
    expect(page.get_by_test_id("counter-change")).to_have_text("95.00")
    wechat = page.locator("label.pay", has=page.get_by_test_id("pay-wechat"))
    wechat.get_by_role("button").click()  # the whole sale on 微信
    expect(page.get_by_test_id("pay-wechat")).to_have_value("5.00")
    expect(page.get_by_test_id("pay-cash")).to_have_value("")
    expect(page.get_by_test_id("counter-change")).to_have_text("0.00")
    page.get_by_test_id("counter-sell").click()
    expect(page.get_by_test_id("counter-done")).to_contain_text("0.00")
    assert list(CustomerPayment.objects.values_list("account__kind", "amount")) == [
        ("wechat", Decimal("5.00"))
    ]


def test_an_ended_session_is_told_in_words_and_the_cart_stays(page, till, login):
    """The session ran out (the server answers with the login page, not JSON): a scan and
    收款并过账 say to sign in again — no JSON parse error — and the cart is kept."""
    login(page, "cashier")
    page.goto("/sales/counter/")
    box = page.get_by_test_id("counter-scan")
    box.fill(COLA)
    box.press("Enter")
    expect(page.get_by_test_id("counter-total")).to_have_text("3.00")
    page.context.clear_cookies(name="sessionid")
    note = page.get_by_test_id("counter-note")
    page.get_by_test_id("counter-sell").click()
    expect(note).to_have_text("登录已失效，请重新登录（刷新本页）。")
    expect(page.get_by_test_id("counter-sell")).to_be_enabled()
    box.fill(TEA)
    box.press("Enter")
    expect(note).to_have_text("登录已失效，请重新登录（刷新本页）。")
    expect(page.get_by_test_id("counter-total")).to_have_text("3.00")
    assert not SalesDelivery.objects.exists()


def test_the_counter_lines_show_their_unit(phone_page, till, login):
    """A 箱 (12) barcode and the piece's barcode of one SKU: two lines, each with its unit
    beside the quantity, still within a phone's width."""
    from jxc.catalog.models import Barcode

    w = till
    Barcode.objects.create(code="69COLABOX0000", sku=w.cola, sku_unit=w.cola.units.get(unit=w.box))
    page = phone_page
    login(page, "cashier")
    page.goto("/sales/counter/")
    box = page.get_by_test_id("counter-scan")
    for code in (COLA, "69COLABOX0000"):
        box.fill(code)
        box.press("Enter")
    expect(page.get_by_test_id("counter-unit")).to_have_text(["个", "箱"])
    expect(page.get_by_test_id("counter-total")).to_have_text("39.00")  # 3.00 + 36.00
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
