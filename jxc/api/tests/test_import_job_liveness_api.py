"""GET /import-jobs/{id} of a job whose worker died answers failed with the reason, not
"running" for ever (issue 11 §3; the lease: jxc/core/tests/test_import_job_lease.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from jxc.api.tests.conftest import call
from jxc.core.models import ImportJob

pytestmark = pytest.mark.django_db


def test_a_job_whose_worker_died_reads_as_failed(client_owner, owner):
    stalled = ImportJob.objects.create(
        kind="stock_count",
        user=owner,
        handler="jxc.imports.services.apply_import_chunk",
        total=4000,
        done=1500,
        status="running",
        started_at=timezone.now() - dt.timedelta(minutes=20),
        heartbeat_at=timezone.now() - dt.timedelta(minutes=15),
    )
    fresh = ImportJob.objects.create(
        kind="stock_count",
        user=owner,
        handler="jxc.imports.services.apply_import_chunk",
        total=4000,
        status="running",
        heartbeat_at=timezone.now(),
    )
    status, body = call(client_owner, "get", f"/import-jobs/{stalled.pk}")
    assert status == 200 and body["status"] == "failed" and body["finished_at"]
    assert "后台任务进程" in body["error"] and "1500" in body["error"], body["error"]
    status, page = call(client_owner, "get", "/import-jobs")
    states = {x["id"]: x["status"] for x in page["items"]}
    assert states == {stalled.pk: "failed", fresh.pk: "running"}
