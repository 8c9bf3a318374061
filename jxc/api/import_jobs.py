"""导入任务: the progress of a large import applied in the background (jxc.core.jobs).

GET /import-jobs/{id}    status, done of total, result, error — the caller's own jobs
"""

import datetime as dt
from typing import Any

from ninja import Query, Schema

from jxc.api.common.errors import Router
from jxc.api.common.listing import Paging, listing, page_of
from jxc.api.common.permissions import get_or_404, open_to_users
from jxc.core.jobs import fail_stalled_imports, job_result
from jxc.core.models import ImportJob

router = Router(tags=["imports"])


class ImportJobOut(Schema):
    id: int
    kind: str
    status: str
    total: int
    done: int
    result: dict[str, Any]
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_result(job: ImportJob) -> dict[str, Any]:
        # what the committed chunks recorded (merged into the job's row once it is done)
        return job_result(job)


def visible_jobs(request):
    """One's own jobs; whoever may read the audit log (the owner) sees everyone's. A job
    whose worker died is shown failed, not running for ever (``fail_stalled_imports``)."""
    fail_stalled_imports()
    jobs = ImportJob.objects.all()
    if request.user.has_jxc_perm("audit.view"):
        return jobs
    return jobs.filter(user=request.user)


@router.get("/import-jobs", response=page_of(ImportJobOut))
@open_to_users
def list_import_jobs(request, query: Query[Paging]):
    """Import jobs, newest first: the caller's own (everyone's with ``audit.view``)."""
    return listing(request, visible_jobs(request), None, query)


@router.get("/import-jobs/{id}", response=ImportJobOut)
@open_to_users
def get_import_job(request, id: int):
    """One of the caller's import jobs: ``status`` pending → running → done (or failed, with
    ``error``); ``done`` of ``total`` rows applied so far. A running job whose worker has
    committed nothing for 5 minutes lost its worker: it answers failed, with the reason."""
    return get_or_404(visible_jobs(request), id)
