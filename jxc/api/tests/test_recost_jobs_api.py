"""成本重算 through the API: ``recosting`` on 即时库存 rows and GET /stock/recost-jobs while a
large backdated posting waits for its background job, and after it has run."""

import pytest

from jxc.api.tests.conftest import call
from jxc.inventory.ledger import writer as ledger
from jxc.inventory.ledger.tasks import run_recost
from jxc.inventory.models import RecostJob
from jxc.inventory.testing import LedgerKit

pytestmark = pytest.mark.django_db


@pytest.fixture
def backdated(owner, monkeypatch):
    monkeypatch.setattr(ledger, "RECOST_THRESHOLD", 3)
    kit = LedgerKit(user=owner)
    a, b = kit.sku("A"), kit.sku("B")
    wh = kit.warehouse("ZC")
    kit.receive(a, wh, "100", "10", day=1)
    kit.receive(b, wh, "5", "3", day=1)
    for i in range(5):
        kit.issue(a, wh, "1", day=10 + i)
    late = kit.receive(a, wh, "100", "20", day=5)
    return {"a": a, "b": b, "late": late, "job": RecostJob.objects.get()}


def flags(client) -> dict[str, bool]:
    status, body = call(client, "get", "/stock/balances")
    assert status == 200, body
    return {r["sku_code"]: r["recosting"] for r in body["items"]}


def test_recosting_flag_and_job_until_the_job_has_run(client_owner, backdated):
    job = backdated["job"]
    assert flags(client_owner) == {"A": True, "B": False}
    status, body = call(client_owner, "get", "/stock/recost-jobs")
    assert status == 200, body
    [row] = body
    assert row["id"] == job.pk and row["status"] == "pending" and row["active"] is True
    assert row["status_label"] == "等待中"
    assert row["sku_ids"] == [backdated["a"].pk]
    assert row["skus"] == [{"sku_id": backdated["a"].pk, "sku_code": "A", "sku_name": "商品A"}]
    assert (row["done"], row["total"], row["percent"]) == (0, 6, 0)
    assert row["source"] == backdated["late"].source_number
    assert row["started_at"] is None and row["finished_at"] is None and row["error"] == ""
    assert call(client_owner, "get", "/stock/recost-jobs", {"active": True})[1] == body

    # 库存流水 and 收发存汇总 rows say it too
    status, body = call(client_owner, "get", "/stock/moves")
    assert {(r["sku_code"], r["recosting"]) for r in body["items"]} == {("A", True), ("B", False)}
    status, body = call(client_owner, "get", "/stock/moves", {"sku_id": backdated["a"].pk})
    assert len(body["items"]) == 7 and all(r["recosting"] for r in body["items"])
    summary = {"year": 2026, "month": 1}
    status, body = call(client_owner, "get", "/stock/movement-summary", summary)
    assert status == 200, body
    assert {r["sku_code"]: r["recosting"] for r in body["items"]} == {"A": True, "B": False}
    assert body["totals"]["recosting"] is False

    run_recost(job.pk)

    assert flags(client_owner) == {"A": False, "B": False}
    status, body = call(client_owner, "get", "/stock/moves")
    assert not any(r["recosting"] for r in body["items"])
    status, body = call(client_owner, "get", "/stock/movement-summary", summary)
    assert not any(r["recosting"] for r in body["items"])
    status, body = call(client_owner, "get", "/stock/recost-jobs")
    [row] = body
    assert row["status"] == "done" and row["active"] is False and row["percent"] == 100
    assert row["done"] == row["total"] >= 6 and row["finished_at"] is not None
    assert call(client_owner, "get", "/stock/recost-jobs", {"active": True}) == (200, [])


def test_recost_jobs_need_stock_view(client_for, user_factory, backdated):
    status, body = call(client_for(user_factory(roles=[])), "get", "/stock/recost-jobs")
    assert status == 403
    status, body = call(client_for(user_factory(roles=["sales"])), "get", "/stock/recost-jobs")
    assert status == 200 and len(body) == 1


def test_recost_jobs_limit_is_validated(client_owner, backdated):
    status, body = call(client_owner, "get", "/stock/recost-jobs", {"limit": 0})
    assert status == 422, body
