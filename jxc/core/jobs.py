"""Chunked background jobs for large imports (导入任务).

An import is checked first (reading only: every bad row reported at once) and becomes a
list of JSON items. Small lists are applied at once; a large one becomes an ``ImportJob``
that the background worker applies ``CHUNK`` items at a time, each chunk in its own short
transaction, with ``done`` / ``total`` as progress. So no request and no task holds SQLite's
write lock for more than a moment, and other users keep posting while 30,000 rows go in.

A handler is a function ``apply(job, items, *, final)`` named by its dotted path (stored on
the job): it locks what it changes, applies the chunk, and may set ``job.result``; it runs
again on the same chunk after a crash, so it must be idempotent (set, not add).

    job = start_import(kind="stock_count", user=user, subject_id=count.pk,
                       handler="jxc.inventory.documents.count_entry.apply_count_chunk",
                       items=items)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from jxc.core.models import ImportJob, User

logger = logging.getLogger("jxc.jobs")

CHUNK = 500  # items per transaction: well under a second of writing


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
    """Apply the job's items chunk by chunk from where it stopped; each chunk and its
    progress commit together."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return job
    handler = import_string(job.handler)
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.RUNNING, started_at=job.started_at or timezone.now()
    )
    try:
        while job.done < job.total:
            chunk = job.items[job.done : job.done + CHUNK]
            final = job.done + len(chunk) >= job.total
            with transaction.atomic():
                handler(job, chunk, final=final)
                job.done += len(chunk)
                ImportJob.objects.filter(pk=job_id).update(done=job.done, result=job.result)
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
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE, finished_at=timezone.now(), items=[]
    )
    job.refresh_from_db()
    return job


@task()
def import_task(job_id: int) -> int:
    return run_import(job_id).done
