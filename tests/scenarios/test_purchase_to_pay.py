"""Purchase to pay, as a business story (issue 14, the part built so far):

Given a supplier with 30 days' terms, a bank account and a SKU kept in 个 and 箱 (12)
When the buyer orders 5 箱 at 含税 67.80 a box (13 % VAT) and the order is approved
Then 60 个 are on order
When 3 箱 arrive, 1 of them broken and rejected, and the 2 accepted are posted into stock
And later 3 箱 more arrive and are posted (the rejected one was sent again)
Then the order is done, nothing is on order, 60 个 are in stock at 5.00 (不含税)
And we owe the supplier 2 × 67.80 + 3 × 67.80 = 339.00
When finance pays 200.00 (oldest receipt first) and then 200.00 more
Then the first receipt is settled, the second has 0 open, 61.00 is paid in advance
And the statement of the month closes at −61.00, and every self-check is clean.
"""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.cli import checks
from jxc.core.documents import actions
from jxc.core.documents.lines import LineInput
from jxc.finance import payments, selectors
from jxc.finance.checks import party_ledger_problems
from jxc.finance.models import OpenItem, PartyBalance
from jxc.inventory.models import StockBalance
from jxc.inventory.testing import assert_ledger_consistent
from jxc.purchasing import receipts, services
from jxc.purchasing.models import PurchaseOrder
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal
ZERO = Decimal(0)


def test_purchase_to_pay(shop, capsys):  # noqa: F811
    from jxc.finance.services import create_account

    bank = create_account(user=shop.user, code="YH1", name="工商银行", kind="bank")
    order = services.create_purchase_order(
        user=shop.user,
        supplier=shop.supplier,
        warehouse=shop.warehouse,
        date=DAY,
        prices_include_tax=True,
        lines=[LineInput(sku=shop.cola.pk, qty=D(5), unit=shop.box.pk, price=D("67.80"))],
    )
    assert (order.net_amount, order.tax_amount, order.total_amount) == (
        D("300.00"), D("39.00"), D("339.00")
    )  # fmt: skip
    order = services.approve_purchase_order(actions.submit(order, user=shop.user), user=shop.user)
    balance = StockBalance.objects.get(sku=shop.cola, warehouse=shop.warehouse)
    assert balance.on_order == D(60)

    line = order.lines.get()

    def receive(qty, rejected=ZERO, day=DAY):
        receipt = receipts.create_purchase_receipt(
            user=shop.user,
            supplier=shop.supplier,
            warehouse=shop.warehouse,
            date=day,
            lines=[
                LineInput(
                    sku=shop.cola.pk, qty=qty, unit=shop.box.pk, source_line=line.pk,
                    rejected_qty=rejected, reject_reason="破损" if rejected else "",
                )
            ],
        )  # fmt: skip
        receipt = actions.approve(actions.submit(receipt, user=shop.user), user=shop.user)
        return receipts.post_purchase_receipt(receipt, user=shop.user)

    first = receive(D(2), rejected=D(1))
    second = receive(D(3), day=DAY + dt.timedelta(days=3))
    balance.refresh_from_db()
    assert (balance.on_hand, balance.value, balance.on_order) == (D(60), D("300.00"), D(0))
    assert PurchaseOrder.objects.get(pk=order.pk).status == "done"
    assert (first.total_amount, second.total_amount) == (D("135.60"), D("203.40"))
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == D("339.00")

    pay1 = payments.record_supplier_payment(
        user=shop.user, supplier=shop.supplier, account=bank, amount=D("200.00"),
        date=DAY + dt.timedelta(days=10),
    )  # fmt: skip
    payments.record_supplier_payment(
        user=shop.user, supplier=shop.supplier, account=bank, amount=D("200.00"),
        date=DAY + dt.timedelta(days=12),
    )  # fmt: skip
    items = {o.entry.source_number: o for o in OpenItem.objects.select_related("entry")}
    assert items[first.number].is_open is False and items[second.number].is_open is False
    assert items[pay1.number].is_open is False
    assert [o.open_amount for o in selectors.supplier_open_items(shop.supplier.pk)] == [D("-61.00")]
    opening, rows, closing = selectors.supplier_statement(
        shop.supplier.pk, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31)
    )
    assert opening == 0 and closing == D("-61.00") and len(rows) == 4
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == D("-61.00")
    assert_ledger_consistent()
    assert party_ledger_problems() == []
    assert checks.run_all() == 0
    assert "party ledger" in capsys.readouterr().out


