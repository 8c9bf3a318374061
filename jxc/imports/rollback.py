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
  party ledger's 红冲 (``reverse_party_entries``);
- rows the batch updated (更新: a product's name and prices, a partner, an account, a supplier
  price; a count sheet's counted quantities): the writer recorded each changed field's value
  before and after (``remember``), and the old values are written back through the same
  services (``restore_updated``) — refused, with nothing changed, when one of those fields has
  been changed again since (``import_changed_since``: a later edit would be overwritten).

Cancelling first marks the batch's job failed (the worker's chunk in flight is rolled back
when it tries to record its progress: ``jxc.core.jobs``) and then takes back what the chunks
committed before. Every step is idempotent: a rollback stopped halfway can be run again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError, PermissionDenied
from jxc.core.services import record_audit, save_audited, snapshot
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


class ImportChangedSince(DomainError):
    code = "import_changed_since"
    default_message = _(
        "What this import wrote has been changed since (%(what)s): rolling it back would "
        "overwrite that later work."
    )


S = ImportBatch.Status
UNDOABLE = (S.APPLYING, S.FAILED, S.DONE)


def _cancel_job(batch: ImportBatch) -> dict[str, Any]:
    """Stop the batch's background job (if it still runs) and return what its committed
    chunks recorded. The job row is locked first: a chunk committing now is waited for."""
    from jxc.core.jobs import job_result
    from jxc.core.models import ImportJob

    if batch.job_id is None:
        return dict(batch.result)
    job = ImportJob.objects.select_for_update().get(pk=batch.job_id)
    if job.status in (ImportJob.Status.PENDING, ImportJob.Status.RUNNING):
        job.status = ImportJob.Status.FAILED
        job.error = str(_("Cancelled: the import is being rolled back."))
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
    return {**job_result(job), **dict(batch.result)}


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


# --- rows updated (更新) ---------------------------------------------------------------------

UPDATED = "updated"  # result key: "<app_label.model>:<pk>" → {"before": {…}, "after": {…}}


def remember(ctx: Context, obj: Any, before: dict[str, Any]) -> None:
    """After a writer updated ``obj``: record each field it changed, its value before (the
    ``snapshot`` taken before the update) and after, so that the rollback can restore it. The
    first value before wins (a chunk run again after a crash finds its own values)."""
    after = snapshot(type(obj)._default_manager.get(pk=obj.pk))
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        remember_values(ctx, type(obj), obj.pk, {k: before.get(k) for k in changed}, changed)


def remember_values(
    ctx: Context, model: Any, pk: int, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """``remember`` for a writer that updates set-based: the plain values (``snapshot``'s)."""
    entry = ctx.result.setdefault(UPDATED, {}).setdefault(
        f"{model._meta.label_lower}:{pk}", {"before": {}, "after": {}}
    )
    for name, value in before.items():
        entry["before"].setdefault(name, value)
    entry["after"].update(after)


Restore = Callable[..., Any]


def _save(obj: Any, /, *, user, **fields: Any) -> Any:
    for name, value in fields.items():
        setattr(obj, name, value)
    return save_audited(obj, user=user)


def restore_updated(result: dict[str, Any], ctx: Context, *, via: dict[Any, Restore]) -> int:
    """Write back the values the batch's updates replaced, each row through its service
    (``via``: model → ``update_x(obj, *, user, **fields)``; else validated and audited as
    master data). Refused with nothing written (``ImportChangedSince``) when a field the
    import changed holds another value by now. Returns the number of rows restored."""
    entries = result.get(UPDATED, {})
    plan, changed = [], []
    for key, entry in entries.items():
        label, pk = key.rsplit(":", 1)
        model = apps.get_model(label)
        obj = model._default_manager.select_for_update().filter(pk=pk).first()
        if obj is None:
            changed.append(f"{model._meta.verbose_name} #{pk}")
            continue
        now = snapshot(obj)
        if any(now.get(k) != v for k, v in entry["after"].items()):
            changed.append(f"{model._meta.verbose_name} {obj}")
            continue
        fields = {}
        for name, value in entry["before"].items():
            field = model._meta.get_field(name)
            fields[field.attname] = None if value is None else field.to_python(value)
        plan.append((obj, fields))
    if changed:
        more = len(changed) - 3
        raise ImportChangedSince(what=", ".join(changed[:3]) + (f" (+{more})" if more > 0 else ""))
    for obj, fields in plan:
        via.get(type(obj), _save)(obj, user=ctx.user, **fields)
    return len(plan)
