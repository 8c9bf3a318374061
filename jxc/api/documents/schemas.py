"""The header shapes of every document's API: ``HeaderOut`` (what every document answers),
``ActionIn`` (the body of a workflow step: reason, date) and ``header_schemas``, which makes
a declared type's ``<Name>In`` / ``<Name>Out`` from its header fields and model.

Cost figures are absent for users without ``cost.view``.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Any, Literal

import pydantic
from django.db import models
from django.http import HttpRequest
from ninja import Field, Schema

from jxc.api.documents.lines import LineIn, LineOut, line_out
from jxc.core.documents.header import header_model_fields, is_optional, is_ref
from jxc.core.documents.models import Document
from jxc.core.visibility import COST, Cost, marks_of


class HeaderOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    date: dt.date
    memo: str
    status_reason: str
    created_by: str | None
    created_at: dt.datetime
    approved_at: dt.datetime | None
    posted_at: dt.datetime | None
    actions: list[str]


class ActionIn(Schema):
    reason: str = Field("", max_length=500)
    date: dt.date | None = None
    confirm: bool = Field(
        False,
        description="过账 of a 盘点单: the variances beyond the company's limits were checked",
    )


def header_out(doc: Document, request: HttpRequest) -> dict[str, Any]:
    label = getattr(doc, "status_label", None)
    return {
        "id": doc.pk,
        "number": doc.number,
        "status": doc.status,
        "status_label": label() if callable(label) else str(doc.get_status_display()),  # type: ignore[attr-defined]
        "date": doc.date,
        "memo": doc.memo,
        "status_reason": doc.status_reason,
        "created_by": str(doc.created_by) if doc.created_by_id else None,
        "created_at": doc.created_at,
        "approved_at": doc.approved_at,
        "posted_at": doc.posted_at,
        "actions": [t.action for t in doc.actions_for(request.user)],
    }


# An extra output field: name → (type, value of the document or line[, default]); with a
# default the field may be left out of an answer (the schema does not require it).
Extra = Mapping[str, tuple[Any, ...]]


def _extra_fields(extra: Extra) -> dict[str, tuple[Any, Any]]:
    return {k: (v[0], v[2] if len(v) > 2 else ...) for k, v in extra.items()}


@dataclass(frozen=True)
class DocumentSchemas:
    """The API shapes of a declared type: ``header_in`` (header fields + lines; PATCH takes
    ``Patch[header_in]``), ``out`` and ``to_out(doc, request)``."""

    header_in: type[Schema]
    out: type[Schema]
    to_out: Callable[[Any, HttpRequest], dict[str, Any]]
    line_in: type[LineIn] = LineIn
    # PATCH's body when not ``Patch[header_in]`` (a 盘点单: some header fields stay as made)
    patch_in: type[Schema] | None = None


def _python_type(field: Any) -> Any:
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.DateField):
        return dt.date
    if isinstance(field, models.DecimalField):
        return Decimal
    if isinstance(field, models.IntegerField):
        return int
    return str


def _in_field(field: Any) -> tuple[str, tuple[Any, Any]]:
    """``<name>_id: int`` for a link, one of its values for a choice, the field's type
    otherwise; optional when the model field may be empty (a text's empty value is "") or is
    a flag or a choice with a default."""
    name = f"{field.name}_id" if is_ref(field) else field.name
    kind = int if is_ref(field) else _python_type(field)
    limit = {"max_length": field.max_length} if kind is str and field.max_length else {}
    if kind is bool:  # a flag left out is its default
        return name, (bool, bool(field.default))
    if field.choices and not field.blank:  # a kind: one of its values, else its default
        kind, limit = Literal[tuple(v for v, _label in field.flatchoices)], {}
        if field.has_default():
            return name, (kind, field.get_default())
    if not is_optional(field):
        return name, (kind, Field(..., **limit))
    if kind is str:
        return name, (str, Field("", **limit))
    return name, (kind | None, None)


def _out_fields(field: Any) -> dict[str, tuple[Any, Any]]:
    """A link: ``<name>_id`` and ``<name>_name``; a choice: ``<name>`` and ``<name>_label``."""
    optional = field.null
    if is_ref(field):
        return {
            f"{field.name}_id": (int | None if optional else int, ...),
            f"{field.name}_name": (str, ...),
        }
    kind = _python_type(field)
    if COST in marks_of(field):
        return {field.name: (kind | None, Cost(None))}
    out: dict[str, tuple[Any, Any]] = {field.name: (kind | None if optional else kind, ...)}
    if field.choices:
        out[f"{field.name}_label"] = (str, ...)
    return out


def _out_values(field: Any, doc: Any) -> dict[str, Any]:
    if is_ref(field):
        linked = getattr(doc, field.attname)
        return {
            f"{field.name}_id": linked,
            f"{field.name}_name": str(getattr(doc, field.name)) if linked is not None else "",
        }
    value = getattr(doc, field.name)
    if field.choices:
        label = str(dict(field.flatchoices).get(value, "")) if value else ""
        return {field.name: value, f"{field.name}_label": label}
    return {field.name: value}


def header_schemas(
    model: type[Document],
    name: str,
    *,
    module: str,
    extra: Extra | None = None,
    line_extra: Extra | None = None,
    line_name: str = "",
    line_in: type[LineIn] = LineIn,
    lines_optional: bool = False,
) -> DocumentSchemas:
    """``<name>In`` / ``<name>Out`` of a declared type, from its header fields (the business
    date and memo included) and model: a link is ``<field>_id`` in, ``<field>_id`` and
    ``<field>_name`` out; a choice also gives ``<field>_label``. ``extra`` adds output fields
    of the document, ``line_extra`` of each line (its schema ``<line_name>Out``); a document
    that keeps its 红冲 date answers it (``reversal_date``), its lines their declared figures
    (``line_figures``: returned, still open …). ``module`` (the router's
    ``__name__``) names the endpoints' OpenAPI operation ids; ``line_in`` is the
    type's line schema when it takes more than ``LineIn`` (an order's price, tax, discount);
    ``lines_optional``: the lines may be left out (the service makes them: a kit's components)."""
    header = header_model_fields(model)
    extra, line_extra = dict(extra or {}), line_extra or {}
    if any(f.name == "reversal_date" for f in model._meta.fields):  # 红冲's date, when kept
        extra["reversal_date"] = (dt.date | None, lambda d: d.reversal_date)
    declared = model.TYPE
    figures = declared.line_figures if declared is not None else {}
    line_extra = {**line_extra, **{a: (Decimal, attrgetter(a)) for a in figures}}
    header_in = pydantic.create_model(  # type: ignore[call-overload]
        f"{name}In",
        __base__=Schema,
        **dict(_in_field(f) for f in header),
        lines=(list[line_in] | None, None) if lines_optional else (list[line_in], ...),  # type: ignore[valid-type]
    )
    line_schema: Any = LineOut
    if line_extra:
        line_schema = pydantic.create_model(  # type: ignore[call-overload]
            f"{line_name or name + 'Line'}Out",
            __base__=LineOut,
            **_extra_fields(line_extra),
        )
    shown = [f for f in header if f.name not in HeaderOut.model_fields]
    out = pydantic.create_model(  # type: ignore[call-overload]
        f"{name}Out",
        __base__=HeaderOut,
        **{k: v for f in shown for k, v in _out_fields(f).items()},
        **_extra_fields(extra),
        lines=(list[line_schema], ...),
    )

    def to_out(doc: Any, request: HttpRequest) -> dict[str, Any]:
        data = header_out(doc, request)
        for f in shown:
            data.update(_out_values(f, doc))
        data.update({k: v[1](doc) for k, v in extra.items()})
        lines = doc.lines.select_related("sku", "unit").order_by("line_no", "id")
        data["lines"] = [
            {**line_out(x), **{k: v[1](x) for k, v in line_extra.items()}} for x in lines
        ]
        return data

    to_out.__module__ = module
    return DocumentSchemas(header_in=header_in, out=out, to_out=to_out, line_in=line_in)
