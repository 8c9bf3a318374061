"""Tables of approvals and notifications.

- ``ApprovalRule`` / ``ApprovalStep``: the policy, per document type (审批规则).
- ``ApprovalRequest``: one round of approval of one document (submit → steps → approved,
  or rejected / withdrawn / unapproved); the steps and their approvers are copied at submit,
  so editing a rule never changes a round in flight.
- ``ApprovalDecision``: who did what on which step, when, with what comment (the timeline).
  The database lets one user decide a step once, and lets only one decision close a step:
  two approvers tapping at the same moment cannot both count.
- ``Notification`` (in-app), ``Endpoint`` (company webhooks and robots), ``Delivery`` (every
  attempt to send, the delivery log), ``ChannelPreference`` (a user's channels per event).
- ``AlertRule`` / ``Alert`` (预警规则 and the breaches they raised, once until resolved).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jxc.approvals.choices import (
    AlertKind,
    Channel,
    Decision,
    DeliveryStatus,
    Event,
    RequestStatus,
    StepMode,
)
from jxc.core.fields import MoneyField, bounds_check, choices_check

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
MAX_PRIORITY = 9999


def _pct(label):
    return models.DecimalField(
        label, max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )


class ApprovalRule(models.Model):
    """审批规则: for one document type, the conditions under which it needs approval and the
    ordered steps. The first active matching rule by priority applies."""

    name = models.CharField(_("name"), max_length=60)
    doc_type = models.CharField(_("document type"), max_length=30, db_index=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=100,
        validators=[MaxValueValidator(MAX_PRIORITY)],
        help_text=_("Lower numbers are tried first."),
    )
    active = models.BooleanField(_("active"), default=True)
    amount_over = MoneyField(_("amount above"), null=True, blank=True, default=None)
    amount_up_to = MoneyField(_("amount up to"), null=True, blank=True, default=None)
    discount_over_pct = _pct(_("discount below list price above (%)"))
    margin_below_pct = _pct(_("gross margin below (%)"))
    credit_exceeded = models.BooleanField(
        _("only when the credit limit is exceeded"), default=False
    )
    customer_tier = models.CharField(_("customer tier"), max_length=30, blank=True)
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("warehouse"),
    )
    requester_role = models.ForeignKey(
        "core.Role",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requester's role"),
    )
    variance_over = MoneyField(_("count variance value above"), null=True, blank=True, default=None)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["doc_type", "priority", "id"]
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        constraints = [
            models.CheckConstraint(condition=~Q(doc_type=""), name="apprule_doc_type_set"),
            models.CheckConstraint(
                condition=Q(priority__lte=MAX_PRIORITY), name="apprule_priority_max"
            ),
            models.CheckConstraint(
                condition=(Q(amount_over__isnull=True) | Q(amount_over__gte=0))
                & (Q(amount_up_to__isnull=True) | Q(amount_up_to__gte=0))
                & (Q(variance_over__isnull=True) | Q(variance_over__gte=0)),
                name="apprule_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount_over__isnull=True)
                | Q(amount_up_to__isnull=True)
                | Q(amount_up_to__gt=models.F("amount_over")),
                name="apprule_amount_range_ordered",
            ),
            models.CheckConstraint(
                condition=(
                    Q(discount_over_pct__isnull=True)
                    | Q(discount_over_pct__gte=0, discount_over_pct__lte=100)
                )
                & (
                    Q(margin_below_pct__isnull=True)
                    | Q(margin_below_pct__gte=-100, margin_below_pct__lte=100)
                ),
                name="apprule_percent_range",
            ),
            bounds_check(
                name="apprule_money_in_bounds",
                money=("amount_over", "amount_up_to", "variance_over"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalStep(models.Model):
    """One level of a rule: a role or named users; any one of them, or all of them."""

    rule = models.ForeignKey(
        ApprovalRule, on_delete=models.CASCADE, related_name="steps", verbose_name=_("rule")
    )
    order = models.PositiveSmallIntegerField(
        _("step"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    role = models.ForeignKey(
        "core.Role",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("role"),
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("users")
    )
    mode = models.CharField(
        _("who must approve"), max_length=3, choices=StepMode.choices, default=StepMode.ANY
    )

    class Meta:
        ordering = ["rule", "order"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        constraints = [
            models.UniqueConstraint(fields=["rule", "order"], name="appstep_order_unique"),
            models.CheckConstraint(condition=Q(order__gte=1, order__lte=20), name="appstep_order"),
            choices_check("mode", StepMode.values, name="appstep_mode_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} #{self.order}"


class ApprovalRequest(models.Model):
    """One round of approval of one document."""

    doc_type = models.CharField(_("document type"), max_length=30)
    doc_id = models.PositiveBigIntegerField(_("document"))
    number = models.CharField(_("number"), max_length=40)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    rule = models.ForeignKey(
        ApprovalRule,
        on_delete=models.SET_NULL,
        null=True,
        related_name="requests",
        verbose_name=_("rule"),
    )
    rule_name = models.CharField(_("rule"), max_length=60)
    # [{"order", "mode", "approvers": [user ids], "label"}] as at submit.
    steps = models.JSONField(_("steps"), default=list)
    step = models.PositiveSmallIntegerField(_("current step"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    amount = MoneyField(_("amount"), null=True, blank=True, default=None)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Who may act on the current step, denormalised for the inbox query.
    waiting_for = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("waiting for")
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        indexes = [models.Index(fields=["doc_type", "doc_id"], name="appreq_doc_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type", "doc_id", "round"], name="appreq_round_unique"
            ),
            models.UniqueConstraint(
                fields=["doc_type", "doc_id"],
                condition=Q(status="pending"),
                name="appreq_one_pending",
            ),
            choices_check("status", RequestStatus.values, name="appreq_status_valid"),
            models.CheckConstraint(condition=Q(step__gte=1), name="appreq_step_positive"),
            bounds_check(name="appreq_money_in_bounds", money=("amount",)),
        ]

    def __str__(self) -> str:
        return f"{self.number} #{self.round}"

    def step_spec(self, order: int | None = None) -> dict:
        order = self.step if order is None else order
        return next((s for s in self.steps if s["order"] == order), {})


class ApprovalDecision(models.Model):
    """审批记录: one line of a document's approval timeline."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="decisions")
    step = models.PositiveSmallIntegerField(_("step"), default=0)  # 0: submit / withdraw …
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    closes_step = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")
        constraints = [
            # One decision per approver and step …
            models.UniqueConstraint(
                fields=["request", "step", "user"],
                condition=Q(decision__in=["approve", "reject"]),
                name="appdec_once_per_step_user",
            ),
            # … and exactly one that closes the step, whoever tapped first.
            models.UniqueConstraint(
                fields=["request", "step"],
                condition=Q(closes_step=True),
                name="appdec_one_closes_step",
            ),
            choices_check("decision", Decision.values, name="appdec_decision_valid"),
        ]


