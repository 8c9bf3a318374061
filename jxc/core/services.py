"""The shared kernel's writes: numbering, audit, company settings, roles, API tokens."""

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from jxc.core import audit, selectors
from jxc.core.errors import CostingLocked, DuplicateCode, NotFound, ValidationFailed
from jxc.core.models import ApiToken, AuditLog, Company, DocumentSequence, Role, User
from jxc.core.permissions import DEFAULT_ROLES
from jxc.core.validators import phone_validator

M = TypeVar("M", bound=models.Model)

# Default prefixes; the company may override any of them in its settings.
DEFAULT_PREFIXES: dict[str, str] = {}
# What each document type is called on screen (公司设置 lists one prefix per type).
DOCUMENT_TYPE_LABELS: dict[str, Any] = {}


def register_document_type(doc_type: str, prefix: str, *, label: Any = None) -> None:
    DEFAULT_PREFIXES[doc_type] = prefix
    if label is not None:
        DOCUMENT_TYPE_LABELS[doc_type] = label


def allocate_number(doc_type: str, *, day: dt.date) -> str:
    """Take the next number of a document type for a day, e.g. ``CGDD20261121-0001``.

    Runs in the caller's transaction: the counter row stays locked until it commits, so
    numbers are never handed out twice, and a rolled-back document gives its number back.
    One statement (insert the day's counter at 1, or add 1 to it; both databases lock the
    row it touches) instead of a savepoint, an insert, a locking read, an update and a read.
    """
    ops = connection.ops
    table = ops.quote_name(DocumentSequence._meta.db_table)
    last = ops.quote_name("last")
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (doc_type, day, {last}) VALUES (%s, %s, 1) "
            f"ON CONFLICT (doc_type, day) DO UPDATE SET {last} = {table}.{last} + 1 "
            f"RETURNING {last}",
            [doc_type, ops.adapt_datefield_value(day)],
        )
        number = cur.fetchone()[0]
    prefix = selectors.document_prefix(doc_type, DEFAULT_PREFIXES.get(doc_type, doc_type.upper()))
    return f"{prefix}{day:%Y%m%d}-{number:04d}"


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
) -> AuditLog:
    """Append one line to the audit log (who, when, what, which fields from → to, why),
    chained to the one before by its hash (jxc.core.audit)."""
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
    with transaction.atomic():
        audit.lock_chain()
        entry.entry_hash = audit.entry_hash(
            audit.last_hash(),
            at=entry.at,
            user_id=entry.user_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            object_repr=entry.object_repr,
            changes=entry.changes,
            reason=entry.reason,
        )
        entry.save()
    return entry


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
        instance.full_clean()
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


