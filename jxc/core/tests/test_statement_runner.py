"""The hot paths' statement runner (jxc.core.statements): a posting binds the database wrapper
once (``bound``) instead of looking it up per statement, and SQLite binds NULLs and flags
without the sqlite3 module's failing adapter lookups (jxc.core.db.sqlite3) — both without
changing what is run or stored."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from jxc.core import statements

pytestmark = pytest.mark.django_db


def test_a_bound_block_runs_on_the_wrapper_it_bound_and_unbinds_at_its_end():
    with transaction.atomic():
        assert statements.fetch("SELECT 1") == [(1,)]
        with statements.bound() as db:
            assert db is connections["default"]
            assert statements.current() is db
            with statements.bound(db) as inner:
                assert inner is db and statements.fetch("SELECT 2") == [(2,)]
            assert statements._BOUND.get() is not None  # the outer binding is back
            assert statements.fetch("SELECT 3") == [(3,)]
        assert statements._BOUND.get() is None


def test_a_bound_block_still_shows_its_statements_to_a_watcher_started_before_it():
    with transaction.atomic(), CaptureQueriesContext(connection) as seen:
        with statements.bound():
            statements.fetch("SELECT 41")
            statements.execute("SELECT 42")
    assert any("41" in q["sql"] for q in seen.captured_queries)
    assert len(seen.captured_queries) == 2


def test_sqlite_binds_none_and_booleans_as_before():
    import jxc.core.db.sqlite3.base  # noqa: F401  (registers the adapters)

    conn = sqlite3.connect(":memory:")
    row = conn.execute(
        "SELECT ?, ?, ?, typeof(?), typeof(?)", (None, True, False, None, True)
    ).fetchone()
    assert row == (None, 1, 0, "null", "integer")
    assert sqlite3.adapters.get((type(None), sqlite3.PrepareProtocol)) is not None
    assert sqlite3.adapters.get((bool, sqlite3.PrepareProtocol)) is int
