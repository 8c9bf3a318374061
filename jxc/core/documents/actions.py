"""How every document moves and saves (ARCHITECTURE.md §4).

``take_action`` is the one function that moves a document from one status to another: it
locks the row, checks the declared transition (``WORKFLOW``) and the closed period, runs the
document's effect (posting, reversing …) inside the same transaction, stamps who and when, and
writes the audit line (from → to, and why). Beside it: the checks every document service
makes (permission, draft only), saving lines in bulk, and the workflow actions that need
nothing document-specific (提交, 审核, 反审核, 驳回, 作废). The book calendar, the date guard,
the period lock and the numbering of new documents are in ``jxc.core.documents.calendar``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.db.transactions import write_step
from jxc.core.documents.approval import policy as approval_policy
from jxc.core.documents.calendar import (
    calendar_of,
    calendar_read,
    ensure_document_date,
    ensure_period_open,
)
from jxc.core.documents.models import Document
from jxc.core.documents.row_statements import (
    read_row,
    read_statement,
    update_statement,
)
from jxc.core.documents.rows import set_relation
from jxc.core.errors import NotEditable, PermissionDenied, ValidationFailed
from jxc.core.services import (
    record_audit_steps,
)
from jxc.core.statements import fetch_each, vendor
from jxc.core.transitions import ensure_transition

D = TypeVar("D", bound=Document)

# Actions whose effect touches the books: refused for a document dated in a closed period.
BOOK_ACTIONS = frozenset({"post", "reverse", "unapprove"})


@dataclass(frozen=True)
class Effect:
    """A step's effect that reads what it needs with the document's row: ``select(model)``
    gives SQL columns over the row aliased ``d`` (no parameters) and LEFT JOINs on ``d``,
    read in the statement that locks the row; ``statements(doc)`` more reads (the lines)
    sent in the same round trip on PostgreSQL. ``run(locked, values, results)``: the effect,
    given the columns' values and each statement's rows. Called as a plain effect
    (``effect(locked)``, where nothing was read with the row) it reads them itself."""

    key: str
    run: Callable[[Any, tuple, list[list[tuple]]], Any]
    select: Callable[[type[Model]], tuple[tuple[str, ...], str]] | None = None
    statements: Callable[[Any], list[tuple[str, list[Any]]]] | None = None

    def sql(self, model: type[Model]) -> tuple[tuple[str, ...], str]:
        return self.select(model) if self.select is not None else ((), "")

    def __call__(self, locked: Any) -> Any:
        columns, joins = self.sql(type(locked))
        statements = []
        if columns:
            q = connection.ops.quote_name
            opts = locked._meta
            statements.append(
                (
                    f"SELECT {', '.join(columns)} FROM {q(opts.db_table)} d {joins} "
                    f"WHERE d.{q(opts.pk.column)} = %s",
                    [locked.pk],
                )
            )
        if self.statements is not None:
            statements += self.statements(locked)
        found = fetch_each(statements)
        values = tuple(found.pop(0)[0]) if columns else ()
        return self.run(locked, values, found)


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
    the new status is saved, in the same transaction: all or nothing. The row is read under
    lock, so of two users acting on one document at once the second sees what the first did
    and gets the clear error (``invalid_transition``).
    """
    # one transaction, its statements on the wrapper and driver connection looked up once
    # (each lookup is a connection proxy's asgiref Local and a settings read)
    with write_step():
        return _take_action(doc, action, user, reason, effect, check_permission)


