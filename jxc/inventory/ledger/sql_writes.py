"""Plain SQL writes for the ledger's hot path: rows inserted and updated from tuples with
cached statement texts and per-field adapters (:mod:`.sql` holds the connection helpers and
the readers). Parameters only; no SQL built from input."""

from __future__ import annotations

import operator
from typing import Any, cast

from django.db import connection, models

from jxc.core.statements import (
    defer,
    execute,
    execute_each,
    execute_many,
    fetch,
    insert_last_rowid,
    is_sqlite,
)
from jxc.inventory.ledger.sql import placeholders


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


def _adapters(model: type[models.Model], fields: tuple[str, ...]):
    """A function giving a row of ``fields`` as query parameters (:func:`adapter` per field,
    SQLite's booleans as 1 / 0; the fields the driver takes as they are left alone), once
    per model, fields and database: its code is written for the fields, one expression per
    column and no loop."""
    key = (model, fields)
    found = _ADAPTERS.get(key)
    if found is None:
        n = len(fields)
        env: dict[str, Any] = {"_str": str, "_len": len, "_n": n}
        exprs = []
        for i, name in enumerate(fields):
            field = model._meta.get_field(name)
            c = f"c{i}"
            if isinstance(field, models.DateTimeField):
                env[f"_a{i}"] = adapter(field)
                exprs.append(f"_a{i}({c})")
            elif is_sqlite() and isinstance(field, models.DecimalField):  # decimals as text
                exprs.append(f"(None if {c} is None else _str({c}))")
            elif is_sqlite() and isinstance(field, models.DateField):  # dates as ISO text
                exprs.append(f"(None if {c} is None else {c}.isoformat())")
            elif is_sqlite() and isinstance(field, models.BooleanField):
                # as 1 / 0: the driver binds only exact ints directly; a bool goes through
                # its adapter lookup first (~3 k instructions a value)
                exprs.append(f"(None if {c} is None else 1 if {c} else 0)")
            else:
                exprs.append(c)
        source = (
            "def adapt(row):\n"
            "    if _len(row) != _n:\n"
            "        raise ValueError(f'a row of {_len(row)} values for {_n} fields')\n"
            f"    {', '.join(f'c{i}' for i in range(n))}, = row\n"
            f"    return [{', '.join(exprs)}]\n"
        )
        exec(compile(source, f"<{model.__name__} parameters>", "exec"), env)
        found = _ADAPTERS[key] = env["adapt"]
    return found


_ADAPTERS: dict[tuple, Any] = {}

# PostgreSQL: the join of ``UPDATE t … FROM unnest(…) AS v`` to its rows by id, written so that
# the only plan is a nested loop probing t's primary key once per row. With ``t.id = v.id``
# the generic plan (planned once per connection) is a hash join over a sequential scan of t
# whenever t is small to the planner's eye — balances, pools, layers of a few thousand rows:
# every row of the table read on every posting (~0.2 ms a statement, growing with the table,
# docs/ledger.md "Seventh pass"). An ``= ANY(ARRAY[…])`` clause is neither hashable nor
# mergeable, and it is an index condition: the planner has nothing else to choose.
BY_ID = "ANY(ARRAY[v.id])"
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
    whose text does not grow with the rows (the driver parses and caches it once). Each
    array goes as its literal text (``{1.50,NULL,…}``), built here by one join per column:
    the driver's own list adaptation looks up a dumper and runs a regular expression per
    element — about 200 per posting, a tenth of the client's work."""
    adapt = _adapters(model, fields)
    types = _array_types(model, fields)
    sql = "unnest(" + ", ".join(f"%s::{t}[]" for t in types) + ")"
    columns = zip(*(adapt(r) for r in rows), strict=True)
    return sql, [
        _LITERALS.get(t, list)(c)  # type: ignore[operator]
        for t, c in zip(types, columns, strict=True)
    ]


def _plain_array(values) -> str:
    """Numbers and dates: their text as is (``str`` of an int, a Decimal, a date: the
    server's own input format; a Decimal with an exponent, ``1E+2``, is read as 100)."""
    return "{" + ",".join(["NULL" if v is None else str(v) for v in values]) + "}"


def _quoted(v) -> str:
    """One element of a text array, quoted: backslash and double quote escaped."""
    return '"' + str.replace(str.replace(str(v), "\\", "\\\\"), '"', '\\"') + '"'


def _quoted_array(values) -> str:
    """Text and timestamps: every element quoted (a timestamp's text has a space)."""
    return "{" + ",".join(["NULL" if v is None else _quoted(v) for v in values]) + "}"


def _bool_array(values) -> str:
    return "{" + ",".join(["NULL" if v is None else ("t" if v else "f") for v in values]) + "}"


# array literal per element type (_array_types); any other type goes as a list, adapted by
# the driver
_LITERALS = {
    "integer": _plain_array,
    "bigint": _plain_array,
    "smallint": _plain_array,
    "numeric": _plain_array,
    "date": _plain_array,
    "text": _quoted_array,
    "timestamp with time zone": _quoted_array,
    "boolean": _bool_array,
}


