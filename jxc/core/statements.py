"""Statements on the driver's own connection, for the hot paths (the ledger's posting, the
documents' create → submit → approve → post): Django's cursor wrapper (a cursor object per
statement, the %s → ? rewrite by regular expression on SQLite, the wrapper chain) costs more
than SQLite takes to run them, and on PostgreSQL Django binds on the client, so the server
parses and plans every statement every time. Here PostgreSQL gets them bound on the server and
prepared (planned once per connection and text), several in one round trip (pipeline mode).

Whenever something watches the queries — an execute_wrapper (tests counting statements), the
query log (DEBUG, CaptureQueriesContext) — they go through Django's cursor as before, so every
statement is seen. Errors are Django's either way (wrap_database_errors), and a transaction
marked for rollback refuses them either way. Parameters only; no SQL built from input.
"""

from __future__ import annotations

import datetime as dt
import re
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections

_QMARK_RE = re.compile(r"(?<!%)%s")
_QMARK: dict[str, str] = {}


def is_sqlite() -> bool:
    """The database is SQLite (fixed for the process: one database per settings)."""
    found = _VENDOR.get("sqlite")
    if found is None:
        found = _VENDOR["sqlite"] = connection.vendor == "sqlite"
    return found


_VENDOR: dict[str, Any] = {}


def utc_text(value: Any, db: Any) -> str | None:
    """A UTC datetime as a DateTimeField sends it to SQLite when the connection's time zone
    is UTC (``adapt_datetimefield_value``: made naive in UTC, then ``str``); None otherwise
    (ask the field)."""
    if db.vendor == "sqlite" and type(value) is dt.datetime and value.tzinfo is dt.UTC:
        if db.timezone is dt.UTC:
            return str(value.replace(tzinfo=None))
    return None


def vendor() -> str:
    """``connection.vendor`` without the connection proxy's lookup (an asgiref Local, some
    5 µs): fixed for the process, one database per settings."""
    found = _VENDOR.get("vendor")
    if found is None:
        found = _VENDOR["vendor"] = connection.vendor
    return found


def _driver(db):
    """The driver's connection when nothing watches the queries, else None (and while the
    connection's health check is due: Django's cursor makes it). On PostgreSQL outside a
    transaction the statements of a round trip are one implicit transaction, as the
    multi-statement query of Django's cursor makes them; a single statement commits by
    itself, as through Django's cursor (a document's SKU facts, read before its
    transaction, prepared like the rest)."""
    wrappers = db.execute_wrappers
    if wrappers and wrappers != _GUARD_ONLY:
        return None
    if db.queries_logged or db.connection is None:
        return None
    if db.health_check_enabled and not db.health_check_done:
        return None
    db.validate_no_broken_transaction()
    return db.connection


# (database wrapper, driver's connection or None) of the bound() block being run
_BOUND: ContextVar[tuple[Any, Any] | None] = ContextVar("jxc_statements_bound", default=None)


class bound:
    """Run the block's statements on ``db`` (default: the default database's wrapper, looked
    up here once) and decide once whether they go on the driver's connection (nothing
    watches the queries: :func:`_driver`). A posting runs some twenty statements and helpers
    that need the wrapper; each ``connections[alias]`` is an asgiref Local lookup that
    raises and catches an exception (no running event loop), some 5 µs. Yields the wrapper.
    Nesting is fine; the outer block's binding comes back at the end of the inner one. (A
    class, not a generator's context manager: four of them per document flow.)"""

    __slots__ = ("db", "token")

    def __init__(self, db=None) -> None:
        self.db = db

    def __enter__(self) -> Any:
        db = self.db
        if db is None:
            db = self.db = connections[DEFAULT_DB_ALIAS]
        self.token = _BOUND.set((db, _driver(db)))
        return db

    def __exit__(self, *exc: Any) -> None:
        _BOUND.reset(self.token)


def current():
    """The database wrapper of the enclosing :func:`bound` block, else the default one."""
    b = _BOUND.get()
    return connections[DEFAULT_DB_ALIAS] if b is None else b[0]


def _target():
    """(wrapper, driver's connection or None) for the next statement."""
    b = _BOUND.get()
    if b is None:
        db = connections[DEFAULT_DB_ALIAS]
        return db, _driver(db)
    db, raw = b
    if raw is not None:
        if db.connection is not raw:  # closed and reopened inside the block: ask again
            return db, _driver(db)
        db.validate_no_broken_transaction()
    return b


def _qmark(sql: str) -> str:
    """SQLite: the statement with ? placeholders (Django's own rewrite), once per text."""
    found = _QMARK.get(sql)
    if found is None:
        found = _QMARK[sql] = _QMARK_RE.sub("?", sql).replace("%%", "%")
    return found


def fetch(sql: str, params: list | tuple = ()) -> list[tuple]:
    """Run one statement and return its rows."""
    db, raw = _target()
    if raw is None:
        with db.cursor() as cur:
            cur.execute(sql, params)
            return _rows(cur)
    with db.wrap_database_errors:
        if is_sqlite():
            return raw.execute(_qmark(sql), params).fetchall()
        return _pipelined(db, raw, [(sql, params)])[0]


