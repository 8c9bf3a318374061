"""Reading request bodies and query strings: what the database cannot store never gets as
far as a schema. A NUL character (PostgreSQL refuses it, SQLite would store it) anywhere in
a JSON body, a query string or a form is a 422 on its field."""

import json
from typing import Any, cast

import pydantic
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from ninja import Schema
from ninja.parser import Parser

from jxc.core.errors import ValidationFailed


def _nul_fields(value: Any, path: str, found: dict[str, list[str]]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            found[path or "__all__"] = [gettext("Null characters are not allowed.")]
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and "\x00" in k:
                found[path or "__all__"] = [gettext("Null characters are not allowed.")]
            _nul_fields(v, f"{path}.{k}" if path else str(k), found)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _nul_fields(v, f"{path}.{i}" if path else str(i), found)


def refuse_nul(data: Any) -> None:
    """422 on every field of ``data`` (JSON-like) that holds a NUL character."""
    found: dict[str, list[str]] = {}
    _nul_fields(data, "", found)
    if found:
        raise ValidationFailed(found)


class JxcParser(Parser):
    """ninja's JSON parser, refusing NUL characters (422) in bodies, queries and forms."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        refuse_nul(data)
        return cast(dict[str, Any], data)

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        if data is not request.FILES:
            refuse_nul({k: v for k, v in result.items()})
        return result


def optional_body(request: HttpRequest, schema: type[Schema]) -> Any:
    """An optional JSON body (a bare POST, or one sent as a form by a browser, means
    defaults), validated with ``schema``; errors are the usual 422."""
    data: Any = {}
    if request.body and request.content_type == "application/json":
        try:
            data = json.loads(request.body)
        except ValueError as exc:
            raise ValidationFailed(
                {"__all__": [gettext("The request body is not valid JSON.")]}
            ) from exc
    try:
        return schema.model_validate(data or {})
    except pydantic.ValidationError as exc:
        raise ValidationFailed(
            {".".join(str(p) for p in e["loc"]) or "__all__": [e["msg"]] for e in exc.errors()}
        ) from exc


def optional_body_doc(schema: type[Schema]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }
