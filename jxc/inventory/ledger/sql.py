"""Plain SQL for the ledger's hot path: every posting reads and writes a handful of rows, and
Django's query compiler costs ten times the query itself. Reads come back as model
instances (``Model.from_db``) with values converted as the ORM converts them (SQLite
keeps decimals as REAL: read as text, 15 significant digits, quantized to the field's places), so the
rest of the ledger cannot tell them from ORM reads. Parameters only; no SQL built from
input."""

from __future__ import annotations

import datetime as dt
import operator
import re
from decimal import Decimal
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import signals
from django.db.models.base import ModelState

_QUANTA: dict[int, Decimal] = {}


def placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


# --- running statements -------------------------------------------------------------------
# The hot path runs its statements on the driver's own connection: Django's cursor wrapper
# (a cursor object per statement, the %s → ? rewrite by regular expression on SQLite, the
# wrapper chain) costs more than SQLite takes to run them. Whenever something watches the
# queries — an execute_wrapper (tests counting statements), the query log (DEBUG,
# CaptureQueriesContext) — they go through Django's cursor as before, so every statement is
# seen. Errors are Django's either way (wrap_database_errors), and a transaction marked for
# rollback refuses them either way.

_QMARK_RE = re.compile(r"(?<!%)%s")
_QMARK: dict[str, str] = {}


def is_sqlite() -> bool:
    """The database is SQLite (fixed for the process: one database per settings)."""
    found = _VENDOR.get("sqlite")
    if found is None:
        found = _VENDOR["sqlite"] = connection.vendor == "sqlite"
    return found


_VENDOR: dict[str, bool] = {}


def _driver(db):
    """The driver's connection when nothing watches the queries, else None."""
    if db.execute_wrappers or db.queries_logged or db.connection is None:
        return None
    db.validate_no_broken_transaction()
    return db.connection


def _qmark(sql: str) -> str:
    """SQLite: the statement with ? placeholders (Django's own rewrite), once per text."""
    found = _QMARK.get(sql)
    if found is None:
        found = _QMARK[sql] = _QMARK_RE.sub("?", sql).replace("%%", "%")
    return found


def fetch(sql: str, params: list | tuple = ()) -> list[tuple]:
    """Run one statement and return its rows."""
    db = connections[DEFAULT_DB_ALIAS]
    raw = _driver(db)
    if raw is None:
        with db.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    with db.wrap_database_errors:
        if is_sqlite():
            return raw.execute(_qmark(sql), params).fetchall()
        with raw.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()


def fetch_each(statements: list[tuple[str, list]]) -> list[list[tuple]]:
    """Run several statements in order and return the rows of each: on PostgreSQL in one
    round trip (one multi-statement query; Django binds parameters on the client, so the
    driver allows it), on SQLite one after the other (in-process, no round trip)."""
    if is_sqlite() or len(statements) < 2:
        return [fetch(sql, params) for sql, params in statements]
    sql = ";\n".join(s for s, _p in statements)
    params = [v for _s, p in statements for v in p]
    db = connections[DEFAULT_DB_ALIAS]
    raw = _driver(db)
    out: list[list[tuple]] = []
    with db.cursor() if raw is None else _wrapped(db, raw) as cur:
        cur.execute(sql, params)
        out.append(cur.fetchall())
        while cur.nextset():
            out.append(cur.fetchall())
    return out


class _wrapped:
    """The driver's cursor, its errors turned into Django's."""

    def __init__(self, db, raw):
        self.db, self.cur = db, raw.cursor()

    def __enter__(self):
        self.db.wrap_database_errors.__enter__()
        return self.cur

    def __exit__(self, *exc):
        try:
            self.cur.close()
        finally:
            self.db.wrap_database_errors.__exit__(*exc)


