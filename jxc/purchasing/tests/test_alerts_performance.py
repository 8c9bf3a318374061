"""Purchasing alert kinds (an order line past its promised date; a receipt rejecting more than
the QC threshold) raised once and resolved when they clear, and 供应商绩效 (on-time, fill and
reject rates, the price trend) from aggregate queries."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from jxc.approvals.alerts import check_rule
from jxc.approvals.models import Alert, AlertRule
from jxc.core import selectors as core_selectors
from jxc.core.documents.lines import LineInput
from jxc.purchasing import performance, services
from jxc.purchasing.tests.helpers import approved_order, posted_receipt

pytestmark = pytest.mark.django_db


def test_po_line_past_its_promised_date_fires_and_clears(shop, client_for):
    from jxc.approvals import configuration, selectors

    today = timezone.localdate()
    rule = configuration.save_alert_rule(
        user=shop.user, name="采购交期", kind="po_late", notify_users=[shop.user]
    )
    order = approved_order(
        shop,
        [LineInput(sku=shop.cola.pk, qty=D(10), price=D(5), promised_date=today - dt.timedelta(days=1)),
         LineInput(sku=shop.tea.pk, qty=D(3), price=D(5), promised_date=today + dt.timedelta(days=3))],
        date=today - dt.timedelta(days=5),
    )  # fmt: skip
    assert check_rule(rule) == (1, 0) and check_rule(rule) == (0, 0)
    alert = Alert.objects.get(rule=rule)
    assert order.number in alert.title and "10" in alert.title
    assert alert.url.endswith(f"/{order.pk}/")
    # in the to-do inbox of whom the rule tells
    assert [a.pk for a in selectors.alerts_for(shop.user)] == [alert.pk]
    from django.urls import reverse

    inbox = client_for(shop.user).get(reverse("web:todo") + "?tab=alerts").content.decode()
    assert order.number in inbox and "采购交期" in inbox and "尚有 6" not in inbox
    posted_receipt(shop, order, qty=D(4), date=today)
    assert check_rule(rule) == (0, 0)  # 6 still open
    services.close_purchase_order(order, user=shop.user, reason="不要了")
    assert check_rule(rule) == (0, 1)


def test_receipt_rejecting_above_the_threshold_fires_and_clears(shop):
    today = timezone.localdate()
    rule = AlertRule.objects.create(name="质检", kind="qc_rejects")
    order = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(20), price=D(5))], date=today)
    posted_receipt(shop, order, qty=D(19), rejected=D(1), date=today)  # 1 of 20: 5 %, not above
    assert check_rule(rule) == (0, 0)
    order2 = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D(5))], date=today)
    bad = posted_receipt(shop, order2, qty=D(8), rejected=D(2), date=today)  # 20 %
    assert check_rule(rule) == (1, 0) and check_rule(rule) == (0, 0)
    alert = Alert.objects.get(rule=rule)
    assert bad.number in alert.title and "20" in alert.title
    company = core_selectors.company()
    company.qc_reject_alert_percent = D(25)
    company.save()
    assert check_rule(rule) == (0, 1)
    rule.threshold = D(4)  # the rule's own threshold wins: both receipts now
    rule.save()
    assert check_rule(rule) == (2, 0)


def test_supplier_performance_rates_and_price_trend(shop, django_assert_max_num_queries):
    day = dt.date(2026, 3, 2)
    late = day + dt.timedelta(days=5)
    o1 = approved_order(
        shop,
        [LineInput(sku=shop.cola.pk, qty=D(10), price=D("11.30"), promised_date=day)],
        date=day,
    )
    posted_receipt(shop, o1, qty=D(6), rejected=D(2), date=day)  # on time, 2 rejected
    posted_receipt(shop, o1, qty=D(2), date=late)  # late; 8 of 10 accepted
    services.close_purchase_order(o1, user=shop.user, reason="余量不要")
    o2 = approved_order(
        shop,
        [LineInput(sku=shop.cola.pk, qty=D(5), price=D("12.43"), promised_date=late)],
        date=day,
    )
    posted_receipt(shop, o2, date=late)  # on time
    with django_assert_max_num_queries(3):
        (p,) = performance.supplier_performance(
            date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31), today=late
        )
    assert (p.code, p.receipt_lines, p.on_time_lines) == ("GYS1", 3, 2)
    assert (p.ordered_qty, p.filled_qty) == (D(15), D(13))  # o1 closed, o2 done
    assert (p.arrived_qty, p.rejected_qty) == (D(15), D(2))
    assert (p.on_time_rate, p.fill_rate, p.reject_rate) == (D("66.7"), D("86.7"), D("13.3"))
    assert (
        performance.supplier_performance(date_from=late, date_to=late, today=late)[0].receipt_lines
        == 2
    )
    assert (
        performance.supplier_performance(
            date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30)
        )
        == []
    )
    with django_assert_max_num_queries(1):
        trend = performance.price_trend(supplier=shop.supplier.pk, last=2)
    assert [(t.date, t.unit_cost) for t in trend] == [(late, D("11.00")), (late, D("10.00"))]
    assert len(performance.price_trend(supplier=shop.supplier.pk, last=5)) == 3
