"""成本重算 in the background: a backdated posting with more later moves than the posting
should re-value (ledger.RECOST_THRESHOLD) leaves them to a task. Until it is done the SKU's
ledger row says ``recosting`` (reports show 成本重算中) and its RecostJob shows progress."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from jxc.inventory.models import CostPool, RecostJob, SkuLedger


def schedule_recost(starts: dict[int, tuple], *, source: str = "") -> RecostJob:
    """Record a re-costing job (replay each pool from its start position) and enqueue it
    when the posting commits. ``starts``: pool id -> (date, move id)."""
    sku_of = dict(CostPool.objects.filter(pk__in=list(starts)).values_list("id", "sku_id"))
    sku_ids = sorted(set(sku_of.values()))
    job = RecostJob.objects.create(
        sku_ids=sku_ids,
        starts=[[p, d.isoformat(), mid] for p, (d, mid) in sorted(starts.items())],
        source=source[:120],
    )
    SkuLedger.objects.filter(sku_id__in=sku_ids).update(recosting=True, recost_job=job)
    transaction.on_commit(lambda: recost_task.enqueue(job.pk))
    return job


def run_recost(job_id: int) -> RecostJob:
    """Replay the job's pools SKU by SKU, each SKU in its own transaction under its lock;
    ``done`` counts the re-valued moves as it goes."""
    from jxc.inventory.ledger.writer import replay_pools

    job = RecostJob.objects.get(pk=job_id)
    if job.status == RecostJob.Status.DONE:
        return job
    RecostJob.objects.filter(pk=job_id).update(
        status=RecostJob.Status.RUNNING, started_at=timezone.now()
    )
    sku_of = dict(
        CostPool.objects.filter(pk__in=[s[0] for s in job.starts]).values_list("id", "sku_id")
    )
    try:
        for sku_id in job.sku_ids:
            starts = {
                p: (dt.date.fromisoformat(d), mid)
                for p, d, mid in job.starts
                if sku_of.get(p) == sku_id
            }
            with transaction.atomic():
                n = replay_pools(starts, sku_ids=[sku_id])
                SkuLedger.objects.filter(sku_id=sku_id, recost_job_id=job_id).update(
                    recosting=False, recost_job=None
                )
            job.done += n
            job.total = max(job.total, job.done)
            RecostJob.objects.filter(pk=job_id).update(done=job.done, total=job.total)
    except Exception as exc:
        RecostJob.objects.filter(pk=job_id).update(
            status=RecostJob.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    RecostJob.objects.filter(pk=job_id).update(
        status=RecostJob.Status.DONE, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


@task()
def recost_task(job_id: int) -> int:
    return run_recost(job_id).done
