"""The header fields of a declared document type, read from its declaration and its model:
the business date (first unless ``header_fields`` places it), the declared fields, the memo.
The web form and the API schemas are made from these (``jxc.web.generic.header``,
``jxc.api.documents.schemas.header_schemas``), so a type declares each header field once, on its
model."""

from __future__ import annotations

from typing import Any

from django.db import models


def header_names(model: type[models.Model]) -> tuple[str, ...]:
    """The header fields typed on the form and the API, in order."""
    declared = getattr(model, "TYPE", None)
    names = tuple(declared.header_fields) if declared is not None else ()
    if "date" not in names:
        names = ("date", *names)
    return (*names, "memo") if "memo" not in names else names


def header_model_fields(model: type[models.Model]) -> list[Any]:
    """The model fields behind ``header_names`` (a foreign key is its relation field)."""
    return [model._meta.get_field(name) for name in header_names(model)]


def is_ref(field: Any) -> bool:
    """A link to another table (typed as ``<name>_id`` in the API)."""
    return isinstance(field, models.ForeignKey)


def is_optional(field: Any) -> bool:
    return bool(field.null or field.blank)
