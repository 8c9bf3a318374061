"""SKU weight on the SKU's page, then 费用分摊 by weight through its screen (issue 14 §5): the
老板 types each SKU's weight on its 单位与价格 page (a bad one refused there), makes a landed
cost from a posted receipt, chooses 按重量, posts it, and the charge lands on the goods in
proportion to their weight."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from jxc.core.documents.lines import LineInput
from jxc.inventory.models import StockBalance
from jxc.purchasing.models import LandedCost
from jxc.purchasing.tests.conftest import shop  # noqa: F401
from jxc.purchasing.tests.helpers import approved_order, posted_receipt

pytestmark = pytest.mark.browser


def _weigh(page, sku, typed: str) -> None:
    page.goto(f"/catalog/products/{sku.product_id}/")
    page.get_by_test_id("edit-units").first.click()
    page.get_by_test_id("sku-weight").fill(typed)
    page.get_by_test_id("btn-save").click()


def test_weights_typed_on_the_sku_page_spread_a_freight_charge_by_weight(
    page,
    login,
    shop,  # noqa: F811
    shot,
):
    order = approved_order(
        shop,
        [
            LineInput(sku=shop.cola.pk, qty=D(4), price=D("1.13")),
            LineInput(sku=shop.tea.pk, qty=D(4), price=D("1.13")),
        ],
        prices_include_tax=True,
    )
    receipt = posted_receipt(shop, order)
    login(page, "boss")

    _weigh(page, shop.cola, "-1")
    expect(page.get_by_test_id("sku-weight-error")).to_contain_text("0")
    shot(page, "sku-weight")
    page.get_by_test_id("sku-weight").fill("3")
    page.get_by_test_id("btn-save").click()
    expect(page.locator("[data-testid=sku-weight]")).to_have_text("3")
    _weigh(page, shop.tea, "1")
    expect(page.locator("[data-testid=sku-weight]")).to_have_text("1")

    page.goto(f"/purchasing/receipts/{receipt.pk}/")
    page.get_by_test_id("landed-cost-form-submit").click()
    expect(page.get_by_test_id("grid-row")).to_have_count(2)
    page.locator("select[name=supplier]").select_option(str(shop.supplier.pk))
    page.locator("select[name=method]").select_option("weight")
    page.locator("input[name=amount]").fill("8")
    page.locator("input[name=tax_amount]").fill("0")
    page.get_by_test_id("btn-save").click()
    expect(page.locator("h1")).to_contain_text("草稿")  # saved: the draft's page
    for action in ("submit", "approve", "post"):
        page.get_by_test_id(f"btn-{action}").click()
        expect(page.get_by_test_id(f"btn-{action}")).to_have_count(0)
    expect(page.locator("h1")).to_contain_text("已过账")
    lines = page.get_by_test_id("doc-line")
    expect(lines.filter(has_text="COLA")).to_contain_text("6.00")  # 12 kg of 16
    expect(lines.filter(has_text="TEA")).to_contain_text("2.00")  # 4 kg of 16
    shot(page, "landed-cost-by-weight", full_page=True)
    doc = LandedCost.objects.get()
    assert doc.status == "posted" and doc.method == "weight"
    values = dict(StockBalance.objects.values_list("sku__code", "value"))
    assert values == {"COLA": D("10.00"), "TEA": D("6.00")}  # 4.00 each excl. VAT, + share
