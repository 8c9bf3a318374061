"""Strict request inputs: a value of another type than the OpenAPI document declares is
refused with 422, never coerced (schemathesis's ``negative_data_rejection``).

pydantic's lax mode, which ninja validates with, takes ``0`` / ``1`` / ``"yes"`` for a
boolean, ``"5"`` / ``5.0`` / ``true`` for an integer and ``"0"`` (a timestamp) for a date.
Each request's inputs are checked against the declared types before ninja validates them:

- JSON bodies: a boolean is ``true`` / ``false``; an integer a JSON integer; a string a JSON
  string; a number (``Decimal``, documented as a number or a string) a JSON number or string;
  a date ``YYYY-MM-DD`` and a date-time ISO 8601 text.
- query, path and form values (text by nature): a boolean ``true`` / ``false``, an integer
  digits, dates as above.

Why not pydantic's ``strict=True``: ninja's ``Schema`` hands every nested model a Django
attribute getter (its wrap validator), so even JSON-mode strictness becomes Python-mode
strictness below the top level and refuses ISO dates and decimals sent as text.

Types it does not know (``Any``, choices, dicts of anything) are left to pydantic.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pydantic
from django.http import HttpRequest
from ninja.errors import ValidationError as NinjaValidationError
from ninja.errors import ValidationErrorContext
from ninja.params.models import BodyModel, FileModel
from ninja.patch_dict import ModelToDict
from pydantic import BaseModel

from jxc.api.common.permissions import PermissionFirst

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}(:?\d{2})?)?)?"
)
INTEGER_TEXT = re.compile(r"[+-]?\d+")
BOOLEAN_TEXT = frozenset({"true", "false"})

Loc = tuple[Any, ...]


def _scalar_error(annotation: Any, value: Any, *, text: bool) -> str | None:
    """The pydantic error type for ``value`` not being of ``annotation``; None when it is (or
    when the type is left to pydantic)."""
    if annotation is bool:
        ok = value.lower() in BOOLEAN_TEXT if text else isinstance(value, bool)
        return None if ok else "bool_type"
    if annotation is int:
        if text:
            return None if INTEGER_TEXT.fullmatch(value) else "int_type"
        return None if type(value) is int else "int_type"
    if annotation is str:
        return None if isinstance(value, str) else "string_type"
    if annotation in (float, Decimal):
        if text:
            return None
        ok = isinstance(value, int | float | str) and not isinstance(value, bool)
        return None if ok else "decimal_type"
    if annotation is dt.datetime:
        ok = isinstance(value, str) and ISO_DATETIME.fullmatch(value) is not None
        return None if ok else "date_parsing"
    if annotation is dt.date:
        ok = isinstance(value, str) and ISO_DATE.fullmatch(value) is not None
        return None if ok else "date_parsing"
    return None


def type_errors(annotation: Any, value: Any, loc: Loc, *, text: bool) -> list[tuple[Loc, str]]:
    """Where ``value`` (JSON, or text when ``text``) is not of the declared ``annotation``:
    ``[(location, pydantic error type)]``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return type_errors(get_args(annotation)[0], value, loc, text=text)
    if origin is Union or origin is types.UnionType:
        arms = [a for a in get_args(annotation) if a is not type(None)]
        if value is None and len(arms) < len(get_args(annotation)):
            return []
        found: list[tuple[Loc, str]] = []
        for arm in arms:
            errors = type_errors(arm, value, loc, text=text)
            if not errors:
                return []
            found = found or errors
        return found
    if origin is Literal or annotation is Any:
        return []
    if origin in (list, tuple, set, frozenset):
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        if not isinstance(value, list) or len(args) != 1:
            return []  # pydantic says what is wrong with it
        out: list[tuple[Loc, str]] = []
        for i, item in enumerate(value):
            out += type_errors(args[0], item, (*loc, i), text=text)
        return out
    if origin is dict:
        pair = get_args(annotation)
        if not isinstance(value, dict) or len(pair) != 2:
            return []
        found_in: list[tuple[Loc, str]] = []
        for key, item in value.items():
            found_in += type_errors(pair[1], item, (*loc, key), text=text)
        return found_in
    if isinstance(annotation, type) and issubclass(annotation, BaseModel | ModelToDict):
        if not isinstance(value, dict) and not text:
            # an object is declared: null, a list, text or a number is not one (a body whose
            # fields are all optional would otherwise take any of them as "all defaults")
            return [(loc, "model_type")]
        if not isinstance(value, dict):
            return []  # text: pydantic's to judge
        if issubclass(annotation, ModelToDict):  # Patch[ThingIn]
            return model_errors(annotation._wrapped_model, value, loc, text=text)
        return model_errors(annotation, value, loc, text=text)
    if value is None or (text and not isinstance(value, str)):
        return []  # a missing value or a collection of text: pydantic's to judge
    error = _scalar_error(annotation, value, text=text)
    return [(loc, error)] if error else []


def model_errors(model: type[BaseModel], data: Any, loc: Loc, *, text: bool) -> list:
    """``type_errors`` of every field of ``model`` present in ``data``."""
    if not isinstance(data, dict):
        return []
    out: list[tuple[Loc, str]] = []
    for name, info in model.model_fields.items():
        key = info.validation_alias if isinstance(info.validation_alias, str) else None
        key = key or info.alias or name
        if key in data:
            out += type_errors(info.annotation, data[key], (*loc, key), text=text)
    return out


class StrictInputs(PermissionFirst):
    """An operation whose inputs are checked against their declared types before ninja
    validates them (module docstring); permissions still come first. ``_get_values`` is
    ninja's own (``Operation._get_values`` and ``ParamModel.resolve``) with the check added
    between reading a source and validating it."""

    def _get_values(
        self, request: HttpRequest, path_params: Any, temporal_response: Any
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        contexts: list[ValidationErrorContext] = []
        strict: list[dict[str, Any]] = []
        for model in self.models:
            data = model.get_request_data(request, self.api, path_params)
            if data is not None:
                data = model._map_data_paths(data)
                if not issubclass(model, FileModel):
                    text = not issubclass(model, BodyModel)
                    source = model.__ninja_param_source__
                    found = model_errors(model, data, (source,), text=text)
                    if found:
                        strict += [{"loc": loc, "msg": kind, "type": kind} for loc, kind in found]
                        continue
            try:
                if data is None:
                    values.update(model())
                else:
                    values.update(model.model_validate(data, context={"request": request}))
            except pydantic.ValidationError as exc:
                contexts.append(ValidationErrorContext(pydantic_validation_error=exc, model=model))
        if contexts or strict:
            errors = (
                self.api.validation_error_from_error_contexts(contexts).errors if contexts else []
            )
            raise NinjaValidationError([*strict, *errors])
        if self.signature.response_arg:
            values[self.signature.response_arg] = temporal_response
        return values
