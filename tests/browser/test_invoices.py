"""The invoice screens, as a 财务 uses them (issues 14 and 15): 登记发票 on a posted purchase
receipt makes a draft in the grid, the paper's amount typed in, registered — its page and the
三单匹配差异 list show the price that differs; a 销项发票 recorded from the 未开票出库单 list by
ticking the delivery in the form (loaded when the customer is chosen), after which the delivery
has nothing left to invoice."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.purchasing.tests.conftest import shop  # noqa: F401
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def purchase(shop):  # noqa: F811
    from jxc.purchasing.tests.helpers import approved_order, posted_receipt

    order = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D("11.30"))])
    return posted_receipt(shop, order), order


def test_purchase_invoice_from_a_receipt_registered_and_in_the_mismatch_list(page, login, purchase):
    from jxc.purchasing.models import PurchaseInvoice

    receipt, order = purchase
    login(page, "boss")
    page.goto(f"/purchasing/receipts/{receipt.pk}/")
    page.get_by_test_id("invoice-number").fill("FP-0448")
    page.get_by_test_id("invoice-form-submit").click()
    expect(page.get_by_test_id("grid-row")).to_have_count(1)
    expect(page.get_by_test_id("grid-row").first).to_contain_text(f"{receipt.number} #1")
    # the paper says 10 bottles for 101.00 (received: 10 × 10.00)
    page.get_by_test_id("grid-row").first.locator("input[name=line_value]").fill("101.00")
    page.locator("input[name=amount]").fill("101.00")
    page.get_by_test_id("btn-save").click()
    expect(page.locator("h1")).to_contain_text("草稿")
    for action in ("submit", "approve", "post"):
        page.get_by_test_id(f"btn-{action}").click()
    expect(page.locator("h1")).to_contain_text("已过账")
    invoice = PurchaseInvoice.objects.get()
    assert (invoice.invoice_number, invoice.amount, invoice.status) == (
        "FP-0448", D("101.00"), "posted"
    )  # fmt: skip
    expect(page.locator("#match")).to_contain_text("单价不符")
    page.goto("/purchasing/invoice-mismatches/")
    main = page.locator("main")
    expect(main).to_contain_text("FP-0448")
    expect(main).to_contain_text(order.number)
    expect(main).to_contain_text("单价不符")


@pytest.fixture
def delivered(world):  # noqa: F811
    from jxc.sales import deliveries

    w = world
    w.receive(w.cola, 20, "1")
    d = deliveries.create_sales_delivery(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(10), price=D("11.30"))],
    )  # fmt: skip
    return w, deliveries.post_sales_delivery(
        approve(submit(d, user=w.user), user=w.user), user=w.user
    )


def test_sales_invoice_from_the_uninvoiced_list(page, login, delivered):
    from jxc.sales.models import SalesInvoice

    w, delivery = delivered
    login(page, "boss")
    page.goto("/sales/invoices/uninvoiced/")
    group = page.get_by_test_id(f"uninvoiced-{w.customer.pk}")
    expect(group).to_contain_text(delivery.number)
    expect(group).to_contain_text("113.00")
    page.get_by_test_id(f"btn-invoice-{w.customer.pk}").click()
    tick = page.get_by_test_id(f"doc-{delivery.number}")
    expect(tick).to_be_visible()  # the customer's deliveries, loaded for the chosen customer
    tick.check()
    page.locator("input[name=invoice_number]").fill("No.88001")
    page.locator("input[name=net_amount]").fill("100.00")
    page.locator("input[name=tax_amount]").fill("13.00")
    page.get_by_test_id("btn-save").click()
    expect(page.locator("#invoiced")).to_contain_text(delivery.number)
    invoice = SalesInvoice.objects.get()
    assert (invoice.invoice_number, invoice.total_amount) == ("No.88001", D("113.00"))
    page.goto("/sales/invoices/uninvoiced/")
    expect(page.get_by_test_id("nothing-uninvoiced")).to_be_visible()
