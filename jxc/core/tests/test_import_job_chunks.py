"""Chunks of a background import sized by time: a handler that asks for chunks of about so
many seconds gets its chunk size adapted to the last chunk's time (so the database's write
lock is held that long per chunk, whatever the machine's load), and the worker lets go
between chunks so that a waiting writer takes its turn."""

import pytest

from jxc.core import jobs
from jxc.core.models import ImportJob, ImportJobItem

pytestmark = pytest.mark.django_db

SIZES: list[int] = []
CLOCK = [0.0]


def apply_slowly(job, items, *, final):
    """A handler for the tests: each item takes 1 ms of the (fake) CPU clock."""
    SIZES.append(len(items))
    CLOCK[0] += 0.001 * len(items)


apply_slowly.chunk_seconds = lambda job: 0.05  # type: ignore[attr-defined]


def apply_plainly(job, items, *, final):
    SIZES.append(len(items))


def _run(owner, monkeypatch, handler: str, n: int) -> ImportJob:
    SIZES.clear()
    CLOCK[0] = 0.0
    monkeypatch.setattr(jobs.time, "thread_time", lambda: CLOCK[0])
    pauses: list[float] = []
    monkeypatch.setattr(jobs.time, "sleep", pauses.append)
    job = ImportJob.objects.create(
        kind="test", user=owner, handler=f"{__name__}.{handler}", total=n
    )
    ImportJobItem.objects.bulk_create(ImportJobItem(job=job, seq=i, data=i) for i in range(n))
    done = jobs.run_import(job.pk)
    assert pauses == [jobs.PAUSE] * (len(SIZES) - 1)  # between chunks, not after the last
    return done


def test_chunks_follow_the_time_the_handler_asks_for(owner, monkeypatch):
    done = _run(owner, monkeypatch, "apply_slowly", 400)
    assert done.status == "done" and done.done == 400
    # the first chunk of 100 took 0.1 s: then 50 items (0.05 s each)
    assert SIZES[0] == jobs.FIRST_CHUNK and set(SIZES[1:-1]) == {50}
    assert sum(SIZES) == 400


def test_a_handler_without_a_time_gets_chunks_of_CHUNK_items(owner, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK", 3)
    done = _run(owner, monkeypatch, "apply_plainly", 7)
    assert done.status == "done" and SIZES == [3, 3, 1]