def fetch_each(statements: list[tuple[str, list]]) -> list[list[tuple]]:
    """Run several statements in order and return the rows of each: on PostgreSQL in one
    round trip (one multi-statement query; Django binds parameters on the client, so the
    driver allows it), on SQLite one after the other (in-process, no round trip)."""
    if is_sqlite() or len(statements) < 2:
        return [fetch(sql, params) for sql, params in statements]
    db, raw = _target()
    if raw is not None:
        with db.wrap_database_errors:
            return _pipelined(db, raw, statements)
    sql = ";\n".join(s for s, _p in statements)
    params = [v for _s, p in statements for v in p]
    out: list[list[tuple]] = []
    with db.cursor() as cur:
        cur.execute(sql, params)
        out.append(_rows(cur))
        while cur.nextset():
            out.append(_rows(cur))
    return out


def _rows(cur) -> list[tuple]:
    """The rows of the cursor's current result ([] for a statement that returns none)."""
    return cur.fetchall() if cur.description is not None else []


def _pipelined(db, raw, statements: list[tuple[str, Any]]) -> list[list[tuple]]:
    """PostgreSQL, the driver's connection: the statements sent together (pipeline mode: one
    round trip however many), bound on the server and prepared — once per connection and
    text (the driver keeps the last ``prepared_max`` and deallocates older ones), so the
    server stops parsing and planning the same statements for every posting: planning took
    about as long as executing. (Django's own cursor binds on the client and prepares
    nothing: every statement is parsed and planned each time.) The texts are few: fixed
    (``unnest`` of one array per column) or one per number of SKUs / warehouses. Planned
    once, generically: ``plan_cache_mode`` is set for the connection (settings). The
    transaction's BEGIN goes in the same round trip
    (jxc/inventory/tests/test_posting_round_trips.py holds a posting to three round trips).
    Sent on libpq's pipeline without a cursor per statement (jxc.core.db.postgresql.pipeline:
    the driver's cursors cost more client CPU than the server spends). Returns the rows of
    each statement ([] for one that returns none)."""
    run = _PG.get("run")
    if run is None:  # imported at first use: a SQLite process never loads the driver
        from jxc.core.db.postgresql import pipeline

        run = _PG["run"] = pipeline.run
    queue = db.__dict__.get("_jxc_queue")
    if not queue:
        return run(db, raw, statements)
    # the statements held back (see "held back" below) go first, in the same round trip
    held = queue[:]
    _release(db, queue)
    found = run(db, raw, [(sql, params) for sql, params, _a in held] + list(statements))
    for (_sql, _params, waiting), rows in zip(held, found, strict=False):
        if waiting is not None:
            waiting.found = rows
    return found[len(held) :]


_PG: dict[str, Any] = {}


def execute(sql: str, params: list | tuple = ()) -> None:
    """Run one statement (or, on PostgreSQL, several separated by semicolons)."""
    db, raw = _target()
    if raw is None:
        with db.cursor() as cur:
            cur.execute(sql, params)
        return
    with db.wrap_database_errors:
        if is_sqlite():
            raw.execute(_qmark(sql), params)
            return
        _pipelined(db, raw, [(sql, params)])


_SEQUENCES: dict[tuple[str, str], str] = {}


def next_ids(table: str, column: str, count: int) -> tuple[str, list]:
    """PostgreSQL: the statement that takes ``count`` new values of the sequence behind
    ``table``.``column`` (new rows' ids, taken before the rows are written). The sequence is
    named in the text, looked up once per process: ``nextval(pg_get_serial_sequence(…))``
    looked it up in the catalog for every row, some 50 µs of the server's per statement —
    a quarter of a draft's ids. Table and column are the models' own, never input."""
    key = (table, column)
    name = _SEQUENCES.get(key)
    if name is None:
        found = fetch("SELECT pg_get_serial_sequence(%s, %s)", [table, column])[0][0]
        if found is None:
            raise LookupError(f"{table}.{column} has no sequence")
        name = _SEQUENCES[key] = found.replace("'", "''").replace("%", "%%")
    return f"SELECT nextval('{name}'::regclass) FROM generate_series(1, %s)", [count]


def insert_last_rowid(sql: str, params: list | tuple = ()) -> int:
    """SQLite: run one INSERT and return the id of the last row it inserted (the driver's
    ``lastrowid``)."""
    db, raw = _target()
    if raw is None:
        with db.cursor() as cur:
            cur.execute(sql, params)
            return cur.lastrowid
    with db.wrap_database_errors:
        return raw.execute(_qmark(sql), params).lastrowid


def execute_each(statements: list[tuple[str, list]]) -> None:
    """Run several statements that return no rows: on PostgreSQL in one round trip (pipeline
    mode with the driver's connection, else one multi-statement query), on SQLite one after
    the other."""
    if is_sqlite() or len(statements) < 2:
        for sql, params in statements:
            execute(sql, params)
        return
    db, raw = _target()
    if raw is not None:
        with db.wrap_database_errors:
            _pipelined(db, raw, statements)
        return
    with db.cursor() as cur:
        cur.execute(";\n".join(s for s, _p in statements), [v for _s, p in statements for v in p])


