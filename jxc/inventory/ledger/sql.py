"""Plain SQL for the ledger's hot path: every posting reads and writes a handful of rows, and
Django's query compiler costs ten times the query itself. Reads come back as model
instances (``Model.from_db``) with values converted as the ORM converts them (SQLite
keeps decimals as REAL: read as text, 15 significant digits, quantized to the field's places), so the
rest of the ledger cannot tell them from ORM reads. Parameters only; no SQL built from
input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.db import connection, models
from django.db.models import signals
from django.db.models.base import ModelState

_QUANTA: dict[int, Decimal] = {}


def placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


def fetch(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def for_update() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def decimal_sql(expr: str) -> str:
    """Select a decimal column so it arrives without passing through a float: SQLite keeps
    decimals as REAL and its CAST to TEXT writes the 15 significant digits Django's own
    converter keeps; PostgreSQL's driver returns Decimal already."""
    return f"CAST({expr} AS TEXT)" if connection.vendor == "sqlite" else expr


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
        quoted = [connection.ops.quote_name(f.column) for f in self.fields]
        self.columns = ", ".join(
            decimal_sql(q) if isinstance(f, models.DecimalField) else q
            for f, q in zip(self.fields, quoted, strict=True)
        )
        self.table = connection.ops.quote_name(opts.db_table)
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
        return lambda v: v

    def q(self, name: str) -> str:
        """A column of this model, quoted."""
        field: Any = self.model._meta.get_field(name)
        return connection.ops.quote_name(field.column)

    def values(self, where: str, params: list | tuple, *, suffix: str = "") -> list[dict]:
        """Like :meth:`rows`, as dicts (no model instances: cheaper for many rows)."""
        sql = f"SELECT {self.columns} FROM {self.table} WHERE {where}{suffix}"
        names = [f.name if not f.is_relation else f.attname for f in self.fields]
        return [
            {n: conv(v) for n, conv, v in zip(names, self.convert, raw, strict=True)}
            for raw in fetch(sql, params)
        ]

    def rows_with(
        self, extra: list[str], where: str, params: list | tuple, *, suffix: str = ""
    ) -> tuple[list, list[tuple]]:
        """Like :meth:`rows`, with ``extra`` columns (SQL expressions, e.g. scalar subqueries
        on the row: ``{table}.column`` names it) read in the same statement; returns the
        instances and, per row, the extra values as the driver gives them."""
        n = len(self.fields)
        sql = f"SELECT {self.columns}, {', '.join(extra)} FROM {self.table} WHERE {where}{suffix}"
        raws = fetch(sql, params)
        convert = self.convert
        objs = saved_instances(
            self.model,
            self.attnames,
            [[c(v) for c, v in zip(convert, raw[:n], strict=True)] for raw in raws],
        )
        return objs, [tuple(raw[n:]) for raw in raws]

    def rows(self, where: str, params: list | tuple, *, suffix: str = "") -> list:
        sql = f"SELECT {self.columns} FROM {self.table} WHERE {where}{suffix}"
        convert = self.convert
        return saved_instances(
            self.model,
            self.attnames,
            [[c(v) for c, v in zip(convert, raw, strict=True)] for raw in fetch(sql, params)],
        )


def saved_instances(model: type[models.Model], attnames: list[str], rows: list[list]) -> list:
    """Model instances of rows as stored (``Model.from_db`` with the other fields deferred);
    without ``Model.__init__``'s per-field work when no init signal is connected to the
    model."""
    alias = connection.alias
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return [model.from_db(alias, attnames, row) for row in rows]
    out = []
    for row in rows:
        obj = model.__new__(model)
        state = obj._state = ModelState()
        state.adding, state.db = False, alias
        obj.__dict__.update(zip(attnames, row, strict=True))
        out.append(obj)
    return out


def adapter(field):
    """How to pass a value of ``field`` as a query parameter, cheaply: decimals and ids go as
    they are (the drivers adapt them; the ledger's values are already rounded to their
    places), dates as ISO text on SQLite, datetimes the way Django stores them."""
    if isinstance(field, models.DateTimeField):
        return lambda v: connection.ops.adapt_datetimefield_value(v)
    if isinstance(field, models.DateField) and connection.vendor == "sqlite":
        return lambda v: v.isoformat() if v is not None else None
    if isinstance(field, models.DecimalField) and connection.vendor == "sqlite":
        return lambda v: str(v) if v is not None else None
    return lambda v: v


