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

The job's row stays small whatever the size of the import: its items are rows of
``ImportJobItem`` (written once when the job is made, read a chunk at a time by their place,
deleted when it is done), and a chunk commits its progress as the counters alone (``done``,
the lease) with what it recorded as a row of ``ImportJobChunk``. Before, the job's row held
every item and every chunk rewrote it: megabytes per chunk for 30,000 rows, written while
holding SQLite's write lock.

A handler is a function ``apply(job, items, *, final)`` named by its dotted path (stored on
the job): it locks what it changes, applies the chunk, and records in ``job.result`` (empty
when the chunk starts) what this chunk did; the worker stores that with the chunk and
``job_result`` merges the chunks' records in order (``merge_result``: lists joined, counts
added; a handler may bring its own ``handler.merge_result``). A chunk runs again after a
crash (its transaction was rolled back, its record with it), so a handler must be idempotent.

The worker's chunks are background writes (``jxc.core.db.sqlite3.base.background_writes``):
on SQLite a chunk lets the writers that are waiting for the database go first, up to
``PATIENCE`` times as long as its last chunk held it, so 20 users posting during a large import
are not made to wait a chunk for every transaction.

    job = start_import(kind="import:stock-count", user=user, subject_id=batch.pk,
                       handler="jxc.imports.services.apply_import_chunk",
                       items=items)
"""

from __future__ import annotations

import copy
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

from jxc.core.db.sqlite3.base import background_turn_taken_at, background_writes
from jxc.core.models import ImportJob, ImportJobChunk, ImportJobItem, User

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
# A chunk (a background write) lets the writers waiting for the database go first for up to
# PATIENCE times as long as the last chunk held it (at least MIN_PATIENCE seconds): the
# worker then holds the write lock at most about 1 / (1 + PATIENCE) of the time while
# others want it, and all of it when nobody does.
PATIENCE = 3.0
MIN_PATIENCE = 0.05
# items written or deleted per statement / per transaction
ITEMS_PER_INSERT = 500
ITEMS_PER_DELETE = 2000
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
    """Record the job and its items and hand it to the background worker when the caller
    commits."""
    import_string(handler)  # a typo fails here, not in the worker
    job = ImportJob.objects.create(
        kind=kind,
        user=user,
        handler=handler,
        total=len(items),
        subject_id=subject_id,
    )
    ImportJobItem.objects.bulk_create(
        (ImportJobItem(job=job, seq=i, data=item) for i, item in enumerate(items)),
        batch_size=ITEMS_PER_INSERT,
    )
    transaction.on_commit(lambda: import_task.enqueue(job.pk))
    return job


def job_items(job: ImportJob, start: int = 0, stop: int | None = None) -> list[Any]:
    """The job's items ``start`` … ``stop - 1`` (all of them by default)."""
    rows = ImportJobItem.objects.filter(job_id=job.pk, seq__gte=start)
    if stop is not None:
        rows = rows.filter(seq__lt=stop)
    return list(rows.order_by("seq").values_list("data", flat=True))


def merge_result(into: dict[str, Any], chunk: dict[str, Any]) -> dict[str, Any]:
    """A chunk's record merged into the job's so far: lists joined, counts added, mappings
    merged key by key (the first chunk's value kept), anything else the last chunk's."""
    for key, value in chunk.items():
        have = into.get(key)
        if isinstance(have, list) and isinstance(value, list):
            into[key] = have + value
        elif _count(have) and _count(value):
            into[key] = have + value
        elif isinstance(have, dict) and isinstance(value, dict):
            into[key] = {**value, **have}
        else:
            into[key] = value
    return into


def _count(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _merger(job: ImportJob) -> Callable[[dict[str, Any], dict[str, Any]], Any]:
    try:
        handler = import_string(job.handler)
    except ImportError:
        return merge_result
    return getattr(handler, "merge_result", merge_result)


def job_result(job: ImportJob, *, pending: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the whole job recorded: its own ``result`` (the merged record, once it is done)
    with each committed chunk's record, in order. From a handler, ``pending`` is the record of
    the chunk it is applying (not committed yet, merged last); the job's own ``result`` is then
    read from the database (the handler's ``job.result`` is its chunk's)."""
    if pending is None:
        status, base = job.status, job.result
    else:
        status, base = ImportJob.objects.values_list("status", "result").get(pk=job.pk)
    result = copy.deepcopy(dict(base or {}))
    if status == ImportJob.Status.DONE and pending is None:
        return result  # the chunks were merged into it when it finished
    merge = _merger(job)
    chunks = ImportJobChunk.objects.filter(job_id=job.pk).order_by("start")
    for record in chunks.values_list("result", flat=True):
        merge(result, record)
    if pending:
        merge(result, copy.deepcopy(pending))
    return result


def apply_all(handler: Callable[..., None], job: ImportJob) -> None:
    """Apply every item at once in the caller's transaction (small imports)."""
    handler(job, job_items(job), final=True)


def run_import(job_id: int) -> ImportJob:
    """Apply the job's items chunk by chunk from where it stopped; each chunk, its record,
    its progress and the renewed lease commit together."""
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
    held = 0.0
    try:
        while job.done < job.total:
            chunk = job_items(job, job.done, job.done + size)
            if not chunk:
                raise LookupError(f"import job {job_id}: item {job.done} is missing")
            final = job.done + len(chunk) >= job.total
            started, began = time.thread_time(), time.perf_counter()
            with background_writes(patience=max(MIN_PATIENCE, PATIENCE * held)):
                with transaction.atomic():
                    job.result = {}
                    handler(job, chunk, final=final)
                    ImportJobChunk.objects.create(job_id=job_id, start=job.done, result=job.result)
                    job.done += len(chunk)
                    # the counters only: the job's row stays a few hundred bytes
                    renewed = ImportJob.objects.filter(
                        pk=job_id, status=ImportJob.Status.RUNNING
                    ).update(done=job.done, heartbeat_at=timezone.now())
                    if not renewed:
                        raise LeaseLost
            # how long the chunk held the database (not how long it let others go first)
            held = time.perf_counter() - (background_turn_taken_at() or began)
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
    with transaction.atomic():
        job.refresh_from_db(fields=["status", "result"])
        result = job_result(job)
        if ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
            status=ImportJob.Status.DONE, finished_at=timezone.now(), result=result
        ):
            ImportJobChunk.objects.filter(job_id=job_id).delete()
    drop_items(job_id)
    job.refresh_from_db()
    return job


def drop_items(job_id: int) -> None:
    """Delete a finished job's items, ``ITEMS_PER_DELETE`` per transaction (a short hold of
    the write lock each)."""
    last = (
        ImportJobItem.objects.filter(job_id=job_id).order_by("-seq").values_list("seq", flat=True)
    )
    top = last.first()
    if top is None:
        return
    for start in range(0, top + 1, ITEMS_PER_DELETE):
        with background_writes(patience=MIN_PATIENCE), transaction.atomic():
            ImportJobItem.objects.filter(
                job_id=job_id, seq__gte=start, seq__lt=start + ITEMS_PER_DELETE
            ).delete()


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
