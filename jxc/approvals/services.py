"""The approval policy the document platform asks (``jxc.core.documents.approval``), and the
services that write approval rules.

The flow, for a document whose type has a matching rule (no rule: the classic one-step 审核
by anyone holding ``<resource>.approve``):

- 提交: a new ``ApprovalRequest`` round with the rule's steps copied and their approvers
  resolved; the document is 待审核; the first step's approvers are told.
- 审核 by an approver of the current step: a decision; when the step is done (any one / all of
  them) the next step's approvers are told and the document stays 待审核; after the last step it
  is 已审核. Anyone else is refused (``not_your_step``), even with ``<resource>.approve``.
- 驳回 (reason required) by an approver of the current step: back to a draft, editable.
- 撤回 (the ``unapprove`` of a 待审核 document) by the submitter while pending.
- 反审核 of an 已审核 document: its own permission, refused while documents made from it
  exist (``register_downstream``) or its month is closed; it is 待审核 again, a new round.

Every step is a decision row (the timeline on the document). Notifications are scheduled to
run after the transaction commits (``jxc.approvals.notify``).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.approvals import notify, rules
from jxc.approvals.choices import Decision, Event, RequestStatus
from jxc.approvals.errors import DownstreamExists, NotYourStep, StepDecided
from jxc.approvals.facts import doc_type_of, facts_of
from jxc.approvals.models import ApprovalDecision, ApprovalRequest, ApprovalRule
from jxc.core.documents.approval import PLAIN, ApprovalPolicy, Gate
from jxc.core.models import User
from jxc.core.services import record_audit
from jxc.core.statements import fetch, vendor

# The step the approver saw (the inbox and the API send it), and the comment of a decision.
_expected: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "approval_expected", default=None
)

_DOWNSTREAM: dict[str, Callable[[Any], list[str]]] = {}
_LINKS: list[Callable[[str, int], str]] = []


def register_downstream(doc_type: str, finder: Callable[[Any], list[str]]) -> None:
    """``finder(doc)`` → the numbers of documents made from ``doc`` (which block 反审核)."""
    _DOWNSTREAM[doc_type] = finder


def set_link_resolver(resolver: Callable[[str, int], str]) -> None:
    """The web edge tells how to link to a document (doc type, id → path)."""
    _LINKS[:] = [resolver]


def link_to(doc_type: str, doc_id: int) -> str:
    if not _LINKS:
        return ""
    try:
        return _LINKS[0](doc_type, doc_id)
    except Exception:  # a missing screen never blocks the business action
        return ""


@contextlib.contextmanager
def deciding(*, step: int | None = None, comment: str = "") -> Iterator[None]:
    """Run an approve / reject knowing which step the user saw and their comment."""
    token = _expected.set({"step": step, "comment": comment})
    try:
        yield
    finally:
        _expected.reset(token)


# --- rules ------------------------------------------------------------------------------------


def _spec(rule: ApprovalRule, role_codes: dict[int, str]) -> rules.RuleSpec:
    return rules.RuleSpec(
        id=rule.pk,
        doc_type=rule.doc_type,
        priority=rule.priority,
        active=rule.active,
        amount_over=rule.amount_over,
        amount_up_to=rule.amount_up_to,
        discount_over_pct=rule.discount_over_pct,
        margin_below_pct=rule.margin_below_pct,
        credit_exceeded=rule.credit_exceeded,
        customer_tier=rule.customer_tier,
        warehouse_id=rule.warehouse_id,
        requester_role=role_codes.get(rule.requester_role_id or 0, ""),
        variance_over=rule.variance_over,
    )


def applicable_rule(doc: Any, user: Any) -> ApprovalRule | None:
    """The rule that applies to ``doc`` submitted by ``user`` (None: no approval needed)."""
    candidates = list(ApprovalRule.objects.filter(doc_type=doc_type_of(doc), active=True))
    if not candidates:
        return None
    from jxc.core.models import Role

    role_codes = dict(Role.objects.values_list("pk", "code"))
    found = rules.first_match([_spec(r, role_codes) for r in candidates], facts_of(doc, user))
    return next((r for r in candidates if found is not None and r.pk == found.id), None)


def _steps_of(rule: ApprovalRule) -> list[dict[str, Any]]:
    """The rule's steps with their approvers resolved now (active users of the role + named)."""
    out = []
    for step in rule.steps.select_related("role").prefetch_related("users").order_by("order"):
        ids = {u.pk for u in step.users.all() if u.is_active}
        names = [str(u) for u in step.users.all()]
        if step.role_id:
            ids |= set(
                User.objects.filter(roles=step.role_id, is_active=True).values_list("pk", flat=True)
            )
            names.insert(0, str(step.role))
        out.append(
            {
                "order": step.order,
                "mode": step.mode,
                "approvers": sorted(ids),
                "label": "、".join(names),
            }
        )
    return out


