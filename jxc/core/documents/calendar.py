"""The book calendar every document step reads (ARCHITECTURE.md §4): the closed month, how
far ahead a document may be dated, the 开账日 and the company's number prefixes, read once per
step with the row it locks; the date guard, the period lock and the numbering of new documents
that use it."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.documents.models import Document
from jxc.core.documents.row_statements import CalendarRead
from jxc.core.errors import PeriodClosed, ValidationFailed
from jxc.core.services import (
    allocate_numbers,
    number_statement,
    numbers_from,
)
from jxc.core.statements import current, fetch, fetch_each, vendor

_EPOCH = dt.date(1970, 1, 1).toordinal()


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


def assign_number(doc: Document, before_dates: Callable[[], None] | None = None) -> BookCalendar:
    """Give a new document its number from the counter of its type and business date (the
    date checked first: ``ensure_document_date``); the calendar read for it.
    ``before_dates``: the caller's checks of what came with the numbering's round trip (a
    new draft's SKU facts), made before the date's: their errors come first, as when made
    before the numbering."""
    return assign_numbers([doc], before_dates=before_dates)


def assign_numbers(
    docs: Sequence[Document],
    calendar: BookCalendar | None = None,
    before_dates: Callable[[], None] | None = None,
) -> BookCalendar:
    """:func:`assign_number` for several new documents written as one set: the calendar read
    once (or the caller's), each date checked, the numbers of each type and date taken in one
    statement, consecutive in the order of ``docs``. The calendar, for the caller's next
    checks."""
    if calendar is None and current().in_atomic_block:
        if len(docs) == 1 and not docs[0].number:
            return _number_one(docs[0], before_dates)
        return _number_in_transaction(docs, before_dates)
    if before_dates is not None:
        before_dates()
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


def _number_one(doc: Document, before_dates: Callable[[], None] | None) -> BookCalendar:
    """:func:`_number_in_transaction` of one new document (every document saved alone), without
    the grouping."""
    declared = doc.declared()
    kind = declared.code if declared is not None else doc.DOC_TYPE
    found = fetch_each([(calendar_sql(), []), number_statement(kind, day=doc.date, count=1)])
    cal = calendar_of(found[0])
    if before_dates is not None:
        before_dates()
    ensure_document_date(doc.date, cal)
    doc.number = numbers_from(
        kind, day=doc.date, count=1, top=found[1][0][0], prefixes=cal.prefixes
    )[0]
    return cal


def _number_in_transaction(
    docs: Sequence[Document], before_dates: Callable[[], None] | None = None
) -> BookCalendar:
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
    if before_dates is not None:
        before_dates()
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