@transaction.atomic
def ensure_default_roles() -> dict[str, Role]:
    """Create the built-in roles if missing (their permission patterns are data, editable)."""
    roles = {}
    for code, (name, patterns) in DEFAULT_ROLES.items():
        role, _created = Role.objects.get_or_create(
            code=code, defaults={"name": str(name), "permissions": patterns}
        )
        roles[code] = role
    return roles


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    roles: list[str],
    first_name: str = "",
    is_superuser: bool = False,
    created_by: User | None = None,
) -> User:
    if User.objects.filter(username=username).exists():
        raise DuplicateCode(field="username", value=username)
    user = User(
        username=username, first_name=first_name, is_superuser=is_superuser, is_staff=is_superuser
    )
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    errors: dict[str, list[str]] = {}
    try:
        # The username's own rules (letters, digits and @.+-_ only, at most 150): the API
        # reaches this service without a form.
        user.clean_fields(exclude=[f.name for f in User._meta.fields if f.name != "username"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(errors)
    user.set_password(password)
    user.save()
    user.roles.set(Role.objects.filter(code__in=roles))
    record_audit(
        user=created_by, obj=user, action="create", changes={"roles": [None, sorted(roles)]}
    )
    return user


USER_EDITABLE_FIELDS = ("first_name", "last_name", "email", "phone", "language")


@transaction.atomic
def update_user(
    target: User, *, user: User | None, roles: list[str] | None = None, **fields: Any
) -> User:
    """修改用户: name, e-mail, phone, language and roles (audited). Not the password."""
    wrong = sorted(set(fields) - set(USER_EDITABLE_FIELDS))
    if wrong:
        raise ValidationFailed({k: [str(ValidationFailed.default_message)] for k in wrong})
    if isinstance(fields.get("phone"), str):
        fields["phone"] = fields["phone"].strip()
        if fields["phone"]:
            # Same rule as a supplier's or a warehouse's phone (the field has no validator).
            try:
                phone_validator(fields["phone"])
            except DjangoValidationError as exc:
                raise ValidationFailed({"phone": list(exc.messages)}) from exc
    for name, value in fields.items():
        setattr(target, name, value)
    save_audited(target, user=user, unique_fields=("username",))
    if roles is not None:
        found = list(Role.objects.filter(code__in=roles))
        unknown = sorted(set(roles) - {r.code for r in found})
        if unknown:
            from django.utils.translation import gettext

            message = gettext("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)}
            raise ValidationFailed({"roles": [message]})
        _ensure_not_locking_oneself_out(target, user=user, roles=found)
        before = sorted(target.roles.values_list("code", flat=True))
        target.roles.set(found)
        target.__dict__.pop("_jxc_patterns", None)
        if before != sorted(roles):
            record_audit(
                user=user, obj=target, action="update", changes={"roles": [before, sorted(roles)]}
            )
    return target


def check_own_password(target: User, *, password: str, request: Any) -> None:
    """The user's current password (修改密码), checked like a login: django-axes counts the
    failures for (user name, address) and locks out after ``AXES_FAILURE_LIMIT`` of them, for
    login and for this check alike (429 ``too_many_attempts``)."""
    from django.contrib.auth import authenticate
    from django.utils.translation import gettext

    from jxc.core.errors import TooManyAttempts

    found = authenticate(request, username=target.get_username(), password=password)
    if getattr(request, "axes_locked_out", False):
        # Answered here (JSON or the form), not by axes' middleware with the login page.
        request.axes_locked_out = False
        raise TooManyAttempts()
    if found is None or found.pk != target.pk:
        raise ValidationFailed(
            {
                "old_password": [
                    gettext("Your old password was entered incorrectly. Please enter it again.")
                ]
            }
        )


@transaction.atomic
def set_password(
    target: User, *, user: User | None, password: str, old_password: str | None = None
) -> User:
    """修改密码 (``old_password`` given: the user's own, checked first) or 重置密码 by someone
    who may edit users. Django's password validators decide; the audit says who, not what."""
    from django.contrib.auth.password_validation import validate_password
    from django.utils.translation import gettext

    if old_password is not None and not target.check_password(old_password):
        raise ValidationFailed(
            {
                "old_password": [
                    gettext("Your old password was entered incorrectly. Please enter it again.")
                ]
            }
        )
    try:
        validate_password(password, target)
    except DjangoValidationError as exc:
        raise ValidationFailed({"password": list(exc.messages)}) from exc
    target.set_password(password)
    target.save(update_fields=["password"])
    record_audit(user=user, obj=target, action="set_password")
    return target


def _ensure_not_locking_oneself_out(target: User, *, user: User | None, roles: list[Role]) -> None:
    """Whoever manages users cannot take that right away from themselves (nobody would be
    left to give it back but the command line)."""
    from jxc.core.permissions import matches

    if user is None or user.pk != target.pk or target.is_superuser:
        return
    keeps = matches([p for r in roles for p in r.permissions], "user.edit")
    if target.has_jxc_perm("user.edit") and not keeps:
        from django.utils.translation import gettext

        raise ValidationFailed(
            {"roles": [gettext("You cannot take away your own right to manage users.")]}
        )


_PATTERN = re.compile(r"^(\*|[a-z0-9_*]+\.[a-z0-9_*]+)$")


def _role_permissions(patterns: list[str] | None) -> tuple[list[str], list[str]]:
    """The patterns, trimmed and without repeats, and the ones that are not well-formed."""
    cleaned = list(dict.fromkeys(str(p).strip() for p in patterns or [] if str(p).strip()))
    return cleaned, [p for p in cleaned if not _PATTERN.match(p)]


def _save_role(role: Role, *, user: User | None, patterns: list[str] | None) -> Role:
    from django.utils.translation import gettext

    if patterns is not None:
        cleaned, wrong = _role_permissions(patterns)
        if wrong:
            message = gettext("Not a permission pattern: %(patterns)s") % {
                "patterns": ", ".join(wrong)
            }
            raise ValidationFailed({"permissions": [message]})
        if set(cleaned) != set(role.permissions or []):  # the same set in another order: no change
            role.permissions = cleaned
    role.name = (role.name or "").strip()
    role.code = (role.code or "").strip()
    return save_audited(role, user=user, unique_fields=("code",))


@transaction.atomic
def create_role(*, user: User | None, code: str, name: str, permissions: list[str]) -> Role:
    """新增角色: a named set of permission patterns (``product.*``, ``sales*.view``)."""
    return _save_role(Role(code=code, name=name, permissions=[]), user=user, patterns=permissions)


@transaction.atomic
def update_role(
    role: Role,
    *,
    user: User | None,
    name: str | None = None,
    code: str | None = None,
    permissions: list[str] | None = None,
) -> Role:
    """修改角色: name, code and permission patterns (audited). A built-in role keeps its code
    (the defaults are found by it); whoever manages users cannot take that right away from
    themselves through a role they hold."""
    from django.utils.translation import gettext

    role = Role.objects.select_for_update().get(pk=role.pk)
    if code is not None and code.strip() != role.code and role.code in DEFAULT_ROLES:
        raise ValidationFailed({"code": [gettext("A built-in role keeps its code.")]})
    if name is not None:
        role.name = name
    if code is not None:
        role.code = code
    if permissions is not None and user is not None and not user.is_superuser:
        holds = user.roles.filter(pk=role.pk).exists()
        if holds and user.has_jxc_perm("user.edit"):
            from jxc.core.permissions import matches

            others = [p for r in user.roles.exclude(pk=role.pk) for p in r.permissions]
            if not matches([*others, *permissions], "user.edit"):
                raise ValidationFailed(
                    {
                        "permissions": [
                            gettext("You cannot take away your own right to manage users.")
                        ]
                    }
                )
    role = _save_role(role, user=user, patterns=permissions)
    if user is not None:
        user.__dict__.pop("_jxc_patterns", None)
    return role


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a personal token; the plain token is returned once and never stored."""
    if not name.strip():
        raise ValidationFailed({"name": [str(ValidationFailed.default_message)]})
    plain = "jxc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=plain[:12], digest=_digest(plain)
    )
    record_audit(user=user, obj=token, action="create")
    return token, plain


@transaction.atomic
def revoke_api_token(*, token_id: int, user: User) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked_at=None).first()
    if token is None:
        raise NotFound()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_audit(user=user, obj=token, action="revoke")
    return token


def user_for_token(plain: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(plain), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


IDEMPOTENCY_WAIT_SECONDS = 2.0  # a racing retry waits this long for the first answer
IDEMPOTENCY_PENDING_TIMEOUT = dt.timedelta(minutes=10)  # a claim older than this was abandoned


def run_idempotent(
    *, user: User, key: str, path: str, body: bytes, create: Callable[[], tuple[int, Any]]
) -> tuple[int, Any]:
    """Run ``create`` once per (user, key, path): a retry with the same body gets the first
    answer back; the same key with another body is refused (422 idempotency_conflict).

    The key is claimed first, in a transaction of its own that commits at once, so callers
    racing with one key see the claim: they wait up to ``IDEMPOTENCY_WAIT_SECONDS`` for the
    first answer, then get 409 ``idempotency_in_progress``. The work and the answer commit
    together; a failed create releases the claim (a retry may try again). No caller is ever
    told about a resource that was rolled back."""
    import time

    from jxc.core.errors import IdempotencyConflict, IdempotencyInProgress
    from jxc.core.models import IdempotencyRecord

    digest = hashlib.sha256(body).hexdigest()
    who = {"user": user, "key": key, "path": path}
    deadline = time.monotonic() + IDEMPOTENCY_WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                claim = IdempotencyRecord.objects.create(**who, body_digest=digest)
            break
        except IntegrityError:
            pass
        found = IdempotencyRecord.objects.filter(**who).first()
        if found is None:
            continue  # the first caller failed and released the key: claim it again
        if found.body_digest != digest:
            raise IdempotencyConflict() from None
        if found.status_code is not None:
            return found.status_code, found.response
        if found.created_at < timezone.now() - IDEMPOTENCY_PENDING_TIMEOUT:
            # Abandoned (its process died mid-request): release it and claim afresh.
            IdempotencyRecord.objects.filter(pk=found.pk, status_code__isnull=True).delete()
            continue
        if time.monotonic() >= deadline:
            raise IdempotencyInProgress() from None
        time.sleep(0.05)
    try:
        with transaction.atomic():
            status, payload = create()
            if 200 <= status < 300:
                IdempotencyRecord.objects.filter(pk=claim.pk).update(
                    status_code=status, response=payload
                )
            else:
                IdempotencyRecord.objects.filter(pk=claim.pk).delete()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=claim.pk, status_code__isnull=True).delete()
        raise
    return status, payload
