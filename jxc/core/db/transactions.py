"""One write transaction per service call, for the document flow's hot paths (issue 10 §2).

:func:`write_step` is ``transaction.atomic()`` around ``jxc.core.statements.bound()``, the
database wrapper looked up once for both. Where it opens the transaction itself on this
project's SQLite or PostgreSQL backend (``lean_transactions``; nothing open yet, autocommit on, nothing watching the queries, no
event loop running) it takes Django's own steps for an outermost atomic block, the same flags
in the same order, without their per-call overhead: each ``atomic`` looked the connection up
twice (an asgiref Local that raises and catches an exception per lookup), asked four
``async_unsafe`` guards (another exception each), sent its BEGIN through a cursor wrapper and
switched autocommit off and on — some 125,000 CPU instructions of a transaction's ~170,000
when its statements are few (four per document on its way from draft to posted). Anything
else — a transaction already open (a savepoint then, as Django does), a backend without
``lean_transactions``, the query log, an execute wrapper — goes through ``transaction.atomic``
unchanged.

Inside the block Django sees an outermost atomic block as ever: ``on_commit`` callbacks run
after the COMMIT (dropped on a rollback), nested ``atomic`` blocks make savepoints,
``set_rollback`` and a failed statement roll the whole transaction back, and a durable block
inside is refused."""

from __future__ import annotations

from asyncio import _get_running_loop
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, Error, connections, transaction

from jxc.core.statements import bound, flush, hold_off, hold_on

# what the atomic blocks' stack holds for the lean block (Django reads ``durable`` and
# ``_from_testcase`` of the innermost one)
_OUTERMOST = transaction.Atomic(DEFAULT_DB_ALIAS, True, False)


@contextmanager
def write_step() -> Iterator[Any]:
    """``with transaction.atomic(), bound():`` for one service call; yields the database
    wrapper (see the module's docstring)."""
    db = connections[DEFAULT_DB_ALIAS]
    if not _lean(db):
        with transaction.atomic(using=db.alias), bound(db):
            yield db
        return
    _begin(db)
    try:
        with bound(db):
            if db.vendor == "postgresql":
                hold_on(db)  # writes nobody reads back wait for the next round trip
            yield db
    except BaseException:
        _end(db, failed=True)
        raise
    _end(db, failed=False)


def _lean(db) -> bool:
    """Django's outermost-block steps can be taken here without its wrappers: this project's
    SQLite or PostgreSQL backend, connected, in autocommit, no transaction open, nothing that watches the
    queries (the query log, execute wrappers: they see BEGIN and COMMIT through Django's
    cursor as before), and no event loop running (Django refuses then: its path says so)."""
    return (
        getattr(db, "lean_transactions", False)
        and db.connection is not None
        and db.autocommit
        and not db.in_atomic_block
        and not db.closed_in_transaction
        and not db.queries_logged
        and not db.execute_wrappers
        and not (db.health_check_enabled and not db.health_check_done)
        and _get_running_loop() is None
    )


def _begin(db) -> None:
    """``Atomic.__enter__`` of an outermost block in autocommit mode (SQLite: BEGIN, the
    writers' turn taken first)."""
    db.validate_thread_sharing()
    db.commit_on_exit = True
    db.needs_rollback = False
    db._start_transaction_under_autocommit()
    db.autocommit = False
    db.in_atomic_block = True
    db.atomic_blocks.append(_OUTERMOST)


def _end(db, *, failed: bool) -> None:
    """``Atomic.__exit__`` of that block: commit (or roll back when ``failed`` or marked
    for rollback), then autocommit back on and the ``on_commit`` callbacks run."""
    db.atomic_blocks.pop()
    db.in_atomic_block = False
    holding = db.__dict__.get("_jxc_queue") is not None
    try:
        if db.closed_in_transaction:
            pass  # the database rolls back by itself
        elif not failed and not db.needs_rollback:
            try:
                if holding:  # what is held back goes with the COMMIT, one round trip
                    flush(db, commit=True)
                db._commit()
            except DatabaseError:
                try:
                    db.rollback()
                except Error:
                    db.close()
                raise
            db.errors_occurred = False
            db.run_commit_hooks_on_set_autocommit_on = True
        else:
            db.needs_rollback = False
            try:
                db.rollback()
            except Error:
                db.close()
    finally:
        if holding:
            hold_off(db)
        if db.closed_in_transaction:
            db.connection = None
        else:
            # set_autocommit(True): the SQLite connection never left autocommit (BEGIN was
            # explicit), so only the flag and the callbacks
            db.autocommit = True
            if db.run_commit_hooks_on_set_autocommit_on:
                db.run_and_clear_commit_hooks()
                db.run_commit_hooks_on_set_autocommit_on = False
