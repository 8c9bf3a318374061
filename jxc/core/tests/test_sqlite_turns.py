"""SQLite writers take turns (jxc.core.db.sqlite3, ARCHITECTURE.md §5): many threads writing
in a loop, each transaction holding the database a few milliseconds, all finish within a
busy timeout far shorter than the whole run. SQLite's own busy handler polls (sleeping up to
100 ms between tries), so a writer that just committed takes the lock again before the
sleepers wake and these would end in "database is locked"."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from jxc.core.models import DocumentSequence

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6
TRANSACTIONS = 15


@pytest.fixture
def short_busy_timeout(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's writers: PostgreSQL locks rows")
    monkeypatch.setitem(connections.settings["default"]["OPTIONS"], "timeout", 0.5)


def test_writers_in_a_loop_all_get_their_turn(short_busy_timeout):
    errors: list[BaseException] = []

    def writer(i):
        try:
            for n in range(TRANSACTIONS):
                with transaction.atomic():
                    DocumentSequence.objects.create(
                        doc_type=f"turns{i}", day=f"2026-01-{n + 1:02d}"
                    )
                    time.sleep(0.005)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, f"{len(errors)} writer(s) failed: {errors[:3]!r}"
    assert DocumentSequence.objects.filter(doc_type__startswith="turns").count() == (
        THREADS * TRANSACTIONS
    )


# --- background writes (the import worker's chunks) go after the waiting writers ----------


def _wait_for(check, seconds=5.0):
    until = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < until, "timed out"
        time.sleep(0.002)


@pytest.mark.django_db(transaction=False)
def test_a_background_write_lets_a_waiting_writer_go_first(tmp_path):
    from jxc.core.db.sqlite3 import base

    turn = base._Turn(str(tmp_path / "jxc.sqlite3"))
    order: list[str] = []
    assert turn.take(5) and not turn.others_waiting()  # nobody waits: it is ours at once

    def user():
        assert turn.take(5)
        order.append("user")
        time.sleep(0.02)
        turn.give_back()

    def worker():
        with base.background_writes(patience=5):
            assert turn.take(5)
        order.append("worker")
        turn.give_back()

    u = threading.Thread(target=user)
    u.start()
    _wait_for(lambda: turn.waiters == 1)
    assert turn.others_waiting()
    w = threading.Thread(target=worker)
    w.start()
    time.sleep(0.05)  # the worker is waiting too, behind the user
    turn.give_back()
    u.join(5)
    w.join(5)
    assert order == ["user", "worker"]
    assert turn.waiters == 0 and not turn.others_waiting()


@pytest.mark.django_db(transaction=False)
def test_a_writer_waiting_in_another_process_is_seen_and_patience_is_bounded(tmp_path):
    import fcntl
    import os

    from jxc.core.db.sqlite3 import base

    turn = base._Turn(str(tmp_path / "jxc.sqlite3"))
    # another process's waiting writer: its shared lock on the file beside the database
    other = os.open(turn.waiting_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(other, fcntl.LOCK_SH)
        assert turn.others_waiting()
        started = time.monotonic()
        with base.background_writes(patience=0.1):
            assert turn.take(5)  # waited its patience, then took the free turn: never starved
        waited = time.monotonic() - started
        turn.give_back()
        assert 0.1 <= waited < 2
        fcntl.flock(other, fcntl.LOCK_UN)
        assert not turn.others_waiting()
    finally:
        os.close(other)


@pytest.mark.django_db(transaction=False)
def test_threads_get_the_turn_in_the_order_they_came_and_none_overtakes(tmp_path):
    from jxc.core.db.sqlite3 import base

    turn = base._Turn(str(tmp_path / "jxc.sqlite3"))
    order: list[int] = []
    assert turn.take(5)

    def writer(k):
        assert turn.take(5)
        order.append(k)
        turn.give_back()

    threads = []
    for k in range(5):
        threads.append(threading.Thread(target=writer, args=(k,)))
        threads[-1].start()
        _wait_for(lambda k=k: len(turn.lock._queue) == k + 1)
    turn.give_back()
    # one that comes now, while the five wait their turn, cannot take it before them
    assert not turn.lock.acquire(blocking=False) or order == list(range(5))
    for t in threads:
        t.join(5)
    assert order == list(range(5))