def _step_spec(data: dict[str, Any]) -> rules.StepSpec:
    return rules.StepSpec(
        order=data["order"], mode=data["mode"], approvers=frozenset(data["approvers"])
    )


def pending_request(doc: Any) -> ApprovalRequest | None:
    return ApprovalRequest.objects.filter(
        doc_type=doc_type_of(doc), doc_id=doc.pk, status=RequestStatus.PENDING
    ).first()


def _summary(doc: Any) -> str:
    label = getattr(getattr(doc, "TYPE", None), "label", None) or doc._meta.verbose_name
    return f"{label} {doc.number}"[:200]


def _open_round(doc: Any, user: Any, rule: ApprovalRule) -> ApprovalRequest:
    doc_type = doc_type_of(doc)
    last = (
        ApprovalRequest.objects.filter(doc_type=doc_type, doc_id=doc.pk)
        .order_by("-round")
        .values_list("round", flat=True)
        .first()
    )
    steps = _steps_of(rule)
    facts = facts_of(doc, user)
    req = ApprovalRequest.objects.create(
        doc_type=doc_type,
        doc_id=doc.pk,
        number=doc.number,
        round=(last or 0) + 1,
        rule=rule,
        rule_name=rule.name,
        steps=steps,
        step=steps[0]["order"] if steps else 1,
        amount=facts.amount,
        summary=_summary(doc),
        url=link_to(doc_type, doc.pk),
        submitted_by=user,
    )
    ApprovalDecision.objects.create(request=req, step=0, user=user, decision=Decision.SUBMIT)
    if steps:
        req.waiting_for.set(steps[0]["approvers"])
        notify.after_commit(Event.SUBMITTED, req, users=steps[0]["approvers"], actor=user)
    return req


# --- the policy -----------------------------------------------------------------------------


_PROBE_SQL: dict[str, str] = {}


def _probe_statement(doc: Any) -> tuple[str, list[Any]]:
    """(an active rule exists for the document's type, an approval request exists for the
    document), in one plain statement on two indexed columns: most documents of most shops
    have neither, and then no step of theirs needs the ORM reads of the rules and rounds.
    Read every time (never a cached copy: another process may have just added a rule)."""
    sql = _PROBE_SQL.get(vendor())
    if sql is None:
        q = connection.ops.quote_name
        rule, req = ApprovalRule._meta, ApprovalRequest._meta

        def col(opts: Any, name: str) -> str:
            return q(str(opts.get_field(name).column))

        sql = _PROBE_SQL[vendor()] = (
            f"SELECT EXISTS (SELECT 1 FROM {q(rule.db_table)} WHERE "
            f"{col(rule, 'doc_type')} = %s AND {col(rule, 'active')}), "
            f"EXISTS (SELECT 1 FROM {q(req.db_table)} WHERE "
            f"{col(req, 'doc_type')} = %s AND {col(req, 'doc_id')} = %s)"
        )
    doc_type = doc_type_of(doc)
    return sql, [doc_type, doc_type, doc.pk]


def _probe(doc: Any, prefetched: tuple[Any, ...] | None = None) -> tuple[bool, bool]:
    """:func:`_probe_statement`'s answer: read now, or the row ``take_action`` read with the
    document's."""
    if prefetched is None:
        prefetched = fetch(*_probe_statement(doc))[0]
    rule_exists, request_exists = prefetched
    return bool(rule_exists), bool(request_exists)


# the steps the policy has a word on; any other action passes without a statement
_GATED = frozenset({"submit", "approve", "reject", "unapprove", "void", "post"})


