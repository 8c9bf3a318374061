"""导入 screens, the same for every import (jxc.imports): the upload page with its template,
the preview (every problem with row and column, the errors copy, 新增 / 更新 / 跳过 for codes
that exist, confirm) and the progress of a large import applied in the background."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core.errors import DomainError, ImportRowsInvalid, NotFound, ValidationFailed
from jxc.imports import registry, services, workbook
from jxc.imports.models import ImportBatch
from jxc.imports.spec import BOOLEAN, DATE, ImportSpec
from jxc.web.generic.line_grid import date_input

POLL_SECONDS = 1
PREVIEW_ROWS = 200  # problems listed on the page (all of them are in the errors copy)


def _spec(request, kind: str) -> ImportSpec:
    try:
        spec = registry.spec_for(kind)
    except NotFound:
        raise Http404 from None
    if not request.user.has_jxc_perm(spec.permission):
        raise PermissionDenied
    return spec


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx)"))

    def __init__(self, *args, spec: ImportSpec, **kwargs):
        super().__init__(*args, **kwargs)
        for column in spec.options:
            if column.kind == DATE:
                field: forms.Field = forms.DateField(
                    label=column.label, required=column.required, widget=date_input()
                )
            elif column.kind == BOOLEAN:
                field = forms.BooleanField(label=column.label, required=False)
            else:
                field = forms.CharField(label=column.label, required=column.required)
            self.fields[column.name] = field
        if spec.key is not None:
            self.fields["mode"] = forms.ChoiceField(
                label=gettext_lazy("Codes that exist already"),
                choices=ImportBatch.Mode.choices,
                initial=ImportBatch.Mode.CREATE,
            )


@login_required
def import_hub(request):
    """导入: every import with its template and the last batches."""
    specs = [s for s in registry.available() if request.user.has_jxc_perm(s.permission)]
    batches = ImportBatch.objects.filter(user=request.user)[:20]
    return render(
        request,
        "web/imports/hub.html",
        {"title": _("Imports"), "specs": specs, "batches": batches},
    )


@login_required
def upload(request, kind: str):
    """上传: the file and the options; every row is checked and the preview shown."""
    spec = _spec(request, kind)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, spec=spec)
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            options = {c.name: form.cleaned_data.get(c.name) for c in spec.options}
            try:
                batch = services.preview_import(
                    kind,
                    user=request.user,
                    data=upload_file.read(),
                    filename=upload_file.name,
                    mode=form.cleaned_data.get("mode") or ImportBatch.Mode.CREATE,
                    options=options,
                )
            except ValidationFailed as exc:
                # the reason itself (not a file jxc can read …), on its field when it has one
                for name, errors in (exc.errors or {"": [str(exc)]}).items():
                    for message in errors:
                        form.add_error(name if name in form.fields else None, message)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("web:import_batch", pk=batch.pk)
    else:
        form = UploadForm(spec=spec)
    return render(
        request,
        "web/imports/upload.html",
        {"title": spec.title, "spec": spec, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def template_file(request, kind: str):
    """导入模板 (.xlsx): headers in the user's language, 说明, dropdowns, examples."""
    spec = _spec(request, kind)
    response = HttpResponse(workbook.template(spec), content_type=workbook.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{spec.filename}-template.xlsx"'
    return response


def _batch(request, pk: int) -> tuple[ImportBatch, ImportSpec]:
    batch = get_object_or_404(ImportBatch, pk=pk, user=request.user)
    return services.refresh_status(batch), _spec(request, batch.kind)


def _progress(batch: ImportBatch) -> dict:
    job = batch.job
    done, total = (job.done, job.total) if job else (0, 0)
    return {
        "done": done,
        "total": total,
        "percent": int(done * 100 / total) if total else 100,
        "error": job.error if job else "",
    }


def _back(batch: ImportBatch) -> str:
    """Where an import started elsewhere returns to (the count sheet of 导入实盘数)."""
    if batch.kind == "stock-count" and str(batch.options.get("count", "")).isdigit():
        return reverse("web:stock_count_count", args=[int(batch.options["count"])])
    return ""


UNDOABLE = (ImportBatch.Status.APPLYING, ImportBatch.Status.FAILED, ImportBatch.Status.DONE)


@login_required
def batch_detail(request, pk: int):
    """预览: counts, every problem (行号, 列, 原因), the errors copy, the choice for existing
    codes, and confirm; while applying in the background, the progress bar."""
    batch, spec = _batch(request, pk)
    context = {
        "title": spec.title,
        "spec": spec,
        "batch": batch,
        "problems": batch.problems[:PREVIEW_ROWS],
        "more_problems": max(len(batch.problems) - PREVIEW_ROWS, 0),
        "modes": ImportBatch.Mode.choices,
        "progress": _progress(batch),
        "poll_seconds": POLL_SECONDS,
        "back": _back(batch),
        # 撤销: any confirmed batch of a kind that can be taken back (inline or background)
        "undoable": spec.undo is not None and batch.status in UNDOABLE,
    }
    if request.htmx:
        return render(request, "web/imports/_partials/progress.html", context)
    status = 422 if batch.status == ImportBatch.Status.INVALID else 200
    return render(request, "web/imports/preview.html", context, status=status)


@login_required
def batch_mode(request, pk: int):
    """新增 / 更新 / 跳过: the same file previewed again with another choice."""
    batch, _unused = _batch(request, pk)
    if request.method != "POST":
        return redirect("web:import_batch", pk=pk)
    mode = request.POST.get("mode", "")
    try:
        new = services.repreview(batch, user=request.user, mode=mode)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("web:import_batch", pk=pk)
    return redirect("web:import_batch", pk=new.pk)


@login_required
def batch_confirm(request, pk: int):
    """确认导入: everything or nothing (large files: in the background, with progress)."""
    batch, spec = _batch(request, pk)
    if request.method != "POST":
        return redirect("web:import_batch", pk=pk)
    try:
        batch = services.confirm_import(batch, user=request.user)
    except ImportRowsInvalid as exc:
        messages.error(request, str(exc))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if batch.status == ImportBatch.Status.DONE:
            messages.success(request, _("Imported: %(title)s.") % {"title": spec.title})
    return redirect("web:import_batch", pk=batch.pk)


@login_required
def batch_rollback(request, pk: int):
    """撤销导入 / 取消: take back everything the batch wrote (a background import that failed
    or still runs is stopped first)."""
    from jxc.imports.rollback import rollback_import

    batch, spec = _batch(request, pk)
    if request.method != "POST":
        return redirect("web:import_batch", pk=pk)
    try:
        rollback_import(batch, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Rolled back: %(title)s.") % {"title": spec.title})
    return redirect("web:import_batch", pk=pk)


@login_required
def batch_errors(request, pk: int):
    """错误文件: the uploaded rows with an error column."""
    batch, spec = _batch(request, pk)
    response = HttpResponse(workbook.errors_copy(batch), content_type=workbook.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{spec.filename}-errors.xlsx"'
    return response


def upload_url(kind: str) -> str:
    return reverse("web:import_upload", kwargs={"kind": kind})


urlpatterns = [
    path("imports/", import_hub, name="import_hub"),
    path("imports/batches/<int:pk>/", batch_detail, name="import_batch"),
    path("imports/batches/<int:pk>/mode/", batch_mode, name="import_batch_mode"),
    path("imports/batches/<int:pk>/confirm/", batch_confirm, name="import_batch_confirm"),
    path("imports/batches/<int:pk>/errors/", batch_errors, name="import_batch_errors"),
    path("imports/batches/<int:pk>/rollback/", batch_rollback, name="import_batch_rollback"),
    path("imports/<slug:kind>/", upload, name="import_upload"),
    path("imports/<slug:kind>/template/", template_file, name="import_template"),
]
