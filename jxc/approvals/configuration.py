"""The approvals app's settings, written by an administrator: 审批规则 with their steps,
webhooks and robots (``Endpoint``), 预警规则, and each user's channels per event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.approvals.choices import Channel, Event
from jxc.approvals.models import AlertRule, ApprovalRule, ChannelPreference, Endpoint
from jxc.core.documents.actions import ensure_perm
from jxc.core.errors import ValidationFailed
from jxc.core.services import record_audit

# --- 审批规则 -------------------------------------------------------------------------------

# Types declared later (purchasing, sales): their rules can be kept before they exist.
PLANNED_TYPES: dict[str, Any] = {
    "purchase_order": gettext_lazy("Purchase order"),
    "purchase_receipt": gettext_lazy("Purchase receipt"),
    "sales_order": gettext_lazy("Sales order"),
    "sales_delivery": gettext_lazy("Sales delivery"),
}


def doc_type_choices() -> dict[str, Any]:
    """Document type → label: every registered type, then the planned ones."""
    from jxc.core.services import DEFAULT_PREFIXES, DOCUMENT_TYPE_LABELS

    known = {code: DOCUMENT_TYPE_LABELS.get(code, code) for code in DEFAULT_PREFIXES}
    return {**known, **{k: v for k, v in PLANNED_TYPES.items() if k not in known}}


RULE_FIELDS = (
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
    "warehouse",
    "requester_role",
    "variance_over",
)


def _rule_errors(rule: ApprovalRule, steps: list[dict[str, Any]]) -> dict[str, list[str]]:
    from django.core.exceptions import ValidationError

    errors: dict[str, list[str]] = {}
    try:
        rule.full_clean(exclude=["requester_role", "warehouse"])
    except ValidationError as exc:
        errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    if rule.doc_type and rule.doc_type not in doc_type_choices():
        errors["doc_type"] = [_("Choose a document type.")]
    if (
        rule.amount_over is not None
        and rule.amount_up_to is not None
        and rule.amount_up_to <= rule.amount_over
    ):
        errors["amount_up_to"] = [_("The upper limit must be above the lower one.")]
    if not steps:
        errors["steps"] = [_("Add at least one approval step.")]
    for i, s in enumerate(steps):
        if not s.get("role") and not s.get("users"):
            errors[f"steps.{i}"] = [_("Name a role or users.")]
        if s.get("mode", "any") not in ("any", "all"):
            errors[f"steps.{i}.mode"] = [_("Choose any or all.")]
    return errors


@transaction.atomic
def save_rule(
    *,
    user: Any,
    rule: ApprovalRule | None = None,
    fields: dict[str, Any],
    steps: list[dict[str, Any]] | None = None,
) -> ApprovalRule:
    """新建 / 修改 an approval rule with its steps (``[{"role": Role|None, "users": [User],
    "mode": "any"|"all"}]`` in order; given steps replace the old ones)."""
    ensure_perm(user, "approval", "edit" if rule is not None else "create")
    creating = rule is None
    rule = rule or ApprovalRule()
    for name, value in fields.items():
        if name in RULE_FIELDS:
            setattr(rule, name, value)
    current = (
        steps
        if steps is not None
        else [
            {"role": s.role, "users": list(s.users.all()), "mode": s.mode} for s in rule.steps.all()
        ]
        if rule.pk
        else []
    )
    errors = _rule_errors(rule, current)
    if errors:
        raise ValidationFailed(errors)
    rule.save()
    if steps is not None:
        rule.steps.all().delete()
        for order, s in enumerate(steps, start=1):
            step = rule.steps.create(order=order, role=s.get("role"), mode=s.get("mode", "any"))
            step.users.set(s.get("users") or [])
    record_audit(user=user, obj=rule, action="create" if creating else "update")
    return rule


@transaction.atomic
def delete_rule(rule: ApprovalRule, *, user: Any) -> None:
    ensure_perm(user, "approval", "edit")
    record_audit(user=user, obj=rule, action="delete")
    rule.delete()


# --- webhooks and robots, 预警规则, channel preferences ---------------------------------------


def _clean(obj, errors: dict[str, list[str]] | None = None) -> None:
    from django.core.exceptions import ValidationError

    found = dict(errors or {})
    try:
        obj.full_clean(exclude=[f for f in ("warehouse", "notify_role") if hasattr(obj, f)])
    except ValidationError as exc:
        found.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    if found:
        raise ValidationFailed(found)


@transaction.atomic
def save_endpoint(*, user: Any, endpoint: Endpoint | None = None, **fields: Any) -> Endpoint:
    """新建 / 修改 a webhook or a 企业微信 / 钉钉 / 飞书 robot and the events it receives."""
    ensure_perm(user, "approval", "edit" if endpoint is not None else "create")
    creating = endpoint is None
    endpoint = endpoint or Endpoint()
    for name, value in fields.items():
        setattr(endpoint, name, value)
    errors = {}
    if endpoint.kind not in [c.value for c in Channel if c not in ("inapp", "email")]:
        errors["kind"] = [_("Choose a webhook or a robot.")]
    if any(e not in Event.values for e in endpoint.events or []):
        errors["events"] = [_("Choose among the events listed.")]
    _clean(endpoint, errors)
    endpoint.save()
    record_audit(user=user, obj=endpoint, action="create" if creating else "update")
    return endpoint


@transaction.atomic
def save_alert_rule(
    *, user: Any, rule: AlertRule | None = None, notify_users=None, endpoints=None, **fields: Any
) -> AlertRule:
    """新建 / 修改 a 预警规则: what to watch, the threshold, who is told and where."""
    ensure_perm(user, "approval", "edit" if rule is not None else "create")
    creating = rule is None
    rule = rule or AlertRule()
    for name, value in fields.items():
        setattr(rule, name, value)
    _clean(rule)
    rule.save()
    if notify_users is not None:
        rule.notify_users.set(notify_users)
    if endpoints is not None:
        rule.endpoints.set(endpoints)
    record_audit(user=user, obj=rule, action="create" if creating else "update")
    return rule


@transaction.atomic
def set_channel_preferences(*, user: Any, chosen: dict[str, set[str]]) -> None:
    """通知设置: the user's channels per event (``{"submitted": {"inapp", "email"}, …}``)."""
    for event in Event.values:
        for channel in (Channel.IN_APP, Channel.EMAIL):
            ChannelPreference.objects.update_or_create(
                user=user,
                event=event,
                channel=channel,
                defaults={"enabled": channel in chosen.get(event, set())},
            )
