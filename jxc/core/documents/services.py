"""新建 / 修改 a draft of any declared document type: the header fields, all lines replaced,
every problem reported at once, numbered, audited. The app's own service reads what the checks
need (the SKUs' facts, its header checks) and calls these.

    doc = create_document(LoanOut, user=u, header={"warehouse": wh, "date": d, …},
                          lines=lines, facts=sku_facts(x.sku for x in lines),
                          errors=bin_errors(lines, wh))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, TypeVar

from django.db import transaction

from jxc.core.db.transactions import write_step
from jxc.core.documents.actions import (
    audit_saved,
    ensure_draft,
    ensure_perm,
    raise_if,
    replace_lines,
)
from jxc.core.documents.calendar import BookCalendar, assign_number, ensure_document_date
from jxc.core.documents.hidden import keep_hidden
from jxc.core.documents.lines import FactsLater, LineInput, SkuFacts, line_errors, line_fields
from jxc.core.documents.models import Document
from jxc.core.documents.row_statements import lock
from jxc.core.documents.rows import insert_many, insert_one, new_row, rows_where, take_ids
from jxc.core.visibility import COST, can_view_cost, marked_fields

D = TypeVar("D", bound=Document)

# LineInput attribute → line column, for the columns a line model has.
LINE_COLUMNS = {
    "price": "price",
    "value_change": "value_change",
    "bin": "bin_id",
    "to_bin": "to_bin_id",
    "batch_number": "batch_number",
    "production_date": "production_date",
    "expiry_date": "expiry_date",
    "serials": "serials",
    "tax_rate": "tax_rate",
    "discount_rate": "discount_rate",
    "promised_date": "promised_date",
    "source_line": "source_line_id",
    "rejected_qty": "rejected_qty",
    "reject_reason": "reject_reason",
}


def lines_relation(model: type[Document]) -> tuple[type[Any], str]:
    """The line model of a document model and the name of its link to the header."""
    rel = model._meta.get_field("lines")  # type: ignore[misc]
    return rel.related_model, rel.field.name  # type: ignore[union-attr,return-value]


def saved_lines(doc: Document) -> list:
    """The document's lines as saved, in line order (one cached statement)."""
    line_model, parent = lines_relation(type(doc))
    column = line_model._meta.get_field(parent).column
    return rows_where(line_model, column, doc.pk, order=("line_no", "id"))


def line_rows(
    doc: Document,
    lines: Sequence[LineInput],
    facts: Mapping[int, SkuFacts],
    extra: Sequence[Mapping[str, Any]] | None = None,
) -> list:
    """The lines as rows of the document's line model (not saved); ``extra``: more columns
    per line the app computed (amounts), in line order."""
    line_model, link, columns, read, serials, batch = _line_plan(type(doc))
    make = new_row(line_model)
    pk = doc.pk
    rows = []
    for i, x in enumerate(lines):
        values: dict[str, Any] = line_fields(x, facts[x.sku], i)
        values[link] = pk
        if columns:
            values.update(zip(columns, read(x), strict=True))
            if serials:
                values["serials"] = "\n".join(values["serials"])
            if batch:
                values["batch_number"] = values["batch_number"].strip()
        if extra is not None:
            values.update(extra[i])
        rows.append(make(values))
    return rows


def _line_plan(model: type[Document]) -> tuple[type[Any], str, tuple[str, ...], Any, bool, bool]:
    """For :func:`line_rows`, once per document model: its line model, the line's link to the
    header (attribute name), the ``LINE_COLUMNS`` the line model has (columns, and a reader of
    their LineInput attributes in that order), whether ``serials`` and ``batch_number`` are
    among them (joined one per line / stripped)."""
    found = _LINE_PLANS.get(model)
    if found is None:
        line_model, parent = lines_relation(model)
        names = {f.attname for f in line_model._meta.concrete_fields}
        pairs = [(attr, column) for attr, column in LINE_COLUMNS.items() if column in names]
        columns = tuple(column for _attr, column in pairs)
        attrs = [attr for attr, _column in pairs]
        read: Any = None
        if len(attrs) > 1:
            read = attrgetter(*attrs)
        elif attrs:  # attrgetter of one name gives the value, not a tuple
            one = attrgetter(attrs[0])
            read = lambda x: (one(x),)  # noqa: E731
        found = (
            line_model,
            line_model._meta.get_field(parent).attname,
            columns,
            read,
            "serials" in columns,
            "batch_number" in columns,
        )
        _LINE_PLANS[model] = found
    return found


_LINE_PLANS: dict[type, tuple[type[Any], str, tuple[str, ...], Any, bool, bool]] = {}


def _check(
    doc: Document,
    lines: Sequence[LineInput],
    facts: Mapping[int, SkuFacts],
    errors: Mapping[str, list[str]] | None,
) -> None:
    declared = doc.declared()
    rules = {"incoming": False, **(declared.line_rules if declared is not None else {})}
    found = dict(errors or {})
    found.update(line_errors(lines, facts, **rules))
    raise_if(found)


