"""A document's own row as the state machine reads and writes it: read under lock and
written back by statements whose text is built once per model (and fields) and cached — no
query compiled per action (``jxc.core.documents.actions`` uses them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model

from jxc.core.documents.models import Document
from jxc.core.documents.rows import columns_sql, row_builder
from jxc.core.statements import fetch

D = TypeVar("D", bound=Document)


def _kind_of(model: type[Model]) -> str | None:
    """A proxy of one kind (其他入库 …) reads only its rows (its manager filters on kind)."""
    if model._meta.proxy and any(f.name == "kind" for f in model._meta.concrete_fields):
        return model.DOC_TYPE  # type: ignore[attr-defined]
    return None


_LOCK_SQL: dict[tuple, tuple[str, Callable[[Sequence[Any]], Any]]] = {}


def lock(doc: D) -> D:
    """The document's row read under lock (PostgreSQL: ``FOR UPDATE``; SQLite's write
    transaction holds the database already), as the default manager would find it: one
    cached statement, no query compiled."""
    return locked_row(doc, fetch(*lock_statement(doc)))


def lock_statement(doc: Document) -> tuple[str, list[Any]]:
    """The statement :func:`lock` runs (SQL, parameters)."""
    model = type(doc)
    key = (connection.vendor, model)
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
    return _LOCK_SQL[(connection.vendor, model)][1](rows[0])


def update_statement(obj: Model, fields: Sequence[str]) -> tuple[str, list[Any]]:
    """``UPDATE <table> SET <fields> WHERE id = …`` with its parameters, for ``obj``'s values
    (the text cached per model and fields)."""
    model = type(obj)
    opts = model._meta
    key = (connection.vendor, model, tuple(fields))
    found = _UPDATE_SQL.get(key)
    if found is None:
        q = connection.ops.quote_name
        cols = [cast(Any, opts.get_field(f)) for f in fields]
        sql = (
            f"UPDATE {q(opts.db_table)} SET "
            + ", ".join(f"{q(c.column)} = %s" for c in cols)
            + f" WHERE {q(str(opts.pk.column))} = %s"  # type: ignore[union-attr]
        )
        found = (sql, cols)
        _UPDATE_SQL[key] = found
    sql, cols = found
    db = connections[DEFAULT_DB_ALIAS]  # the proxy's lookup once, not once per value
    params = [c.get_db_prep_save(getattr(obj, c.attname), db) for c in cols]
    params.append(obj.pk)
    return sql, params


_UPDATE_SQL: dict[tuple, tuple[str, list[Any]]] = {}
