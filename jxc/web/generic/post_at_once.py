"""保存并过账 on a document's form: 提交 → 审核 → 过账 in one click, for a user who may take
each step of a type where no approval applies. A new document of any type is created and
taken through the steps in one transaction (``jxc.core.documents.at_once.save_and_post``,
or the type's own ``create_and_post_service``): refused at any step, nothing is saved and
the form shows why with what was typed; where an approval rule applies, it is saved and
submitted (已提交)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.utils.translation import gettext as _

from jxc.core.documents.approval import needs_approval
from jxc.core.documents.at_once import save_and_post
from jxc.core.errors import DomainError

if TYPE_CHECKING:
    from jxc.web.generic.documents import DocumentScreen

# The steps 保存并过账 takes in one click.
AT_ONCE = ("submit", "approve", "post")


def can_post_at_once(screen: DocumentScreen, user, obj=None) -> bool:
    """保存并过账 is offered to a user who holds submit, approve and post for this document
    type, where no approval applies."""
    return all(
        a in screen.transition_services and screen.can(user, a) for a in AT_ONCE
    ) and not needs_approval(screen.kind or screen.resource, obj)


def post_at_once(screen: DocumentScreen, request, obj):
    """提交 → 审核 → 过账 in one go, each step through the workflow table and its service (so
    each is checked and recorded as if clicked). Stops at the first step refused, with the
    reason shown; what was done stays done (a submitted document waits on its detail page).
    A type with an ``at_once_service`` takes the three steps in one transaction instead (all
    or nothing: refused at any step, the draft stays a draft)."""
    if screen.at_once_service is not None:
        try:
            obj = screen.at_once_service(obj, user=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
            return obj
        if obj.status == "submitted":
            messages.info(request, _("Submitted: this document needs an approval."))
        else:
            messages.success(request, _("Saved and posted."))
        return obj
    for action in AT_ONCE:
        if action == "approve" and needs_approval(screen.kind or screen.resource, obj):
            messages.info(request, _("Submitted: this document needs an approval."))
            return obj
        step = next((t for t in screen.transitions_for(request, obj) if t.action == action), None)
        if step is None:
            messages.error(request, _("This step is not possible in the document's status."))
            return obj
        try:
            obj = screen.transition(request, obj, step) or obj
        except DomainError as exc:
            messages.error(request, str(exc))
            return obj
    messages.success(request, _("Saved and posted."))
    return obj


def create_and_post(screen: DocumentScreen, request, header: dict, lines):
    """保存并过账 of a new document, all or nothing (a refusal raises, and the form shows
    it): the type's ``create_and_post_service`` when it declares one, else the platform's
    path — its create service and its step services in one transaction. Where an approval
    applies the document waits for its approvers once submitted."""
    if screen.create_and_post_service is not None:
        obj = screen.create_and_post_service(screen.model, user=request.user, lines=lines, **header)
    else:
        obj = save_and_post(
            lambda: screen.save_document(request, None, header, lines),
            steps=screen.transition_services,
            user=request.user,
        )
    if obj.status == "submitted":
        messages.info(request, _("Submitted: this document needs an approval."))
    else:
        messages.success(request, _("Saved and posted."))
    return obj
