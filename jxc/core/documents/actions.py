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
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.db.transactions import write_step
from jxc.core.documents.approval import policy as approval_policy
from jxc.core.documents.models import Document
from jxc.core.documents.row_statements import (
    CalendarRead,
    read_row,
    read_statement,
    update_statement,
)
from jxc.core.documents.rows import set_relation
from jxc.core.errors import NotEditable, PeriodClosed, PermissionDenied, ValidationFailed
from jxc.core.services import (
    allocate_numbers,
    number_statement,
    numbers_from,
    record_audit_steps,
)
from jxc.core.statements import current, fetch, fetch_each, vendor
from jxc.core.transitions import ensure_transition

D = TypeVar("D", bound=Document)

_EPOCH = dt.date(1970, 1, 1).toordinal()
# Actions whose effect touches the books: refused for a document dated in a closed period.
BOOK_ACTIONS = frozenset({"post", "reverse", "unapprove"})


@dataclass(frozen=True)
class BookCalendar:
    """What the date guard, the period lock and the numbering read: the last day of the last
    closed month, how many days ahead a document may be dated, the company's prefixes."""

    closed_until: dt.date | None
    days_ahead: int
    prefixes: dict[str, str]
    opening_date: dt.date | None = None  # 开账日: nothing is dated before it


_CALENDAR_SQL: dict[str, str] = {}


def calendar_sql() -> str:
    from jxc.core.models import ClosedPeriod, Company

    sql = _CALENDAR_SQL.get(vendor())
    if sql is None:
        q = connection.ops.quote_name
        sql = (
            f"SELECT c.days_ahead, c.document_prefixes, (SELECT p.year * 100 + p.month FROM "
            f"{q(ClosedPeriod._meta.db_table)} p ORDER BY p.year DESC, p.month DESC LIMIT 1), "
            f"c.opening_date "
            f"FROM {q(Company._meta.db_table)} c ORDER BY c.id LIMIT 1"
        )
        _CALENDAR_SQL[vendor()] = sql
    return sql


_CALENDAR_READ: dict[str, CalendarRead] = {}


def calendar_read() -> CalendarRead:
    """:func:`calendar_sql` as a workflow step reads it with the document's row
    (``row_statements.read_statement``): the statement, and its columns over a LEFT JOIN of the
    company's first row by its key (SQLite)."""
    found = _CALENDAR_READ.get(vendor())
    if found is None:
        from jxc.core.models import ClosedPeriod, Company

        q = connection.ops.quote_name
        company = q(Company._meta.db_table)
        found = CalendarRead(
            sql=calendar_sql(),
            columns=(
                "jc.days_ahead",
                "jc.document_prefixes",
                f"(SELECT p.year * 100 + p.month FROM {q(ClosedPeriod._meta.db_table)} p "
                "ORDER BY p.year DESC, p.month DESC LIMIT 1)",
                "jc.opening_date",
            ),
            joins=(
                f"LEFT JOIN {company} jc ON jc.id = "
                f"(SELECT c.id FROM {company} c ORDER BY c.id LIMIT 1)"
            ),
        )
        _CALENDAR_READ[vendor()] = found
    return found


def book_calendar() -> BookCalendar:
    """The company's settings and the lock date in one statement (read every time, as
    ``jxc.core.selectors.company``: never a stale copy)."""
    return calendar_of(fetch(calendar_sql()))


# the company's prefixes as parsed, by their JSON text (SQLite gives the text back)
_PREFIXES: dict[Any, dict[str, str]] = {}


