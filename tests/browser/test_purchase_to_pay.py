"""Purchase-to-pay through the screens (issue 14), each step by the person whose job it is:
a 采购 turns the 低于安全库存 alert into a 采购申请, the 老板 approves it, 生成采购订单 makes the
order, the 老板 approves that; a 仓管 receives it against the order by scanning the barcode
(each scan one more), rejecting two with a reason, and posts; a 财务 pays part of it with the
settlement typed against the receipt and opens the 供应商对账单: the receipt, the payment and
the closing balance."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.finance.models import Settlement, SupplierPayment
from jxc.inventory.models import StockBalance
from jxc.purchasing.models import PurchaseOrder, PurchaseReceipt, PurchaseRequisition

pytestmark = pytest.mark.browser
D = Decimal
BARCODE = "6901234567892"


@pytest.fixture
def shop(owner, user_factory):
    from jxc.finance.services import create_account
    from jxc.inventory.services import create_warehouse, set_stock_limit
    from jxc.partners.services import create_supplier
    from jxc.purchasing.services import create_supplier_price

    unit = catalog.create_unit(user=owner, name="瓶")
    cola = catalog.create_product(
        user=owner,
        code="COLA330",
        name="可口可乐 330ml",
        base_unit=unit,
        units=[UnitSpec(unit_id=unit.pk, barcode=BARCODE)],
    ).skus.get()
    wh = create_warehouse(user=owner, code="WH01", name="总仓")
    supplier = create_supplier(user=owner, code="GYS1", name="饮料批发", payment_terms_days=30)
    # nothing on hand, minimum 5, maximum 10: the alert suggests 10
    set_stock_limit(user=owner, sku=cola, warehouse=wh, min_qty=D(5), max_qty=D(10))
    create_supplier_price(
        user=owner,
        supplier=supplier,
        sku=cola,
        unit=unit,
        price=D("2.00"),
        valid_from=dt.date.today() - dt.timedelta(days=30),
    )
    bank = create_account(user=owner, code="JH", name="建行基本户", kind="bank")
    user_factory(roles=["purchaser"], username="caigou", first_name="采购小张")
    user_factory(roles=["keeper"], username="cangguan", first_name="仓管小李")
    user_factory(roles=["finance"], username="caiwu", first_name="财务小王")
    return {"cola": cola, "warehouse": wh, "supplier": supplier, "bank": bank}


def _scan(page, code: str) -> None:
    page.get_by_test_id("grid-scan").focus()
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_alert_to_approved_order_received_by_scanning_paid_and_on_the_statement(
    new_page, login, shop, shot
):
    # 采购: the alert → a requisition, submitted
    buyer = new_page()
    login(buyer, "caigou")
    buyer.goto("/inventory/alerts/")
    expect(buyer.get_by_test_id("alert-below_min")).to_contain_text("1")
    expect(buyer.locator("#below_min")).to_contain_text("COLA330")
    buyer.get_by_test_id("btn-requisition").click()
    expect(buyer.locator("h1")).to_contain_text("采购申请")
    req = PurchaseRequisition.objects.get()
    assert [(x.sku_id, x.qty) for x in req.lines.all()] == [(shop["cola"].pk, D(10))]
    buyer.get_by_test_id("btn-submit").click()
    expect(buyer.locator("h1")).to_contain_text("待审核")

    # 老板 approves it
    boss = new_page()
    login(boss, "boss")
    boss.goto(f"/purchasing/requisitions/{req.pk}/")
    boss.get_by_test_id("btn-approve").click()
    expect(boss.locator("h1")).to_contain_text("已审核")

    # 采购: 生成采购订单 (the supplier of the price list preselected), submitted
    buyer.reload()
    expect(buyer.get_by_test_id("line-supplier")).to_have_value(str(shop["supplier"].pk))
    buyer.get_by_test_id("btn-make-orders").click()
    expect(buyer.locator("h1")).to_contain_text("采购订单")
    order = PurchaseOrder.objects.get()
    assert order.total_amount == D("20.00")
    buyer.get_by_test_id("btn-submit").click()
    expect(buyer.locator("h1")).to_contain_text("待审核")

    boss.goto(f"/purchasing/orders/{order.pk}/")
    boss.get_by_test_id("btn-approve").click()
    expect(boss.locator("h1")).to_contain_text("已审核")

    # 仓管: receives against the order by scanning, 8 accepted and 2 rejected with a reason
    keeper = new_page()
    login(keeper, "cangguan")
    keeper.goto(f"/purchasing/orders/{order.pk}/")
    keeper.get_by_test_id("btn-receive-scan").click()
    rows = keeper.get_by_test_id("grid-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"{order.number} #1")
    expect(rows.first.get_by_test_id("grid-qty")).to_have_value("")
    for _ in range(8):
        _scan(keeper, BARCODE)
    expect(rows.first.get_by_test_id("grid-qty")).to_have_value("8")
    expect(rows).to_have_count(1)  # every scan went to the order's line
    rows.first.locator("input[name=line_rejected]").fill("2")
    rows.first.locator("input[name=line_reject_reason]").fill("瓶身破损")
    shot(keeper, "receive-by-scanning")
    keeper.get_by_test_id("btn-save-post").click()
    expect(keeper.locator("h1")).to_contain_text("已过账")
    receipt = PurchaseReceipt.objects.get()
    (line,) = receipt.lines.all()
    assert (line.qty, line.rejected_qty, line.reject_reason) == (D(8), D(2), "瓶身破损")
    assert receipt.total_amount == D("16.00")
    assert StockBalance.objects.get(sku=shop["cola"], warehouse=shop["warehouse"]).on_hand == 8

    # 财务: a 付款单 of 10.00 settled by hand against the receipt, then the statement
    cashier = new_page()
    login(cashier, "caiwu")
    cashier.goto("/finance/supplier-payments/new/")
    cashier.locator("select[name=supplier]").select_option(str(shop["supplier"].pk))
    alloc = cashier.get_by_test_id(f"alloc-{receipt.number}")
    expect(alloc).to_be_visible()
    cashier.locator("select[name=account]").select_option(str(shop["bank"].pk))
    cashier.locator("input[name=amount]").fill("10")
    alloc.fill("10")
    cashier.get_by_test_id("btn-save").click()
    expect(cashier.locator("#settled")).to_contain_text(receipt.number)
    payment = SupplierPayment.objects.get()
    assert Settlement.objects.get().amount == D("10.00")
    cashier.goto("/finance/payables/statement/")
    cashier.locator("select[name=partner]").select_option(str(shop["supplier"].pk))
    cashier.get_by_test_id("btn-statement").click()
    report = cashier.locator("main")
    expect(report).to_contain_text(receipt.number)
    expect(report).to_contain_text(payment.number)
    expect(cashier.get_by_test_id("statement-opening")).to_have_text("0.00")
    expect(cashier.get_by_test_id("statement-closing")).to_have_text("6.00")
