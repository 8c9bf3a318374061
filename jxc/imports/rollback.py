"""撤销导入: a confirmed import batch taken back as a whole — one applied in the background
that failed midway, one the user cancels while it runs, or one that finished.

A background import commits chunk by chunk (so that other users keep working), so a batch
that stops halfway has written part of its rows. Each import says how to take back what it
wrote (``ImportSpec.undo``), from what its writer recorded in the batch's result:

- master data (products with their SKUs, units and barcodes; customers, suppliers, accounts):
  the rows the batch created are deleted, in one transaction — refused, with nothing deleted,
  when something uses them by now (a document line, a stock move: roll that back first);
- opening stock: the ledger is append-only, so a posted opening-stock document is taken back
  through the ledger's own mechanism, 红冲 (``reverse_document``: the opposite moves, linked),
  one document per transaction; a draft is voided;
- opening receivables and payables: the batch's party-ledger entries are reversed by the
  party ledger's 红冲 (``reverse_party_entries``).

Cancelling first marks the batch's job failed (the worker's chunk in flight is rolled back
when it tries to record its progress: ``jxc.core.jobs``) and then takes back what the chunks
committed before. Every step is idempotent: a rollback stopped halfway can be run again. A
batch that updated existing codes (更新) cannot be rolled back: the old values are gone."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError, PermissionDenied
from jxc.core.services import record_audit
from jxc.imports.models import ImportBatch
from jxc.imports.registry import spec_for
from jxc.imports.spec import Context


class ImportNotUndoable(DomainError):
    code = "import_not_undoable"
    default_message = _("This import cannot be rolled back: %(reason)s")


class ImportInUse(DomainError):
    code = "import_in_use"
    default_message = _(
        "The rows of this import are in use by now (%(what)s): roll back what uses them first."
    )


S = ImportBatch.Status
UNDOABLE = (S.APPLYING, S.FAILED, S.DONE)


def _cancel_job(batch: ImportBatch) -> dict[str, Any]:
    """Stop the batch's background job (if it still runs) and return what its committed
    chunks recorded. The job row is locked first: a chunk committing now is waited for."""
    from jxc.core.models import ImportJob

    if batch.job_id is None:
        return dict(batch.result)
    job = ImportJob.objects.select_for_update().get(pk=batch.job_id)
    if job.status in (ImportJob.Status.PENDING, ImportJob.Status.RUNNING):
        job.status = ImportJob.Status.FAILED
        job.error = str(_("Cancelled: the import is being rolled back."))
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
    return {**dict(job.result), **dict(batch.result)}


def rollback_import(batch: ImportBatch, *, user) -> ImportBatch:
    """撤销导入: take back everything ``batch`` wrote; the batch reads 已撤销."""
    spec = spec_for(batch.kind)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.user_id != getattr(user, "pk", None) and not user.has_jxc_perm(spec.permission):
            raise PermissionDenied(perm=spec.permission)
        if batch.status not in UNDOABLE:
            raise ImportNotUndoable(
                reason=_("it is %(status)s.") % {"status": batch.get_status_display()}
            )
        if spec.undo is None:
            raise ImportNotUndoable(reason=_("this kind of import has no rollback."))
        if batch.mode == ImportBatch.Mode.UPDATE and batch.counts.get("update"):
            raise ImportNotUndoable(reason=_("it updated existing codes."))
        result = _cancel_job(batch)
        if batch.status == S.APPLYING:
            batch.status = S.FAILED
            batch.save(update_fields=["status"])
    ctx = Context(
        spec=spec, user=user, mode=batch.mode, options=dict(batch.options), batch_id=batch.pk
    )
    try:
        spec.undo(result, ctx)
    except (ProtectedError, RestrictedError) as exc:
        objs = list(
            exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        )
        what = objs[0]._meta.verbose_name if objs else "?"
        raise ImportInUse(what=what) from exc
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(status=S.UNDONE, items=[])
        record_audit(
            user=user,
            obj=batch,
            action="rollback",
            changes={"status": [batch.status, S.UNDONE]},
        )
    batch.refresh_from_db()
    return batch


def delete_created(*steps: tuple[Any, str, list[int]]) -> None:
    """Delete the rows a batch created, in one transaction (all or none): each step is a
    model, the field holding the ids and the ids, taken in the order given (children first)."""
    with transaction.atomic():
        for model, field, ids in steps:
            for i in range(0, len(ids), 500):
                model.objects.filter(**{f"{field}__in": ids[i : i + 500]}).delete()
