"""PostgreSQL: writes held back for the step's next round trip (jxc.core.statements, "held
back"). Inside a service call's own transaction (``write_step``) a write nobody reads back waits
and goes first in the step's next round trip — its next read, or its COMMIT — and whatever
else is sent on the connection (Django's cursors: ORM queries, savepoints) sends it first, so
every statement sees the writes before it. A held write that fails fails the step, and nothing
of it stays. Anywhere else (a transaction the step does not own, SQLite) the statements run at
once."""

import pytest
from django.db import IntegrityError, connection, connections, transaction

from jxc.core import statements
from jxc.core.db.transactions import write_step
from jxc.core.models import DocumentSequence
from jxc.core.tests.test_postgresql_transactions import _seen_elsewhere
from jxc.inventory.tests.test_posting_round_trips import _sent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

INSERT = "INSERT INTO core_documentsequence (doc_type, day, last) VALUES (%s, %s, %s)"


def _row(name: str, last: int = 0) -> tuple[str, list]:
    return INSERT, [name, "2026-01-01", last]


def _held() -> list:
    return connections["default"].__dict__.get("_jxc_queue") or []


@pytest.fixture
def ready():
    connection.ensure_connection()
    statements.fetch("SELECT 1")  # the health check done: the step opens its own transaction


def test_a_held_write_goes_with_the_commit_in_one_round_trip(ready):
    def step():
        with write_step():
            statements.defer([_row("held-commit")])
            assert len(_held()) == 1  # waiting, nothing sent yet
            assert not _seen_elsewhere("held-commit")

    sent = _sent(step)
    # BEGIN, the INSERT and the COMMIT: one round trip (was: the INSERT, then the COMMIT)
    assert sent["Sync"] + sent["Query"] == 1, sent
    assert _seen_elsewhere("held-commit")
    assert _held() == [] and connection.execute_wrappers == []
    assert connection.get_autocommit() and not connection.in_atomic_block


def test_the_runners_next_read_carries_the_held_writes_first(ready):
    with write_step():
        statements.defer([_row("held-read", 4)])
        rows = statements.fetch(
            "SELECT last FROM core_documentsequence WHERE doc_type = %s", ["held-read"]
        )
        assert rows == [(4,)]
        assert _held() == []


def test_an_orm_query_after_a_held_write_sees_it(ready):
    with write_step():
        statements.defer([_row("held-orm", 2)])
        assert connection.execute_wrappers  # the guard, while something is held
        found = DocumentSequence.objects.get(doc_type="held-orm")
        assert found.last == 2
        assert _held() == [] and connection.execute_wrappers == []


def test_a_savepoint_sends_what_is_held_first(ready):
    with write_step():
        statements.defer([_row("held-before-savepoint")])
        with pytest.raises(ZeroDivisionError):
            with transaction.atomic():
                DocumentSequence.objects.create(doc_type="held-in-savepoint", day="2026-01-01")
                raise ZeroDivisionError
    assert _seen_elsewhere("held-before-savepoint")
    assert not _seen_elsewhere("held-in-savepoint")


def test_a_held_write_that_fails_fails_the_step_and_nothing_stays(ready):
    DocumentSequence.objects.create(doc_type="held-taken", day="2026-01-01")
    with pytest.raises(IntegrityError):
        with write_step():
            statements.defer([_row("held-first")])
            statements.defer([_row("held-taken")])  # the same (type, day): refused
    assert not _seen_elsewhere("held-first")
    assert _held() == [] and connection.execute_wrappers == []
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert not connection.needs_rollback
    assert DocumentSequence.objects.filter(doc_type="held-taken").count() == 1


def test_an_error_in_the_step_drops_what_is_held(ready):
    with pytest.raises(ZeroDivisionError):
        with write_step():
            statements.defer([_row("held-dropped")])
            raise ZeroDivisionError
    assert not _seen_elsewhere("held-dropped")
    assert _held() == [] and connection.execute_wrappers == []


def test_a_read_taken_ahead_comes_with_the_next_round_trip(ready):
    with write_step():
        early = statements.ahead("SELECT %s::int", [7])
        assert early.found is None
        assert statements.fetch("SELECT 1") == [(1,)]
        assert early.found == [(7,)]
        asked = statements.ahead("SELECT %s::int", [8])
        assert asked.rows == [(8,)]  # asked before any round trip: sent at once


def test_outside_a_step_of_its_own_statements_run_at_once(ready):
    with transaction.atomic():
        with write_step():  # inside the caller's transaction: a savepoint, nothing held
            statements.defer([_row("held-not")])
            assert _held() == []
            assert DocumentSequence.objects.filter(doc_type="held-not").exists()
        assert statements.ahead("SELECT 5").found == [(5,)]
