"""Many rows per INSERT without a model instance per row: what a set-based import writer
inserts by the ten thousand.

``bulk_create`` builds a model instance per row and compiles every value of every row
through the query compiler (and caps SQLite at 999 parameters, so ~60 rows of a wide table
per statement): for 10,000 products with their SKUs, units and barcodes that was most of the
import's CPU. Here a table's columns, their defaults and how each value is adapted for the
database are worked out once, rows are plain dicts, and a statement carries as many rows as
the database's parameter limit allows (SQLite's real limit, 32,766 since 3.32).

Defaults are the model's (``Field.get_default``, ``auto_now`` / ``auto_now_add`` the
statement's time); values go through ``get_db_prep_save`` except for plain text, whole
numbers, booleans and keys, which the driver takes as they are. Nothing here runs ``save()``
or signals — neither does ``bulk_create``. Validation is the caller's (the writer checks every
row by the catalog's rules before inserting anything)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

# values of these fields go to the driver as they are when they have these types (what
# ``get_db_prep_save`` would hand it anyway: Django adapts no Decimal on SQLite or PostgreSQL)
_AS_IS: tuple[tuple[type[models.Field], tuple[type, ...]], ...] = (
    (models.CharField, (str, type(None))),
    (models.TextField, (str, type(None))),
    (models.BooleanField, (bool, type(None))),
    (models.IntegerField, (int, type(None))),
    (models.ForeignKey, (int, type(None))),
    (models.DecimalField, (Decimal, type(None))),
)
_PG_MAX_PARAMS = 65_535
_ROWS_PER_STATEMENT = 1_000


def _max_params() -> int:
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        raw = connection.connection
        if hasattr(raw, "getlimit"):
            return int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        return connection.features.max_query_params or 999
    return _PG_MAX_PARAMS


class Table:
    """A model's table as a bulk writer sees it: its columns (the auto primary key apart),
    each with its default and its adapter."""

    def __init__(self, model: type[models.Model]):
        opts = model._meta
        self.model = model
        self.fields = [f for f in opts.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        ops = connection.ops
        self.sql_head = "INSERT INTO {} ({}) VALUES ".format(
            ops.quote_name(opts.db_table),
            ", ".join(ops.quote_name(str(f.column)) for f in self.fields),
        )
        self.pk_column = ops.quote_name(str(opts.pk.column))
        self.placeholder = "(" + ", ".join(["%s"] * len(self.fields)) + ")"

    def _defaults(self) -> dict[str, Any]:
        now = timezone.now()
        out: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                out[f.attname] = now
            elif not (f.has_default() and callable(f.default)):
                out[f.attname] = f.get_default()
        return out

    def complete(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each row with every column: the model's defaults for those not given."""
        constant = self._defaults()
        per_row = [
            f for f in self.fields if f.attname not in constant and f.has_default()
        ]  # callable defaults, called per row like a model instance would
        out = []
        for row in rows:
            full = {**constant, **row}
            for f in per_row:
                if f.attname not in row:
                    full[f.attname] = f.get_default()
            out.append(full)
        return out

    def _adapted(self, rows: list[dict[str, Any]]) -> Iterator[Any]:
        adapters = [(f.attname, _plain_types(f), f.get_db_prep_save) for f in self.fields]
        for row in rows:
            for name, plain, adapt in adapters:
                value = row[name]
                if type(value) in plain and (type(value) is not Decimal or value.is_finite()):
                    yield value
                else:
                    yield adapt(value, connection)

    def insert(self, rows: list[dict[str, Any]], *, returning: bool = False) -> list[int]:
        """INSERT the complete rows (see ``complete``), as many per statement as the
        parameter limit allows; the new primary keys in the rows' order when ``returning``."""
        width = len(self.fields)
        per = max(1, min(_ROWS_PER_STATEMENT, _max_params() // width))
        ids: list[int] = []
        with connection.cursor() as cur:
            for i in range(0, len(rows), per):
                part = rows[i : i + per]
                sql = self.sql_head + ", ".join([self.placeholder] * len(part))
                if returning:
                    sql += f" RETURNING {self.pk_column}"
                cur.execute(sql, list(self._adapted(part)))
                if returning:
                    ids.extend(r[0] for r in cur.fetchall())
        return ids


def _plain_types(field: models.Field) -> tuple[type, ...]:
    for kind, types in _AS_IS:
        if isinstance(field, kind):
            return types
    return ()


_TABLES: dict[tuple[type[models.Model], str], Table] = {}


def table(model: type[models.Model]) -> Table:
    """The (cached) bulk view of ``model``'s table on the current database."""
    key = (model, connection.vendor)
    found = _TABLES.get(key)
    if found is None:
        found = _TABLES[key] = Table(model)
    return found


def snapshot(model: type[models.Model], row: dict[str, Any]) -> dict[str, Any]:
    """``jxc.core.services.snapshot`` of the instance ``row`` (a complete row) would be: the
    audited view of a row inserted here, the same as if it had been saved through a model."""
    from jxc.core.services import snapshot as of_instance

    return of_instance(_AsInstance(model, row))  # type: ignore[arg-type]


class _AsInstance:
    """Just enough of a model instance for ``snapshot``: its options and attributes."""

    def __init__(self, model: type[models.Model], row: dict[str, Any]):
        self._meta = model._meta
        self.__dict__.update(row)
