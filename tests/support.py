"""Constants shared by test modules (import ``tests.support``, never ``conftest``: with
several conftest.py files on the path, ``import conftest`` finds whichever came first)."""

TEST_PASSWORD = "Jxc-test-2026!"


def migrate_to(targets):
    """Migrate the test database to ``targets`` ([(app, migration name)]); the apps of that
    state, for the rows a migration test writes before and reads after."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest_migrations():
    """The leaf migration of every app: where a migration test leaves the database."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def sent_messages(call):
    """PostgreSQL: the protocol messages the client sent while ``call()`` ran (Parse, Bind,
    Sync …, counted from libpq's trace), and what ``call()`` returned. A round trip ends with
    a Sync in pipeline mode, or is a simple Query."""
    import os
    import tempfile
    from collections import Counter

    from django.db import connection
    from psycopg import pq

    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    fd, path = tempfile.mkstemp()
    try:
        pgconn.trace(fd)
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            out = call()
        finally:
            pgconn.untrace()
        with open(path, encoding="utf-8", errors="replace") as f:
            sent = Counter(
                p[2].split(" ")[0].strip()
                for p in (line.split("\t") for line in f)
                if len(p) > 2 and p[0] == "F"
            )
        return sent, out
    finally:
        os.close(fd)
        os.unlink(path)
