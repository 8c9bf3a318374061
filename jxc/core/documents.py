"""The document kernel every business paper shares (ARCHITECTURE.md §4).

``Document`` is the abstract header: number, business date, status, memo and who moved it
through its lifecycle. ``take_action`` is the one function that moves a document from one
status to another: it locks the row, checks the declared transition (``WORKFLOW``) and the
closed period, runs the document's effect (posting, reversing …) inside the same
transaction, stamps who and when, and writes the audit line (from → to, and why).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.choices import DOCUMENT_WORKFLOW, DocumentStatus
from jxc.core.errors import PeriodClosed, PermissionDenied, ValidationFailed
from jxc.core.services import allocate_number, record_audit
from jxc.core.transitions import Transition, Workflow, ensure_transition

D = TypeVar("D", bound="Document")

# Actions whose effect touches the books: refused for a document dated in a closed period.
BOOK_ACTIONS = frozenset({"post", "reverse", "unapprove"})


@dataclass(frozen=True)
class SourceRef:
    """Where a ledger row comes from: document kind, id, number (and line, per row)."""

    kind: str
    id: int
    number: str


class Document(models.Model):
    """单据 header. Subclasses set DOC_TYPE (numbering), RESOURCE (permissions) and may
    replace WORKFLOW."""

    DOC_TYPE: ClassVar[str] = ""
    RESOURCE: ClassVar[str] = ""
    WORKFLOW: ClassVar[Workflow] = DOCUMENT_WORKFLOW

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    date = models.DateField(_("business date"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
        db_index=True,
    )
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("posted by"),
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.number

    def ref(self) -> SourceRef:
        return SourceRef(kind=self.DOC_TYPE, id=self.pk, number=self.number)

    @property
    def is_editable(self) -> bool:
        """Lines and header may change only while the document is a draft."""
        return self.status == DocumentStatus.DRAFT

    def actions_for(self, user) -> list[Transition]:
        """The buttons this user sees (derived from the same table that is enforced)."""
        return self.WORKFLOW.actions_from(self.status, user=user, resource=self.RESOURCE)


def assign_number(doc: Document) -> None:
    """Give a new document its number from the counter of its type and business date."""
    if not doc.number:
        doc.number = allocate_number(doc.DOC_TYPE, day=doc.date)


def lock_date() -> dt.date | None:
    """The last day of the last closed month (None while no month is closed)."""
    from jxc.core.models import ClosedPeriod

    last = ClosedPeriod.objects.order_by("-year", "-month").first()
    if last is None:
        return None
    nxt = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def ensure_period_open(day: dt.date) -> None:
    """Refuse anything that would change the books on a date inside a closed month."""
    closed_until = lock_date()
    if closed_until is not None and day <= closed_until:
        raise PeriodClosed(date=day.isoformat())


@transaction.atomic
def take_action(
    doc: D,
    *,
    action: str,
    user,
    reason: str = "",
    effect: Callable[[D], Any] | None = None,
    check_permission: bool = True,
) -> D:
    """Move a document along its declared workflow: 提交, 审核, 反审核, 过账, 作废, 红冲 ….

    ``effect`` (e.g. recording the stock moves of a posting) runs after the checks and before
    the new status is saved, in the same transaction: all or nothing.
    """
    model = type(doc)
    locked = model._default_manager.select_for_update().get(pk=doc.pk)
    transition = ensure_transition(model.WORKFLOW, locked.status, action=action)
    if check_permission and user is not None and model.RESOURCE:
        if not user.has_jxc_perm(f"{model.RESOURCE}.{action}"):
            raise PermissionDenied()
    if transition.needs_reason and not reason.strip():
        raise ValidationFailed({"reason": [str(_("Please give a reason."))]})
    if action in BOOK_ACTIONS:
        ensure_period_open(locked.date)
    if effect is not None:
        effect(locked)
    now = timezone.now()
    source = locked.status
    locked.status = transition.target
    locked.status_reason = reason.strip()[:500] if reason else locked.status_reason
    fields = ["status", "status_reason"]
    if action == "approve":
        locked.approved_by, locked.approved_at = user, now
        fields += ["approved_by", "approved_at"]
    elif action == "post":
        locked.posted_by, locked.posted_at = user, now
        fields += ["posted_by", "posted_at"]
    locked.save(update_fields=fields)
    record_audit(
        user=user,
        obj=locked,
        action=action,
        changes={"status": [source, transition.target]},
        reason=reason,
    )
    # The caller's instance sees the new state too.
    for name in fields:
        setattr(doc, name, getattr(locked, name))
    return locked