def create_document(
    model: type[D],
    *,
    user,
    header: Mapping[str, Any],
    lines: Sequence[LineInput],
    facts: Mapping[int, SkuFacts] | FactsLater,
    errors: Mapping[str, list[str]] | None = None,
    line_values: Sequence[Mapping[str, Any]] | None = None,
) -> D:
    """A new draft with its lines; ``errors`` are the caller's own findings (header, bins);
    ``line_values``: columns per line the app computed before saving (amounts), so nothing
    is written after the audit line (on PostgreSQL it holds the audit chain's lock)."""
    # one transaction, its statements on the wrapper and driver connection looked up once
    with write_step():
        created = insert_document(
            model,
            user=user,
            header=header,
            lines=lines,
            facts=facts,
            errors=errors,
            line_values=line_values,
        )
        audit_saved(created.doc, user=user, creating=True, lines=len(lines))
    return created.doc


@dataclass(frozen=True)
class Created:
    """A draft just inserted in the caller's transaction, with what was read and made for
    it (so steps taken next in the same transaction need not read them again): its saved
    line rows (ids set), the calendar its date and number were checked against, and the
    audit step not yet written (``("create", {"lines": [None, n]})``)."""

    doc: Any
    rows: list
    calendar: BookCalendar
    audit_step: tuple[str, dict]


def insert_document(
    model: type[D],
    *,
    user,
    header: Mapping[str, Any],
    lines: Sequence[LineInput],
    facts: Mapping[int, SkuFacts] | FactsLater,
    errors: Mapping[str, list[str]] | None = None,
    line_values: Sequence[Mapping[str, Any]] | None = None,
) -> Created:
    """:func:`create_document` without its transaction and its audit line (the caller's
    transaction; the caller writes ``audit_step``). ``facts`` later (``sku_facts_later``):
    read with the numbering's round trip and the lines checked then, before the date."""
    ensure_perm(user, model.RESOURCE, "create")
    doc = new_row(model)(dict(header))
    known: list[Mapping[int, SkuFacts]] = []
    later: FactsLater | None = None
    if isinstance(facts, Mapping):
        _check(doc, lines, facts, errors)
        known.append(facts)
    else:
        later = facts
        later.send()
    doc.memo = doc.memo[:500]
    doc.created_by = user
    line_model, _parent = lines_relation(model)
    # PostgreSQL, a step of its own: the ids (and the SKU facts) taken with the numbering's
    # round trip, the rows then written with the audit line and the COMMIT
    # (jxc.core.statements, "held back")
    ids = take_ids(model, 1), take_ids(line_model, len(lines))
    if later is None:
        calendar = assign_number(doc)
    else:
        result = later.result

        def check_lines() -> None:
            known.append(result())
            _check(doc, lines, known[0], errors)

        calendar = assign_number(doc, before_dates=check_lines)
    doc.prepare_insert()
    insert_one(doc, ids[0])
    rows = insert_many(line_model, line_rows(doc, lines, known[0], line_values), ids[1])
    return Created(
        doc=doc, rows=rows, calendar=calendar, audit_step=("create", {"lines": [None, len(lines)]})
    )


def _with_hidden_kept(doc: Document, lines: Sequence[LineInput], *, user) -> list[LineInput]:
    """A user without ``cost.view`` sends the lines without the cost figures the draft's
    lines hold (unit cost, value change): they keep them (jxc.core.documents.hidden)."""
    if can_view_cost(user):
        return list(lines)
    line_model, parent = lines_relation(type(doc))
    cost = set(marked_fields(line_model, COST))
    attrs = [attr for attr, column in LINE_COLUMNS.items() if column in cost]
    if not attrs:
        return list(lines)
    saved = [
        {"sku": row["sku_id"], **{a: row[LINE_COLUMNS[a]] for a in attrs}}
        for row in line_model._default_manager.filter(**{parent: doc})
        .order_by("line_no")
        .values("sku_id", *(LINE_COLUMNS[a] for a in attrs))
    ]
    return keep_hidden(lines, saved, attrs)


@transaction.atomic
def update_document(
    doc: D,
    *,
    user,
    header: Mapping[str, Any],
    lines: Sequence[LineInput] | None,
    facts: Mapping[int, SkuFacts],
    errors: Mapping[str, list[str]] | None = None,
) -> D:
    """Change a draft: the header fields given and, when ``lines`` is given, all lines."""
    doc = lock(doc)
    ensure_perm(user, doc.RESOURCE, "edit")
    ensure_draft(doc)
    for name, value in header.items():  # before the checks: a kind may change them
        setattr(doc, name, value)
    if lines is not None:
        lines = _with_hidden_kept(doc, lines, user=user)
        _check(doc, lines, facts, errors)
    else:
        raise_if(dict(errors or {}))
    if header.get("date") is not None:
        ensure_document_date(header["date"])
    doc.memo = doc.memo[:500]
    doc.save()
    if lines is not None:
        line_model, parent = lines_relation(type(doc))
        replace_lines(line_model, parent, doc, line_rows(doc, lines, facts))
    audit_saved(doc, user=user, creating=False, lines=len(lines) if lines is not None else None)
    return doc
