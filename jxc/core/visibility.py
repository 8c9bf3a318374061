"""Hidden figures, declared where the figure is declared; every edge redacts by the mark.

Two marks:

``COST``  a cost figure — unit cost, value, cost amount, purchase price, cost variance,
          gain/loss value, stock value, margin, profit. Users without ``cost.view`` do not
          get it: absent from API answers and exports, ``***`` on screens and prints.
``BOOK``  a figure that gives a blind count's book quantity away (book quantity, variance
          quantities and values). Hidden from every user while a blind count is being
          counted (docs/cost-visibility.md).

Where a mark is declared (the tiny API)::

    value = mark(MoneyField(_("value")), COST)            # model field
    value: Decimal | None = Cost(None)                    # ninja / pydantic schema field
    loss_qty: Decimal | None = Marked(BOOK, default=None) # schema field, other marks
    Column("value")                                       # a screen / export column takes
    Column("margin", marks={COST})                        # its model field's marks, or its own

and what an edge asks:

    hidden_marks(user, blind=…)      the marks this user must not see (here, now)
    field_marks(model, "sku__value") the marks of a model field (``__`` paths followed)
    schema_marks(SchemaOrField)      the marks of a schema field (``model_fields[name]``)
    redact(data, user, schema)       JSON-ready data shaped like ``schema`` without the
                                     fields the user may not see (COST: key dropped;
                                     BOOK: null, the schema declares them nullable)
    blank(data, schema, BOOK)        the marked fields null (a blind count being counted)

No edge decides by a field's name.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

COST = "cost"
BOOK = "book"
MARKS = frozenset({COST, BOOK})
MASK = "***"

# The JSON-schema key that carries a schema field's marks (visible in /api/v1/openapi.json).
SCHEMA_KEY = "x-hidden"
_ATTR = "jxc_marks"
NONE: frozenset[str] = frozenset()


# --- declaring ---------------------------------------------------------------------------------


def mark(field: Any, *marks: str) -> Any:
    """Mark a model field (or any declared object) with ``marks``; returns it unchanged
    otherwise, so it reads as a wrapper: ``value = mark(MoneyField(…), COST)``."""
    unknown = set(marks) - MARKS
    if unknown:
        raise ValueError(f"unknown marks: {sorted(unknown)}")
    setattr(field, _ATTR, frozenset(getattr(field, _ATTR, NONE)) | frozenset(marks))
    return field


def Marked(*marks: str, default: Any = ..., **kwargs: Any) -> Any:
    """A schema field with ``marks`` (``Field(default, …)`` plus the mark)."""
    unknown = set(marks) - MARKS
    if unknown:
        raise ValueError(f"unknown marks: {sorted(unknown)}")
    extra = dict(kwargs.pop("json_schema_extra", None) or {})
    extra[SCHEMA_KEY] = sorted(marks)
    return Field(default, json_schema_extra=extra, **kwargs)


def Cost(default: Any = ..., **kwargs: Any) -> Any:
    """A schema field holding a cost figure: ``unit_cost: Decimal | None = Cost(None)``."""
    return Marked(COST, default=default, **kwargs)


# --- reading marks --------------------------------------------------------------------------


def marks_of(obj: Any) -> frozenset[str]:
    """The marks of a declared thing: a model field, a pydantic ``FieldInfo``, a column."""
    if isinstance(obj, FieldInfo):
        extra = obj.json_schema_extra
        if isinstance(extra, dict):
            return frozenset(extra.get(SCHEMA_KEY) or ())  # type: ignore[arg-type]
        return NONE
    return frozenset(getattr(obj, _ATTR, NONE))


def field_marks(model: Any, path: str) -> frozenset[str]:
    """The marks of the model field at the end of ``path`` (``a__b__c``); none when it is not
    a model field."""
    current = model
    field = None
    for part in path.replace(".", "__").split("__"):
        try:
            field = current._meta.get_field(part)
        except Exception:  # FieldDoesNotExist, or not a model
            return NONE
        current = field.related_model
    return marks_of(field)


def marked_fields(model: Any, *marks: str) -> list[str]:
    """Names of ``model``'s concrete fields carrying any of ``marks``."""
    wanted = frozenset(marks) or MARKS
    return [f.name for f in model._meta.get_fields() if marks_of(f) & wanted]


