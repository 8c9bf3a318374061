"""设置 → 审批规则, 通知渠道 (webhooks and robots), 预警规则, 发送记录 (the delivery log).

URLs: /settings/approval-rules/, /settings/notification-endpoints/, /settings/alert-rules/
(the generic screens: list, detail, new, edit) and /settings/deliveries/ (+ resend).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.approvals import configuration, notify, selectors
from jxc.approvals.choices import Channel, DeliveryStatus, Event, StepMode
from jxc.approvals.models import AlertRule, ApprovalRule, Delivery, Endpoint
from jxc.core.models import Role, User
from jxc.web.generic import Column
from jxc.web.generic.forms import ServiceForm
from jxc.web.generic.screen import Screen

STEP_ROWS = 3


class ApprovalRuleForm(ServiceForm):
    """The rule's conditions and up to three steps (a role and / or users, any / all)."""

    doc_type = forms.ChoiceField(label=gettext_lazy("document type"), choices=())

    class Meta:
        model = ApprovalRule
        fields = [
            "name",
            "doc_type",
            "priority",
            "active",
            "amount_over",
            "amount_up_to",
            "variance_over",
            "discount_over_pct",
            "margin_below_pct",
            "credit_exceeded",
            "customer_tier",
            "warehouse",
            "requester_role",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = [  # type: ignore[attr-defined]
            ("", "---------"),
            *((k, str(v)) for k, v in configuration.doc_type_choices().items()),
        ]
        steps = list(self.instance.steps.all()) if self.instance.pk else []
        for i in range(1, STEP_ROWS + 1):
            step = steps[i - 1] if i <= len(steps) else None
            self.fields[f"step{i}_role"] = forms.ModelChoiceField(
                Role.objects.order_by("id"),
                required=False,
                label=_("Step %(n)s: role") % {"n": i},
                initial=step.role_id if step else None,
            )
            self.fields[f"step{i}_users"] = forms.ModelMultipleChoiceField(
                User.objects.filter(is_active=True).order_by("username"),
                required=False,
                label=_("Step %(n)s: users") % {"n": i},
                initial=[u.pk for u in step.users.all()] if step else [],
            )
            self.fields[f"step{i}_mode"] = forms.ChoiceField(
                choices=StepMode.choices,
                label=_("Step %(n)s: who must approve") % {"n": i},
                initial=step.mode if step else StepMode.ANY,
            )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        steps = []
        for i in range(1, STEP_ROWS + 1):
            role, users = data.pop(f"step{i}_role"), list(data.pop(f"step{i}_users"))
            mode = data.pop(f"step{i}_mode")
            if role is not None or users:
                steps.append({"role": role, "users": users, "mode": mode})
        return {"fields": data, "steps": steps}


def _steps_text(rule: ApprovalRule, user) -> str:
    parts = []
    for s in rule.steps.all():
        who = [str(s.role)] if s.role_id else []
        who += [str(u) for u in s.users.all()]
        parts.append(f"{s.order}. {'、'.join(who)} ({s.get_mode_display()})")
    return "；".join(parts)


class ApprovalRuleScreen(Screen):
    model = ApprovalRule
    resource = "approval"
    name = "approval_rule"
    path = "settings/approval-rules"
    columns = [
        Column("name", link=True),
        Column(
            "doc_type",
            value=lambda obj, user: configuration.doc_type_choices().get(
                obj.doc_type, obj.doc_type
            ),
        ),
        Column("priority"),
        Column("amount_over"),
        Column("variance_over"),
        Column("steps", label=gettext_lazy("steps"), value=_steps_text, order_by=False),
        Column("active"),
    ]
    detail_fields = [
        "name",
        Column(
            "doc_type",
            value=lambda obj, user: configuration.doc_type_choices().get(
                obj.doc_type, obj.doc_type
            ),
        ),
        "priority",
        "active",
        "amount_over",
        "amount_up_to",
        "variance_over",
        "discount_over_pct",
        "margin_below_pct",
        "credit_exceeded",
        "customer_tier",
        "warehouse",
        "requester_role",
        Column("steps", label=gettext_lazy("steps"), value=_steps_text),
    ]
    search_fields = ("name", "doc_type")
    form_class = ApprovalRuleForm
    ordering = ("doc_type", "priority", "id")

    create_service = staticmethod(configuration.save_rule)

    @staticmethod
    def update_service(obj, *, user, **data):
        return configuration.save_rule(user=user, rule=obj, **data)


class EndpointForm(ServiceForm):
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("events"),
        required=False,
    )
    kind = forms.ChoiceField(
        choices=[(c.value, c.label) for c in Channel if c.value not in ("inapp", "email")],
        label=gettext_lazy("kind"),
    )

    class Meta:
        model = Endpoint
        fields = ["name", "kind", "url", "secret", "events", "active"]


class EndpointScreen(Screen):
    model = Endpoint
    resource = "approval"
    name = "notification_endpoint"
    path = "settings/notification-endpoints"
    columns = [Column("name", link=True), Column("kind"), Column("url"), Column("active")]
    detail_fields = ["name", "kind", "url", "events", "active"]
    search_fields = ("name", "url")
    form_class = EndpointForm

    create_service = staticmethod(configuration.save_endpoint)

    @staticmethod
    def update_service(obj, *, user, **data):
        return configuration.save_endpoint(user=user, endpoint=obj, **data)


class AlertRuleForm(ServiceForm):
    class Meta:
        model = AlertRule
        fields = [
            "name",
            "kind",
            "threshold",
            "warehouse",
            "notify_role",
            "notify_users",
            "endpoints",
            "active",
        ]


class AlertRuleScreen(Screen):
    model = AlertRule
    resource = "approval"
    name = "alert_rule"
    path = "settings/alert-rules"
    columns = [
        Column("name", link=True),
        Column("kind"),
        Column("threshold"),
        Column("warehouse", order_by="warehouse__code"),
        Column("notify_role", order_by=False),
        Column("active"),
    ]
    search_fields = ("name",)
    form_class = AlertRuleForm

    create_service = staticmethod(configuration.save_alert_rule)

    @staticmethod
    def update_service(obj, *, user, **data):
        return configuration.save_alert_rule(user=user, rule=obj, **data)


# --- 发送记录 ---------------------------------------------------------------------------------


@login_required
def deliveries(request):
    """发送记录: every e-mail, webhook and robot message, its attempts and last error."""
    if not request.user.has_jxc_perm("approval.view"):
        raise PermissionDenied
    qs = selectors.deliveries()
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "web/approvals/deliveries.html",
        {
            "title": _("Delivery log"),
            "page": page,
            "status": status,
            "statuses": DeliveryStatus.choices,
            "can_resend": request.user.has_jxc_perm("approval.edit"),
        },
    )


@login_required
def delivery_resend(request, pk: int):
    if request.method != "POST" or not request.user.has_jxc_perm("approval.edit"):
        raise PermissionDenied
    d = notify.resend(get_object_or_404(Delivery, pk=pk))
    if d.status == DeliveryStatus.SENT:
        messages.success(request, _("Sent."))
    else:
        messages.error(request, d.last_error or _("Not sent."))
    return redirect("web:deliveries")


SCREENS = [ApprovalRuleScreen(), EndpointScreen(), AlertRuleScreen()]
urlpatterns = [
    path("settings/deliveries/", deliveries, name="deliveries"),
    path("settings/deliveries/<int:pk>/resend/", delivery_resend, name="delivery_resend"),
    *[u for s in SCREENS for u in s.urls()],
]
