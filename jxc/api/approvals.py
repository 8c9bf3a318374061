"""Approvals and notifications through the API (docs/approvals.md):

GET  /todos?box=mine|submitted          待我审批 / 我提交的 (approval requests)
GET  /approval-requests/{id}            one request with its timeline
POST /approval-requests/{id}/approve    {"step", "comment"} — as an approver of the step
POST /approval-requests/{id}/reject     {"step", "reason"}
POST /approval-requests/{id}/withdraw   the submitter, while pending
POST /approval-requests/{id}/unapprove  反审核 of the approved document (its own permission)
GET/POST /approval-rules, GET/PATCH/DELETE /approval-rules/{id}   审批规则 with steps
GET  /deliveries, POST /deliveries/{id}/resend                     the delivery log
GET  /notifications, GET /alerts                                  my notifications and alerts

Who may approve is the step's role or users (``not_your_step`` 403 otherwise); a decision on a
step someone else decided a moment before is ``step_already_decided`` (409), never counted.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q
from ninja import Field, Query, Schema

from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.listing import Paging, listing, page_of
from jxc.api.common.permissions import get_or_404, open_to_users, requires
from jxc.approvals import configuration, notify, selectors, services
from jxc.approvals.models import ApprovalRequest, ApprovalRule, Delivery
from jxc.core.documents import actions
from jxc.core.errors import NotFound, ValidationFailed
from jxc.core.models import Role, User

router = Router(tags=["approvals"])


class DecisionOut(Schema):
    step: int
    round: int
    user: str
    decision: str
    comment: str
    at: dt.datetime


class StepOut(Schema):
    order: int
    mode: str
    label: str
    approvers: list[int]


class RequestOut(Schema):
    id: int
    doc_type: str
    doc_id: int
    number: str
    round: int
    summary: str
    url: str
    amount: Decimal | None
    status: str
    step: int
    steps: list[StepOut]
    rule_name: str
    submitted_by: str
    submitted_at: dt.datetime
    finished_at: dt.datetime | None
    timeline: list[DecisionOut] = []


def request_out(req: ApprovalRequest, *, timeline: bool = False) -> dict[str, Any]:
    data = {
        "id": req.pk,
        "doc_type": req.doc_type,
        "doc_id": req.doc_id,
        "number": req.number,
        "round": req.round,
        "summary": req.summary,
        "url": req.url,
        "amount": req.amount,
        "status": req.status,
        "step": req.step,
        "steps": [
            {
                "order": s["order"],
                "mode": s["mode"],
                "label": s.get("label", ""),
                "approvers": s["approvers"],
            }
            for s in req.steps
        ],
        "rule_name": req.rule_name,
        "submitted_by": str(req.submitted_by) if req.submitted_by_id else "",
        "submitted_at": req.submitted_at,
        "finished_at": req.finished_at,
        "timeline": [],
    }
    if timeline:
        data["timeline"] = [
            {
                "step": d.step,
                "round": d.request.round,
                "user": str(d.user),
                "decision": d.decision,
                "comment": d.comment,
                "at": d.at,
            }
            for d in services.timeline(req.doc_type, req.doc_id)
        ]
    return data


def _visible(request) -> Any:
    """The requests a user may read: theirs, the ones waiting (or that waited) for them, or
    all with ``approval.view``."""
    user = request.user
    qs = ApprovalRequest.objects.select_related("submitted_by")
    if user.has_jxc_perm("approval.view"):
        return qs
    return qs.filter(
        Q(submitted_by=user) | Q(waiting_for=user) | Q(decisions__user=user)
    ).distinct()


class TodoQuery(Paging):
    box: Literal["mine", "submitted"] = "mine"


@router.get("/todos", response=page_of(RequestOut))
@open_to_users
def list_todos(request, query: Query[TodoQuery]):
    """待办: ``box=mine`` the requests waiting for my decision (oldest first), ``submitted``
    mine (newest first)."""
    qs = (
        selectors.waiting_for_me(request.user)
        if query.box == "mine"
        else selectors.submitted_by_me(request.user).select_related("submitted_by")
    )
    page = listing(request, qs, None, query)
    page["items"] = [request_out(r) for r in page["items"]]
    return page


@router.get("/approval-requests/{id}", response=RequestOut)
@open_to_users
def get_request(request, id: int):
    """One approval round with the document's whole timeline."""
    return request_out(get_or_404(_visible(request), id), timeline=True)


class DecideIn(Schema):
    step: int | None = Field(None, ge=1, le=20)
    comment: str = Field("", max_length=500)


