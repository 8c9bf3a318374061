"""成本重算任务: the background re-costings (jxc.inventory.ledger.tasks) as the task list and
the SKU pages show them — status, SKUs, progress, times, error. Reads only.

A job's ``total`` is only known once it has run (the task counts the moves it re-valued), so
while it waits or runs the total is estimated from the ledger: the moves of each pool from the
job's start position on (index move_pool_pos_idx), never less than what is done already."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from jxc.catalog.models import Sku
from jxc.inventory.models import RecostJob, StockMove
from jxc.inventory.selectors import recosting_skus

__all__ = ["RecostJobRow", "RecostSku", "recost_jobs", "recosting_jobs_by_sku"]

# SKUs named per job on a list; the rest are counted.
SKUS_SHOWN = 20


@dataclass(frozen=True)
class RecostSku:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class RecostJobRow:
    """One re-costing job with its progress (``done`` of ``total`` moves re-valued)."""

    id: int
    status: str
    status_label: str
    sku_ids: list[int]
    skus: list[RecostSku]
    done: int
    total: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str
    source: str
    more_skus: int = field(default=0)

    @property
    def active(self) -> bool:
        """Waiting or running: its SKUs show 成本重算中."""
        return self.status in (RecostJob.Status.PENDING, RecostJob.Status.RUNNING)

    @property
    def percent(self) -> int:
        """Progress in whole percent (100 once done)."""
        if self.status == RecostJob.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)


def _after_start(starts: list) -> Q:
    """The moves a replay from ``starts`` re-values. Grouped by start date: a posting's new
    moves share a date and their ids are above every older move, so each pool's first new move
    id can be replaced by the lowest of the group — and the condition stays a few terms deep
    however many pools the job has (SQLite limits expression depth)."""
    by_date: dict[dt.date, tuple[list[int], int]] = {}
    for pool_id, day, move_id in starts:
        d = dt.date.fromisoformat(day)
        pools, low = by_date.get(d, ([], move_id))
        pools.append(pool_id)
        by_date[d] = (pools, min(low, move_id))
    q = Q(pk__in=[])
    for d, (pools, low) in by_date.items():
        q |= Q(pool_id__in=pools) & (Q(date__gt=d) | Q(date=d, id__gte=low))
    return q


def _estimated_totals(jobs: list[RecostJob]) -> dict[int, int]:
    """Moves from each unfinished job's start positions on (one query for all of them)."""
    todo = [j for j in jobs if j.status != RecostJob.Status.DONE and j.starts]
    if not todo:
        return {}
    where = Q(pk__in=[])
    counts = {}
    for j in todo:
        q = _after_start(j.starts)
        where |= q
        counts[f"j{j.pk}"] = Count("id", filter=q)
    row = StockMove.objects.filter(where).aggregate(**counts)
    return {j.pk: row[f"j{j.pk}"] or 0 for j in todo}


def recost_jobs(
    *, ids: Iterable[int] | None = None, active_only: bool = False, limit: int | None = 50
) -> list[RecostJobRow]:
    """成本重算任务, newest first: all (the last ``limit``), only waiting/running ones, or the
    jobs ``ids``. Three queries whatever the number of jobs."""
    qs = RecostJob.objects.order_by("-id")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if active_only:
        qs = qs.filter(status__in=(RecostJob.Status.PENDING, RecostJob.Status.RUNNING))
    jobs = list(qs[:limit] if limit else qs)
    shown = {s for j in jobs for s in j.sku_ids[:SKUS_SHOWN]}
    skus = {
        s.pk: RecostSku(id=s.pk, code=s.code, name=str(s))
        for s in Sku.objects.filter(pk__in=shown).only("id", "code", "name", "spec")
    }
    estimated = _estimated_totals(jobs)
    out = []
    for j in jobs:
        total = (
            j.done
            if j.status == RecostJob.Status.DONE
            else max(j.total, j.done, estimated.get(j.pk, 0))
        )
        named = [skus[s] for s in j.sku_ids[:SKUS_SHOWN] if s in skus]
        out.append(
            RecostJobRow(
                id=j.pk,
                status=j.status,
                status_label=str(j.get_status_display()),
                sku_ids=list(j.sku_ids),
                skus=named,
                more_skus=max(0, len(j.sku_ids) - len(named)),
                done=j.done,
                total=total,
                created_at=j.created_at,
                started_at=j.started_at,
                finished_at=j.finished_at,
                error=j.error,
                source=j.source,
            )
        )
    return out


def recosting_jobs_by_sku(sku_ids: Iterable) -> dict[int, RecostJobRow]:
    """The SKUs of ``sku_ids`` being re-costed, each with the job doing it (progress on the
    SKU's pages); SKUs not being re-costed are absent."""
    flagged = recosting_skus(sku_ids)
    if not flagged:
        return {}
    jobs = {j.id: j for j in recost_jobs(ids={j for j in flagged.values() if j}, limit=None)}
    out = {}
    for sku_id, job_id in flagged.items():
        job = jobs.get(job_id) if job_id else None
        out[sku_id] = job if job is not None else _unknown(sku_id)
    return out


def _unknown(sku_id: int) -> RecostJobRow:
    # Flagged without a job row (the job was deleted): still 成本重算中, progress unknown.
    return RecostJobRow(
        id=0,
        status=RecostJob.Status.PENDING,
        status_label=str(RecostJob.Status.PENDING.label),
        sku_ids=[sku_id],
        skus=[],
        done=0,
        total=0,
        created_at=timezone.now(),
        started_at=None,
        finished_at=None,
        error="",
        source="",
    )
