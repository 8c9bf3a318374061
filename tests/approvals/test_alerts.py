"""预警规则: a breach is raised once (an alert in 预警, a message to a robot webhook served
here), stays open while it lasts, clears when resolved, and is raised again on a new breach."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from jxc.approvals import alerts, configuration, selectors
from jxc.approvals.models import Alert, Delivery, Endpoint
from jxc.core.documents.lines import LineInput
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.tests.conftest import TODAY, post, receive
from tests.approvals.conftest import issue
from tests.approvals.test_notifications import receiver  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal


def test_an_alert_fires_once_per_breach_clears_and_reaches_the_robot(world, receiver):  # noqa: F811
    w = world
    robot = receiver(statuses=[200])
    ep = Endpoint.objects.create(name="仓库群", kind="wecom", url=robot.url, events=["alert"])
    rule = configuration.save_alert_rule(
        user=w.owner,
        name="低于安全库存",
        kind="below_min",
        notify_users=[w.keeper],
        endpoints=[ep],
    )
    inventory.set_stock_limit(
        user=w.owner, sku=w.sku_a, warehouse=w.zc, min_qty=D("1200"), max_qty=None
    )
    assert alerts.scan()["raised"] == 1  # 1,000 on hand < 1,200
    assert alerts.scan()["raised"] == 0  # the same breach: not again
    assert len(robot.received) == 1
    payload = json.loads(robot.received[0][1])
    assert payload["msgtype"] == "markdown"
    assert "可口可乐" in payload["markdown"]["content"] and "1200" in payload["markdown"]["content"]
    assert Delivery.objects.get().status == "sent"
    assert [a.rule_id for a in selectors.alerts_for(w.keeper)] == [rule.pk]
    assert selectors.todo_count(w.keeper) == 1
    receive(w, w.sku_a, w.zc, "300", "10")  # 1,300: resolved
    assert alerts.scan()["resolved"] == 1
    assert not selectors.alerts_for(w.keeper).exists()
    from jxc.inventory.documents import services as docs

    docs.post_document(
        docs.approve_document(docs.submit_document(issue(w, "200"), user=w.keeper), user=w.keeper),
        user=w.keeper,
    )  # 1,100: a new breach, raised again
    assert alerts.scan()["raised"] == 1
    assert Alert.objects.filter(rule=rule).count() == 2
    assert len(robot.received) == 2


def test_a_failing_robot_does_not_stop_the_scan(world):
    w = world
    ep = Endpoint.objects.create(
        name="down", kind="dingtalk", url="http://127.0.0.1:9/", events=["alert"]
    )
    configuration.save_alert_rule(user=w.owner, name="超储", kind="above_max", endpoints=[ep])
    inventory.set_stock_limit(
        user=w.owner, sku=w.sku_a, warehouse=w.zc, min_qty=None, max_qty=D("10")
    )
    assert alerts.scan()["raised"] == 1
    d = Delivery.objects.get()
    assert d.status == "pending" and d.last_error
    assert Alert.objects.filter(resolved_at__isnull=True).count() == 1


def test_the_scan_is_queued_once(world):
    assert alerts.ensure_scheduled() is True
    assert alerts.ensure_scheduled() is False


# --- each kind of breach, against today's date --------------------------------------------


def _rule(w, kind, threshold=None):
    return configuration.save_alert_rule(
        user=w.owner, name=kind, kind=kind, threshold=threshold, notify_users=[w.keeper]
    )


def _titles(rule):
    return [a.title for a in Alert.objects.filter(rule=rule, resolved_at__isnull=True)]


def test_expired_and_near_expiry_batches_are_two_kinds(world):
    w = world
    today = timezone.localdate()
    for number, expiry in (("OLD", today - dt.timedelta(3)), ("SOON", today + dt.timedelta(10))):
        receive(w, w.sku_c, w.zc, "5", "4", batch_number=number, expiry_date=expiry)
    expired, near = _rule(w, "expired"), _rule(w, "near_expiry", D(30))
    assert alerts.scan()["raised"] == 2
    (old,) = _titles(expired)
    (soon,) = _titles(near)
    assert "OLD" in old and "SOON" not in old  # expired is not 临期, and 临期 is not expired
    assert "SOON" in soon and "OLD" not in soon


def test_no_movement_since_the_rules_days_and_cleared_by_a_move(world):
    w = world  # 1,000 of A001 in 总仓, received on TODAY of the document tests
    days_since = (timezone.localdate() - TODAY).days
    assert days_since > 2
    quiet = _rule(w, "no_movement", D(days_since - 1))
    lenient = _rule(w, "no_movement", D(days_since + 30))
    assert alerts.scan()["raised"] == 1
    assert len(_titles(quiet)) == 1 and _titles(lenient) == []
    receive(w, w.sku_a, w.zc, "1", "10", date=timezone.localdate())  # it moves today
    assert alerts.scan()["resolved"] == 1
    assert _titles(quiet) == []


def test_an_abnormal_move_above_the_value_is_raised_once(world):
    w = world
    rule = _rule(w, "abnormal_move", D(1000))
    adjust = docs.create_stock_document(
        user=w.owner,
        kind="cost_adjustment",
        warehouse=w.zc,
        date=timezone.localdate(),
        lines=[LineInput(sku=w.sku_a.pk, price=D("12"))],  # 1,000 × (12 − 10) = 2,000
    )
    post(adjust, w.owner)
    assert alerts.scan()["raised"] == 1
    (title,) = _titles(rule)
    assert adjust.number in title and "2000" in title
    assert alerts.scan()["raised"] == 0
    small = _rule(w, "abnormal_move", D(5000))
    alerts.scan()
    assert _titles(small) == []