def _take_action(doc: D, action: str, user, reason: str, effect: Any, check_permission: bool) -> D:
    model = type(doc)
    policy = approval_policy()
    # the row under lock, what the approval policy asks, the calendar and what the effect
    # reads with the row: one statement (the effect's other reads in the same round trip on
    # PostgreSQL)
    probe = policy.prefetch(doc, action=action, user=user)
    books = action in BOOK_ACTIONS
    reads = effect if isinstance(effect, Effect) else None
    columns, joins = reads.sql(model) if reads is not None else ((), "")
    sql, params, width = read_statement(
        doc,
        probe=probe,
        calendar=calendar_read() if books else None,
        columns=columns,
        joins=joins,
        key=reads.key if reads is not None else None,
    )
    statements = [(sql, params)]
    if reads is not None and reads.statements is not None:
        statements += reads.statements(doc)
    found = fetch_each(statements)
    locked, rest = read_row(doc, found[0], width)
    prefetched = rest[:2] if probe is not None else None
    rest = rest[2:] if probe is not None else rest
    calendar_row = rest[:4] if books else None
    values = rest[4:] if books else rest
    transition = ensure_transition(model.WORKFLOW, locked.status, action=action)
    # The approval policy (jxc.core.documents.approval) may decide who acts, and hold the
    # status while more approvers are waiting.
    gate = policy.gate(
        locked,
        action=action,
        user=user,
        reason=reason,
        prefetched=prefetched,
    )
    if check_permission and user is not None and model.RESOURCE and not gate.authorised:
        if not user.has_jxc_perm(f"{model.RESOURCE}.{action}"):
            raise PermissionDenied()
    if transition.needs_reason and not reason.strip():
        raise ValidationFailed({"reason": [str(_("Please give a reason."))]})
    if calendar_row is not None:
        cal = calendar_of([calendar_row] if calendar_row[0] is not None else [])
        ensure_period_open(locked.date, cal)
        if action == "post":
            ensure_document_date(locked.date, cal)
    if not gate.proceed:
        return locked
    if reads is not None:
        reads.run(locked, values, found[1:])
    elif effect is not None:
        effect(locked)
    source = locked.status
    locked.status = transition.target
    fields = ["status"]
    if reason:
        locked.status_reason = reason.strip()[:500]
        fields.append("status_reason")
    stamp = STAMPS.get(action)
    if stamp is not None:
        set_relation(locked, stamp[0], user)
        setattr(locked, stamp[1], timezone.now())
        fields += stamp
    # the new status and the audit line: one round trip on PostgreSQL
    record_audit_steps(
        user=user,
        obj=locked,
        steps=[(action, {"status": [source, transition.target]})],
        reason=reason,
        before=update_statement(locked, fields),
    )
    # The caller's instance sees the new state too.
    doc.status = locked.status
    doc.status_reason = locked.status_reason
    if stamp is not None:
        set_relation(doc, stamp[0], user)
        setattr(doc, stamp[1], getattr(locked, stamp[1]))
    return locked


# who and when an action stamps on the document
STAMPS = {"approve": ("approved_by", "approved_at"), "post": ("posted_by", "posted_at")}


# --- checks and line saving every document service shares ---------------------------


def ensure_perm(user, resource: str, action: str) -> None:
    if user is not None and not user.has_jxc_perm(f"{resource}.{action}"):
        raise PermissionDenied(perm=f"{resource}.{action}")


def ensure_draft(doc: Document) -> None:
    if not doc.is_editable:
        raise NotEditable(number=doc.number)


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
    record_audit_steps(user=user, obj=doc, steps=[("create" if creating else "update", changes)])


# --- workflow actions without a document-specific effect ---------------------------


def act(
    doc: D, *, action: str, user, reason: str = "", effect: Callable[[D], Any] | None = None
) -> D:
    return take_action(doc, action=action, user=user, reason=reason, effect=effect)


def _lines_exist(model: type[Model]) -> tuple[tuple[str, ...], str]:
    """A document has lines: one column over its row (``d``; the text made once per model)."""
    key = (vendor(), model)
    found = _LINES_EXIST.get(key)
    if found is None:
        q = connection.ops.quote_name
        rel: Any = model._meta.get_field("lines")
        table = str(rel.related_model._meta.db_table)
        column, pk = str(rel.field.column), str(cast(Any, model._meta.pk).column)
        found = (f"EXISTS (SELECT 1 FROM {q(table)} l WHERE l.{q(column)} = d.{q(pk)})",), ""
        _LINES_EXIST[key] = found
    return found


_LINES_EXIST: dict[tuple, tuple[tuple[str, ...], str]] = {}


def submit_check(check: Callable[[D], None] | None = None) -> Effect:
    """What 提交 checks on the locked document: it has lines (read with the row) and the
    type's ``check``."""

    def run(locked: D, values: tuple, _results: list) -> None:
        if not values[0]:
            raise ValidationFailed({"lines": [str(_("Add at least one line."))]})
        if check is not None:
            check(locked)

    return Effect(key="submit_check", run=run, select=_lines_exist)


def submit(doc: D, *, user, check: Callable[[D], None] | None = None) -> D:
    """提交: a draft with lines goes to review."""
    return act(doc, action="submit", user=user, effect=submit_check(check))


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
