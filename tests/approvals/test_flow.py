"""The approval flow on a warehouse document (其他出库), through the real services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from jxc.approvals import services
from jxc.approvals.errors import DownstreamExists, NotYourStep, StepDecided
from jxc.approvals.models import ApprovalDecision, ApprovalRequest
from jxc.core.documents.lines import LineInput
from jxc.core.errors import PermissionDenied
from jxc.core.models import AuditLog
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.tests.conftest import TODAY
from tests.approvals.conftest import issue, rule

pytestmark = pytest.mark.django_db
D = Decimal


def _pending(doc):
    return ApprovalRequest.objects.get(doc_type="other_issue", doc_id=doc.pk, status="pending")


def test_an_issue_above_the_amount_waits_for_the_steps_role_then_posts(world):
    w = world
    rule(w, amount_over=D("1000"), steps=[(w.supervisor_role, [], "any")])
    small = docs.submit_document(issue(w, "100"), user=w.keeper)  # 1,000.00: not above
    assert not ApprovalRequest.objects.filter(doc_id=small.pk).exists()
    doc = docs.submit_document(issue(w, "101"), user=w.keeper)  # 1,010.00
    req = _pending(doc)
    assert req.amount == D("1010.00")
    assert set(req.waiting_for.values_list("username", flat=True)) == {"sup1", "sup2"}
    # the keeper holds other_issue.approve, but the step is the supervisors'
    with pytest.raises(NotYourStep):
        docs.approve_document(doc, user=w.keeper)
    doc = docs.approve_document(doc, user=w.sup1)
    assert doc.status == "approved"
    req.refresh_from_db()
    assert req.status == "approved"
    assert list(req.decisions.values_list("decision", "user__username")) == [
        ("submit", "keeper"),
        ("approve", "sup1"),
    ]
    assert docs.post_document(doc, user=w.keeper).status == "posted"


def test_no_matching_rule_keeps_the_one_step_approval(world):
    w = world
    rule(w, amount_over=D("1000000"), steps=[(w.supervisor_role, [], "any")])
    doc = docs.submit_document(issue(w, "5"), user=w.keeper)
    assert docs.approve_document(doc, user=w.keeper).status == "approved"
    # and without the permission, still refused
    with pytest.raises(PermissionDenied):
        docs.approve_document(docs.submit_document(issue(w, "5"), user=w.keeper), user=w.sup1)


def test_steps_in_order_any_then_all(world):
    w = world
    rule(
        w,
        steps=[(w.supervisor_role, [], "any"), (None, [w.sup1, w.owner], "all")],
    )
    doc = docs.submit_document(issue(w, "1"), user=w.keeper)
    doc = docs.approve_document(doc, user=w.sup2)  # step 1 (any): done
    assert doc.status == "submitted"
    req = _pending(doc)
    assert req.step == 2
    assert set(req.waiting_for.values_list("username", flat=True)) == {"sup1", "boss"}
    with pytest.raises(NotYourStep):
        docs.approve_document(doc, user=w.sup2)
    doc = docs.approve_document(doc, user=w.sup1)
    assert doc.status == "submitted"  # step 2 needs all of them
    with pytest.raises(StepDecided):
        docs.approve_document(doc, user=w.sup1)  # once per step and approver
    doc = docs.approve_document(doc, user=w.owner)
    assert doc.status == "approved"
    closing = ApprovalDecision.objects.filter(request=req, closes_step=True)
    assert sorted(closing.values_list("step", "user__username")) == [(1, "sup2"), (2, "boss")]
    # the 操作记录 names the step in Chinese (an audit key that is no field of the document)
    from jxc.web.generic.audit import audit_rows

    with translation.override("zh-hans"):
        texts = str(audit_rows(doc, w.owner, readable=True))
    assert "审批步骤" in texts and "approval_step" not in texts.lower().replace(" ", "_")


def test_reject_needs_a_reason_returns_to_draft_and_a_resubmit_is_a_new_round(world):
    w = world
    rule(w, steps=[(w.supervisor_role, [], "any")])
    doc = docs.submit_document(issue(w, "3"), user=w.keeper)
    from jxc.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        docs.reject_document(doc, user=w.sup1, reason=" ")
    doc = docs.reject_document(doc, user=w.sup1, reason="数量不对")
    assert doc.status == "draft" and doc.is_editable
    doc = docs.update_stock_document(
        doc, user=w.keeper, lines=[LineInput(sku=w.sku_a.pk, qty=D("2"))]
    )
    doc = docs.submit_document(doc, user=w.keeper)
    req = _pending(doc)
    assert req.round == 2 and req.amount == D("20.00")
    timeline = services.timeline("other_issue", doc.pk)
    assert [(d.request.round, d.decision, d.comment) for d in timeline] == [
        (1, "submit", ""),
        (1, "reject", "数量不对"),
        (2, "submit", ""),
    ]
    assert docs.approve_document(doc, user=w.sup2).status == "approved"


def test_the_submitter_withdraws_while_pending_others_may_not(world, user_factory):
    w = world
    rule(w, steps=[(w.supervisor_role, [], "any")])
    doc = docs.submit_document(issue(w, "3"), user=w.keeper)
    other_keeper = user_factory(roles=["purchaser"], username="buyer")
    with pytest.raises(PermissionDenied):
        docs.unapprove_document(doc, user=other_keeper)
    doc = docs.unapprove_document(doc, user=w.keeper)
    assert doc.status == "draft"
    assert ApprovalRequest.objects.get(doc_id=doc.pk).status == "withdrawn"


def test_unapprove_is_refused_while_downstream_documents_exist(world):
    w = world
    rule(w, steps=[(w.supervisor_role, [], "any")])
    doc = docs.approve_document(docs.submit_document(issue(w, "3"), user=w.keeper), user=w.sup1)
    made: list[str] = ["XSCK20261120-0001"]
    services.register_downstream("other_issue", lambda d: list(made))
    try:
        with pytest.raises(DownstreamExists):
            docs.unapprove_document(doc, user=w.owner)
        made.clear()
        doc = docs.unapprove_document(doc, user=w.owner)
    finally:
        services._DOWNSTREAM.pop("other_issue", None)
    assert doc.status == "submitted"
    rounds = ApprovalRequest.objects.filter(doc_id=doc.pk).order_by("round")
    assert [(r.round, r.status) for r in rounds] == [(1, "reopened"), (2, "pending")]


def test_unapprove_needs_its_own_permission(world):
    w = world
    rule(w, steps=[(w.supervisor_role, [], "any")])
    doc = docs.approve_document(docs.submit_document(issue(w, "3"), user=w.keeper), user=w.sup1)
    with pytest.raises(PermissionDenied):
        docs.unapprove_document(doc, user=w.sup1)


def test_a_decision_on_a_step_already_passed_is_refused(world):
    w = world
    rule(w, steps=[(None, [w.sup1, w.sup2], "any"), (None, [w.sup1, w.owner], "any")])
    doc = docs.submit_document(issue(w, "3"), user=w.keeper)
    req = _pending(doc)
    services.decide(req, user=w.sup2, approve=True, step=1)
    # sup1 tapped 同意 on step 1 at the same moment: refused, not counted on step 2
    with pytest.raises(StepDecided):
        services.decide(req, user=w.sup1, approve=True, step=1)
    req.refresh_from_db()
    assert req.step == 2 and req.decisions.filter(step=2).count() == 0


# --- the cheap probe: documents no rule touched ----------------------------------------------


def _approval_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if "approvals_" in q["sql"]]


def test_without_rules_each_step_asks_the_approvals_tables_once(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world
    doc = issue(w, "2")
    for step in (docs.submit_document, docs.approve_document, docs.post_document):
        with CaptureQueriesContext(connection) as seen:
            doc = step(doc, user=w.keeper)
        asked = _approval_statements(seen.captured_queries)
        # one statement asks both: any active rule of the type, any round of the document
        assert len(asked) == 1, step.__name__
        assert "approvals_approvalrule" in asked[0] and "approvals_approvalrequest" in asked[0]
    assert doc.status == "posted"
    assert not ApprovalRequest.objects.exists()


def test_a_rule_added_after_a_plain_submission_applies_to_the_next_one(world):
    w = world
    first = docs.submit_document(issue(w, "2"), user=w.keeper)
    assert not ApprovalRequest.objects.filter(doc_id=first.pk).exists()
    rule(w, steps=[(w.supervisor_role, [], "any")])
    second = docs.submit_document(issue(w, "2"), user=w.keeper)
    assert _pending(second).status == "pending"
    with pytest.raises(NotYourStep):
        docs.approve_document(second, user=w.keeper)


def test_a_round_opened_under_a_rule_since_switched_off_still_waits_for_its_step(world):
    w = world
    r = rule(w, steps=[(w.supervisor_role, [], "any")])
    doc = docs.submit_document(issue(w, "2"), user=w.keeper)
    type(r).objects.filter(pk=r.pk).update(active=False)
    with pytest.raises(NotYourStep):
        docs.approve_document(doc, user=w.keeper)
    assert docs.approve_document(doc, user=w.sup1).status == "approved"


def test_unapprove_is_refused_while_downstream_documents_exist_without_any_rule(world):
    w = world
    doc = docs.approve_document(docs.submit_document(issue(w, "3"), user=w.keeper), user=w.owner)
    services.register_downstream("other_issue", lambda d: ["XSCK20261120-0001"])
    try:
        with pytest.raises(DownstreamExists):
            docs.unapprove_document(doc, user=w.owner)
    finally:
        services._DOWNSTREAM.pop("other_issue", None)


def test_post_at_once_stops_at_submitted_when_a_rule_applies_and_posts_without_one(world):
    w = world
    rule(w, amount_over=D("1000"), steps=[(w.supervisor_role, [], "any")])
    doc = docs.post_stock_document_at_once(issue(w, "101"), user=w.keeper)  # 1,010.00
    assert doc.status == "submitted"
    assert _pending(doc).status == "pending"
    # the rule's approvers decide as usual, then it posts
    doc = docs.approve_document(doc, user=w.sup1)
    assert docs.post_document(doc, user=w.keeper).status == "posted"
    small = docs.post_stock_document_at_once(issue(w, "100"), user=w.keeper)  # not above
    assert small.status == "posted"
    assert not ApprovalRequest.objects.filter(doc_id=small.pk).exists()


def test_create_and_post_stops_at_submitted_when_a_rule_applies_and_posts_without_one(world):
    w = world
    rule(w, amount_over=D("1000"), steps=[(w.supervisor_role, [], "any")])

    def create_and_post(qty):
        return docs.create_and_post_stock_document(
            user=w.keeper,
            kind="other_issue",
            warehouse=w.zc,
            date=TODAY,
            reason="internal_use",
            lines=[LineInput(sku=w.sku_a.pk, qty=D(qty))],
        )

    doc = create_and_post("101")  # 1,010.00: created and submitted, waits for the supervisors
    assert doc.status == "submitted"
    assert _pending(doc).status == "pending"
    assert list(
        AuditLog.objects.filter(object_type=doc._meta.label_lower, object_id=str(doc.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["create", "submit"]
    doc = docs.approve_document(doc, user=w.sup1)
    assert docs.post_document(doc, user=w.keeper).status == "posted"
    small = create_and_post("100")  # not above
    assert small.status == "posted"
    assert not ApprovalRequest.objects.filter(doc_id=small.pk).exists()


def test_post_at_once_without_rules_asks_the_approvals_tables_once(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world
    with CaptureQueriesContext(connection) as seen:
        doc = docs.post_stock_document_at_once(issue(w, "2"), user=w.keeper)
    assert doc.status == "posted"
    assert len(_approval_statements(seen.captured_queries)) == 1
