"""core 0015: an import job's items leave its row for ``ImportJobItem`` — the items of a job
there is (waiting, or stopped midway) are carried over in their order, forward, and back into
the row on reverse; a job without items gets none."""

import pytest

from tests.support import latest_migrations, migrate_to

BEFORE = [("core", "0014_company_invoice_match_and_qc")]
AFTER = [("core", "0015_import_job_items_and_chunks")]

ITEMS = [{"row": 2, "code": "A001", "qty": "1.5"}, {"row": 3, "code": "A002"}, [1, "二"]]


@pytest.mark.django_db(transaction=True)
def test_a_jobs_items_are_carried_into_their_table_and_back(owner):
    apps = migrate_to(BEFORE)
    try:
        Job = apps.get_model("core", "ImportJob")
        common = {"kind": "import:products", "user_id": owner.pk, "handler": "x.y"}
        waiting = Job.objects.create(items=ITEMS, total=3, **common)
        stopped = Job.objects.create(
            items=[{"row": n} for n in range(1200)], total=1200, done=500, status="failed", **common
        )
        finished = Job.objects.create(items=[], total=9, done=9, status="done", **common)

        apps = migrate_to(AFTER)
        Item = apps.get_model("core", "ImportJobItem")

        def carried(job):
            rows = Item.objects.filter(job_id=job.pk).order_by("seq")
            return list(rows.values_list("seq", "data"))

        assert carried(waiting) == list(enumerate(ITEMS))
        assert carried(stopped) == [(n, {"row": n}) for n in range(1200)]
        assert carried(finished) == []
        Job = apps.get_model("core", "ImportJob")
        assert "items" not in {f.name for f in Job._meta.get_fields()}
        assert Job.objects.get(pk=stopped.pk).done == 500  # the progress is kept

        apps = migrate_to(BEFORE)
        Job = apps.get_model("core", "ImportJob")
        assert Job.objects.get(pk=waiting.pk).items == ITEMS
        assert Job.objects.get(pk=stopped.pk).items == [{"row": n} for n in range(1200)]
        assert Job.objects.get(pk=finished.pk).items == []
    finally:
        migrate_to(latest_migrations())
