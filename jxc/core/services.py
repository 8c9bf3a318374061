"""The shared kernel's writes: numbering, audit, activation, company settings (users and roles:
``jxc.core.accounts``; idempotent creation: ``jxc.core.idempotency``)."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from jxc.core import audit, selectors
from jxc.core.errors import CostingLocked, DuplicateCode, ValidationFailed
from jxc.core.models import AuditLog, Company, DocumentSequence, User
from jxc.core.statements import fetch

M = TypeVar("M", bound=models.Model)

# Default prefixes; the company may override any of them in its settings.
DEFAULT_PREFIXES: dict[str, str] = {}
# What each document type is called on screen (公司设置 lists one prefix per type).
DOCUMENT_TYPE_LABELS: dict[str, Any] = {}


def register_document_type(doc_type: str, prefix: str, *, label: Any = None) -> None:
    DEFAULT_PREFIXES[doc_type] = prefix
    if label is not None:
        DOCUMENT_TYPE_LABELS[doc_type] = label


def allocate_number(doc_type: str, *, day: dt.date, prefixes: dict[str, str] | None = None) -> str:
    """Take the next number of a document type for a day, e.g. ``CGDD20261121-0001``.

    Runs in the caller's transaction: the counter row stays locked until it commits, so
    numbers are never handed out twice, and a rolled-back document gives its number back.
    One statement (insert the day's counter at 1, or add 1 to it; both databases lock the
    row it touches) instead of a savepoint, an insert, a locking read, an update and a read.
    ``prefixes``: the company's, when the caller has read them already.
    """
    return allocate_numbers(doc_type, day=day, count=1, prefixes=prefixes)[0]


def allocate_numbers(
    doc_type: str, *, day: dt.date, count: int, prefixes: dict[str, str] | None = None
) -> list[str]:
    """The next ``count`` numbers of a document type for a day, consecutive, in one statement
    (the counter moved by ``count``): what ``count`` calls of :func:`allocate_number` in a
    row would give, for documents written as one set."""
    top = fetch(*number_statement(doc_type, day=day, count=count))[0][0]
    return numbers_from(doc_type, day=day, count=count, top=top, prefixes=prefixes)


def number_statement(doc_type: str, *, day: dt.date, count: int) -> tuple[str, list[Any]]:
    """The statement of :func:`allocate_numbers` (SQL, parameters): its one row holds the
    counter's new value."""
    ops = connection.ops
    table = ops.quote_name(DocumentSequence._meta.db_table)
    last = ops.quote_name("last")
    return (
        f"INSERT INTO {table} (doc_type, day, {last}) VALUES (%s, %s, %s) "
        f"ON CONFLICT (doc_type, day) DO UPDATE SET {last} = {table}.{last} + %s "
        f"RETURNING {last}",
        [doc_type, ops.adapt_datefield_value(day), count, count],
    )


