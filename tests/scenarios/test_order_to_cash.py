"""Order to cash, as a business story (issue 15):

Given a wholesale customer with a credit limit of 500 and tea in two batches (the sooner one
expiring first),
when a 销售报价单 is approved and turned into an order that passes the credit limit, a manager
approves it (the quantity is reserved), the warehouse picks it by FEFO with a scanner, two
partial deliveries are posted, one line comes back, the 销项发票 is recorded for both
deliveries less the return, and the customer pays with settlement,
then each delivery line's gross margin is price − cost, the invoice leaves the receivable as it
was (a record only) and nothing uninvoiced, the receivable is what is open, the statement runs
from the documents to a zero balance, and the books check clean."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.finance import selectors as finance_selectors
from jxc.finance.checks import party_ledger_problems
from jxc.finance.models import PartyBalance
from jxc.inventory.ledger.checks import ledger_problems
from jxc.inventory.models import LotBalance, StockBalance
from jxc.sales import deliveries, invoices, orders, picking, returns
from jxc.sales.errors import CreditLimitExceeded
from jxc.sales.selectors import reservation_problems, uninvoiced_documents
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db


def _post(w, doc, post):
    return post(approve(submit(doc, user=w.user), user=w.user), user=w.user)


def test_quotation_to_cash_with_fefo_partial_deliveries_a_return_and_settlement(
    world,  # noqa: F811
    user_factory,
):
    from jxc.finance import payments
    from jxc.finance.services import create_account

    w = world
    w.customer.credit_limit = D("500")
    w.customer.save()
    soon, late = w.today + dt.timedelta(days=30), w.today + dt.timedelta(days=300)
    w.receive(w.tea, 60, "2.10", batch="T-SOON", expiry=soon)
    w.receive(w.tea, 100, "2.40", batch="T-LATE", expiry=late)
    w.receive(w.cola, 50, "1.20")
    # 报价单 at the customer's wholesale prices, approved, turned into an order
    q = orders.create_quotation(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.tea.pk, qty=D(100)), LineInput(sku=w.cola.pk, qty=D(40))],
    )  # fmt: skip
    q = approve(submit(q, user=w.user), user=w.user)
    order = orders.order_from_quotation(q, user=w.user)
    q.refresh_from_db()
    assert q.status == "done" and order.total_amount == D("500.00")  # 100×4.00 + 40×2.50
    # over the credit limit: open receivables 120 (an earlier counter sale) + 500 > 500
    _post(
        w,
        deliveries.create_sales_delivery(
            user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
            lines=[LineInput(sku=w.cola.pk, qty=D(10), price=D("12"))],
        ),
        deliveries.post_sales_delivery,
    )  # fmt: skip
    order = orders.submit_sales_order(order, user=w.user)
    order.refresh_from_db()
    assert order.credit_exceeded
    clerk = user_factory(roles=["sales"])
    with pytest.raises(CreditLimitExceeded):
        orders.approve_sales_order(order, user=clerk)
    order = orders.approve_sales_order(order, user=w.user)  # the manager's approval
    assert StockBalance.objects.get(sku=w.tea).reserved == 100
    # 出库通知单 by FEFO, picked by scanning
    pick = approve(picking.create_pick_list([order], user=w.user), user=w.user)
    tea_lines = [(x.batch_number, x.qty) for x in pick.lines.filter(sku=w.tea).order_by("line_no")]
    assert tea_lines == [("T-SOON", 60), ("T-LATE", 40)]
    code = w.tea.barcodes.first().code
    picking.scan_pick(pick, user=w.user, code=code, qty=D(60), batch="T-SOON")
    picking.scan_pick(pick, user=w.user, code=code, qty=D(40), batch="T-LATE")
    picking.scan_pick(pick, user=w.user, code=w.cola.barcodes.first().code, qty=D(40))
    picking.confirm_pick_list(pick, user=w.user)
    tea_line, cola_line = order.lines.order_by("line_no")
    # two partial deliveries: the sooner batch and the cola first, then the rest
    first = _post(
        w,
        deliveries.create_sales_delivery(
            user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
            lines=[
                LineInput(sku=w.tea.pk, qty=D(60), source_line=tea_line.pk, batch_number="T-SOON"),
                LineInput(sku=w.cola.pk, qty=D(40), source_line=cola_line.pk),
            ],
        ),
        deliveries.post_sales_delivery,
    )  # fmt: skip
    second = _post(
        w,
        deliveries.create_sales_delivery(
            user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
            lines=[LineInput(sku=w.tea.pk, qty=D(40), source_line=tea_line.pk)],
        ),
        deliveries.post_sales_delivery,
    )  # fmt: skip
    order.refresh_from_db()
    assert order.status == "done" and StockBalance.objects.get(sku=w.tea).reserved == 0
    lots = {
        x.batch.number: x.qty for x in LotBalance.objects.filter(sku=w.tea).select_related("batch")
    }
    assert lots == {"T-SOON": 0, "T-LATE": 60}
    # gross margin per line = amount excl. VAT − cost; tea averaged (60×2.10+100×2.40)/160
    for d in (first, second):
        for x in d.lines.all():
            assert x.gross_profit == x.net_amount - x.cost_amount
    t1 = first.lines.get(sku=w.tea)
    assert t1.cost_amount == D("137.25") and t1.net_amount == D("212.39")
    # one line comes back (10 of the cola) at the cost it left with
    c1 = first.lines.get(sku=w.cola)
    r = _post(
        w,
        returns.create_sales_return(
            user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
            lines=[LineInput(sku=w.cola.pk, qty=D(10), source_line=c1.pk, bin=w.bad_bin.pk)],
        ),
        returns.post_sales_return,
    )  # fmt: skip
    assert r.lines.get().cost_amount == D("12.00") and r.total_amount == D("25.00")
    owed = PartyBalance.objects.get(side="receivable", customer=w.customer).balance
    assert owed == D("120.00") + D("500.00") - D("25.00")
    # 销项发票 for both deliveries less the return: 500 − 25 = 475 (价税合计); a record only
    mine = [x for x in uninvoiced_documents(w.user) if x.number in (first.number, second.number)]
    assert sum(x.uninvoiced for x in mine) == D("500.00")
    inv = invoices.record_sales_invoice(
        user=w.user, customer=w.customer, date=w.today, invoice_number="44031234",
        net_amount=D("420.35"), tax_amount=D("54.65"),
        deliveries=[first.pk, second.pk], returns=[r.pk],
    )  # fmt: skip
    assert inv.total_amount == D("475.00") and inv.links.count() == 3
    assert PartyBalance.objects.get(side="receivable", customer=w.customer).balance == owed
    left = {x.number for x in uninvoiced_documents(w.user)}
    assert not left & {first.number, second.number, r.number}
    # the return's credit is settled against the deliveries (核销), then the customer pays
    # everything, settled oldest first
    from jxc.finance import party_ledger
    from jxc.finance.models import PartyLedgerEntry

    credit = PartyLedgerEntry.objects.get(source_kind="sales_return", source_id=r.pk)
    party_ledger.settle_oldest_first(credit.pk, date=w.today, user=w.user)
    account = create_account(user=w.user, code="YH1", name="银行", kind="bank")
    payments.record_customer_payment(
        user=w.user, customer=w.customer, account=account, amount=owed, date=w.today
    )
    assert PartyBalance.objects.get(side="receivable", customer=w.customer).balance == 0
    assert not [
        i for i in finance_selectors.open_items("receivable", w.customer.pk) if i.open_amount
    ]
    opening, rows, closing = finance_selectors.statement(
        "receivable", w.customer.pk, date_from=w.today, date_to=w.today
    )
    assert opening == 0 and closing == 0
    assert [row.number[:4] for row in rows[:3]] == ["XSCK", "XSCK", "XSCK"]
    assert not ledger_problems() and not party_ledger_problems() and not reservation_problems()
