"""PostgreSQL: a service call's write transaction (jxc.core.db.transactions.write_step) opened
by this project's backend without Django's atomic wrappers (jxc.core.db.postgresql.base): the
driver is told a transaction is to open and its BEGIN rides with the first statements; after
the COMMIT or ROLLBACK the driver is back in autocommit — and what Django promises of an
outermost atomic block holds (docs/ledger.md "Eighth pass — PostgreSQL client")."""

import psycopg
import pytest
from django.db import connection, connections, transaction

from jxc.core import statements
from jxc.core.db.transactions import write_step
from jxc.core.models import DocumentSequence

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

IDLE = psycopg.pq.TransactionStatus.IDLE


@pytest.fixture
def raw():
    connection.ensure_connection()
    return connection.connection


def _row(name: str) -> None:
    DocumentSequence.objects.create(doc_type=name, day="2026-01-01")


def _exists(name: str) -> bool:
    return DocumentSequence.objects.filter(doc_type=name).exists()


def _seen_elsewhere(name: str) -> bool:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cur:
            cur.execute("SELECT 1 FROM core_documentsequence WHERE doc_type = %s", [name])
            return cur.fetchone() is not None
    finally:
        other.close()


def _idle(raw) -> None:
    """Out of the block as Django leaves an outermost atomic block, the driver in autocommit."""
    assert connection.get_autocommit()
    assert not connection.in_atomic_block
    assert not connection.atomic_blocks
    assert not connection.needs_rollback
    assert raw.autocommit is True
    assert raw.pgconn.transaction_status == IDLE


def test_opens_its_transaction_without_django_atomic_and_begins_with_the_statements(
    raw, monkeypatch
):
    entered = []
    real = transaction.Atomic.__enter__
    monkeypatch.setattr(
        transaction.Atomic, "__enter__", lambda self: entered.append(self) or real(self)
    )
    waits = []
    original = raw.wait
    raw.wait = lambda gen, *a, **k: waits.append(gen) or original(gen, *a, **k)
    try:
        with write_step():
            assert connection.in_atomic_block
            assert raw.pgconn.transaction_status == IDLE  # nothing sent yet
            assert statements.fetch("SELECT 1") == [(1,)]  # BEGIN with it
            assert raw.pgconn.transaction_status != IDLE
    finally:
        del raw.wait
    assert entered == []
    # the statement's round trip and the COMMIT; Django's atomic added two more (autocommit
    # off and on again, each a generator run through the driver's wait)
    assert len(waits) == 2
    _idle(raw)


def test_a_statement_through_djangos_cursor_opens_the_transaction_too(raw):
    with write_step():
        _row("pg-lean-orm")
        assert raw.pgconn.transaction_status != IDLE
        assert not _seen_elsewhere("pg-lean-orm")  # not committed yet
    assert _seen_elsewhere("pg-lean-orm")
    _idle(raw)


def test_an_error_rolls_everything_back(raw):
    with pytest.raises(ZeroDivisionError):
        with write_step():
            _row("pg-lean-error")
            1 / 0  # noqa: B018
    assert not _exists("pg-lean-error")
    _idle(raw)


def test_a_failed_statement_rolls_back_and_the_next_call_works(raw):
    with pytest.raises(Exception, match="division by zero"):
        with write_step():
            _row("pg-lean-failed")
            statements.fetch("SELECT 1 / %s", [0])
    assert not _exists("pg-lean-failed")
    _idle(raw)
    with write_step():
        _row("pg-lean-after")
    assert _exists("pg-lean-after")


def test_set_rollback_rolls_back_without_an_error(raw):
    with write_step():
        _row("pg-lean-marked")
        transaction.set_rollback(True)
    assert not _exists("pg-lean-marked")
    _idle(raw)


def test_on_commit_runs_after_the_commit_and_not_after_a_rollback(raw):
    ran = []
    with write_step():
        _row("pg-lean-hook")
        transaction.on_commit(lambda: ran.append(_seen_elsewhere("pg-lean-hook")))
        assert ran == []
    assert ran == [True]
    with pytest.raises(ZeroDivisionError):
        with write_step():
            transaction.on_commit(lambda: ran.append("never"))
            1 / 0  # noqa: B018
    assert ran == [True]
    _idle(raw)


def test_nested_blocks_are_savepoints(raw):
    with write_step():
        _row("pg-lean-outer")
        with pytest.raises(ZeroDivisionError):
            with transaction.atomic():
                _row("pg-lean-inner")
                1 / 0  # noqa: B018
    assert _exists("pg-lean-outer")
    assert not _exists("pg-lean-inner")
    _idle(raw)


def test_a_step_that_sends_nothing_leaves_no_transaction(raw):
    with write_step():
        pass
    _idle(raw)
    with pytest.raises(ValueError):
        with write_step():
            raise ValueError
    _idle(raw)


def test_inside_a_transaction_it_is_a_savepoint_of_it(raw):
    with transaction.atomic():
        _row("pg-lean-around")
        with pytest.raises(ZeroDivisionError):
            with write_step():
                _row("pg-lean-within")
                1 / 0  # noqa: B018
        assert not connection.needs_rollback
    assert _exists("pg-lean-around")
    assert not _exists("pg-lean-within")
    _idle(raw)


def test_djangos_atomic_switches_autocommit_without_the_drivers_wait(raw):
    waits = []
    original = raw.wait
    raw.wait = lambda gen, *a, **k: waits.append(gen) or original(gen, *a, **k)
    try:
        with transaction.atomic():
            assert raw.autocommit is False
            _row("pg-atomic")
    finally:
        del raw.wait
    # the statement (BEGIN first) and the COMMIT; the driver's setter ran a generator through
    # its wait for each switch (off, then on again): 4
    assert len(waits) == 2
    assert _seen_elsewhere("pg-atomic")
    _idle(raw)


def test_autocommit_cannot_be_switched_on_inside_an_open_transaction(raw):
    from django.db import ProgrammingError

    connection.set_autocommit(False)
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        assert raw.pgconn.transaction_status != IDLE
        with pytest.raises(ProgrammingError, match="autocommit"):
            connection.set_autocommit(True)  # the driver's refusal, as before
    finally:
        connection.rollback()
        connection.set_autocommit(True)
    _idle(raw)
