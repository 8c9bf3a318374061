"""设置 → 审批规则 / 预警规则 / 通知渠道 / 发送记录 in the browser UI."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jxc.approvals.models import AlertRule, ApprovalRule, Delivery, Endpoint
from jxc.core.models import Role

pytestmark = pytest.mark.django_db


def test_an_administrator_makes_a_rule_with_two_steps(client_owner, owner, user_factory):
    boss = Role.objects.get(code="owner")
    approver = user_factory(roles=["purchaser"], username="manager")
    page = client_owner.get("/settings/approval-rules/new/").content.decode()
    assert "其他出库" in page  # the registered document types are offered
    r = client_owner.post(
        "/settings/approval-rules/new/",
        {
            "name": "大额出库",
            "doc_type": "other_issue",
            "priority": "10",
            "active": "on",
            "amount_over": "5000",
            "step1_users": [str(approver.pk)],
            "step1_mode": "any",
            "step2_role": str(boss.pk),
            "step2_mode": "all",
            "step3_mode": "any",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    rule = ApprovalRule.objects.get()
    assert rule.amount_over == Decimal("5000")
    assert [(s.order, s.role_id, s.mode) for s in rule.steps.all()] == [
        (1, None, "any"),
        (2, boss.pk, "all"),
    ]
    listing = client_owner.get("/settings/approval-rules/").content.decode()
    assert "大额出库" in listing
    detail = client_owner.get(f"/settings/approval-rules/{rule.pk}/").content.decode()
    assert "manager" in detail


def test_a_rule_without_steps_is_refused_on_the_form(client_owner):
    r = client_owner.post(
        "/settings/approval-rules/new/",
        {
            "name": "x",
            "doc_type": "other_issue",
            "priority": "1",
            "step1_mode": "any",
            "step2_mode": "any",
            "step3_mode": "any",
        },
    )
    assert r.status_code in (200, 400)
    assert "请至少添加一个审批步骤" in r.content.decode()
    assert not ApprovalRule.objects.exists()


def test_endpoints_alert_rules_and_the_delivery_log_pages(client_owner, client_for, sales_user):
    r = client_owner.post(
        "/settings/notification-endpoints/new/",
        {
            "name": "仓库群",
            "kind": "wecom",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            "events": ["submitted", "alert"],
            "active": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[:1500]
    ep = Endpoint.objects.get()
    assert ep.events == ["submitted", "alert"]
    r = client_owner.post(
        "/settings/alert-rules/new/",
        {"name": "低库存", "kind": "below_min", "endpoints": [str(ep.pk)], "active": "on"},
    )
    assert r.status_code == 302, r.content.decode()[:1500]
    assert AlertRule.objects.get().endpoints.get() == ep
    Delivery.objects.create(
        channel="wecom",
        event="alert",
        target=ep.url,
        subject="低库存",
        status="failed",
        attempts=5,
        last_error="HTTPError: 500",
    )
    page = client_owner.get("/settings/deliveries/?status=failed").content.decode()
    assert "HTTPError: 500" in page
    assert client_for(sales_user).get("/settings/deliveries/").status_code == 403
