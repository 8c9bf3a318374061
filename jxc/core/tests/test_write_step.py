"""A service call's write transaction (jxc.core.db.transactions.write_step): on SQLite, where
it opens the transaction itself, it takes Django's steps for an outermost atomic block
without Django's wrappers — and everything Django promises of that block still holds:
commit, rollback on an error or a set_rollback, on_commit callbacks after the COMMIT only,
savepoints for nested blocks, durable blocks refused, the writers' turn given back."""

import pytest
from django.db import connection, transaction

from jxc.core.db import transactions
from jxc.core.db.transactions import write_step
from jxc.core.models import DocumentSequence

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's lean path; PostgreSQL's: test_postgresql_transactions.py")
    connection.ensure_connection()


def _row(name: str) -> None:
    DocumentSequence.objects.create(doc_type=name, day="2026-01-01")


def _exists(name: str) -> bool:
    return DocumentSequence.objects.filter(doc_type=name).exists()


def _idle() -> None:
    """Out of the block as Django leaves an outermost atomic block."""
    assert connection.get_autocommit()
    assert not connection.in_atomic_block
    assert not connection.atomic_blocks
    assert not connection.needs_rollback
    assert connection._turn is None  # the writers' turn given back
    assert connection.connection.in_transaction is False


def test_opens_its_transaction_without_django_atomic(sqlite, monkeypatch):
    entered = []
    real = transaction.Atomic.__enter__
    monkeypatch.setattr(
        transaction.Atomic, "__enter__", lambda self: entered.append(self) or real(self)
    )
    with write_step():
        assert connection.in_atomic_block
        assert connection.connection.in_transaction
        _row("lean-commit")
    assert entered == []
    assert _exists("lean-commit")
    _idle()


def test_an_error_rolls_everything_back(sqlite):
    with pytest.raises(ZeroDivisionError):
        with write_step():
            _row("lean-error")
            1 / 0  # noqa: B018
    assert not _exists("lean-error")
    _idle()


def test_set_rollback_rolls_back_without_an_error(sqlite):
    with write_step():
        _row("lean-set-rollback")
        transaction.set_rollback(True)
    assert not _exists("lean-set-rollback")
    _idle()


def test_on_commit_runs_after_the_commit_and_not_after_a_rollback(sqlite):
    seen: list[tuple[str, bool]] = []
    with write_step():
        _row("lean-hook")
        transaction.on_commit(lambda: seen.append(("kept", connection.in_atomic_block)))
        assert seen == []
    assert seen == [("kept", False)]
    with pytest.raises(ValueError):
        with write_step():
            transaction.on_commit(lambda: seen.append(("dropped", False)))
            raise ValueError
    assert seen == [("kept", False)]
    assert connection.run_on_commit == []
    _idle()


def test_nested_blocks_are_savepoints(sqlite):
    with write_step():
        _row("lean-outer")
        with pytest.raises(KeyError):
            with transaction.atomic():
                _row("lean-inner")
                raise KeyError
        with transaction.atomic():
            _row("lean-inner-kept")
    assert _exists("lean-outer") and _exists("lean-inner-kept")
    assert not _exists("lean-inner")
    _idle()


def test_a_durable_block_inside_is_refused(sqlite):
    with pytest.raises(RuntimeError, match="durable"):
        with write_step():
            with transaction.atomic(durable=True):
                pass
    _idle()


def test_inside_a_transaction_it_is_a_savepoint_of_it(sqlite):
    with transaction.atomic():
        _row("lean-enclosing")
        with pytest.raises(ValueError):
            with write_step():
                _row("lean-step")
                raise ValueError
        assert connection.in_atomic_block
    assert _exists("lean-enclosing") and not _exists("lean-step")
    _idle()


def test_watched_queries_see_begin_and_commit_through_django(sqlite):
    seen: list[str] = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        assert not transactions._lean(connection)
        with write_step():
            _row("lean-watched")
    assert seen[0].startswith("BEGIN")
    assert _exists("lean-watched")
    _idle()