class RulePolicy(ApprovalPolicy):
    """Approval by rule (see the module's docstring).

    Every step first asks :func:`_probe`: without an active rule for the type, 提交 opens no
    round; without any round of the document, 审核 / 驳回 / 撤回 / 作废 / 过账 find none — so
    a document that approval rules never touched takes one cheap statement per step."""

    def needs_approval(self, doc: Any, *, user: Any = None) -> bool:
        if doc.status == "submitted":
            return pending_request(doc) is not None
        rule = applicable_rule(doc, user or getattr(doc, "created_by", None))
        return rule is not None and rule.steps.exists()

    def may(self, doc: Any, *, action: str, user: Any) -> bool | None:
        if action not in ("approve", "reject", "unapprove") or doc.status != "submitted":
            return None
        if not _probe(doc)[1]:
            return None
        req = pending_request(doc)
        if req is None:
            return None
        if action == "unapprove":
            return True if req.submitted_by_id == user.pk else None
        return _may_decide(req, user)

    def prefetch(self, doc: Any, *, action: str, user: Any) -> tuple[str, list[Any]] | None:
        if user is None or not getattr(user, "pk", None) or action not in _GATED:
            return None
        return _probe_statement(doc)

    def silent(self, prefetched: tuple[Any, ...] | None) -> bool:
        # no active rule for the type: 提交 opens no round; no round: no other step finds one
        return prefetched is None or not (prefetched[0] or prefetched[1])

    def gate(
        self,
        doc: Any,
        *,
        action: str,
        user: Any,
        reason: str = "",
        prefetched: tuple[Any, ...] | None = None,
    ) -> Gate:
        if user is None or not getattr(user, "pk", None):
            return PLAIN
        if action not in _GATED:
            return PLAIN
        status = doc.status
        rule_exists, request_exists = _probe(doc, prefetched)
        if action == "unapprove" and status == "approved":
            finder = _DOWNSTREAM.get(doc_type_of(doc))
            made = finder(doc) if finder is not None else []
            if made:
                raise DownstreamExists(number=doc.number)
        if action == "submit":
            if not rule_exists:
                return PLAIN
            rule = applicable_rule(doc, user)
            if rule is not None:
                _open_round(doc, user, rule)
            return PLAIN
        if not request_exists:  # no round was ever opened for this document
            return PLAIN
        if action in ("approve", "reject") and status == "submitted":
            pending = pending_request(doc)
            return PLAIN if pending is None else _decide(doc, pending, action, user, reason)
        if action == "unapprove" and status == "submitted":
            pending = pending_request(doc)
            if pending is None:
                return PLAIN
            _close(pending, Decision.WITHDRAW, user, reason, RequestStatus.WITHDRAWN)
            return Gate(authorised=pending.submitted_by_id == user.pk)
        if action == "unapprove" and status == "approved":
            last = (
                ApprovalRequest.objects.filter(
                    doc_type=doc_type_of(doc), doc_id=doc.pk, status=RequestStatus.APPROVED
                )
                .order_by("-round")
                .first()
            )
            if last is not None:
                _close(last, Decision.UNAPPROVE, user, reason, RequestStatus.REOPENED)
                rule = applicable_rule(doc, last.submitted_by)
                if rule is not None:
                    _open_round(doc, last.submitted_by or user, rule)
            return PLAIN
        if action == "void" and status == "submitted":
            pending = pending_request(doc)
            if pending is not None:
                _close(pending, Decision.WITHDRAW, user, reason, RequestStatus.WITHDRAWN)
            return PLAIN
        if action == "post":
            done = (
                ApprovalRequest.objects.filter(
                    doc_type=doc_type_of(doc), doc_id=doc.pk, status=RequestStatus.APPROVED
                )
                .order_by("-round")
                .first()
            )
            if done is not None and done.submitted_by_id:
                notify.after_commit(Event.POSTED, done, users=[done.submitted_by_id], actor=user)
        return PLAIN


def _may_decide(req: ApprovalRequest, user: Any) -> bool:
    if user.is_superuser:
        return True
    return user.pk in req.step_spec().get("approvers", [])


def _close(req: ApprovalRequest, decision: str, user: Any, comment: str, status: str) -> None:
    ApprovalDecision.objects.create(
        request=req, step=0, user=user, decision=decision, comment=comment.strip()[:500]
    )
    req.status, req.finished_at = status, timezone.now()
    req.save(update_fields=["status", "finished_at"])
    req.waiting_for.clear()


