"""待办 (the to-do inbox): 待我审批, 我提交的, 预警, 通知 — one tap to approve or reject at
phone width, with the document's summary and lines on the same card.

URLs: /todo/ (``web:todo``, ``?tab=mine|submitted|alerts|notices``), POST
/todo/<id>/approve | reject (``web:todo_decide``), POST /todo/<id>/withdraw.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jxc.approvals import selectors, services
from jxc.approvals.models import ApprovalRequest
from jxc.core.errors import DomainError
from jxc.web.generic.documents import DOCUMENT_SCREENS

LINES_SHOWN = 5
TABS = ("mine", "submitted", "alerts", "notices")


def screen_of(doc_type: str):
    return DOCUMENT_SCREENS.get(doc_type)


def document_url(doc_type: str, doc_id: int) -> str:
    screen = screen_of(doc_type)
    return screen.url("detail", doc_id) if screen is not None else ""


def _card(req: ApprovalRequest, user) -> dict[str, Any]:
    """The document's summary: header facts and its first lines (costs masked as usual)."""
    screen = screen_of(req.doc_type)
    card: dict[str, Any] = {"req": req, "step": req.step_spec(), "url": req.url}
    try:
        doc = services.document_of(req)
    except Exception:  # the document is gone or its type has no screen: the card still shows
        return card
    card["doc"] = doc
    if screen is not None:
        card["url"] = screen.url("detail", doc.pk)
        card["facts"] = screen.header_facts(doc)
        table = screen.line_table(doc, user)
        card["headers"] = table["headers"][:4]
        card["rows"] = [r[:4] for r in table["rows"][:LINES_SHOWN]]
        card["more"] = max(0, len(table["rows"]) - LINES_SHOWN)
    return card


@login_required
def todo(request):
    """待办: the four tabs, each with its count."""
    user = request.user
    tab = request.GET.get("tab") or "mine"
    if tab not in TABS:
        tab = "mine"
    waiting = selectors.waiting_for_me(user)
    alerts = selectors.alerts_for(user)
    unread = selectors.unread(user)
    context: dict[str, Any] = {
        "title": _("To-do"),
        "tab": tab,
        "counts": {
            "mine": waiting.count(),
            "alerts": alerts.count(),
            "notices": unread.count(),
        },
    }
    if tab == "mine":
        context["cards"] = [_card(r, user) for r in waiting[:50]]
    elif tab == "submitted":
        context["requests"] = list(selectors.submitted_by_me(user)[:50])
    elif tab == "alerts":
        context["alerts"] = list(alerts[:100])
    else:
        context["notices"] = list(selectors.notifications(user)[:100])
        unread.update(read_at=timezone.now())
    return TemplateResponse(request, "web/approvals/todo.html", context)


@login_required
@require_POST
def todo_decide(request, pk: int, decision: str):
    """同意 / 驳回 from the inbox; the last approval also posts the document when the approver
    may post it (one tap from 待审核 to 已过账)."""
    if decision not in ("approve", "reject"):
        raise Http404
    req = get_object_or_404(ApprovalRequest, pk=pk)
    step = request.POST.get("step", "")
    comment = request.POST.get("comment", "").strip()
    try:
        req = services.decide(
            req,
            user=request.user,
            approve=decision == "approve",
            comment=comment,
            step=int(step) if step.isdigit() else None,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("web:todo")
    if decision == "reject":
        messages.success(request, _("Rejected: %(doc)s") % {"doc": req.summary})
    elif req.status == "approved":
        posted = _post_if_allowed(request, req)
        text = _("Approved and posted: %(doc)s") if posted else _("Approved: %(doc)s")
        messages.success(request, text % {"doc": req.summary})
    else:
        messages.success(
            request, _("Approved; waiting for the next step: %(doc)s") % {"doc": req.summary}
        )
    return redirect("web:todo")


def _post_if_allowed(request, req: ApprovalRequest) -> bool:
    screen = screen_of(req.doc_type)
    if screen is None or "post" not in screen.transition_services:
        return False
    doc = services.document_of(req)
    if doc.status != "approved" or not request.user.has_jxc_perm(f"{doc.RESOURCE}.post"):
        return False
    try:
        screen.transition_services["post"](doc, user=request.user)
    except DomainError as exc:
        # The approval stands; what stops the posting (stock, period) is said here.
        messages.warning(request, str(exc))
        return False
    return True


@login_required
@require_POST
def todo_withdraw(request, pk: int):
    """撤回: the submitter takes a pending document back to a draft."""
    req = get_object_or_404(ApprovalRequest, pk=pk, submitted_by=request.user)
    try:
        services.withdraw(req, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Withdrawn: %(doc)s") % {"doc": req.summary})
    return redirect(f"{reverse('web:todo')}?tab=submitted")


@login_required
def notification_settings(request):
    """通知设置: for each event, in the app and / or by e-mail."""
    from jxc.approvals import configuration, notify
    from jxc.approvals.choices import Channel, Event

    user = request.user
    if request.method == "POST":
        chosen: dict[str, set[str]] = {
            e: {c.value for c in (Channel.IN_APP, Channel.EMAIL) if request.POST.get(f"{e}:{c}")}
            for e in Event.values
        }
        configuration.set_channel_preferences(user=user, chosen=chosen)
        messages.success(request, _("Saved."))
        return redirect("web:notification_settings")
    rows = []
    for event, label in Event.choices:
        on = notify.channels_of([user.pk], event)[user.pk]
        rows.append(
            {
                "event": event,
                "label": label,
                "channels": [
                    (c.value, c.label, c.value in on) for c in (Channel.IN_APP, Channel.EMAIL)
                ],
            }
        )
    return TemplateResponse(
        request,
        "web/approvals/notification_settings.html",
        {"title": _("Notification settings"), "rows": rows, "email": user.email},
    )


urlpatterns = [
    path("todo/settings/", notification_settings, name="notification_settings"),
    path("todo/", todo, name="todo"),
    path("todo/<int:pk>/withdraw/", todo_withdraw, name="todo_withdraw"),
    path("todo/<int:pk>/<str:decision>/", todo_decide, name="todo_decide"),
]
