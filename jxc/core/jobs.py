"""Chunked background jobs for large imports (导入任务).

An import is checked first (reading only: every bad row reported at once) and becomes a
list of JSON items. Small lists are applied at once; a large one becomes an ``ImportJob``
that the background worker applies ``CHUNK`` items at a time, each chunk in its own short
transaction, with ``done`` / ``total`` as progress. So no request and no task holds SQLite's
write lock for more than a moment, and other users keep posting while 30,000 rows go in.

The worker holds a lease on the job it applies: ``heartbeat_at`` is renewed with every chunk
it commits, and only while the job is still running. A worker killed mid-job (SIGKILL, the
machine restarted) leaves a job "running" that nothing will finish: once its lease is older
than ``LEASE`` it is marked failed with a message saying so (``fail_stalled_imports``, run when
the worker starts and whenever someone reads import jobs). A worker that was only slow and
comes back after that finds the job failed: its chunk is rolled back and it stops.

A handler is a function ``apply(job, items, *, final)`` named by its dotted path (stored on
the job): it locks what it changes, applies the chunk, and may set ``job.result``; it runs
again on the same chunk after a crash, so it must be idempotent (set, not add).

    job = start_import(kind="import:stock-count", user=user, subject_id=batch.pk,
                       handler="jxc.imports.services.apply_import_chunk",
                       items=items)
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django_tasks import task

from jxc.core.models import ImportJob, User

logger = logging.getLogger("jxc.jobs")

CHUNK = 500  # the most items per transaction
# A handler may ask for chunks of about so many seconds (``handler.chunk_seconds(job)``):
# the chunk size then follows the last chunk's CPU time (this thread's: on a loaded machine
# the wall time also counts the others, and chunks sized by it shrank to MIN_CHUNK, paying
# the per-chunk cost 500 times for 10,000 products), between MIN_CHUNK and CHUNK items, so
# the write lock is held about that long per chunk on a machine with a core to spare.
MIN_CHUNK = 20
FIRST_CHUNK = 100
# After each chunk the worker lets go for a moment: a writer waiting for the database (a
# thread of this process, or another process polling its lock file every few ms) takes
# its turn before the next chunk, instead of the worker taking it again at once.
PAUSE = 0.005
# A chunk takes well under a second, a locked database is waited out for seconds: a running
# job without a committed chunk for this long has lost its worker.
LEASE = dt.timedelta(minutes=5)


class LeaseLost(Exception):
    """The job was marked failed while this worker was applying it (its lease ran out)."""


def start_import(
    *,
    kind: str,
    user: User,
    handler: str,
    items: list[Any],
    subject_id: int | None = None,
) -> ImportJob:
    """Record the job and hand it to the background worker when the caller commits."""
    import_string(handler)  # a typo fails here, not in the worker
    job = ImportJob.objects.create(
        kind=kind,
        user=user,
        handler=handler,
        items=items,
        total=len(items),
        subject_id=subject_id,
    )
    transaction.on_commit(lambda: import_task.enqueue(job.pk))
    return job


def apply_all(handler: Callable[..., None], job: ImportJob) -> None:
    """Apply every item at once in the caller's transaction (small imports)."""
    handler(job, job.items, final=True)


def run_import(job_id: int) -> ImportJob:
    """Apply the job's items chunk by chunk from where it stopped; each chunk, its progress
    and the renewed lease commit together."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return job
    handler = import_string(job.handler)
    now = timezone.now()
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.RUNNING, started_at=job.started_at or now, heartbeat_at=now
    )
    policy = getattr(handler, "chunk_seconds", None)
    seconds = policy(job) if policy is not None else None
    size = CHUNK if seconds is None else min(CHUNK, FIRST_CHUNK)
    try:
        while job.done < job.total:
            chunk = job.items[job.done : job.done + size]
            final = job.done + len(chunk) >= job.total
            started = time.thread_time()
            with transaction.atomic():
                handler(job, chunk, final=final)
                job.done += len(chunk)
                renewed = ImportJob.objects.filter(
                    pk=job_id, status=ImportJob.Status.RUNNING
                ).update(done=job.done, result=job.result, heartbeat_at=timezone.now())
                if not renewed:
                    raise LeaseLost
            if seconds is not None:
                took = max(time.thread_time() - started, 1e-3)
                size = max(min(MIN_CHUNK, CHUNK), min(CHUNK, round(len(chunk) * seconds / took)))
            if not final:
                time.sleep(PAUSE)
    except LeaseLost:
        logger.warning("import job %s was marked failed while it ran: stopped", job_id)
        job.refresh_from_db()
        return job
    except Exception as exc:
        logger.exception("import job %s failed", job_id)
        message = str(exc)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            error=(message or type(exc).__name__)[:2000],
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        return job
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.DONE, finished_at=timezone.now(), items=[]
    )
    job.refresh_from_db()
    return job


def fail_stalled_imports(*, now: dt.datetime | None = None) -> int:
    """Mark failed every running job whose worker's lease ran out (no chunk committed for
    ``LEASE``): its worker died. The rows applied so far stay applied (handlers set, not add,
    so importing the file again is safe). Returns how many were marked."""
    now = now or timezone.now()
    stale = now - LEASE
    marked = 0
    for job in ImportJob.objects.filter(status=ImportJob.Status.RUNNING).only(
        "pk", "done", "total", "heartbeat_at", "started_at"
    ):
        last = job.heartbeat_at or job.started_at
        if last is not None and last >= stale:
            continue
        message = gettext(
            "The background worker stopped while applying this import: no progress for "
            "%(minutes)s minutes, %(done)s of %(total)s rows applied. Import the file again."
        ) % {"minutes": int(LEASE.total_seconds() // 60), "done": job.done, "total": job.total}
        # only if it is still the same stalled run (a worker may have renewed it meanwhile)
        marked += ImportJob.objects.filter(
            pk=job.pk, status=ImportJob.Status.RUNNING, heartbeat_at=job.heartbeat_at
        ).update(status=ImportJob.Status.FAILED, error=message, finished_at=now)
        logger.error("import job %s lost its worker: marked failed", job.pk)
    return marked


@task()
def import_task(job_id: int) -> int:
    return run_import(job_id).done