class RejectIn(Schema):
    step: int | None = Field(None, ge=1, le=20)
    reason: str = Field(..., min_length=1, max_length=500)


def _acting(request, id: int) -> ApprovalRequest:
    return get_or_404(ApprovalRequest.objects.all(), id)


@router.post("/approval-requests/{id}/approve", response=RequestOut)
@open_to_users
def approve_request(request, id: int, payload: DecideIn):
    """同意 the current step (``step``: the step you saw). After the last step the document is
    已审核 (post it with its own ``…/{id}/post``)."""
    req = services.decide(
        _acting(request, id),
        user=request.user,
        approve=True,
        comment=payload.comment,
        step=payload.step,
    )
    return request_out(req, timeline=True)


@router.post("/approval-requests/{id}/reject", response=RequestOut)
@open_to_users
def reject_request(request, id: int, payload: RejectIn):
    """驳回 with a reason: the document goes back to a draft its submitter can change."""
    req = services.decide(
        _acting(request, id),
        user=request.user,
        approve=False,
        comment=payload.reason,
        step=payload.step,
    )
    return request_out(req, timeline=True)


@router.post("/approval-requests/{id}/withdraw", response=RequestOut)
@open_to_users
def withdraw_request(request, id: int):
    """撤回: the submitter takes the pending document back to a draft."""
    req = get_or_404(_visible(request).filter(status="pending"), id)
    return request_out(services.withdraw(req, user=request.user), timeline=True)


@router.post("/approval-requests/{id}/unapprove", response=RequestOut)
@open_to_users
def unapprove_request(request, id: int):
    """反审核 of the approved document: needs ``<resource>.unapprove``; refused while documents
    made from it exist or its month is closed. It is 待审核 again (a new round)."""
    req = get_or_404(_visible(request), id)
    doc = services.document_of(req)
    if doc.status != "approved":
        raise NotFound()
    actions.unapprove(doc, user=request.user)
    latest = selectors.request_for(req.doc_type, req.doc_id) or req
    return request_out(latest, timeline=True)


# --- 审批规则 ---------------------------------------------------------------------------------


class StepIn(Schema):
    role: str | None = Field(None, max_length=40, description="a role code")
    users: list[str] = Field(default_factory=list, description="usernames")
    mode: Literal["any", "all"] = "any"


class RuleIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)
    doc_type: str = Field(..., max_length=30)
    priority: int = Field(100, ge=0, le=9999)
    active: bool = True
    amount_over: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    amount_up_to: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    discount_over_pct: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    margin_below_pct: Decimal | None = Field(None, ge=-100, le=100, decimal_places=2)
    credit_exceeded: bool = False
    customer_tier: str = Field("", max_length=30)
    warehouse_id: int | None = None
    requester_role: str | None = Field(None, max_length=40)
    variance_over: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    steps: list[StepIn] = Field(..., min_length=1, max_length=20)


class RulePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=60)
    priority: int | None = Field(None, ge=0, le=9999)
    active: bool | None = None
    amount_over: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    amount_up_to: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    variance_over: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    steps: list[StepIn] | None = Field(None, min_length=1, max_length=20)


class RuleStepOut(Schema):
    order: int
    role: str | None
    users: list[str]
    mode: str


class RuleOut(Schema):
    id: int
    name: str
    doc_type: str
    priority: int
    active: bool
    amount_over: Decimal | None
    amount_up_to: Decimal | None
    discount_over_pct: Decimal | None
    margin_below_pct: Decimal | None
    credit_exceeded: bool
    customer_tier: str
    warehouse_id: int | None
    requester_role: str | None
    variance_over: Decimal | None
    steps: list[RuleStepOut]


def rule_out(rule: ApprovalRule) -> dict[str, Any]:
    return {
        **{
            f: getattr(rule, f)
            for f in (
                "id",
                "name",
                "doc_type",
                "priority",
                "active",
                "amount_over",
                "amount_up_to",
                "discount_over_pct",
                "margin_below_pct",
                "credit_exceeded",
                "customer_tier",
                "warehouse_id",
                "variance_over",
            )
        },
        "requester_role": rule.requester_role.code if rule.requester_role else None,
        "steps": [
            {
                "order": s.order,
                "role": s.role.code if s.role else None,
                "users": sorted(u.username for u in s.users.all()),
                "mode": s.mode,
            }
            for s in rule.steps.all()
        ],
    }