def execute(sql: str, params: list | tuple = ()) -> None:
    """Run one statement (or, on PostgreSQL, several separated by semicolons)."""
    db = connections[DEFAULT_DB_ALIAS]
    raw = _driver(db)
    if raw is None:
        with db.cursor() as cur:
            cur.execute(sql, params)
        return
    with db.wrap_database_errors:
        if is_sqlite():
            raw.execute(_qmark(sql), params)
            return
        with raw.cursor() as cur:
            cur.execute(sql, params)


def execute_many(sql: str, rows: list) -> None:
    """Run one statement once per parameter row."""
    if not rows:
        return
    db = connections[DEFAULT_DB_ALIAS]
    raw = _driver(db)
    if raw is None:
        with db.cursor() as cur:
            cur.executemany(sql, rows)
        return
    with db.wrap_database_errors:
        if is_sqlite():
            raw.executemany(_qmark(sql), rows)
            return
        with raw.cursor() as cur:
            cur.executemany(sql, rows)


def for_update() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def decimal_sql(expr: str) -> str:
    """Select a decimal column so it arrives without passing through a float: SQLite keeps
    decimals as REAL and its CAST to TEXT writes the 15 significant digits Django's own
    converter keeps; PostgreSQL's driver returns Decimal already."""
    return f"CAST({expr} AS TEXT)" if is_sqlite() else expr


