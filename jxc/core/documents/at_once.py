"""保存并过账: the steps from a draft to the books taken at once, for every document type.

:func:`save_and_post` is the platform's one path (the form's button, any type with 提交, 审核
and 过账): the draft saved by the type's own service and the three steps taken by its own
step services, all in one transaction — refused at any step nothing is saved, not even the
draft, and a new document's number is given back; where an approval rule applies the
document is saved and submitted and waits for its approvers (已提交). :func:`take_actions`
is the same steps with one lock read, one status write and the audit lines in one round trip,
for types that declare a service of their own on it (其他入库/出库 …, the counter sale).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.db.transactions import write_step
from jxc.core.documents.actions import BOOK_ACTIONS, STAMPS, take_action
from jxc.core.documents.approval import policy as approval_policy
from jxc.core.documents.calendar import (
    BookCalendar,
    calendar_of,
    calendar_read,
    ensure_document_date,
    ensure_period_open,
)
from jxc.core.documents.models import Document
from jxc.core.documents.row_statements import read_row, read_statement, update_statement
from jxc.core.documents.rows import set_relation
from jxc.core.errors import PermissionDenied, ValidationFailed
from jxc.core.services import record_audit_steps
from jxc.core.statements import fetch
from jxc.core.transitions import ensure_transition

D = TypeVar("D", bound=Document)


def save_and_post(save: Callable[[], D], *, steps: Mapping[str, Callable[..., Any]], user) -> D:
    """保存并过账 of any document type in one transaction: ``save()`` creates or updates the
    draft (the type's service), then 提交 → 审核 → 过账 through ``steps`` (the type's step
    services, each ``step(doc, user=user)``: checked and audited as when clicked). Refused at
    any step, nothing is kept. Where an approval rule applies, it stops once submitted (the
    document waits for its approvers, 已提交)."""
    with write_step():  # PostgreSQL: the writes nobody reads back go with the COMMIT
        doc = save()
        for action in THROUGH_POST:
            if action == "approve" and approval_policy().needs_approval(doc, user=user):
                break
            doc = steps[action](doc, user=user) or doc
        return doc


# 保存并过账: the steps from a draft to the books, taken at once
THROUGH_POST = ("submit", "approve", "post")


def take_actions(
    doc: D,
    *,
    actions: Sequence[str],
    user,
    effects: Mapping[str, Callable[[D], Any]] | None = None,
) -> D:
    """Several workflow steps in one transaction (保存并过账: 提交 → 审核 → 过账), each
    checked and recorded as :func:`take_action` does it — its declared transition, the
    approval policy's gate, the permission, the closed period, its ``effects[action]``, its
    own audit line — with the row read under lock once, the approval policy asked once,
    the new status and stamps written once and the audit lines in one round trip.

    Only while the approval policy has nothing to say about the document (``silent``: no
    rule for its type, no round ever opened for it). Otherwise the steps are taken one by
    one by :func:`take_action` (in this transaction), stopping before 审核 when the document
    waits for approvers (returned as it stands then: 已提交)."""
    with write_step():
        return take_actions_in(doc, actions=actions, user=user, effects=effects)


def take_actions_in(
    doc: D,
    *,
    actions: Sequence[str],
    user,
    effects: Mapping[str, Callable[[D], Any]] | None = None,
    fresh: BookCalendar | None = None,
    audit_first: Sequence[tuple[str, dict]] = (),
) -> D:
    """:func:`take_actions` in the caller's transaction (no savepoint of its own).

    ``fresh``: the document was inserted in this transaction (保存并过账 of a new document,
    ``jxc.core.documents.services.insert_document``) and this is the calendar read for it:
    ``doc`` is the row as written — no other transaction can see it, so there is nothing to
    read under lock — and the calendar is not read again. ``audit_first``: audit steps of
    ``doc`` written before the actions' own, in the same round trip (its ``create`` line)."""
    effects = effects or {}
    model = type(doc)
    policy = approval_policy()
    probe = next(
        (p for a in actions if (p := policy.prefetch(doc, action=a, user=user)) is not None),
        None,
    )
    books = any(a in BOOK_ACTIONS for a in actions)
    prefetched: tuple | None = None
    cal: BookCalendar | None = fresh
    if fresh is not None:
        locked = doc
        if probe is not None:
            prefetched = fetch(*probe)[0]
    else:
        # the row under lock, the policy's probe and the calendar: one statement
        sql, params, width = read_statement(
            doc, probe=probe, calendar=calendar_read() if books else None
        )
        locked, rest = read_row(doc, fetch(sql, params), width)
        if probe is not None:
            prefetched, rest = rest[:2], rest[2:]
        if books:
            cal = calendar_of([rest[:4]] if rest[0] is not None else [])
    if not policy.silent(prefetched):
        if audit_first:
            record_audit_steps(user=user, obj=doc, steps=list(audit_first))
        current = doc
        for action in actions:
            if action == "approve" and policy.needs_approval(current, user=user):
                break
            current = take_action(current, action=action, user=user, effect=effects.get(action))
        return current
    if not books:
        cal = None
    fields: list[str] = []
    steps: list[tuple[str, dict]] = list(audit_first)
    for action in actions:
        transition = ensure_transition(model.WORKFLOW, locked.status, action=action)
        gate = policy.gate(locked, action=action, user=user, prefetched=prefetched)
        if user is not None and model.RESOURCE and not gate.authorised:
            if not user.has_jxc_perm(f"{model.RESOURCE}.{action}"):
                raise PermissionDenied()
        if transition.needs_reason:
            raise ValidationFailed({"reason": [str(_("Please give a reason."))]})
        if cal is not None and action in BOOK_ACTIONS:
            ensure_period_open(locked.date, cal)
            if action == "post":
                ensure_document_date(locked.date, cal)
        if not gate.proceed:
            break
        effect = effects.get(action)
        if effect is not None:
            effect(locked)
        steps.append((action, {"status": [locked.status, transition.target]}))
        locked.status = transition.target
        stamp = STAMPS.get(action)
        if stamp is not None:
            set_relation(locked, stamp[0], user)
            setattr(locked, stamp[1], timezone.now())
            fields += stamp
    if len(steps) > len(audit_first):
        # the new status and the audit lines: one round trip on PostgreSQL
        record_audit_steps(
            user=user, obj=locked, steps=steps, before=update_statement(locked, ["status", *fields])
        )
    elif steps:
        record_audit_steps(user=user, obj=locked, steps=steps)
    if locked is not doc:
        for name in ("status", *fields):
            setattr(doc, name, getattr(locked, name))
    return locked