def insert_returning_ids(
    model: type[models.Model], fields: list[str], rows: list[list]
) -> list[int]:
    """INSERT rows (one multi-row INSERT; PostgreSQL: … RETURNING the ids) and return their
    ids in the order of ``rows``."""
    if not rows:
        return []
    key = tuple(fields)
    head, pk = _insert_head(model, key)
    if not is_sqlite():
        source, arrays = _unnest(model, key, rows)
        found = fetch(f"{head} SELECT * FROM {source} RETURNING {pk}", arrays)
        return sorted(r[0] for r in found)
    # SQLite, without RETURNING: a RETURNING clause makes SQLite copy the VALUES into a
    # temporary b-tree first and collect the ids in a second one (two trees per posting).
    # Under the write lock the rows of one INSERT get consecutive ids in VALUES order (each
    # is the table's largest id + 1, or the AUTOINCREMENT sequence's), so the last one says
    # them all.
    assert model._meta.pk.attname not in key, "ids given: nothing to return"
    adapt = _adapters(model, key)
    one = "(" + placeholders(len(fields)) + ")"
    per = max(1, 30000 // len(fields))  # SQLite allows 32,766 parameters per statement
    ids: list[int] = []
    for i in range(0, len(rows), per):
        chunk = rows[i : i + per]
        sql = f"{head} VALUES {', '.join([one] * len(chunk))}"
        params: list = []
        for row in chunk:
            params.extend(adapt(row))
        last = insert_last_rowid(sql, params)
        ids.extend(range(last - len(chunk) + 1, last + 1))
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
    sql, adapt = _update_sql(model, tuple(fields))
    get = _getter(model, tuple(fields))
    execute_many(sql, [adapt([*get(r), r.pk]) for r in rows])


def _update_sql(model: type[models.Model], fields: tuple[str, ...]) -> tuple[str, Any]:
    """``UPDATE table SET f = %s, … WHERE id = %s`` and the function adapting its parameters
    (the id last), once per model and fields."""
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
        found = _UPDATES[key] = (sql, _adapters(model, (*fields, str(model._meta.pk.name))))
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


_UPDATES: dict[tuple, tuple[str, Any]] = {}
_GETTERS: dict[tuple, Any] = {}


class Writes:
    """Writes whose results the posting does not read back (pools, balances, lots, layer
    remainders and uses), gathered and sent with :meth:`send`.

    PostgreSQL: one round trip — updates as ``UPDATE … FROM unnest(…)``, inserts as
    ``INSERT … SELECT * FROM unnest(…)``, one array per column, so the text does not grow
    with the rows and each is prepared once per connection — sent together in pipeline mode
    (:func:`.sql.execute_each`; a multi-statement query through Django's cursor while
    something watches the queries). SQLite runs in-process: each statement is executed as
    it comes (an executemany per table), nothing is held back.
    """

    def __init__(self) -> None:
        self.deferred = not is_sqlite()
        self.statements: list[tuple[str, list]] = []

    def update(self, model: type[models.Model], fields: list[str], rows: list[list]) -> None:
        """``rows``: the values of ``fields`` then the id, per row."""
        if not rows:
            return
        if not self.deferred:
            sql, adapt = _update_sql(model, tuple(fields))
            execute_many(sql, [adapt(r) for r in rows])
            return
        ops = connection.ops
        opts = model._meta
        cols: list[Any] = [opts.get_field(f) for f in fields]
        table, pk = ops.quote_name(opts.db_table), ops.quote_name(str(opts.pk.column))
        names = [f"c{i}" for i in range(len(cols))]
        source, arrays = _unnest(model, (*fields, opts.pk.name), rows)
        self.statements.append(
            (
                f"UPDATE {table} AS t SET "
                + ", ".join(
                    f"{ops.quote_name(c.column)} = v.{n}" for c, n in zip(cols, names, strict=True)
                )
                + f" FROM {source} AS v({', '.join(names)}, id) WHERE t.{pk} = {BY_ID}",
                arrays,
            )
        )

    def update_rows(self, model: type[models.Model], rows: list, fields: list[str]) -> None:
        """Like :func:`update_rows`: ``fields`` of the instances ``rows``."""
        get = _getter(model, tuple(fields))
        self.update(model, fields, [[*get(r), r.pk] for r in rows])

    def insert(self, model: type[models.Model], fields: list[str], rows: list[list]) -> None:
        if not rows:
            return
        key = tuple(fields)
        head, _pk = _insert_head(model, key)
        if self.deferred:
            source, arrays = _unnest(model, key, rows)
            self.statements.append((f"{head} SELECT * FROM {source}", arrays))
            return
        adapt = _adapters(model, key)
        one = "(" + placeholders(len(fields)) + ")"
        per = max(1, 30000 // len(fields))
        for i in range(0, len(rows), per):
            chunk = rows[i : i + per]
            sql = f"{head} VALUES " + ", ".join([one] * len(chunk))
            execute(sql, [v for r in chunk for v in adapt(r)])

    def send(self, *, commit: bool = False) -> None:
        """``commit``: the caller's transaction ends here and nothing follows — PostgreSQL: the
        COMMIT goes in the same round trip (Django's commit then finds no transaction open
        and sends nothing). Ignored on SQLite and when nothing was held back. Otherwise,
        inside a service call's own transaction (``write_step``), they wait for its next round
        trip (``jxc.core.statements.defer``: the document's new status, its audit line and
        the COMMIT, as a rule)."""
        statements, self.statements = self.statements, []
        if statements and commit:
            statements.append(("COMMIT", []))
            execute_each(statements)
        elif statements:
            defer(statements)
