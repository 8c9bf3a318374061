"""PostgreSQL: statements sent together in one round trip on libpq's pipeline, bound on the
server and prepared once per connection and text — the driver side of the hot paths' runner
(jxc.core.statements).

psycopg's own pipeline (``conn.pipeline()``, a cursor per statement) puts the same messages on
the wire, but per statement it makes a cursor, a transformer and a query object, splits a long
text into its placeholders again (past 4 KB or 50 parameters: a document's lines), and turns
the pipeline — a ``wait`` around a non-blocking send / receive attempt: some 70 waits and 130
turns per four-call document for its 17 round trips, more client CPU than the server spends on
the document. Here the statements are queued on libpq directly (``send_prepare`` /
``send_query_prepared``, ``pipeline_sync``), flushed, and every result read in one wait; one
transformer per connection dumps the parameters and loads the rows (the driver's adapters,
as a cursor's); each text's conversion (``%s`` → ``$n``, ``%%`` → ``%``) is kept.

Same as the driver's cursors: the parameters are dumped and the rows loaded by the same
adapters (Decimal for numeric, text results); prepared statements are named and recorded in
the driver's own registry (``conn._prepared``: the last ``prepared_max`` kept, older ones
deallocated, all forgotten at ROLLBACK), so cursors and this runner share them; an error is the
driver's exception for the server's error (``error_from_result``: UniqueViolation, a subclass
of IntegrityError …; a statement after the failed one: PipelineAborted) — the first in the
round trip, raised once every result is read and the connection is out of pipeline mode.
Different: every statement is converted and its parameters dumped before anything is sent, so
a statement that cannot be bound (wrong number of parameters, a value without an adapter)
sends none of the round trip's statements (the driver sent those before it).
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any, cast

from psycopg import abc, pq
from psycopg import errors as e
from psycopg._preparing import Prepare
from psycopg._queries import PostgresQuery, _query2pg_nocache
from psycopg.adapt import Transformer
from psycopg.generators import fetch_many, send

_TEXT = pq.Format.TEXT
_TUPLES_OK = int(pq.ExecStatus.TUPLES_OK)
_COMMAND_OK = int(pq.ExecStatus.COMMAND_OK)
_EMPTY_QUERY = int(pq.ExecStatus.EMPTY_QUERY)
_COPY_BOTH = int(pq.ExecStatus.COPY_BOTH)
_FATAL_ERROR = int(pq.ExecStatus.FATAL_ERROR)
_PIPELINE_ABORTED = int(pq.ExecStatus.PIPELINE_ABORTED)
_IDLE = int(pq.TransactionStatus.IDLE)
_BAD = int(pq.ConnStatus.BAD)
_SHOULD = Prepare.SHOULD

_RUN = ("run",)  # a statement already in the driver's registry
NEVER = 2**62  # executions before the driver would prepare a statement on its own

# text → (query for the server, formats of its parameters, number of parameters, encoding)
_CONVERTED: dict[str, tuple[bytes, list[Any], int, str]] = {}
_MAX_TEXTS = 2000  # the texts are few (fixed, or one per number of rows); a bound all the same

# a statement ready to send: (query for the server, dumped parameters, their types, formats)
Bound = tuple[bytes, Any, tuple[int, ...], Any]


class _Key:
    """A statement's prepared-statement key as psycopg's PrepareManager reads it from a query
    (``query``, ``types``)."""

    __slots__ = ("query", "types")

    def __init__(self, query: bytes, types: tuple[int, ...]) -> None:
        self.query = query
        self.types = types


def _transformer(raw, db) -> abc.Transformer:
    """The connection's transformer, made once per connection (its adapters are set when it
    connects) and kept on the database wrapper ``db`` with the connection it is for. Not on
    the connection, nor in a table of connections: the transformer refers to its connection,
    which would then live in a reference cycle (one dropped unclosed closed only at the next
    cyclic collection) or for ever."""
    found = db.__dict__.get("_jxc_transformer")
    if found is not None and found[0] is raw:
        return found[1]
    tx = Transformer(raw)
    db._jxc_transformer = (raw, tx)
    return tx


def _bind(tx: abc.Transformer, sql: str, params: Any) -> Bound:
    """The statement converted for the server and its parameters dumped, as a cursor's
    ``PostgresQuery.convert`` does (the conversion kept per text)."""
    if type(params) is list or type(params) is tuple:
        encoding = tx.encoding
        found = _CONVERTED.get(sql)
        if found is None or found[3] != encoding:
            query, formats, order, parts = _query2pg_nocache(sql.encode(encoding), encoding)
            if order is None:  # positional placeholders (named ones: the driver, below)
                if len(_CONVERTED) >= _MAX_TEXTS:
                    _CONVERTED.clear()
                found = _CONVERTED[sql] = (query, formats, len(parts) - 1, encoding)
        if found is not None:
            query, formats, count, _enc = found
            if len(params) != count:
                raise e.ProgrammingError(
                    f"the query has {count} placeholders but {len(params)} parameters were passed"
                )
            dumped = tx.dump_sequence(params, formats)
            return (query, dumped, tx.types or (), tx.formats)
    pgq = PostgresQuery(tx)
    pgq.convert(sql, params)
    return (pgq.query, pgq.params, pgq.types, pgq.formats)


def _exchange(pgconn, count: int) -> Generator[Any, Any, list[list[Any]]]:
    """Flush what was queued, then read the results of ``count`` queued commands (a list
    per command; the sync's alone)."""
    yield from send(pgconn)
    got = []
    for _ in range(count):
        got.append((yield from fetch_many(pgconn)))
    return got


def _error(results: Sequence[Any], encoding: str) -> Exception | None:
    """The driver's exception for a command's results, as its cursor raises it (None: ok)."""
    for res in results:
        status = res.status
        if status == _TUPLES_OK or status == _COMMAND_OK:
            continue
        if status == _FATAL_ERROR:
            return e.error_from_result(res, encoding=encoding)
        if status == _PIPELINE_ABORTED:
            return e.PipelineAborted("pipeline aborted")
        if status == _EMPTY_QUERY or status == _COPY_BOTH:
            continue
        return e.InternalError(f"unexpected result status from query: {pq.ExecStatus(status).name}")
    return None if results else e.InternalError("got no result from the query")


def run(db, raw, statements: Sequence[tuple[str, Any]]) -> list[list[tuple]]:
    """Run ``statements`` on ``raw``, the driver's connection of the database wrapper ``db``,
    in one round trip and return the rows of each ([] for one that returns none). The
    transaction's BEGIN, when the connection is to open one (not autocommit, no transaction
    open), goes first in the same round trip (the driver would send it in a round trip of its
    own)."""
    prepared = raw._prepared
    if prepared.prepare_threshold is None:
        # Django connects with automatic preparing off (so its own cursors prepare nothing);
        # prepared statements are asked for here, statement by statement
        raw.prepare_threshold = NEVER
    tx = _transformer(raw, db)
    bound = [_bind(tx, sql, params) for sql, params in statements]
    with raw.lock:
        raw._check_connection_ok()
        pgconn = raw.pgconn
        names = prepared._names
        # per queued command, in order: None (BEGIN, a prepare: results checked only), else a
        # statement's: _RUN, or (key, prep, name) of a statement new to the driver's registry
        # (validated with its results, as the driver's cursors do)
        queued: list[Any] = []
        pgconn.enter_pipeline_mode()
        try:
            if not raw._autocommit and pgconn.transaction_status == _IDLE:
                pgconn.send_query_params(raw._get_tx_start_command(), None, result_format=_TEXT)
                queued.append(None)
            for query, params, types, formats in bound:
                key = (query, types)
                name = names.get(key)
                if name is not None:  # prepared on this connection: most recently used
                    names.move_to_end(key)
                    queued.append(_RUN)
                else:
                    q = cast(PostgresQuery, _Key(query, types))
                    prep, name = prepared.get(q, True)
                    if prep is _SHOULD:
                        pgconn.send_prepare(name, query, param_types=types)
                        queued.append(None)
                    added = prepared.maybe_add_to_cache(q, prep, name)
                    queued.append(_RUN if added is None else (added, prep, name))
                pgconn.send_query_prepared(name, params, param_formats=formats, result_format=_TEXT)
            pgconn.pipeline_sync()
            got = raw.wait(_exchange(pgconn, len(queued) + 1))
        except BaseException:
            _leave(pgconn, failing=True)
            raise
        _leave(pgconn, failing=False)
        first: Exception | None = None
        out: list[list[tuple]] = []
        for item, results in zip(queued, got, strict=False):
            if item is not None and item is not _RUN:
                prepared.validate(*item, results)
            if len(results) == 1:
                res = results[0]
                status = res.status
                if status == _TUPLES_OK or status == _COMMAND_OK:
                    if item is not None:
                        if status == _TUPLES_OK and res.nfields:
                            tx.set_pgresult(res)
                            out.append(tx.load_rows(0, res.ntuples, tuple))
                        else:
                            out.append([])
                    continue
            error = _error(results, pgconn._encoding)
            if error is not None:
                first = first or error
            elif item is not None:
                out.append([])
        if first is not None:
            raise first
        if prepared._to_flush:
            raw.wait(prepared.maintain_gen(raw))
        return out


def _leave(pgconn, *, failing: bool) -> None:
    """Out of pipeline mode; a connection gone bad is left as it is. When an exception is on
    its way out (an interrupted wait, a lost connection), results may be left unread and
    leaving fails: that exception is the one raised, as the driver's pipeline does."""
    if pgconn.status != _BAD:
        try:
            pgconn.exit_pipeline_mode()
        except e.OperationalError:
            if not failing:
                raise