def to_decimal(value: Any, places: int) -> Decimal | None:
    """A decimal read through :func:`decimal_sql` (text or int on SQLite, Decimal on
    PostgreSQL), quantized to the field's places."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("read decimal columns through decimal_sql(), never as float")
    q = _QUANTA.get(places)
    if q is None:
        q = _QUANTA[places] = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(q)


def to_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


class Reader:
    """Reads rows of one model, converting each column like the ORM does."""

    def __init__(self, model: type[models.Model], fields: list[str]):
        self.model = model
        opts = model._meta
        self.fields: list[Any] = [opts.get_field(f) for f in fields]
        self.attnames = [f.attname for f in self.fields]
        self.names = [f.name if not f.is_relation else f.attname for f in self.fields]
        quoted = [connection.ops.quote_name(f.column) for f in self.fields]
        self.columns = ", ".join(
            decimal_sql(q) if isinstance(f, models.DecimalField) else q
            for f, q in zip(self.fields, quoted, strict=True)
        )
        self.table = connection.ops.quote_name(opts.db_table)
        self.select = f"SELECT {self.columns} FROM {self.table} WHERE "
        self.convert = [self._converter(f) for f in self.fields]

    @staticmethod
    def _converter(field):
        if isinstance(field, models.DecimalField):
            places = field.decimal_places
            return lambda v: to_decimal(v, places)
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return to_date
        if isinstance(field, models.BooleanField):
            return lambda v: bool(v) if v is not None else None
        return None

    def converted(self, raw) -> list:
        """One row as the ORM would give it."""
        return [v if c is None else c(v) for c, v in zip(self.convert, raw, strict=True)]

    def q(self, name: str) -> str:
        """A column of this model, quoted."""
        field: Any = self.model._meta.get_field(name)
        return connection.ops.quote_name(field.column)

    def values(self, where: str, params: list | tuple, *, suffix: str = "") -> list[dict]:
        """Like :meth:`rows`, as dicts (no model instances: cheaper for many rows)."""
        names, converted = self.names, self.converted
        return [
            dict(zip(names, converted(raw), strict=True))
            for raw in fetch(self.select + where + suffix, params)
        ]

    def rows_with(
        self, extra: list[str], where: str, params: list | tuple, *, suffix: str = ""
    ) -> tuple[list, list[tuple]]:
        """Like :meth:`rows`, with ``extra`` columns (SQL expressions, e.g. scalar subqueries
        on the row: ``{table}.column`` names it) read in the same statement; returns the
        instances and, per row, the extra values as the driver gives them."""
        return self.parse_with(fetch(self.sql_with(extra, where, suffix), params))

    def sql_with(self, extra: list[str], where: str, suffix: str = "") -> str:
        """The statement :meth:`rows_with` runs."""
        return f"SELECT {self.columns}, {', '.join(extra)} FROM {self.table} WHERE {where}{suffix}"

    def parse_with(self, raws: list[tuple]) -> tuple[list, list[tuple]]:
        """The rows of :meth:`sql_with` as :meth:`rows_with` returns them."""
        n = len(self.fields)
        converted = self.converted
        objs = saved_instances(self.model, self.attnames, [converted(raw[:n]) for raw in raws])
        return objs, [tuple(raw[n:]) for raw in raws]

    def parse(self, raws: list[tuple]) -> list:
        """Rows of ``self.select`` as instances (like :meth:`rows`)."""
        converted = self.converted
        return saved_instances(self.model, self.attnames, [converted(raw) for raw in raws])

    def rows(self, where: str, params: list | tuple, *, suffix: str = "") -> list:
        converted = self.converted
        return saved_instances(
            self.model,
            self.attnames,
            [converted(raw) for raw in fetch(self.select + where + suffix, params)],
        )


def saved_instances(model: type[models.Model], attnames: list[str], rows: list[list]) -> list:
    """Model instances of rows as stored (``Model.from_db`` with the other fields deferred);
    without ``Model.__init__``'s per-field work when no init signal is connected to the
    model."""
    alias = DEFAULT_DB_ALIAS
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return [model.from_db(alias, attnames, row) for row in rows]
    out = []
    new, state_of = model.__new__, ModelState
    for row in rows:
        obj = new(model)
        state = obj._state = state_of()
        state.adding, state.db = False, alias
        obj.__dict__.update(zip(attnames, row, strict=True))
        out.append(obj)
    return out


def adapter(field):
    """How to pass a value of ``field`` as a query parameter, cheaply: decimals and ids go as
    they are (the drivers adapt them; the ledger's values are already rounded to their
    places), dates as ISO text on SQLite, datetimes the way Django stores them."""
    if isinstance(field, models.DateTimeField):
        last: list[tuple] = [(None, None)]  # a posting's rows share one timestamp: once

        def adapt(v):
            pair = last[0]  # one reference read: threads may share the adapter
            if pair[0] is not v:
                pair = last[0] = (v, connection.ops.adapt_datetimefield_value(v))
            return pair[1]

        return adapt
    if isinstance(field, models.DateField) and is_sqlite():
        return lambda v: v.isoformat() if v is not None else None
    if isinstance(field, models.DecimalField) and is_sqlite():
        return lambda v: str(v) if v is not None else None
    return lambda v: v


def _adapters(model: type[models.Model], fields: tuple[str, ...]) -> list:
    """The adapters of ``fields`` (None where the driver takes the value as it is), once per
    model, fields and database."""
    key = (model, fields)
    found = _ADAPTERS.get(key)
    if found is None:
        found = []
        for name in fields:
            field = model._meta.get_field(name)
            if isinstance(field, models.DateTimeField):
                found.append(adapter(field))
            elif is_sqlite() and isinstance(field, models.DateField | models.DecimalField):
                found.append(adapter(field))
            else:
                found.append(None)
        _ADAPTERS[key] = found
    return found


_ADAPTERS: dict[tuple, list] = {}
_ARRAY_TYPES: dict[tuple, list[str]] = {}


def _array_types(model: type[models.Model], fields: tuple[str, ...]) -> list[str]:
    """PostgreSQL: the array type to pass each column's values as (``unnest(%s::numeric[])``)."""
    key = (model, fields)
    found = _ARRAY_TYPES.get(key)
    if found is None:
        found = []
        for name in fields:
            base = str(cast(Any, model._meta.get_field(name)).db_type(connection))
            base = base.split("(")[0].strip()
            found.append(
                {"varchar": "text", "bigserial": "bigint", "serial": "integer"}.get(base, base)
            )
        _ARRAY_TYPES[key] = found
    return found


