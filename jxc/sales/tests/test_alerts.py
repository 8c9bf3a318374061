"""Sales alert kinds: an order line past its promised date, a customer over its credit limit —
raised once while the condition lasts, resolved when it clears."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.approvals.alerts import check_rule
from jxc.approvals.models import Alert, AlertRule
from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.sales import deliveries, orders

pytestmark = pytest.mark.django_db


def test_late_order_line_and_over_credit_alerts(world):
    w = world
    w.receive(w.cola, 100, "1")
    late = AlertRule.objects.create(name="交期", kind="order_late")
    credit = AlertRule.objects.create(name="信用", kind="over_credit")
    o = orders.create_sales_order(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(5), promised_date=w.today - dt.timedelta(days=1))],
    )  # fmt: skip
    o = orders.approve_sales_order(orders.submit_sales_order(o, user=w.user), user=w.user)
    assert check_rule(late) == (1, 0) and check_rule(late) == (0, 0)
    assert "XSDD" in Alert.objects.get(rule=late).title
    d = deliveries.deliver_orders([o], user=w.user)
    deliveries.post_sales_delivery(approve(submit(d, user=w.user), user=w.user), user=w.user)
    assert check_rule(late) == (0, 1)
    w.customer.credit_limit = D("10")
    w.customer.save()
    assert check_rule(credit) == (1, 0)  # owes 12.50 > 10
    w.customer.credit_limit = D("100")
    w.customer.save()
    assert check_rule(credit) == (0, 1)
