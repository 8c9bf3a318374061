"""Database constraints as field errors: no constraint's name ever reaches a user.

Django reports a violated ``CheckConstraint`` as "约束 “company_qty_decimals_lte_6” 是无效的",
and the database as ``CHECK constraint failed: …``. Both are turned here into an error on the
field the constraint is about, in words a user understands: the lookups of the condition say
what is allowed (``qty_decimals__lte=6`` → "不能大于 6", ``kind__in=…`` → "请选择有效的选项").

``validate_constraints(instance)`` is what ``save_audited`` runs instead of Django's own;
``constraint_errors(exc)`` maps an ``IntegrityError`` from a check the database made.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _

# lookup → Django's own validator message (translated by Django's catalog)
_LIMITS = {
    "lte": "Ensure this value is less than or equal to %(limit_value)s.",
    "lt": "Ensure this value is less than %(limit_value)s.",
    "gte": "Ensure this value is greater than or equal to %(limit_value)s.",
    "gt": "Ensure this value is greater than %(limit_value)s.",
}


def _leaves(condition) -> list[tuple[str, Any]]:
    """The (lookup, value) pairs of a Q, however nested."""
    out: list[tuple[str, Any]] = []
    for child in getattr(condition, "children", []):
        if isinstance(child, models.Q):
            out.extend(_leaves(child))
        elif isinstance(child, tuple) and len(child) == 2:
            out.append(child)
    return out


def constraint_field_errors(
    model: type[models.Model], constraint: models.BaseConstraint, instance=None
) -> dict[str, list[str]]:
    """What a violated ``constraint`` of ``model`` means, keyed by the field(s) it is about.
    With ``instance``, only the lookups its values break are named."""
    field_names = {f.name for f in model._meta.concrete_fields} | {
        f.attname for f in model._meta.concrete_fields
    }
    errors: dict[str, list[str]] = {}
    fields = getattr(constraint, "fields", ()) or ()
    if isinstance(constraint, models.UniqueConstraint) and fields:
        errors[fields[0]] = [_("This value is already in use.")]
        return errors
    for lookup, value in _leaves(getattr(constraint, "condition", None)):
        name, _sep, op = lookup.partition("__")
        if name not in field_names or isinstance(value, models.Expression | models.F):
            continue
        current = getattr(instance, name, None) if instance is not None else None
        if op in _LIMITS:
            if instance is not None and current is not None and _holds(op, current, value):
                continue
            from django.utils.translation import gettext as django_gettext

            message = django_gettext(_LIMITS[op]) % {"limit_value": value}
        elif op == "in":
            if instance is not None and current in value:
                continue
            message = _("Select a valid choice.")
        else:
            message = _("This value is not allowed.")
        errors.setdefault(name, [])
        if message not in errors[name]:
            errors[name].append(message)
    if not errors:
        errors[NON_FIELD_ERRORS] = [_("These values do not fit together.")]
    return errors


def _holds(op: str, current, limit) -> bool:
    try:
        return {
            "lte": current <= limit,
            "lt": current < limit,
            "gte": current >= limit,
            "gt": current > limit,
        }[op]
    except TypeError:
        return False


def validate_constraints(instance: models.Model, *, exclude=None) -> None:
    """Django's ``validate_constraints``, but a violated check is an error on its field in
    plain words instead of the constraint's name. Raises ``ValidationError`` (a dict)."""
    model = type(instance)
    errors: dict[str, list] = {}
    for constraint in model._meta.constraints:
        try:
            constraint.validate(model, instance, exclude=exclude)
        except ValidationError as exc:
            if isinstance(constraint, models.CheckConstraint):
                for name, msgs in constraint_field_errors(model, constraint, instance).items():
                    errors.setdefault(name, []).extend(msgs)
            else:
                # unique constraints keep Django's message and code ("unique" …)
                key: str = NON_FIELD_ERRORS
                fields: tuple[str, ...] = tuple(getattr(constraint, "fields", None) or ())
                if len(fields) == 1:
                    key = fields[0]
                errors.setdefault(key, []).extend(exc.error_list)
    if errors:
        raise ValidationError(errors)


_NAME_PATTERNS = (
    re.compile(r"CHECK constraint failed: (\w+)"),  # SQLite
    re.compile(r'violates check constraint "(\w+)"'),  # PostgreSQL
)


def constraint_named(name: str) -> tuple[type[models.Model], models.BaseConstraint] | None:
    from django.apps import apps

    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name == name:
                return model, constraint
    return None


def constraint_errors(exc: Exception) -> dict[str, list[str]] | None:
    """Field errors for a database's refusal of a row by one of our constraints, or None
    when ``exc`` names no constraint of ours."""
    text = str(exc)
    for pattern in _NAME_PATTERNS:
        match = pattern.search(text)
        if match and (found := constraint_named(match.group(1))) is not None:
            return constraint_field_errors(*found)
    return None