def _decide(doc: Any, req: ApprovalRequest, action: str, user: Any, reason: str) -> Gate:
    expected = _expected.get() or {}
    comment = (reason or expected.get("comment") or "").strip()[:500]
    step = req.step_spec()
    seen = expected.get("step")
    if seen is not None and seen != req.step:
        raise StepDecided(who=_who_closed(req, seen))
    if not _may_decide(req, user):
        raise NotYourStep(who=step.get("label") or "—")
    if action == "reject" and not comment:
        from jxc.core.errors import ValidationFailed

        raise ValidationFailed({"reason": [_("Please give a reason.")]})
    earlier = set(
        req.decisions.filter(step=req.step, decision=Decision.APPROVE).values_list(
            "user_id", flat=True
        )
    )
    if user.pk in earlier:
        raise StepDecided(who=str(user))
    done = action == "reject" or rules.step_done(_step_spec(step), earlier | {user.pk})
    try:
        with transaction.atomic():
            ApprovalDecision.objects.create(
                request=req,
                step=req.step,
                user=user,
                decision=Decision.APPROVE if action == "approve" else Decision.REJECT,
                comment=comment,
                closes_step=done,
            )
    except IntegrityError:
        # The database kept the other approver's decision (the unique constraints).
        raise StepDecided(who=_who_closed(req, req.step)) from None
    if action == "reject":
        req.status, req.finished_at = RequestStatus.REJECTED, timezone.now()
        req.save(update_fields=["status", "finished_at"])
        req.waiting_for.clear()
        notify.after_commit(
            Event.REJECTED, req, users=[req.submitted_by_id], actor=user, comment=comment
        )
        return Gate(authorised=True)
    if not done:
        req.waiting_for.remove(user.pk)
        return Gate(authorised=True, proceed=False)
    following = rules.next_step([_step_spec(s) for s in req.steps], req.step)
    if following is not None:
        previous = req.step
        req.step = following
        req.save(update_fields=["step"])
        approvers = req.step_spec()["approvers"]
        req.waiting_for.set(approvers)
        record_audit(
            user=user, obj=doc, action="approve", changes={"approval_step": [previous, following]}
        )
        notify.after_commit(Event.SUBMITTED, req, users=approvers, actor=user)
        return Gate(authorised=True, proceed=False)
    req.status, req.finished_at = RequestStatus.APPROVED, timezone.now()
    req.save(update_fields=["status", "finished_at"])
    req.waiting_for.clear()
    notify.after_commit(Event.APPROVED, req, users=[req.submitted_by_id], actor=user)
    return Gate(authorised=True)


def _who_closed(req: ApprovalRequest, step: int) -> str:
    found = (
        req.decisions.filter(step=step, closes_step=True).select_related("user").first()
        or ApprovalDecision.objects.filter(
            request__doc_type=req.doc_type, request__doc_id=req.doc_id
        )
        .exclude(step=0)
        .select_related("user")
        .order_by("-at", "-id")
        .first()
    )
    return str(found.user) if found is not None else "—"


# --- timeline -------------------------------------------------------------------------------


def timeline(doc_type: str, doc_id: int) -> list[ApprovalDecision]:
    """Every decision on the document, all rounds, oldest first."""
    return list(
        ApprovalDecision.objects.filter(request__doc_type=doc_type, request__doc_id=doc_id)
        .select_related("user", "request")
        .order_by("at", "id")
    )


# --- acting from the inbox and the API ------------------------------------------------------


def document_model(doc_type: str) -> type[Any] | None:
    """The model of a document type (the proxy of a stock document kind)."""
    from django.apps import apps

    from jxc.core.documents.models import Document

    for model in apps.get_models():
        if issubclass(model, Document) and model.DOC_TYPE == doc_type:
            return model
    return None


def document_of(req: ApprovalRequest) -> Any:
    model = document_model(req.doc_type)
    if model is None:
        from jxc.core.errors import NotFound

        raise NotFound()
    return model._default_manager.get(pk=req.doc_id)


def decide(
    req: ApprovalRequest, *, user: Any, approve: bool, comment: str = "", step: int | None = None
) -> ApprovalRequest:
    """同意 / 驳回 one pending request as the step ``step`` the user saw; a decision that came
    second is refused with ``step_already_decided`` (409), never counted."""
    from jxc.core.documents import actions
    from jxc.core.errors import InvalidTransition

    doc = document_of(req)
    try:
        with deciding(step=step if step is not None else req.step, comment=comment):
            if approve:
                actions.approve(doc, user=user)
            else:
                actions.reject(doc, user=user, reason=comment)
    except InvalidTransition:
        req.refresh_from_db()
        raise StepDecided(who=_who_closed(req, step or req.step)) from None
    req.refresh_from_db()
    return req


def withdraw(req: ApprovalRequest, *, user: Any) -> ApprovalRequest:
    """撤回: the submitter takes a pending document back to a draft."""
    from jxc.core.documents import actions

    actions.unapprove(document_of(req), user=user)
    req.refresh_from_db()
    return req
