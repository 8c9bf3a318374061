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
