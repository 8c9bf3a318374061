"""导入 (jxc.imports): the same endpoints for every import.

GET  /imports                         the imports and their columns
GET  /imports/{kind}/template         the template (.xlsx)
POST /imports/{kind}/preview          upload: every row checked, nothing written (the batch)
GET  /import-batches/{id}             a batch: status, counts, problems (行号, 列, 原因)
GET  /import-batches/{id}/errors      the uploaded file with an error column (.xlsx)
POST /import-batches/{id}/confirm     write the previewed rows: 200 done, 202 in the background
                                      (follow ``GET /import-jobs/{job_id}``)
POST /import-batches/{id}/rollback    take back everything the batch wrote (cancels a running one)
"""

import datetime as dt
import json
from typing import Any

from django.http import HttpResponse
from ninja import File, Form, Schema
from ninja.files import UploadedFile

from jxc.api.common.errors import ErrorOut, Router
from jxc.api.common.permissions import get_or_404, open_to_users
from jxc.core.errors import PermissionDenied, ValidationFailed
from jxc.imports import registry, services, workbook
from jxc.imports.models import ImportBatch

router = Router(tags=["imports"])


class ColumnOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    choices: list[str]


class ImportOut(Schema):
    kind: str
    title: str
    permission: str
    key: str | None
    columns: list[ColumnOut]
    options: list[ColumnOut]


class ProblemOut(Schema):
    row: int
    column: str
    message: str


class ImportBatchOut(Schema):
    id: int
    kind: str
    filename: str
    mode: str
    status: str
    total: int
    counts: dict[str, int]
    problems: list[ProblemOut]
    result: dict[str, Any]
    job_id: int | None
    created_at: dt.datetime
    confirmed_at: dt.datetime | None


def _columns(columns) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "label": str(c.label),
            "type": c.kind,
            "required": c.required,
            "choices": [v for v, _label in c.choice_pairs()] if c.kind == "choice" else [],
        }
        for c in columns
    ]


def _spec(request, kind: str):
    spec = registry.spec_for(kind)
    if not request.user.has_jxc_perm(spec.permission):
        raise PermissionDenied(perm=spec.permission)
    return spec


def batch_out(batch: ImportBatch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "filename": batch.filename,
        "mode": batch.mode,
        "status": batch.status,
        "total": batch.total,
        "counts": batch.counts,
        "problems": [
            {"row": int(p["row"]), "column": p["column"], "message": p["message"]}
            for p in batch.problems
        ],
        "result": batch.result,
        "job_id": batch.job_id,
        "created_at": batch.created_at,
        "confirmed_at": batch.confirmed_at,
    }


@router.get("/imports", response=list[ImportOut])
@open_to_users
def list_imports(request):
    """The imports the caller may run, with their columns (Chinese headers in ``label``)."""
    return [
        {
            "kind": s.kind,
            "title": str(s.title),
            "permission": s.permission,
            "key": s.key,
            "columns": _columns(s.columns),
            "options": _columns(s.options),
        }
        for s in registry.available()
        if request.user.has_jxc_perm(s.permission)
    ]


@router.get("/imports/{kind}/template", response={200: str})
@open_to_users
def import_template(request, kind: str):
    """The import's template: headers, a 说明 sheet, dropdowns for choices, example rows."""
    spec = _spec(request, kind)
    response = HttpResponse(workbook.template(spec), content_type=workbook.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{spec.filename}-template.xlsx"'
    return response


@router.post(
    "/imports/{kind}/preview", response={200: ImportBatchOut, 422: ImportBatchOut | ErrorOut}
)
@open_to_users
def preview(
    request,
    kind: str,
    file: File[UploadedFile],
    mode: Form[str] = "create",
    options: Form[str] = "{}",
):
    """导入预览: every row checked (and tried in a transaction that is rolled back); nothing
    written. 200 ``ready`` with counts (create / update / skip), or 422 ``invalid`` with every
    problem. ``mode`` (create / update / skip) says what to do with codes that exist;
    ``options`` is a JSON object (e.g. ``{"date": "2026-01-01", "post": true}``)."""
    _spec(request, kind)
    try:
        parsed = json.loads(options or "{}")
    except ValueError:
        raise ValidationFailed({"options": ["JSON"]}) from None
    if not isinstance(parsed, dict):
        raise ValidationFailed({"options": ["JSON"]})
    batch = services.preview_import(
        kind,
        user=request.user,
        data=file.read(),
        filename=file.name or "",
        mode=mode,
        options=parsed,
    )
    return (422 if batch.status == ImportBatch.Status.INVALID else 200), batch_out(batch)


def _own(request, id: int) -> ImportBatch:
    batch = get_or_404(ImportBatch.objects.filter(user=request.user), id)
    return services.refresh_status(batch)


@router.get("/import-batches/{id}", response=ImportBatchOut)
@open_to_users
def get_batch(request, id: int):
    """One of the caller's import batches."""
    return batch_out(_own(request, id))


@router.get("/import-batches/{id}/errors", response={200: str})
@open_to_users
def batch_errors(request, id: int):
    """The uploaded file with an error column (.xlsx)."""
    batch = _own(request, id)
    response = HttpResponse(workbook.errors_copy(batch), content_type=workbook.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{batch.kind}-errors.xlsx"'
    return response


@router.post("/import-batches/{id}/rollback", response={200: ImportBatchOut})
@open_to_users
def rollback_batch(request, id: int):
    """撤销导入: take back everything a confirmed batch wrote — a background import that failed
    midway, one still running (cancelled first) or one that finished; rows it updated get
    their old values back. A 422 ``import_in_use`` when something uses its rows by now,
    ``import_changed_since`` when a value it wrote has been changed since (or its count sheet
    is no longer a draft), ``import_not_undoable`` when the batch is not confirmed or is
    rolled back already."""
    from jxc.imports.rollback import rollback_import

    return 200, batch_out(rollback_import(_own(request, id), user=request.user))


@router.post("/import-batches/{id}/confirm", response={200: ImportBatchOut, 202: ImportBatchOut})
@open_to_users
def confirm(request, id: int):
    """确认导入: all rows or none (200); more than 2,000 rows go to the background (202,
    ``job_id``: follow ``GET /import-jobs/{job_id}``). A row the database refuses by now
    (someone took the code meanwhile) is a 422 ``import_rows_invalid`` and nothing is written."""
    batch = services.confirm_import(_own(request, id), user=request.user)
    return (202 if batch.status == ImportBatch.Status.APPLYING else 200), batch_out(batch)
