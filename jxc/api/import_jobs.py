"""导入任务: the progress of a large import applied in the background (jxc.core.jobs).

GET /import-jobs/{id}    status, done of total, result, error — the caller's own jobs
"""

import datetime as dt
from typing import Any

from ninja import Schema

from jxc.api.common import Router, get_or_404, open_to_users
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


def job_out(job: ImportJob) -> dict[str, Any]:
    return ImportJobOut.from_orm(job).model_dump()


@router.get("/import-jobs/{id}", response=ImportJobOut)
@open_to_users
def get_import_job(request, id: int):
    """One of the caller's import jobs: ``status`` pending → running → done (or failed, with
    ``error``); ``done`` of ``total`` rows applied so far."""
    return get_or_404(ImportJob.objects.filter(user=request.user), id)