def test_alert_to_statement_with_landed_cost_and_return(shop, capsys):  # noqa: F811
    """The longer story (issue 14): COLA falls below its minimum → one click makes a
    requisition (up to the maximum 60, in 箱 of 12 from the price list: 5 箱) → an [Approvals]
    rule over ¥100 sends it to the owner, who approves → 生成采购订单 → two partial receipts, one
    箱 rejected at inspection on the first → 12.00 freight from a carrier spread by quantity →
    one 箱 returned to the supplier → the invoices matched (three-way) → the rest paid, settled oldest first → the statement
    closes at zero, and every self-check is clean."""
    from jxc.approvals import configuration
    from jxc.core.models import Role
    from jxc.finance.services import create_account
    from jxc.inventory.services import set_stock_limit
    from jxc.partners.services import create_supplier
    from jxc.purchasing import landed_costs, requisitions, returns

    bank = create_account(user=shop.user, code="YH1", name="工商银行", kind="bank")
    carrier = create_supplier(user=shop.user, code="WL1", name="顺丰物流")
    set_stock_limit(
        user=shop.user, sku=shop.cola, warehouse=shop.warehouse, min_qty=D(12), max_qty=D(60)
    )
    services.create_supplier_price(user=shop.user, supplier=shop.supplier, sku=shop.cola, unit=shop.box, price=D("67.80"), valid_from=DAY)  # fmt: skip
    configuration.save_rule(
        user=shop.user,
        fields={"name": "采购申请", "doc_type": "purchase_requisition", "amount_over": D(100)},
        steps=[{"role": Role.objects.get(code="owner"), "users": [], "mode": "any"}],
    )
    (req,) = requisitions.requisitions_from_alerts(user=shop.user, date=DAY)
    line = req.lines.get()
    assert (line.qty, line.unit_id, line.supplier_id) == (D(5), shop.box.pk, shop.supplier.pk)
    req = actions.submit(req, user=shop.user)
    assert req.status == "submitted"  # the rule holds it for the owner
    req = actions.approve(req, user=shop.user)
    (order,) = requisitions.make_orders(req, user=shop.user, date=DAY)
    order = services.approve_purchase_order(actions.submit(order, user=shop.user), user=shop.user)
    assert order.total_amount == D("339.00")
    assert StockBalance.objects.get(sku=shop.cola, warehouse=shop.warehouse).on_order == D(60)
    po_line = order.lines.get()

    def receive(qty, rejected=ZERO, day=DAY):
        receipt = receipts.create_purchase_receipt(
            user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=day,
            lines=[LineInput(sku=shop.cola.pk, qty=qty, unit=shop.box.pk, source_line=po_line.pk,
                             rejected_qty=rejected, reject_reason="破损" if rejected else "")],
        )  # fmt: skip
        receipt = actions.approve(actions.submit(receipt, user=shop.user), user=shop.user)
        return receipts.post_purchase_receipt(receipt, user=shop.user)

    first = receive(D(2), rejected=D(1))
    second = receive(D(3), day=DAY + dt.timedelta(days=3))
    charge = landed_costs.allocate_to_receipts(
        [first, second], user=shop.user, supplier=carrier, date=DAY + dt.timedelta(days=4),
        method="quantity", amount=D("12.00"),
    )  # fmt: skip
    assert [x.share for x in charge.lines.order_by("line_no")] == [D("4.80"), D("7.20")]
    charge = landed_costs.submit_landed_cost(charge, user=shop.user)
    landed_costs.post_landed_cost(actions.approve(charge, user=shop.user), user=shop.user)
    balance = StockBalance.objects.get(sku=shop.cola, warehouse=shop.warehouse)
    assert (balance.on_hand, balance.value) == (D(60), D("312.00"))  # 300.00 + 12.00
    back = returns.create_purchase_return(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse,
        date=DAY + dt.timedelta(days=5),
        lines=[LineInput(sku=shop.cola.pk, qty=D(1), unit=shop.box.pk, source_line=second.lines.get().pk)],
    )  # fmt: skip
    back = returns.post_purchase_return(
        actions.approve(actions.submit(back, user=shop.user), user=shop.user), user=shop.user
    )
    back.refresh_from_db()
    # credit 60.00 + 7.80 VAT; out at the average 5.20 a bottle: 62.40, variance −2.40
    assert (back.total_amount, back.stock_cost, back.price_variance) == (
        D("67.80"), D("62.40"), D("-2.40")
    )  # fmt: skip
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == D("271.20")
    # invoice match: the first receipt's invoice alone leaves 数量不符 (24 of 48 bottles
    # billed); the second, with the return credited (红字), closes the match. Invoices are
    # records: what we owe does not move.
    from jxc.purchasing import invoices, matching

    def register(**documents):
        bill = invoices.invoice_from(user=shop.user, date=DAY + dt.timedelta(days=6), **documents)
        bill = invoices.submit_purchase_invoice(bill, user=shop.user)
        return invoices.post_purchase_invoice(actions.approve(bill, user=shop.user), user=shop.user)

    register(receipts=[first], invoice_number="44030001")
    (row,) = matching.invoice_match(supplier=shop.supplier.pk)
    assert (row.reason, row.received_qty, row.invoiced_qty, row.difference) == (
        "qty_mismatch", D(48), D(24), D("-120.00")
    )  # fmt: skip
    credit = register(receipts=[second], returns=[back], invoice_number="44030002")
    assert (credit.amount, credit.tax_amount) == (D("120.00"), D("15.60"))  # 180 − 60, 23.40 − 7.80
    assert matching.invoice_match(supplier=shop.supplier.pk) == []
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == D("271.20")
    payments.record_supplier_payment(
        user=shop.user, supplier=shop.supplier, account=bank, amount=D("271.20"),
        date=DAY + dt.timedelta(days=10),
    )  # fmt: skip
    assert selectors.supplier_open_items(shop.supplier.pk) == [] or all(
        o.open_amount == 0 for o in selectors.supplier_open_items(shop.supplier.pk)
    )
    opening, rows, closing = selectors.supplier_statement(
        shop.supplier.pk, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31)
    )
    assert opening == 0 and closing == 0 and len(rows) == 4  # 2 receipts, 1 return, 1 payment
    assert PartyBalance.objects.get(supplier=carrier).balance == D("12.00")
    assert_ledger_consistent()
    assert party_ledger_problems() == []
    assert checks.run_all() == 0
