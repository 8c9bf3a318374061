"""Approvals through the API: to-dos, decisions by the step's role only (a 销售 token cannot
approve what waits for the supervisors), withdraw, unapprove, rule CRUD, the delivery log."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jxc.api.tests.conftest import bearer, call
from jxc.approvals.models import Delivery
from jxc.core.accounts import create_api_token
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.tests.conftest import stock_world  # noqa: F401
from tests.approvals.conftest import issue, rule, world  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal


def _token(user):
    return bearer(create_api_token(user=user, name="t")[1])


def test_only_the_steps_role_approves_through_the_api(world):  # noqa: F811
    w = world
    rule(w, amount_over=D("100"), steps=[(w.supervisor_role, [], "any")])
    doc = docs.submit_document(issue(w, "20"), user=w.keeper)
    status, page = call(_token(w.sup1), "get", "/todos")
    assert status == 200 and page["count"] == 1
    req = page["items"][0]
    assert req["number"] == doc.number and D(req["amount"]) == 200 and req["step"] == 1
    # a 销售 token: not an approver of the step
    status, body = call(_token(w.sales), "post", f"/approval-requests/{req['id']}/approve", {})
    assert status == 404 or body["code"] == "not_your_step"
    # the keeper holds other_issue.approve, still not the step's
    status, body = call(_token(w.keeper), "post", f"/approval-requests/{req['id']}/approve", {})
    assert (status, body["code"]) == (403, "not_your_step")
    # nor through the document's own endpoint
    status, body = call(_token(w.keeper), "post", f"/other-issues/{doc.pk}/approve", {})
    assert (status, body["code"]) == (403, "not_your_step")
    status, body = call(
        _token(w.sup1), "post", f"/approval-requests/{req['id']}/approve", {"step": 1}
    )
    assert status == 200 and body["status"] == "approved"
    assert [t["decision"] for t in body["timeline"]] == ["submit", "approve"]
    status, body = call(
        _token(w.sup2), "post", f"/approval-requests/{req['id']}/approve", {"step": 1}
    )
    assert (status, body["code"]) == (409, "step_already_decided")


def test_reject_withdraw_and_unapprove_through_the_api(world):  # noqa: F811
    w = world
    rule(w, steps=[(w.supervisor_role, [], "any")])
    doc = docs.submit_document(issue(w, "2"), user=w.keeper)
    rid = call(_token(w.sup1), "get", "/todos")[1]["items"][0]["id"]
    status, body = call(_token(w.sup1), "post", f"/approval-requests/{rid}/reject", {})
    assert status == 422
    status, body = call(
        _token(w.sup1), "post", f"/approval-requests/{rid}/reject", {"reason": "不要"}
    )
    assert status == 200 and body["status"] == "rejected"
    doc = docs.submit_document(doc, user=w.keeper)
    status, page = call(_token(w.keeper), "get", "/todos", {"box": "submitted"})
    rid = page["items"][0]["id"]
    assert page["items"][0]["round"] == 2
    status, body = call(_token(w.sup1), "post", f"/approval-requests/{rid}/withdraw")
    assert (status, body["code"]) == (403, "permission_denied")  # not the submitter
    status, body = call(_token(w.keeper), "post", f"/approval-requests/{rid}/withdraw")
    assert status == 200 and body["status"] == "withdrawn"
    doc = docs.approve_document(docs.submit_document(doc, user=w.keeper), user=w.sup2)
    rid = call(_token(w.keeper), "get", "/todos", {"box": "submitted"})[1]["items"][0]["id"]
    status, body = call(_token(w.sup2), "post", f"/approval-requests/{rid}/unapprove")
    assert (status, body["code"]) == (403, "permission_denied")  # 反审核 is its own permission
    status, body = call(_token(w.owner), "post", f"/approval-requests/{rid}/unapprove")
    assert status == 200 and body["status"] == "pending" and body["round"] == 4


def test_rule_crud_and_the_delivery_log_need_the_approval_permission(world):  # noqa: F811
    w = world
    payload = {
        "name": "大额采购",
        "doc_type": "purchase_order",
        "priority": 10,
        "amount_over": "50000",
        "steps": [{"role": "owner", "mode": "any"}, {"users": ["sup1", "sup2"], "mode": "all"}],
    }
    status, body = call(_token(w.keeper), "post", "/approval-rules", payload)
    assert (status, body["code"]) == (403, "permission_denied")
    status, body = call(_token(w.owner), "post", "/approval-rules", payload)
    assert status == 201, body
    assert body["steps"][1] == {"order": 2, "role": None, "users": ["sup1", "sup2"], "mode": "all"}
    rid = body["id"]
    status, body = call(_token(w.owner), "patch", f"/approval-rules/{rid}", {"amount_up_to": "100"})
    assert (status, body["code"]) == (422, "validation_failed")
    assert "amount_up_to" in body["params"]["errors"]
    status, body = call(_token(w.owner), "post", "/approval-rules", {**payload, "doc_type": "x"})
    assert status == 422 and "doc_type" in body["params"]["errors"]
    status, body = call(_token(w.owner), "post", "/approval-rules", {**payload, "steps": []})
    assert status == 422
    assert call(_token(w.owner), "get", "/approval-rules")[1]["count"] == 1
    assert call(_token(w.owner), "delete", f"/approval-rules/{rid}")[0] == 204
    Delivery.objects.create(
        channel="webhook",
        event="approved",
        target="http://127.0.0.1:9/",
        subject="s",
        status="failed",
        attempts=5,
        last_error="URLError",
    )
    assert call(_token(w.keeper), "get", "/deliveries")[0] == 403
    status, page = call(_token(w.owner), "get", "/deliveries", {"status": "failed"})
    assert page["count"] == 1 and page["items"][0]["last_error"] == "URLError"
