"""成本重算任务 selectors: a backdated receipt with more later moves than the threshold leaves
a job; the list shows it with an estimated total until it has run; the batch flag answers for
many SKUs in one query."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.inventory.ledger import writer as ledger
from jxc.inventory.ledger.tasks import run_recost
from jxc.inventory.models import RecostJob, StockMove
from jxc.inventory.testing import LedgerKit, assert_ledger_consistent
from jxc.reports import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def backdated(owner, monkeypatch):
    """A: 100 @ 10 on day 1, five sales on days 10–14, then a receipt of 100 @ 20 dated day
    5 — six later moves, over a threshold of 3. B: untouched."""
    monkeypatch.setattr(ledger, "RECOST_THRESHOLD", 3)
    kit = LedgerKit(user=owner)
    a, b = kit.sku("A"), kit.sku("B")
    wh = kit.warehouse("ZC")
    kit.receive(a, wh, "100", "10", day=1)
    kit.receive(b, wh, "5", "3", day=1)
    issues = [kit.issue(a, wh, "1", day=10 + i) for i in range(5)]
    late = kit.receive(a, wh, "100", "20", day=5)
    return {"a": a, "b": b, "wh": wh, "issues": issues, "late": late, "kit": kit}


def test_a_large_backdated_posting_is_listed_as_a_waiting_job(backdated):
    a, b = backdated["a"], backdated["b"]
    [job] = selectors.recost_jobs()
    assert job.status == "pending" and job.active
    assert job.sku_ids == [a.pk] and [s.code for s in job.skus] == ["A"]
    assert job.source == backdated["late"].source_number
    # the receipt itself and the five sales after it
    assert (job.done, job.total, job.percent) == (0, 6, 0)
    assert job.started_at is None and job.finished_at is None and job.error == ""
    assert selectors.recosting_skus([a, b.pk]) == {a.pk: job.id}
    assert set(selectors.recosting_jobs_by_sku([a.pk, b.pk])) == {a.pk}
    assert selectors.recost_jobs(active_only=True)[0].id == job.id


def test_after_the_job_has_run_it_is_complete_and_nothing_is_flagged(backdated):
    a = backdated["a"]
    job_id = RecostJob.objects.get().pk
    run_recost(job_id)
    [job] = selectors.recost_jobs()
    assert job.status == "done" and not job.active
    assert job.percent == 100 and job.done == job.total >= 6
    assert job.started_at is not None and job.finished_at is not None
    assert selectors.recosting_skus([a]) == {}
    assert selectors.recosting_jobs_by_sku([a]) == {}
    assert selectors.recost_jobs(active_only=True) == []
    # the sales before the backdated receipt's re-costing left at 10, now at the new average
    values = StockMove.objects.filter(pk__in=[m.pk for m in backdated["issues"]])
    assert {m.value for m in values} == {D("-15.00")}
    assert_ledger_consistent()


def test_a_failed_job_keeps_its_error_and_progress(backdated):
    job = RecostJob.objects.get()
    RecostJob.objects.filter(pk=job.pk).update(status="failed", error="ValueError: boom", done=2)
    [row] = selectors.recost_jobs()
    assert row.status == "failed" and not row.active
    assert row.error == "ValueError: boom" and (row.done, row.total, row.percent) == (2, 6, 33)


def test_batch_flag_and_job_list_take_a_bounded_number_of_queries(backdated, owner):
    kit, wh = backdated["kit"], backdated["wh"]
    others = [kit.sku(f"X{i}") for i in range(5)]
    for s in others:
        kit.receive(s, wh, "10", "1", day=1)
        for i in range(4):
            kit.issue(s, wh, "1", day=10 + i)
        kit.receive(s, wh, "10", "2", day=3)  # 5 later moves each: a job per SKU
    ids = [backdated["a"].pk, backdated["b"].pk, *(s.pk for s in others)]
    with CaptureQueriesContext(connection) as q:
        flagged = selectors.recosting_skus(ids)
    assert len(q) == 1 and set(flagged) == set(ids) - {backdated["b"].pk}
    with CaptureQueriesContext(connection) as q:
        jobs = selectors.recost_jobs()
    assert len(q) == 3 and len(jobs) == 6
    assert all(j.total == 5 for j in jobs[:5]) and jobs[-1].total == 6
    with CaptureQueriesContext(connection) as q:
        by_sku = selectors.recosting_jobs_by_sku(ids)
    assert len(q) == 4 and by_sku[others[0].pk].skus[0].code == "X0"


def test_a_job_over_many_pools_is_estimated_in_one_shallow_query(backdated):
    """A backdated document of a few thousand lines leaves one job over as many pools: the
    estimate must not build an expression per pool (SQLite: maximum depth 1000)."""
    job = RecostJob.objects.get()
    [(pool_id, day, move_id)] = job.starts
    fake = [[pool_id + 10_000 + i, day, move_id + 1 + i] for i in range(3000)]
    RecostJob.objects.filter(pk=job.pk).update(starts=[[pool_id, day, move_id], *fake])
    [row] = selectors.recost_jobs()
    assert row.total == 6
