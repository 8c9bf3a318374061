"""WAL checkpoints run beside the writers, not in their commits (jxc.core.db.sqlite3.checkpoints):
a writer's COMMIT only appends its pages to the log; the file's checkpoint thread copies them
back; SQLite's own checkpoint in a commit stays only as a backstop that bounds the log."""

import os
import time

import pytest
from django.db import transaction

from jxc.core.db.sqlite3 import checkpoints

FRAME = 4096 + 24  # a page and its frame header in the log


def _write_pages(db, transactions: int, rows: int = 40) -> None:
    """``transactions`` writer transactions, each adding ``rows`` rows of a page each."""
    for _ in range(transactions):
        with transaction.atomic(using=db.alias):
            with db.cursor() as cur:
                cur.executemany("INSERT INTO page (body) VALUES (%s)", [("x" * 4000,)] * rows)


@pytest.fixture
def atomic_on(monkeypatch, file_db):
    """``transaction.atomic(using=alias)`` finds the test connection."""
    from django.db import connections

    db, _ = file_db
    monkeypatch.setitem(connections._connections.__dict__, db.alias, db)  # type: ignore[attr-defined]
    monkeypatch.setitem(connections.settings, db.alias, db.settings_dict)
    return file_db


def test_a_writers_commit_leaves_the_log_to_the_checkpoint_thread(atomic_on):
    db, path = atomic_on
    thread = checkpoints.checkpointer(path)
    thread.paused.set()
    try:
        size = os.path.getsize(path)
        _write_pages(db, 40)  # ~1,600 pages: SQLite's default would checkpoint at 1,000
        assert os.path.getsize(path + "-wal") > 1_500 * FRAME
        assert os.path.getsize(path) == size, "a commit copied pages into the database file"
    finally:
        thread.paused.clear()
    assert thread.wait()
    busy, log, copied = thread.last or (1, 0, -1)
    assert busy == 0 and log >= 1_500 and copied == log
    assert os.path.getsize(path) > size + 1_500 * 4096


def test_a_few_commits_are_copied_back_once_the_writers_are_quiet(atomic_on, monkeypatch):
    db, path = atomic_on
    monkeypatch.setattr(checkpoints, "QUIET", 0.05)
    thread = checkpoints.checkpointer(path)
    _write_pages(db, 2, rows=3)  # far fewer commits than EVERY
    until = time.monotonic() + 5
    while not (thread.last and thread.last[1] and thread.last[1] == thread.last[2]):
        assert time.monotonic() < until, "the quiet log was not copied back"
        time.sleep(0.01)


def test_the_writers_own_checkpoint_bounds_the_log_when_the_thread_falls_behind(
    atomic_on, monkeypatch
):
    db, path = atomic_on
    monkeypatch.setattr(checkpoints, "BACKSTOP_PAGES", 300)
    db.close()  # the next connection takes the backstop
    thread = checkpoints.checkpointer(path)
    thread.paused.set()
    try:
        _write_pages(db, 40)
        with db.cursor() as cur:
            cur.execute("PRAGMA wal_autocheckpoint")
            assert cur.fetchone()[0] == 300
        assert os.path.getsize(path + "-wal") < (300 + 2 * 40 + 10) * FRAME
    finally:
        thread.paused.clear()


def test_an_in_memory_database_has_no_checkpoint_thread():
    from jxc.core.db.sqlite3.base import _file_path

    assert _file_path(":memory:") is None
    assert _file_path("file:memorydb_default?mode=memory&cache=shared") is None
    assert _file_path("/srv/jxc/jxc.sqlite3") == "/srv/jxc/jxc.sqlite3"


def test_a_commit_finds_a_running_thread_where_the_registered_one_is_gone(atomic_on, monkeypatch):
    """A forked worker inherits its parent's registry but not its threads; an idle thread ends."""
    db, path = atomic_on
    monkeypatch.setattr(checkpoints, "QUIET", 0.01)
    monkeypatch.setattr(checkpoints, "IDLE_EXIT", 0.02)
    gone = checkpoints.checkpointer(path)
    gone.thread.join(5)
    assert not gone.thread.is_alive()
    monkeypatch.setitem(checkpoints._threads, path, gone)  # as a fork leaves the registry
    _write_pages(db, 1, rows=1)
    running = checkpoints.checkpointer(path)
    assert running is not gone and running.thread.is_alive()