def execute_many(sql: str, rows: list) -> None:
    """Run one statement once per parameter row (PostgreSQL: all in one round trip, prepared
    once, as the driver's executemany sends them, without its cursor's work per row)."""
    if not rows:
        return
    db, raw = _target()
    if raw is None:
        with db.cursor() as cur:
            cur.executemany(sql, rows)
        return
    with db.wrap_database_errors:
        if is_sqlite():
            raw.executemany(_qmark(sql), rows)
            return
        _pipelined(db, raw, [(sql, row) for row in rows])


# --- held back: statements that go with the step's next round trip (PostgreSQL) ----------
#
# Inside one service call's transaction (``jxc.core.db.transactions.write_step``, where it
# opens the transaction itself) a write nobody reads back — a document's new status, its
# audit line, the ledger's writes, a new draft's rows whose ids were taken ahead — need not
# be a round trip of its own: it is held back and sent first in the step's next round trip,
# its next read or the COMMIT (the document flow's four calls took 18 round trips, 10 now).
# Order is kept: anything else sent on the connection sends the held statements first —
# this runner's own round trips (``_pipelined``) and, through an execute wrapper installed
# while something is held, every statement of Django's cursors (ORM queries, savepoints).
# A held statement that fails fails the round trip that carries it: the same error, raised
# a little later in the same transaction, which then rolls back. SQLite, and a step that
# does not own its transaction, run them at once (nothing to save in-process).


class Ahead:
    """A read held back by :func:`ahead`: ``rows`` once the step's next round trip has
    carried it (asking before sends what is held at once)."""

    __slots__ = ("db", "found")

    def __init__(self, db: Any) -> None:
        self.db = db
        self.found: list[tuple] | None = None

    @property
    def rows(self) -> list[tuple]:
        if self.found is None:
            flush(self.db)
        if self.found is None:
            raise RuntimeError("a held-back read was not carried (its round trip failed)")
        return self.found


def hold_on(db: Any) -> None:
    """Hold back from now on (``write_step``, when the transaction is its own, on PostgreSQL
    with the driver's connection)."""
    db._jxc_queue = []


def _queue(db: Any) -> list | None:
    """The step's held statements, or None: run them now (not holding back, or something
    other than the guard watches the queries: it sees them one by one, as ever)."""
    queue = db.__dict__.get("_jxc_queue")
    if queue is None:
        return None
    wrappers = db.execute_wrappers
    if wrappers and wrappers != _GUARD_ONLY:
        return None
    return queue


def defer(statements: list[tuple[str, Any]]) -> None:
    """Statements that return nothing anyone reads: held back for the step's next round trip
    where the step holds back, else run now (:func:`execute_each`)."""
    db, raw = _target()
    queue = _queue(db) if raw is not None else None
    if queue is None:
        execute_each(statements)
        return
    if not queue:
        db.execute_wrappers.append(_flush_first)
    queue.extend((sql, params, None) for sql, params in statements)


def ahead(sql: str, params: list | tuple = ()) -> Ahead:
    """A read whose rows are wanted later in the step (new rows' ids taken from their
    sequence): held back for the step's next round trip where the step holds back, else
    run now."""
    db, raw = _target()
    found = Ahead(db)
    queue = _queue(db) if raw is not None else None
    if queue is None:
        found.found = fetch(sql, params)
        return found
    if not queue:
        db.execute_wrappers.append(_flush_first)
    queue.append((sql, params, found))
    return found


def holding() -> bool:
    """The current step holds statements back (a new draft then takes its ids ahead)."""
    db, raw = _target()
    return raw is not None and _queue(db) is not None


def flush(db: Any, *, commit: bool = False) -> None:
    """Send what is held now, in one round trip; ``commit``: with the transaction's COMMIT
    (``write_step``'s end: Django's commit then finds no transaction open and sends
    nothing). Nothing held: nothing sent."""
    if not db.__dict__.get("_jxc_queue"):  # a COMMIT alone: Django's own (none is sent when
        return  # nothing was)
    with db.wrap_database_errors:  # _pipelined sends the held statements first
        _pipelined(db, db.connection, [("COMMIT", [])] if commit else [])


def hold_off(db: Any) -> None:
    """Stop holding back; whatever is still held is dropped (the step rolls back)."""
    queue = db.__dict__.get("_jxc_queue")
    if queue:
        _release(db, queue)
    db._jxc_queue = None


def _release(db: Any, queue: list) -> None:
    """The held statements taken out (the caller sends them) and the guard removed."""
    queue.clear()
    wrappers = db.execute_wrappers
    if _flush_first in wrappers:
        wrappers.remove(_flush_first)


def _flush_first(execute: Any, sql: Any, params: Any, many: bool, context: dict) -> Any:
    """Django's cursor about to send a statement: what is held goes first."""
    flush(context["connection"])
    return execute(sql, params, many, context)


_GUARD_ONLY = [_flush_first]
