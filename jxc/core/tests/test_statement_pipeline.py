"""PostgreSQL: the statement runner sends a round trip's statements on libpq's pipeline itself
(jxc.core.db.postgresql.pipeline), not through a driver cursor per statement — one wait on the
connection per round trip, the driver's values and errors, the driver's prepared-statement
registry kept (docs/ledger.md "Eighth pass — PostgreSQL client")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from jxc.core import statements

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


@pytest.fixture
def keyed_table():
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE jxc_test_pipeline (k integer PRIMARY KEY, v numeric(12, 4))")
    yield "jxc_test_pipeline"
    with connection.cursor() as cur:
        cur.execute("DROP TABLE jxc_test_pipeline")


def _waits(raw, call):
    """How many times ``call()`` waits on the driver's connection (each wait: a generator
    the driver runs to completion, polling the socket as it needs)."""
    seen = []
    original = raw.wait

    def counting(gen, *args, **kwargs):
        seen.append(gen)
        return original(gen, *args, **kwargs)

    raw.wait = counting
    try:
        out = call()
    finally:
        del raw.wait
    return len(seen), out


def test_a_round_trip_of_three_statements_waits_once_on_the_connection():
    one = ("SELECT %s::int + 1", [1])
    two = ("SELECT %s::text || 'b'", ["a"])
    three = ("SELECT %s::numeric * 2", [Decimal("1.25")])
    with transaction.atomic():
        statements.fetch_each([one, two, three])  # prepared
        raw = connection.connection
        waits, rows = _waits(raw, lambda: statements.fetch_each([one, two, three]))
    assert rows == [[(2,)], [("ab",)], [(Decimal("2.50"),)]]
    # the driver's own pipeline (a cursor per statement) waited 3 to 6 times here: a send /
    # receive attempt after each statement, then the sync
    assert waits == 1


def test_the_transaction_begins_in_the_first_round_trip_and_ends_as_django_ends_it():
    with transaction.atomic():
        assert statements.fetch("SELECT 1") == [(1,)]
        raw = connection.connection
        assert raw.pgconn.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        assert raw.pgconn.pipeline_status == psycopg.pq.PipelineStatus.OFF
    assert raw.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_values_come_back_as_a_driver_cursor_gives_them():
    sql = (
        "SELECT %s::numeric(12, 4), %s::text, NULL::int, 'a%%b', %s::date, %s::boolean, "
        "%s::bigint, %s::numeric"
    )
    params = [Decimal("2.5"), 'a"b\\c 入库', dt.date(2026, 12, 7), True, 2**40, None]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        expected = cur.fetchall()
    with transaction.atomic():
        got = statements.fetch(sql, params)
    assert got == expected
    assert got[0][0] == Decimal("2.5000") and str(got[0][0]) == "2.5000"
    assert got[0][3] == "a%b"
    assert [type(v) for v in got[0]] == [type(v) for v in expected[0]]


def test_a_statement_that_returns_no_rows_gives_an_empty_list(keyed_table):
    with transaction.atomic():
        out = statements.fetch_each(
            [
                (f"INSERT INTO {keyed_table} VALUES (%s, %s)", [1, Decimal("1")]),
                (f"UPDATE {keyed_table} SET v = v + %s WHERE k = %s", [Decimal("0.5"), 1]),
                (f"SELECT v FROM {keyed_table} WHERE k = %s", [1]),
                (f"SELECT v FROM {keyed_table} WHERE k = %s", [2]),
            ]
        )
    assert out == [[], [], [(Decimal("1.5000"),)], []]


def test_a_failing_statement_raises_djangos_error_for_the_drivers_and_rolls_back(keyed_table):
    insert = f"INSERT INTO {keyed_table} VALUES (%s, %s)"
    with pytest.raises(IntegrityError) as failed:
        with transaction.atomic():
            statements.execute_each(
                [
                    (insert, [1, Decimal("1")]),
                    (insert, [1, Decimal("2")]),  # the same key: refused
                    (insert, [2, Decimal("3")]),  # not run (the pipeline is aborted)
                ]
            )
    # the first error of the round trip, the driver's class for the server's error (not the
    # PipelineAborted of the statement after it)
    assert isinstance(failed.value.__cause__, psycopg.errors.UniqueViolation)
    raw = connection.connection
    assert raw.pgconn.pipeline_status == psycopg.pq.PipelineStatus.OFF
    assert raw.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE
    # rolled back as a whole; the ROLLBACK made the driver forget (and deallocate) its
    # prepared statements: the same statements are prepared again and run
    with transaction.atomic():
        statements.execute_each([(insert, [1, Decimal("4")]), (insert, [2, Decimal("5")])])
        rows = statements.fetch(f"SELECT k, v FROM {keyed_table} ORDER BY k")
    assert rows == [(1, Decimal("4.0000")), (2, Decimal("5.0000"))]


def test_a_statement_that_cannot_be_bound_sends_nothing_of_its_round_trip(keyed_table):
    insert = f"INSERT INTO {keyed_table} VALUES (%s, %s)"
    with transaction.atomic():
        with pytest.raises(ProgrammingError, match="2 placeholders but 1 parameters"):
            statements.execute_each([(insert, [1, Decimal("1")]), (insert, [2])])
        # not even the BEGIN that was to go first (the driver's pipeline ran the statements
        # queued before the one it could not bind)
        idle = psycopg.pq.TransactionStatus.IDLE
        assert connection.connection.pgconn.transaction_status == idle
        statements.execute(insert, [3, Decimal("1")])
    assert statements.fetch(f"SELECT k FROM {keyed_table}") == [(3,)]


def test_the_same_text_twice_in_a_round_trip_is_prepared_once():
    sql = "SELECT %s::int * 3 AS jxc_twice"
    with transaction.atomic():
        out = statements.fetch_each([(sql, [1]), (sql, [2])])
        with connection.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%jxc_twice%"],
            )
            prepared = cur.fetchone()[0]
    assert out == [[(3,)], [(6,)]]
    assert prepared == 1


def test_the_drivers_registry_keeps_the_last_prepared_max_statements():
    connection.close()  # a new connection: nothing prepared yet
    with transaction.atomic():
        statements.fetch("SELECT 0")
        raw = connection.connection
        raw.prepared_max = 3
        try:
            for i in range(6):
                statements.fetch(f"SELECT %s::int + {i} AS jxc_rotated", [i])
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                    ["%jxc_rotated%"],
                )
                on_server = cur.fetchone()[0]
        finally:
            raw.prepared_max = 100
    assert on_server == 3  # the older ones deallocated as the driver does
    assert len(raw._prepared._names) <= 3


def test_a_read_outside_a_transaction_is_prepared_and_commits_by_itself():
    connection.ensure_connection()
    raw = connection.connection
    idle = psycopg.pq.TransactionStatus.IDLE
    assert statements.fetch("SELECT %s::int AS jxc_outside", [7]) == [(7,)]
    assert raw.pgconn.transaction_status == idle
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%jxc_outside%"],
        )
        # a document's SKU facts, read before its transaction: prepared like the statements
        # inside it (through Django's cursor it was bound on the client, planned every time)
        assert cur.fetchone()[0] == 1


def test_writes_outside_a_transaction_commit_and_a_failure_leaves_nothing_open(keyed_table):
    insert = f"INSERT INTO {keyed_table} VALUES (%s, %s)"
    statements.execute(insert, [1, Decimal("1")])
    with pytest.raises(IntegrityError):
        # one implicit transaction, as Django's multi-statement query made it: all or nothing
        statements.execute_each([(insert, [2, Decimal("2")]), (insert, [1, Decimal("3")])])
    raw = connection.connection
    assert raw.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE
    other = connection.copy()
    try:
        with other.cursor() as cur:
            cur.execute(f"SELECT k FROM {keyed_table} ORDER BY k")
            assert cur.fetchall() == [(1,)]
    finally:
        other.close()


def test_a_closed_connection_is_not_kept_alive_by_the_runner():
    import gc
    import weakref

    with transaction.atomic():
        statements.fetch("SELECT 1")
        gone = weakref.ref(connection.connection)
    connection.close()
    gc.disable()  # freed by its last reference, not by a cyclic collection
    try:
        with transaction.atomic():
            statements.fetch("SELECT 2")  # a new connection, a transformer of its own
        assert gone() is None
    finally:
        gc.enable()


def test_execute_many_runs_every_row_in_one_round_trip(keyed_table):
    insert = f"INSERT INTO {keyed_table} VALUES (%s, %s)"
    rows = [[k, Decimal(k) / 4] for k in range(1, 41)]
    with transaction.atomic():
        statements.fetch("SELECT 1")
        raw = connection.connection
        waits, _none = _waits(raw, lambda: statements.execute_many(insert, rows))
    assert waits == 1  # the driver's executemany waited after every row
    assert statements.fetch(f"SELECT count(*), sum(v) FROM {keyed_table}") == [
        (40, Decimal("205.0000"))
    ]
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            statements.execute_many(insert, [[41, Decimal(1)], [1, Decimal(1)]])
    assert statements.fetch(f"SELECT count(*) FROM {keyed_table}") == [(40,)]