def _role(code: str | None, field: str) -> Role | None:
    if not code:
        return None
    found = Role.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed({field: ["Unknown role."]})
    return found


def _steps(steps: list[StepIn]) -> list[dict[str, Any]]:
    out = []
    for i, s in enumerate(steps):
        users = list(User.objects.filter(username__in=s.users, is_active=True))
        if len(users) != len(set(s.users)):
            raise ValidationFailed({f"steps.{i}.users": ["Unknown user."]})
        out.append({"role": _role(s.role, f"steps.{i}.role"), "users": users, "mode": s.mode})
    return out


def _rule_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k not in ("steps", "warehouse_id", "requester_role")}
    if "warehouse_id" in data:
        from jxc.api.common.permissions import ref
        from jxc.inventory.models import Warehouse

        fields["warehouse"] = (
            ref(Warehouse.objects.all(), data["warehouse_id"], "warehouse_id")
            if data["warehouse_id"] is not None
            else None
        )
    if "requester_role" in data:
        fields["requester_role"] = _role(data["requester_role"], "requester_role")
    return fields


@router.get("/approval-rules", response=page_of(RuleOut))
@requires("approval.view")
def list_rules(request, query: Query[Paging]):
    """审批规则, per document type by priority."""
    page = listing(request, selectors.rules(), None, query)
    page["items"] = [rule_out(r) for r in page["items"]]
    return page


@router.post("/approval-rules", response={201: RuleOut})
@creates(RuleOut, perm="approval.create")
def create_rule(request, payload: RuleIn):
    """A new rule: conditions (all optional; every one set must hold) and ordered steps."""
    data = payload.model_dump()
    rule = configuration.save_rule(
        user=request.user, fields=_rule_fields(data), steps=_steps(payload.steps)
    )
    return rule_out(rule)


@router.get("/approval-rules/{id}", response=RuleOut)
@requires("approval.view")
def get_rule(request, id: int):
    return rule_out(get_or_404(selectors.rules(), id))


@router.patch("/approval-rules/{id}", response=RuleOut)
@requires("approval.edit")
def update_rule(request, id: int, payload: RulePatch):
    """Change the fields given; ``steps`` replaces all steps. Rounds in flight keep theirs."""
    rule = get_or_404(selectors.rules(), id)
    data = payload.model_dump(exclude_unset=True)
    steps = _steps(payload.steps) if payload.steps is not None else None
    rule = configuration.save_rule(
        user=request.user, rule=rule, fields=_rule_fields(data), steps=steps
    )
    return rule_out(get_or_404(selectors.rules(), rule.pk))


@router.delete("/approval-rules/{id}", response={204: None})
@requires("approval.edit")
def delete_rule(request, id: int):
    configuration.delete_rule(get_or_404(ApprovalRule.objects.all(), id), user=request.user)
    return 204, None


# --- the delivery log, notifications, alerts --------------------------------------------------


class DeliveryOut(Schema):
    id: int
    channel: str
    event: str
    target: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str
    response_code: int | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


class DeliveryQuery(Paging):
    status: Literal["pending", "sent", "failed"] | None = None


@router.get("/deliveries", response=page_of(DeliveryOut))
@requires("approval.view")
def list_deliveries(request, query: Query[DeliveryQuery]):
    """发送记录: every e-mail, webhook and robot message with its attempts and last error."""
    qs = selectors.deliveries()
    if query.status:
        qs = qs.filter(status=query.status)
    return listing(request, qs, None, query)


@router.post("/deliveries/{id}/resend", response=DeliveryOut)
@requires("approval.edit")
def resend_delivery(request, id: int):
    """重发: a new series of attempts (one now)."""
    return notify.resend(get_or_404(Delivery.objects.all(), id))


class NotificationOut(Schema):
    id: int
    event: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


@router.get("/notifications", response=page_of(NotificationOut))
@open_to_users
def list_notifications(request, query: Query[Paging]):
    """My in-app notifications, newest first."""
    return listing(request, selectors.notifications(request.user), None, query)


class RaisedAlertOut(Schema):
    id: int
    rule: str
    kind: str
    key: str
    title: str
    url: str
    raised_at: dt.datetime
    resolved_at: dt.datetime | None

    @staticmethod
    def resolve_rule(obj) -> str:
        return str(obj.rule)

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.rule.kind


@router.get("/alerts", response=page_of(RaisedAlertOut))
@open_to_users
def list_alerts(request, query: Query[Paging]):
    """预警: the open alerts of the rules that tell me."""
    return listing(request, selectors.alerts_for(request.user), None, query)
