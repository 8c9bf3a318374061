"""A document's own row as the state machine reads and writes it: read under lock and
written back by statements whose text is built once per model (and fields) and cached — no
query compiled per action (``jxc.core.documents.actions`` uses them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar, cast

from django.db import connection
from django.db.models import Model

from jxc.core.documents.models import Document
from jxc.core.documents.row_params import row_adapter
from jxc.core.documents.rows import columns_sql, row_builder
from jxc.core.statements import current, fetch, vendor

D = TypeVar("D", bound=Document)


def _kind_of(model: type[Model]) -> str | None:
    """A proxy of one kind (其他入库 …) reads only its rows (its manager filters on kind)."""
    found = _KINDS.get(model, _UNKNOWN)
    if found is _UNKNOWN:
        found = None
        if model._meta.proxy and any(f.name == "kind" for f in model._meta.concrete_fields):
            found = model.DOC_TYPE  # type: ignore[attr-defined]
        _KINDS[model] = found
    return found  # type: ignore[return-value]


_KINDS: dict[type, object] = {}
_UNKNOWN = object()


_LOCK_SQL: dict[tuple, tuple[str, Callable[[Sequence[Any]], Any]]] = {}
_READ_SQL: dict[tuple, str] = {}


class CalendarRead(NamedTuple):
    """The company's calendar as a workflow step reads it with the document's row: ``sql``, a
    statement of one row (or none before the company exists), LEFT JOINed as a derived table
    (PostgreSQL); or, on SQLite, ``columns`` over ``joins`` on the row — SQLite materialises a
    derived table joined inside the row's loop into a temporary b-tree (~16,000 CPU
    instructions each time), a table joined by its key and a scalar subquery it reads in
    place. Both give the same four values, NULLs while no company exists."""

    sql: str
    columns: tuple[str, ...]
    joins: str


def read_statement(
    doc: Document,
    *,
    probe: tuple[str, list[Any]] | None = None,
    calendar: CalendarRead | None = None,
    columns: Sequence[str] = (),
    joins: str = "",
    key: Any = None,
) -> tuple[str, list[Any], int]:
    """The statement a workflow step starts with: the document's row under lock (as
    :func:`lock_statement`), and with it, in the same row, what the step asks beside it —
    the approval policy's ``probe`` (a one-row statement, joined as a derived table: on
    SQLite the outer one, which it runs in place as a co-routine instead of materialising it
    into a temporary b-tree), the company's ``calendar`` (:class:`CalendarRead`: no company
    row yet gives NULLs) and an effect's own ``columns`` (SQL over the document row aliased
    ``d``, no parameters) and ``joins`` (LEFT JOINs on ``d``). ``key``: names ``columns`` and
    ``joins`` for the cache of the text. (SQL, parameters, the number of the document's
    own columns at the start of the row.) PostgreSQL locks the document's row only
    (``FOR UPDATE OF d``)."""
    model = type(doc)
    kind = _kind_of(model)
    cache = (vendor(), model, probe[0] if probe else None, calendar, key)
    sql = _READ_SQL.get(cache)
    if sql is None:
        q = connection.ops.quote_name
        opts = model._meta
        own = ", ".join(f"d.{q(str(f.column))}" for f in opts.concrete_fields)
        extra = ""
        sqlite = vendor() == "sqlite"
        parts = [f"FROM {q(opts.db_table)} d"]
        if probe is not None:
            if sqlite:  # CROSS JOIN keeps the order: the probe's one row outside
                parts = [f"FROM ({probe[0]}) jp CROSS JOIN {q(opts.db_table)} d"]
            else:
                parts.append(f"CROSS JOIN ({probe[0]}) jp")
            extra += ", jp.*"
        if calendar is not None:
            if sqlite:
                parts.append(calendar.joins)
                extra += ", " + ", ".join(calendar.columns)
            else:
                parts.append(f"LEFT JOIN ({calendar.sql}) jc ON 1 = 1")
                extra += ", jc.*"
        if joins:
            parts.append(joins)
        for column in columns:
            extra += f", {column}"
        sql = (
            f"SELECT {own}{extra} "
            + " ".join(parts)
            + f" WHERE d.{q(str(opts.pk.column))} = %s"  # type: ignore[union-attr]
            + (" AND d.kind = %s" if kind is not None else "")
            + (" FOR UPDATE OF d" if connection.features.has_select_for_update_of else "")
        )
        _READ_SQL[cache] = sql
        if (vendor(), model) not in _LOCK_SQL:
            lock_statement(doc)  # the row builder, for read_row
    params = list(probe[1]) if probe is not None else []
    params.append(doc.pk)
    if kind is not None:
        params.append(kind)
    return sql, params, len(model._meta.concrete_fields)


def read_row(doc: D, rows: list[tuple], width: int) -> tuple[D, tuple]:
    """The document and the rest of the row from the rows of :func:`read_statement`."""
    model = type(doc)
    if not rows:
        raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
    row = rows[0]
    return _LOCK_SQL[(vendor(), model)][1](row[:width]), tuple(row[width:])


def lock(doc: D) -> D:
    """The document's row read under lock (PostgreSQL: ``FOR UPDATE``; SQLite's write
    transaction holds the database already), as the default manager would find it: one
    cached statement, no query compiled."""
    return locked_row(doc, fetch(*lock_statement(doc)))


def lock_statement(doc: Document) -> tuple[str, list[Any]]:
    """The statement :func:`lock` runs (SQL, parameters)."""
    model = type(doc)
    key = (vendor(), model)
    found = _LOCK_SQL.get(key)
    if found is None:
        q = connection.ops.quote_name
        opts = model._meta
        sql = (
            f"SELECT {columns_sql(model)}"
            + f" FROM {q(opts.db_table)} WHERE {q(str(opts.pk.column))} = %s"  # type: ignore[union-attr]
            + (" AND kind = %s" if _kind_of(model) is not None else "")
            + (" FOR UPDATE" if connection.features.has_select_for_update else "")
        )
        found = (sql, row_builder(model))
        _LOCK_SQL[key] = found
    kind = _kind_of(model)
    return found[0], [doc.pk] if kind is None else [doc.pk, kind]


def locked_row(doc: D, rows: list[tuple]) -> D:
    """The document from the rows of :func:`lock_statement`."""
    model = type(doc)
    if not rows:
        raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
    return _LOCK_SQL[(vendor(), model)][1](rows[0])


def update_statement(obj: Model, fields: Sequence[str]) -> tuple[str, list[Any]]:
    """``UPDATE <table> SET <fields> WHERE id = …`` with its parameters, for ``obj``'s values
    (the text cached per model and fields)."""
    model = type(obj)
    opts = model._meta
    key = (vendor(), model, tuple(fields))
    found = _UPDATE_SQL.get(key)
    if found is None:
        q = connection.ops.quote_name
        cols = [cast(Any, opts.get_field(f)) for f in fields]
        sql = (
            f"UPDATE {q(opts.db_table)} SET "
            + ", ".join(f"{q(c.column)} = %s" for c in cols)
            + f" WHERE {q(str(opts.pk.column))} = %s"  # type: ignore[union-attr]
        )
        adapt = row_adapter(model, cols, inserting=False)
        found = (sql, adapt)
        _UPDATE_SQL[key] = found
    sql, adapt = found
    # the values as the fields would send them; the bound block's wrapper, else the proxy's
    # lookup once
    params = adapt(obj, obj.__dict__, current())
    params.append(obj.pk)
    return sql, params


_UPDATE_SQL: dict[tuple, tuple[str, Any]] = {}
