"""Users, roles and personal API tokens: who may sign in, what they may do, and the tokens
that let scripts act for them."""

import hashlib
import re
import secrets
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from jxc.core.errors import DuplicateCode, NotFound, ValidationFailed
from jxc.core.models import ApiToken, Role, User
from jxc.core.permissions import DEFAULT_ROLES
from jxc.core.services import record_audit, save_audited
from jxc.core.validators import phone_validator


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