def numbers_from(
    doc_type: str, *, day: dt.date, count: int, top: int, prefixes: dict[str, str] | None
) -> list[str]:
    """The ``count`` numbers up to the counter's new value ``top``."""
    default = DEFAULT_PREFIXES.get(doc_type, doc_type.upper())
    if prefixes is None:
        prefix = selectors.document_prefix(doc_type, default)
    else:
        prefix = prefixes.get(doc_type) or default
    return [f"{prefix}{day:%Y%m%d}-{n:04d}" for n in range(top - count + 1, top + 1)]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Normalised, so the audit shows 1.5 whether the row holds 1.5 or 1.500000.
        return format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str | dict):
        return value
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The audited view of a row: its concrete, editable fields as plain values."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        if field.is_relation:
            data[field.name] = _plain(getattr(instance, field.attname))
        else:
            data[field.name] = _plain(getattr(instance, field.attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record_audit(
    *,
    user: User | None,
    obj: models.Model,
    action: str,
    changes: dict | None = None,
    reason: str = "",
    before: tuple[str, list[Any]] | None = None,
) -> AuditLog:
    """Append one line to the audit log (who, when, what, which fields from → to, why),
    chained to the one before by its hash (jxc.core.audit). ``before``: a statement to run
    first in the same round trip (``audit.append``)."""
    entry = AuditLog(
        at=timezone.now(),
        user=user if user is not None and user.pk else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes or {},
        reason=reason[:500],
    )
    # one statement: the chain's head is read and the hash taken by the database
    entry.pk, entry.entry_hash = audit.append(
        at=entry.at,
        user_id=entry.user_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        changes=entry.changes,
        reason=entry.reason,
        before=before,
    )
    entry._state.adding = False
    return entry


def record_audit_steps(
    *,
    user: User | None,
    obj: models.Model,
    steps: list[tuple[str, dict]],
    reason: str = "",
    before: tuple[str, list[Any]] | None = None,
) -> None:
    """One audit line per step (action, changes) of one object, in order, each chained to
    the one before it (``audit.append_each``: one round trip on PostgreSQL, with ``before``).
    As :func:`record_audit` without building the ``AuditLog`` rows (the document flow's
    steps do not use them)."""
    record_audit_each(
        user=user, steps=[(obj, a, c) for a, c in steps], reason=reason, before=before
    )


def record_audit_each(
    *,
    user: User | None,
    steps: Sequence[tuple[models.Model, str, dict]],
    reason: str = "",
    before: tuple[str, list[Any]] | None = None,
) -> None:
    """One audit line per (object, action, changes), in order, each chained to the one before
    it, all in one round trip on PostgreSQL: :func:`record_audit_steps` for the steps of
    several objects written as one set (the 收款单 of a split payment)."""
    at = timezone.now()
    user_id = user.pk if user is not None and user.pk else None
    audit.append_each(
        [
            {
                "at": at,
                "user_id": user_id,
                "object_type": obj._meta.label_lower,
                "object_id": str(obj.pk),
                "object_repr": str(obj)[:200],
                "reason": reason[:500],
                "action": action,
                "changes": changes,
            }
            for obj, action, changes in steps
        ],
        before=before,
        returning=False,
    )


def _full_clean(instance: models.Model) -> None:
    """``full_clean`` with a violated check constraint reported on its field in plain words
    (jxc.core.constraints), never by the constraint's name."""
    from jxc.core.constraints import validate_constraints

    errors: dict[str, list] = {}
    try:
        instance.full_clean(validate_constraints=False)
    except DjangoValidationError as exc:
        errors = (
            dict(exc.error_dict)
            if hasattr(exc, "error_dict")
            else {NON_FIELD_ERRORS: exc.error_list}
        )
    try:
        validate_constraints(instance, exclude=set(errors))
    except DjangoValidationError as exc:
        for name, errs in exc.error_dict.items():
            errors.setdefault(name, []).extend(errs)
    if errors:
        raise DjangoValidationError(errors)


def save_audited(
    instance: M,
    *,
    user: User | None,
    unique_fields: tuple[str, ...] = (),
    action: str | None = None,
) -> M:
    """Validate, save and audit a master-data row in one step.

    Field errors (``full_clean``) become ValidationFailed; a race on a unique column
    becomes DuplicateCode. The audit line records exactly the fields that changed.
    """
    creating = instance.pk is None
    before = {} if creating else snapshot(type(instance)._default_manager.get(pk=instance.pk))
    try:
        _full_clean(instance)
    except DjangoValidationError as exc:
        errors = getattr(exc, "error_dict", {})
        for name in unique_fields:
            if any(e.code == "unique" for e in errors.get(name, [])):
                raise DuplicateCode(field=name, value=getattr(instance, name, "")) from exc
        # A unique constraint over several columns (a bin code per warehouse) lands here.
        together = errors.get(NON_FIELD_ERRORS, [])
        if unique_fields and any(e.code in ("unique", "unique_together") for e in together):
            name = unique_fields[0]
            raise DuplicateCode(field=name, value=getattr(instance, name, "")) from exc
        raise ValidationFailed(getattr(exc, "message_dict", {"__all__": exc.messages})) from exc
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        from jxc.core.constraints import constraint_errors

        if (found := constraint_errors(exc)) is not None:
            raise ValidationFailed(found) from exc
        field = next(
            (f for f in unique_fields if f in str(exc)), unique_fields[0] if unique_fields else None
        )
        raise DuplicateCode(
            field=field, value=getattr(instance, field, "") if field else ""
        ) from exc
    changes = diff(before, snapshot(instance))
    if creating or changes:
        record_audit(
            user=user,
            obj=instance,
            action=action or ("create" if creating else "update"),
            changes=changes,
        )
    return instance


def set_active(instance: M, *, active: bool, user: User | None, reason: str = "") -> M:
    """停用 / 启用: master data referenced by documents is deactivated, never deleted."""
    if instance.is_active == active:  # type: ignore[attr-defined]
        return instance
    type(instance)._default_manager.filter(pk=instance.pk).update(is_active=active)
    instance.is_active = active  # type: ignore[attr-defined]
    record_audit(
        user=user,
        obj=instance,
        action="activate" if active else "deactivate",
        changes={"is_active": [not active, active]},
        reason=reason,
    )
    return instance


# Fixed once anything is posted (docs/adr/0003): pools, layers and every booked value were
# built under them, and no re-valuation of the books exists.
COSTING_FIELDS = ("costing_method", "cost_scope")


@transaction.atomic
def update_company(*, user: User | None, **fields: Any) -> Company:
    """公司设置: save the settings; the costing method and cost pool only while nothing is posted."""
    company = Company.objects.select_for_update().get(pk=selectors.company().pk)
    changed = [f for f in COSTING_FIELDS if f in fields and fields[f] != getattr(company, f)]
    if changed and selectors.anything_posted():
        raise CostingLocked(field=changed[0])
    for name, value in fields.items():
        setattr(company, name, value)
    save_audited(company, user=user)
    return company
