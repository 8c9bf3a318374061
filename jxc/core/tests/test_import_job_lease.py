"""An import job whose worker died does not stay "running" for ever (issue 11 §3): the worker
renews a lease with every chunk it commits; a running job whose lease ran out is marked
failed with a clear message; a worker that comes back after that stops without writing."""

import datetime as dt

import pytest
from django.utils import timezone

from jxc.core import jobs
from jxc.core.models import ImportJob, ImportJobItem

pytestmark = pytest.mark.django_db

APPLIED: list[list[int]] = []


def apply_numbers(job, items, *, final):
    """A handler for the tests: remembers each chunk it was given."""
    APPLIED.append(list(items))
    job.result = {"applied": len(items), "chunks": [items]}


def steal_the_lease(job, items, *, final):
    """A handler during which the job is marked failed, as ``fail_stalled_imports`` does from
    another process when the lease ran out."""
    APPLIED.append(list(items))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, error="stalled")
    job.result = {"applied": True}


def _job(owner, handler="apply_numbers", n=3, **fields):
    job = ImportJob.objects.create(
        kind="test", user=owner, handler=f"{__name__}.{handler}", total=n, **fields
    )
    ImportJobItem.objects.bulk_create(ImportJobItem(job=job, seq=i, data=i) for i in range(n))
    return job


def test_the_worker_renews_its_lease_with_every_chunk(owner, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK", 2)
    APPLIED.clear()
    job = _job(owner, n=5)
    before = timezone.now()
    done = jobs.run_import(job.pk)
    # each chunk's record merged: counts added, lists joined
    assert (done.status, done.done) == ("done", 5)
    assert done.result == {"applied": 5, "chunks": [[0, 1], [2, 3], [4]]}
    assert APPLIED == [[0, 1], [2, 3], [4]]
    assert done.heartbeat_at is not None and done.heartbeat_at >= before


def test_a_running_job_whose_worker_died_is_marked_failed_with_the_reason(owner):
    now = timezone.now()
    dead = _job(owner, status="running", done=1, heartbeat_at=now - dt.timedelta(minutes=6))
    never = _job(owner, status="running", started_at=now - dt.timedelta(minutes=9))
    alive = _job(owner, status="running", heartbeat_at=now - dt.timedelta(minutes=1))
    waiting = _job(owner, status="pending")
    assert jobs.fail_stalled_imports(now=now) == 2
    dead.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at == now
    assert "no progress for 5 minutes" in dead.error or "5 分钟" in dead.error
    assert "1" in dead.error and "3" in dead.error
    assert ImportJob.objects.get(pk=never.pk).status == "failed"
    assert ImportJob.objects.get(pk=alive.pk).status == "running"
    assert ImportJob.objects.get(pk=waiting.pk).status == "pending"
    assert jobs.fail_stalled_imports(now=now) == 0


def test_a_worker_that_lost_its_lease_rolls_its_chunk_back_and_stops(owner, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK", 1)
    APPLIED.clear()
    job = _job(owner, handler="steal_the_lease", n=3)
    after = jobs.run_import(job.pk)
    # the chunk found the job no longer running: nothing of it stays, no further chunk runs
    # (here the mark is rolled back with the chunk; from another process it stays)
    assert APPLIED == [[0]] and (after.done, after.result) == (0, {})
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED)
    assert jobs.run_import(job.pk).done == 0 and APPLIED == [[0]]  # a failed job stays so


def test_a_chunks_progress_writes_the_counters_only_and_reads_its_items_by_range(
    owner, monkeypatch
):
    """The job's row is not rewritten with its items or its record per chunk (before, every
    chunk rewrote all the job's items: MBs for 30,000 rows, under the write lock)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(jobs, "CHUNK", 2)
    APPLIED.clear()
    job = _job(owner, n=5)
    ImportJobItem.objects.filter(job=job, seq=3).update(data="x" * 50_000)  # a big item
    with CaptureQueriesContext(connection) as seen:
        done = jobs.run_import(job.pk)
    assert done.status == "done" and APPLIED == [[0, 1], [2, "x" * 50_000], [4]]
    job_writes = [
        q["sql"] for q in seen.captured_queries if q["sql"].startswith('UPDATE "core_importjob"')
    ]
    # RUNNING, then per chunk: done and the lease; then DONE with the merged record
    assert len(job_writes) == 1 + 3 + 1
    for sql in job_writes[1:-1]:
        assert '"items"' not in sql and '"result"' not in sql, sql
        assert len(sql) < 400, sql
    # the items were read a chunk at a time, never all at once
    reads = [
        q["sql"]
        for q in seen.captured_queries
        if q["sql"].startswith('SELECT "core_importjobitem"."data"')
    ]
    assert len(reads) == 3 and all('"seq" <' in sql for sql in reads)
    assert not ImportJobItem.objects.filter(job=job).exists()  # dropped once done