# --- notifications ---------------------------------------------------------------------------


class Notification(models.Model):
    """站内通知: what a user sees under 待办 → 通知."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    event = models.CharField(_("event"), max_length=12, choices=Event.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.CharField(_("message"), max_length=1000, blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notif_user_unread_idx")]
        constraints = [choices_check("event", Event.values, name="notif_event_valid")]


class Endpoint(models.Model):
    """A company webhook or group robot (企业微信 / 钉钉 / 飞书) and the events it receives."""

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Channel.choices)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("Webhook: the key of the X-JXC-Signature header (HMAC-SHA256)."),
    )
    events = models.JSONField(_("events"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("notification endpoint")
        verbose_name_plural = _("notification endpoints")
        constraints = [
            choices_check(
                "kind",
                [str(c) for c in Channel.values if c not in ("inapp", "email")],
                name="endpoint_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """发送记录: one message on one channel, its attempts and the last answer."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    event = models.CharField(_("event"), max_length=12, choices=Event.choices)
    target = models.CharField(_("to"), max_length=500)
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            choices_check("status", DeliveryStatus.values, name="delivery_status_valid"),
            choices_check("channel", Channel.values, name="delivery_channel_valid"),
        ]


class ChannelPreference(models.Model):
    """A user's choice of channel for one event (no row: in-app on, e-mail off)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    event = models.CharField(_("event"), max_length=12, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("on"), default=True)

    class Meta:
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "channel"], name="chanpref_unique"),
            choices_check("channel", ["inapp", "email"], name="chanpref_channel_valid"),
            choices_check("event", Event.values, name="chanpref_event_valid"),
        ]


# --- 预警规则 ---------------------------------------------------------------------------------


class AlertRule(models.Model):
    """预警规则: what to watch, from which threshold, who is told."""

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    threshold = MoneyField(
        _("threshold"),
        null=True,
        blank=True,
        default=None,
        help_text=_("Days (near expiry, no movement) or a value (abnormal moves)."),
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("warehouse"),
    )
    notify_role = models.ForeignKey(
        "core.Role",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tell role"),
    )
    notify_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("tell users")
    )
    endpoints = models.ManyToManyField(
        Endpoint, blank=True, related_name="alert_rules", verbose_name=_("webhooks and robots")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        constraints = [
            choices_check("kind", AlertKind.values, name="alertrule_kind_valid"),
            models.CheckConstraint(
                condition=Q(threshold__isnull=True) | Q(threshold__gte=0),
                name="alertrule_threshold_not_negative",
            ),
            bounds_check(name="alertrule_money_in_bounds", money=("threshold",)),
        ]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """One breach of an alert rule: raised once, open until the condition clears."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    key = models.CharField(_("key"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    url = models.CharField(_("link"), max_length=200, blank=True)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key"],
                condition=Q(resolved_at__isnull=True),
                name="alert_open_once",
            )
        ]