def _adapters(model: type[models.Model], fields: tuple[str, ...]) -> list:
    """The adapters of ``fields`` (None where the driver takes the value as it is), once per
    model, fields and database."""
    key = (model, fields, connection.vendor)
    found = _ADAPTERS.get(key)
    if found is None:
        found = []
        for name in fields:
            field = model._meta.get_field(name)
            if isinstance(field, models.DateTimeField):
                found.append(adapter(field))
            elif connection.vendor == "sqlite" and isinstance(
                field, models.DateField | models.DecimalField
            ):
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
    opts = model._meta
    ops = connection.ops
    cols: list[Any] = [opts.get_field(f) for f in fields]
    one = "(" + placeholders(len(cols)) + ")"
    adapters = _adapters(model, tuple(fields))
    ids: list[int] = []
    if connection.vendor == "postgresql":
        source, arrays = _unnest(model, tuple(fields), rows)
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {ops.quote_name(opts.db_table)} "
                f"({', '.join(ops.quote_name(c.column) for c in cols)}) SELECT * FROM {source}"
                f" RETURNING {ops.quote_name(str(opts.pk.column))}",
                arrays,
            )
            return sorted(r[0] for r in cur.fetchall())
    per = max(1, 30000 // len(cols))  # SQLite allows 32,766 parameters per statement
    with connection.cursor() as cur:
        for i in range(0, len(rows), per):
            chunk = rows[i : i + per]
            sql = (
                f"INSERT INTO {ops.quote_name(opts.db_table)} "
                f"({', '.join(ops.quote_name(c.column) for c in cols)}) VALUES "
                + ", ".join([one] * len(chunk))
                + f" RETURNING {ops.quote_name(str(opts.pk.column))}"
            )
            params: list = []
            for row in chunk:
                params.extend(adapted(adapters, row))
            cur.execute(sql, params)
            # ids grow in insertion order; RETURNING's own order is not promised
            ids.extend(sorted(r[0] for r in cur.fetchall()))
    return ids


def update_rows(model, rows: list, fields: list[str]) -> None:
    """Write ``fields`` of ``rows`` back: one ``UPDATE … WHERE id = %s`` per row through a
    single executemany. (Django's bulk_update builds a CASE per field with a branch per row:
    quadratic for a posting of thousands of lines.)"""
    if not rows:
        return
    ops = connection.ops
    cols = [model._meta.get_field(name) for name in fields]
    sql = (
        f"UPDATE {ops.quote_name(model._meta.db_table)} SET "
        + ", ".join(f"{ops.quote_name(c.column)} = %s" for c in cols)
        + f" WHERE {ops.quote_name(model._meta.pk.column)} = %s"
    )
    adapters = _adapters(model, tuple(fields))
    attnames = [c.attname for c in cols]
    params = [[*adapted(adapters, [getattr(r, a) for a in attnames]), r.pk] for r in rows]
    with connection.cursor() as cur:
        cur.executemany(sql, params)


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
        self.deferred = connection.vendor == "postgresql"
        self.sql: list[str] = []
        self.params: list = []

    def update(self, model: type[models.Model], fields: list[str], rows: list[list]) -> None:
        """``rows``: the values of ``fields`` then the id, per row."""
        if not rows:
            return
        ops = connection.ops
        opts = model._meta
        cols: list[Any] = [opts.get_field(f) for f in fields]
        table, pk = ops.quote_name(opts.db_table), ops.quote_name(str(opts.pk.column))
        if not self.deferred:
            adapters = _adapters(model, tuple(fields))
            params = [[*adapted(adapters, r[:-1]), r[-1]] for r in rows]
            sql = (
                f"UPDATE {table} SET "
                + ", ".join(f"{ops.quote_name(c.column)} = %s" for c in cols)
                + f" WHERE {pk} = %s"
            )
            with connection.cursor() as cur:
                cur.executemany(sql, params)
            return
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
        attnames = [cast(Any, model._meta.get_field(f)).attname for f in fields]
        self.update(model, fields, [[*(getattr(r, a) for a in attnames), r.pk] for r in rows])

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
            with connection.cursor() as cur:
                cur.execute(sql, [v for r in chunk for v in adapted(adapters, r)])

    def send(self) -> None:
        if not self.sql:
            return
        sql, params = ";\n".join(self.sql), self.params
        self.sql, self.params = [], []
        with connection.cursor() as cur:
            cur.execute(sql, params)
