"""应收账龄 with 销售退货: a return's credit is never a negative age bucket. It is netted
against the customer's open deliveries the oldest due first (as 核销 would take it); what no
delivery takes stands apart as 未核销贷项; the columns add up to the customer's balance."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.finance import rules, selectors
from jxc.finance.models import PartyBalance
from jxc.sales import deliveries, orders, returns

pytestmark = pytest.mark.django_db


def _post(w, doc, post):
    return post(approve(submit(doc, user=w.user), user=w.user), user=w.user)


def _deliver(w, customer, qty):
    o = orders.create_sales_order(
        user=w.user, customer=customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(qty), price=D("3"))],
    )  # fmt: skip
    o = orders.approve_sales_order(orders.submit_sales_order(o, user=w.user), user=w.user)
    d = deliveries.create_sales_delivery(
        user=w.user, customer=customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(qty), source_line=o.lines.get().pk)],
    )  # fmt: skip
    return _post(w, d, deliveries.post_sales_delivery)


def _return(w, customer, qty, **line):
    r = returns.create_sales_return(
        user=w.user, customer=customer, warehouse=w.warehouse, date=w.today,
        reason="" if line else "无单退货",
        lines=[LineInput(sku=w.cola.pk, qty=D(qty), price=D("3"), **line)],
    )  # fmt: skip
    return _post(w, r, returns.post_sales_return)


def _balance(customer):
    return PartyBalance.objects.get(side="receivable", customer=customer).balance


def test_a_return_credit_is_netted_against_the_oldest_delivery_or_stands_apart(world, client):
    from jxc.partners.services import create_customer

    w = world
    w.receive(w.cola, 30, "1.00")
    only_return = create_customer(user=w.user, code="KH2", name="客户二")
    d = _deliver(w, w.customer, 10)
    r = _return(w, w.customer, 4, source_line=d.lines.get().pk)
    lone = _return(w, only_return, 2)  # 无单退货: nothing of the customer's is open
    assert r.total_amount > 0 and lone.total_amount > 0
    # 45 days on: the delivery (due in 30) is 15 days past due; the returns, without a due
    # date, are "due" on their date — before the rule they showed as −12 in 31–60
    as_of = w.today + dt.timedelta(days=45)
    aged = selectors.aging("receivable", as_of=as_of)
    one = aged[w.customer.pk]
    assert one["buckets"] == {
        "not_due": 0, "0-30": d.total_amount - r.total_amount, "31-60": 0, "61-90": 0, "90+": 0,
    }  # fmt: skip
    assert one["credit"] == 0
    assert one["total"] == _balance(w.customer) == d.total_amount - r.total_amount
    two = aged[only_return.pk]
    assert all(v == 0 for v in two["buckets"].values())
    assert two["credit"] == -lone.total_amount == two["total"] == _balance(only_return)
    assert all(v >= 0 for a in aged.values() for v in a["buckets"].values())

    # the screen: its own column, and the totals tie to the book to the 分
    client.force_login(w.user)
    page = client.get(f"/finance/receivables/aging/?as_of={as_of.isoformat()}")
    t = page.context["table"]
    rows = [{c["col"].key: c["text"] for c in row} for row in t["rows"]]
    totals = {c["col"].key: c["text"] for c in t["totals"]}
    assert [r_["code"] for r_ in rows] == ["KH1", "KH2"]
    assert rows[1][rules.AGING_CREDIT] == rows[1]["total"] == f"{-lone.total_amount:.2f}"
    assert totals["total"] == f"{selectors.book_total('receivable'):.2f}"
    assert totals[rules.AGING_CREDIT] == f"{-lone.total_amount:.2f}"
    assert "未核销预收及退货" in page.content.decode()
