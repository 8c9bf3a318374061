"""How every document moves and saves (ARCHITECTURE.md §4).

``take_action`` is the one function that moves a document from one status to another: it
locks the row, checks the declared transition (``WORKFLOW``) and the closed period, runs the
document's effect (posting, reversing …) inside the same transaction, stamps who and when, and
writes the audit line (from → to, and why). Beside it: the numbering of a new document, the
checks every document service makes (permission, draft only), saving lines in bulk, and the
workflow actions that need nothing document-specific (提交, 审核, 反审核, 驳回, 作废).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.documents.approval import policy as approval_policy
from jxc.core.documents.models import Document
from jxc.core.errors import NotEditable, PeriodClosed, PermissionDenied, ValidationFailed
from jxc.core.services import allocate_number, record_audit
from jxc.core.transitions import ensure_transition

D = TypeVar("D", bound=Document)

# Actions whose effect touches the books: refused for a document dated in a closed period.
BOOK_ACTIONS = frozenset({"post", "reverse", "unapprove"})


def ensure_document_date(day: dt.date) -> None:
    """A document's business date: not in a closed month, and not more than the company's
    ``days_ahead`` after today (a 9999-12-31 typed by mistake). A 422 on ``date``."""
    from jxc.core.selectors import company

    closed_until = lock_date()
    if closed_until is not None and day <= closed_until:
        raise ValidationFailed(
            {"date": [str(_("The month of %(date)s is closed.") % {"date": day.isoformat()})]}
        )
    days = company().days_ahead
    latest = timezone.localdate() + dt.timedelta(days=days)
    if day > latest:
        raise ValidationFailed(
            {
                "date": [
                    str(
                        _("At most %(days)s days ahead: the latest date is %(latest)s.")
                        % {"days": days, "latest": latest.isoformat()}
                    )
                ]
            }
        )


def assign_number(doc: Document) -> None:
    """Give a new document its number from the counter of its type and business date (the
    date checked first: ``ensure_document_date``)."""
    ensure_document_date(doc.date)
    if not doc.number:
        doc.number = allocate_number(doc.DOC_TYPE, day=doc.date)


def lock_date() -> dt.date | None:
    """The last day of the last closed month (None while no month is closed)."""
    from jxc.core.models import ClosedPeriod

    last = ClosedPeriod.objects.order_by("-year", "-month").first()
    if last is None:
        return None
    from jxc.core.periods import month_bounds

    return month_bounds(last.year, last.month)[1]


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
    # The approval policy (jxc.core.documents.approval) may decide who acts, and hold the
    # status while more approvers are waiting.
    gate = approval_policy().gate(locked, action=action, user=user, reason=reason)
    if check_permission and user is not None and model.RESOURCE and not gate.authorised:
        if not user.has_jxc_perm(f"{model.RESOURCE}.{action}"):
            raise PermissionDenied()
    if transition.needs_reason and not reason.strip():
        raise ValidationFailed({"reason": [str(_("Please give a reason."))]})
    if action in BOOK_ACTIONS:
        ensure_period_open(locked.date)
    if action == "post":
        ensure_document_date(locked.date)
    if not gate.proceed:
        return locked
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


# --- checks and line saving every document service shares ---------------------------


def ensure_perm(user, resource: str, action: str) -> None:
    if user is not None and not user.has_jxc_perm(f"{resource}.{action}"):
        raise PermissionDenied(perm=f"{resource}.{action}")


def ensure_draft(doc: Document) -> None:
    if not doc.is_editable:
        raise NotEditable(number=doc.number)


def lock(doc: D) -> D:
    return type(doc)._default_manager.select_for_update().get(pk=doc.pk)


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(errors)


def replace_lines(
    model: type[Model], parent_field: str, parent: Model, rows: Sequence[Model]
) -> None:
    model._default_manager.filter(**{parent_field: parent}).delete()
    model._default_manager.bulk_create(list(rows), batch_size=500)


def write_fields(model: type[Model], rows: Sequence[Model], fields: list[str]) -> None:
    """Save ``fields`` of many lines: one UPDATE per row in a single executemany (Django's
    bulk_update builds a CASE with a branch per row and field: slow for thousands of lines)."""
    if not rows:
        return
    ops = connection.ops
    cols: list[Any] = [model._meta.get_field(name) for name in fields]
    pk_column = str(model._meta.pk.column)  # type: ignore[union-attr]
    sql = (
        f"UPDATE {ops.quote_name(model._meta.db_table)} SET "
        + ", ".join(f"{ops.quote_name(c.column)} = %s" for c in cols)
        + f" WHERE {ops.quote_name(pk_column)} = %s"
    )
    params = [
        [c.get_db_prep_save(getattr(r, c.attname), connection) for c in cols] + [r.pk] for r in rows
    ]
    with connection.cursor() as cur:
        cur.executemany(sql, params)


def audit_saved(doc: Document, *, user, creating: bool, lines: int | None) -> None:
    changes: dict[str, Any] = {}
    if lines is not None:
        changes["lines"] = [None, lines]
    record_audit(user=user, obj=doc, action="create" if creating else "update", changes=changes)


# --- workflow actions without a document-specific effect ---------------------------


def act(
    doc: D, *, action: str, user, reason: str = "", effect: Callable[[D], Any] | None = None
) -> D:
    return take_action(doc, action=action, user=user, reason=reason, effect=effect)


def submit(doc: D, *, user, check: Callable[[D], None] | None = None) -> D:
    """提交: a draft with lines goes to review."""

    def effect(locked: D) -> None:
        if not locked.lines.exists():  # type: ignore[attr-defined]
            raise ValidationFailed({"lines": [str(_("Add at least one line."))]})
        if check is not None:
            check(locked)

    return act(doc, action="submit", user=user, effect=effect)


def approve(doc: D, *, user) -> D:
    """审核."""
    return act(doc, action="approve", user=user)


def unapprove(doc: D, *, user) -> D:
    """反审核 (an approved document back to review) or withdraw (back to a draft)."""
    return act(doc, action="unapprove", user=user)


def reject(doc: D, *, user, reason: str) -> D:
    """驳回: back to a draft, with the reason."""
    return act(doc, action="reject", user=user, reason=reason)


def void(doc: D, *, user, reason: str) -> D:
    """作废: only before posting; nothing reaches the ledger."""
    return act(doc, action="void", user=user, reason=reason)