def calendar_of(rows: list[tuple]) -> BookCalendar:
    """The calendar from the rows of :func:`calendar_sql`."""
    if not rows:
        from jxc.core.selectors import company

        company()  # created with its defaults on first use
        return book_calendar()
    days, prefixes, closed, opening = rows[0]
    if isinstance(opening, str):
        opening = dt.date.fromisoformat(opening)
    if isinstance(prefixes, str | bytes):
        text = prefixes
        prefixes = _PREFIXES.get(text)
        if prefixes is None:
            prefixes = json.loads(text)
            if len(_PREFIXES) > 64:
                _PREFIXES.clear()
            _PREFIXES[text] = prefixes
    closed_until = None
    if closed is not None:
        from jxc.core.periods import month_bounds

        closed_until = month_bounds(int(closed) // 100, int(closed) % 100)[1]
    return BookCalendar(
        closed_until=closed_until, days_ahead=days, prefixes=prefixes or {}, opening_date=opening
    )


def ensure_document_date(day: dt.date, calendar: BookCalendar | None = None) -> None:
    """A document's business date: not in a closed month, and not more than the company's
    ``days_ahead`` after today (a 9999-12-31 typed by mistake). A 422 on ``date``."""
    cal = calendar or book_calendar()
    if cal.opening_date is not None and day < cal.opening_date:
        raise ValidationFailed(
            {
                "date": [
                    str(
                        _("Before the opening date %(opening)s: the books start there.")
                        % {"opening": cal.opening_date.isoformat()}
                    )
                ]
            }
        )
    if cal.closed_until is not None and day <= cal.closed_until:
        raise ValidationFailed(
            {"date": [str(_("The month of %(date)s is closed.") % {"date": day.isoformat()})]}
        )
    days = cal.days_ahead
    # today here is within a day of UTC's (time.time() // 86400 days after 1970-01-01): up
    # to UTC's yesterday + days passes anywhere, the time zone is asked only past that
    if day.toordinal() < _EPOCH + int(time.time() // 86400) + days:
        return
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


def assign_number(doc: Document) -> BookCalendar:
    """Give a new document its number from the counter of its type and business date (the
    date checked first: ``ensure_document_date``); the calendar read for it."""
    return assign_numbers([doc])


def assign_numbers(docs: Sequence[Document], calendar: BookCalendar | None = None) -> BookCalendar:
    """:func:`assign_number` for several new documents written as one set: the calendar read
    once (or the caller's), each date checked, the numbers of each type and date taken in one
    statement, consecutive in the order of ``docs``. The calendar, for the caller's next
    checks."""
    if calendar is None and current().in_atomic_block:
        if len(docs) == 1 and not docs[0].number:
            return _number_one(docs[0])
        return _number_in_transaction(docs)
    cal = calendar or book_calendar()
    groups = _by_type_and_date(docs)
    for doc in docs:
        ensure_document_date(doc.date, cal)
    for (kind, day), group in groups.items():
        numbers = allocate_numbers(kind, day=day, count=len(group), prefixes=cal.prefixes)
        for doc, number in zip(group, numbers, strict=True):
            doc.number = number
    return cal


def _by_type_and_date(docs: Sequence[Document]) -> dict[tuple[str, dt.date], list[Document]]:
    """The documents without a number, by the counter they take theirs from (in order)."""
    groups: dict[tuple[str, dt.date], list[Document]] = {}
    for doc in docs:
        if not doc.number:
            declared = doc.declared()
            kind = declared.code if declared is not None else doc.DOC_TYPE
            groups.setdefault((kind, doc.date), []).append(doc)
    return groups


def _number_one(doc: Document) -> BookCalendar:
    """:func:`_number_in_transaction` of one new document (every document saved alone), without
    the grouping."""
    declared = doc.declared()
    kind = declared.code if declared is not None else doc.DOC_TYPE
    found = fetch_each([(calendar_sql(), []), number_statement(kind, day=doc.date, count=1)])
    cal = calendar_of(found[0])
    ensure_document_date(doc.date, cal)
    doc.number = numbers_from(
        kind, day=doc.date, count=1, top=found[1][0][0], prefixes=cal.prefixes
    )[0]
    return cal


def _number_in_transaction(docs: Sequence[Document]) -> BookCalendar:
    """:func:`assign_numbers` in the caller's transaction: the calendar and the counters (one
    statement per type and date) in one round trip on PostgreSQL, for one document as for a
    set (a set read its calendar in a round trip of its own, one statement more than one
    document). The counters move before the dates are checked; refused, the transaction
    gives the numbers back."""
    groups = _by_type_and_date(docs)
    statements: list[tuple[str, list[Any]]] = [(calendar_sql(), [])]
    for kind, day in groups:
        statements.append(number_statement(kind, day=day, count=len(groups[kind, day])))
    found = fetch_each(statements)
    cal = calendar_of(found[0])
    for doc in docs:
        ensure_document_date(doc.date, cal)
    for ((kind, day), group), rows in zip(groups.items(), found[1:], strict=True):
        numbers = numbers_from(
            kind, day=day, count=len(group), top=rows[0][0], prefixes=cal.prefixes
        )
        for doc, number in zip(group, numbers, strict=True):
            doc.number = number
    return cal


def lock_date() -> dt.date | None:
    """The last day of the last closed month (None while no month is closed)."""
    return book_calendar().closed_until


def ensure_period_open(day: dt.date, calendar: BookCalendar | None = None) -> None:
    """Refuse anything that would change the books on a date inside a closed month."""
    cal = calendar or book_calendar()
    if cal.closed_until is not None and day <= cal.closed_until:
        raise PeriodClosed(date=day.isoformat())
    if cal.opening_date is not None and day < cal.opening_date:
        raise PeriodClosed(date=day.isoformat())


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