def _unnest(
    model: type[models.Model], fields: tuple[str, ...], rows: list[list]
) -> tuple[str, list]:
    """PostgreSQL: rows as ``unnest(%s::type[], …)`` of one array per column — a statement
    whose text does not grow with the rows (the driver parses and caches it once)."""
    adapters = _adapters(model, fields)
    columns = [list(c) for c in zip(*(adapted(adapters, r) for r in rows), strict=True)]
    sql = "unnest(" + ", ".join(f"%s::{t}[]" for t in _array_types(model, fields)) + ")"
    return sql, columns


def adapted(adapters: list, row) -> list:
    return [v if a is None else a(v) for a, v in zip(adapters, row, strict=True)]


def insert_returning_ids(
    model: type[models.Model], fields: list[str], rows: list[list]
) -> list[int]:
    """INSERT rows with multi-row INSERT … RETURNING (PostgreSQL, SQLite ≥ 3.35) and return
    their ids in the order of ``rows``."""
    if not rows:
        return []
    key = tuple(fields)
    head, pk = _insert_head(model, key)
    if not is_sqlite():
        source, arrays = _unnest(model, key, rows)
        found = fetch(f"{head} SELECT * FROM {source} RETURNING {pk}", arrays)
        return sorted(r[0] for r in found)
    adapters = _adapters(model, key)
    one = "(" + placeholders(len(fields)) + ")"
    per = max(1, 30000 // len(fields))  # SQLite allows 32,766 parameters per statement
    ids: list[int] = []
    for i in range(0, len(rows), per):
        chunk = rows[i : i + per]
        sql = f"{head} VALUES {', '.join([one] * len(chunk))} RETURNING {pk}"
        params: list = []
        for row in chunk:
            params.extend(adapted(adapters, row))
        # ids grow in insertion order; RETURNING's own order is not promised
        ids.extend(sorted(r[0] for r in fetch(sql, params)))
    return ids


def _insert_head(model: type[models.Model], fields: tuple[str, ...]) -> tuple[str, str]:
    """``INSERT INTO table (columns)`` and the quoted primary key, once per model and fields."""
    key = (model, fields)
    found = _INSERTS.get(key)
    if found is None:
        ops = connection.ops
        opts = model._meta
        cols = ", ".join(ops.quote_name(cast(Any, opts.get_field(f)).column) for f in fields)
        found = _INSERTS[key] = (
            f"INSERT INTO {ops.quote_name(opts.db_table)} ({cols})",
            ops.quote_name(str(opts.pk.column)),
        )
    return found


_INSERTS: dict[tuple, tuple[str, str]] = {}


def update_rows(model, rows: list, fields: list[str]) -> None:
    """Write ``fields`` of ``rows`` back: one ``UPDATE … WHERE id = %s`` per row through a
    single executemany. (Django's bulk_update builds a CASE per field with a branch per row:
    quadratic for a posting of thousands of lines.)"""
    if not rows:
        return
    sql, adapters = _update_sql(model, tuple(fields))
    get = _getter(model, tuple(fields))
    execute_many(sql, [adapted(adapters, [*get(r), r.pk]) for r in rows])


def _update_sql(model: type[models.Model], fields: tuple[str, ...]) -> tuple[str, list]:
    """``UPDATE table SET f = %s, … WHERE id = %s`` and the parameters' adapters (the id's
    last), once per model and fields."""
    key = (model, fields)
    found = _UPDATES.get(key)
    if found is None:
        ops = connection.ops
        cols: list[Any] = [model._meta.get_field(name) for name in fields]
        sql = (
            f"UPDATE {ops.quote_name(model._meta.db_table)} SET "
            + ", ".join(f"{ops.quote_name(c.column)} = %s" for c in cols)
            + f" WHERE {ops.quote_name(str(model._meta.pk.column))} = %s"
        )
        found = _UPDATES[key] = (sql, [*_adapters(model, fields), None])
    return found


def _getter(model: type[models.Model], fields: tuple[str, ...]):
    """A function giving the values of ``fields`` of an instance, as a tuple."""
    key = (model, fields)
    found = _GETTERS.get(key)
    if found is None:
        names = [cast(Any, model._meta.get_field(f)).attname for f in fields]
        found = _GETTERS[key] = (
            operator.attrgetter(*names)
            if len(names) > 1
            else (lambda r, a=names[0]: (getattr(r, a),))
        )
    return found


_UPDATES: dict[tuple, tuple[str, list]] = {}
_GETTERS: dict[tuple, Any] = {}


class Writes:
    """Writes whose results the posting does not read back (pools, balances, lots, layer
    remainders and uses), gathered and sent with :meth:`send`.

    PostgreSQL: one multi-statement query — updates as ``UPDATE … FROM unnest(…)``, inserts
    as ``INSERT … SELECT * FROM unnest(…)``, one array per column, so the text does not grow
    with the rows — one round trip instead of one per statement (Django's driver binds on
    the client, which allows several statements). SQLite runs in-process: each statement is
    executed as it comes (an executemany per table), nothing is held back.
    """

    def __init__(self) -> None:
        self.deferred = not is_sqlite()
        self.sql: list[str] = []
        self.params: list = []

    def update(self, model: type[models.Model], fields: list[str], rows: list[list]) -> None:
        """``rows``: the values of ``fields`` then the id, per row."""
        if not rows:
            return
        if not self.deferred:
            sql, adapters = _update_sql(model, tuple(fields))
            execute_many(sql, [adapted(adapters, r) for r in rows])
            return
        ops = connection.ops
        opts = model._meta
        cols: list[Any] = [opts.get_field(f) for f in fields]
        table, pk = ops.quote_name(opts.db_table), ops.quote_name(str(opts.pk.column))
        names = [f"c{i}" for i in range(len(cols))]
        source, arrays = _unnest(model, (*fields, opts.pk.name), rows)
        self.sql.append(
            f"UPDATE {table} AS t SET "
            + ", ".join(
                f"{ops.quote_name(c.column)} = v.{n}" for c, n in zip(cols, names, strict=True)
            )
            + f" FROM {source} AS v({', '.join(names)}, id) WHERE t.{pk} = v.id"
        )
        self.params.extend(arrays)

    def update_rows(self, model: type[models.Model], rows: list, fields: list[str]) -> None:
        """Like :func:`update_rows`: ``fields`` of the instances ``rows``."""
        get = _getter(model, tuple(fields))
        self.update(model, fields, [[*get(r), r.pk] for r in rows])

    def insert(self, model: type[models.Model], fields: list[str], rows: list[list]) -> None:
        if not rows:
            return
        ops = connection.ops
        opts = model._meta
        cols = ", ".join(ops.quote_name(cast(Any, opts.get_field(f)).column) for f in fields)
        if self.deferred:
            source, arrays = _unnest(model, tuple(fields), rows)
            self.sql.append(
                f"INSERT INTO {ops.quote_name(opts.db_table)} ({cols}) SELECT * FROM {source}"
            )
            self.params.extend(arrays)
            return
        adapters = _adapters(model, tuple(fields))
        one = "(" + placeholders(len(fields)) + ")"
        per = max(1, 30000 // len(fields))
        for i in range(0, len(rows), per):
            chunk = rows[i : i + per]
            sql = f"INSERT INTO {ops.quote_name(opts.db_table)} ({cols}) VALUES " + ", ".join(
                [one] * len(chunk)
            )
            execute(sql, [v for r in chunk for v in adapted(adapters, r)])

    def send(self) -> None:
        if not self.sql:
            return
        sql, params = ";\n".join(self.sql), self.params
        self.sql, self.params = [], []
        execute(sql, params)