def schema_marks(schema: type[BaseModel], name: str) -> frozenset[str]:
    info = schema.model_fields.get(name)
    return marks_of(info) if info is not None else NONE


# --- who sees what ------------------------------------------------------------------------------


def can_view_cost(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.can_view_cost
    )


def hidden_marks(user, *, blind: bool = False) -> frozenset[str]:
    """The marks ``user`` may not see; ``blind``: the figures belong to a blind count that is
    being counted, whose book quantity nobody sees (docs/cost-visibility.md)."""
    hidden = set()
    if not can_view_cost(user):
        hidden.add(COST)
    if blind:
        hidden.add(BOOK)
    return frozenset(hidden)


def shows(marks: Iterable[str], user, *, blind: bool = False) -> bool:
    """May ``user`` see a figure with these marks?"""
    return not (frozenset(marks) & hidden_marks(user, blind=blind))


# --- redacting a model's field values (操作记录 changes, snapshots) ----------------------------


def redact_record(model: Any, data: Any, user, *, mask: Any = None) -> Any:
    """A model's field values (``{name: value}``; an audit line's ``{name: [before, after]}``)
    without what ``user`` may not see: marked fields dropped, or shown as ``mask`` when given.
    Values under a relation (a SKU's ``units``) are rows of the related model."""
    hidden = hidden_marks(user)
    if not hidden or model is None:
        return data
    return _record(model, data, hidden, mask)


def _record(model: Any, data: Any, hidden: frozenset[str], mask: Any) -> Any:
    if isinstance(data, list | tuple):
        return [_record(model, v, hidden, mask) for v in data]
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        try:
            field = model._meta.get_field(str(key))
        except Exception:  # not a field: an extra key such as "stock_limit:ZC"
            out[key] = value
            continue
        if marks_of(field) & hidden:
            if mask is not None:
                out[key] = _masked(value, mask)
            continue
        related = field.related_model if field.is_relation else None
        out[key] = _record(related, value, hidden, mask) if related is not None else value
    return out


def _masked(value: Any, mask: Any) -> Any:
    # An audit pair [before, after] keeps its shape: [***, ***].
    if isinstance(value, list) and len(value) == 2:
        return [mask, mask]
    return mask


# --- redacting JSON-ready data by a schema's marks ------------------------------------------


def redact(data: Any, user, schema: Any = None, *, blind: bool = False) -> Any:
    """``data`` (dicts/lists shaped like ``schema``, a pydantic model or a type such as
    ``list[Model]``) without what ``user`` may not see: COST fields dropped, BOOK fields null.
    A copy; the input is not changed. Data outside any schema passes unchanged."""
    hidden = hidden_marks(user, blind=blind)
    if not hidden or schema is None:
        return data
    return _redact(data, schema, hidden, drop=COST in hidden)


def blank(data: Any, schema: Any, *marks: str) -> Any:
    """``data`` with the fields ``schema`` marks with any of ``marks`` set to null (the keys
    stay: for a view's answer that is still to be validated against ``schema``)."""
    return _redact(data, schema, frozenset(marks), drop=False)


def _redact(data: Any, annotation: Any, hidden: frozenset[str], *, drop: bool) -> Any:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _redact(data, args[0], hidden, drop=drop)
    if origin is typing.Union or isinstance(annotation, types.UnionType):
        for arg in args:
            if _fits(data, arg):
                return _redact(data, arg, hidden, drop=drop)
        return data
    if isinstance(data, list | tuple):
        if origin in (list, tuple, set, frozenset) and args:
            return [_redact(v, args[0], hidden, drop=drop) for v in data]
        return data
    if not isinstance(data, dict):
        return data
    if origin is dict and len(args) == 2:
        return {k: _redact(v, args[1], hidden, drop=drop) for k, v in data.items()}
    if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        info = annotation.model_fields.get(key)
        if info is None:
            out[key] = value
            continue
        marks = marks_of(info) & hidden
        if drop and COST in marks:
            continue
        out[key] = None if marks else _redact(value, info.annotation, hidden, drop=drop)
    return out


def _fits(data: Any, annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _fits(data, typing.get_args(annotation)[0])
    if isinstance(data, dict):
        return origin is dict or (
            isinstance(annotation, type) and issubclass(annotation, BaseModel)
        )
    if isinstance(data, list | tuple):
        return origin in (list, tuple, set, frozenset)
    return False
