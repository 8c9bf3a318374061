"""The one error mapping of the API: every failure is ``{"code", "message", "params"}``
with a stable code, and every operation documents the error answers it can give."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DataError, IntegrityError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Router as NinjaRouter
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.operation import Operation

from jxc.api.common.rendering import json_response
from jxc.api.common.strict import StrictInputs
from jxc.core.errors import DomainError, NotFound, ValidationFailed, ValueTooLarge
from jxc.core.fields import BOUNDS_CHECK_SUFFIX

logger = logging.getLogger("jxc.api")


class ErrorOut(Schema):
    """Every error: a stable ``code``, a message in the request's language, and ``params``
    (``field`` for a one-field error; ``errors``: field → messages for validation)."""

    code: str
    message: str
    params: dict[str, Any] = {}


ERROR_RESPONSES = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
}


def error_body(code: str, message: Any, **params: Any) -> dict[str, Any]:
    return {"code": code, "message": str(message), "params": params}


# Pydantic's messages are English only; the common ones get a translated text.
_PYDANTIC_MESSAGES = {
    "missing": _("This field is required."),
    "string_type": _("Enter text."),
    "string_too_short": _("This field cannot be empty."),
    "string_too_long": _("Ensure this value has at most %(max_length)s characters."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "decimal_parsing": _("Enter a number."),
    "decimal_type": _("Enter a number."),
    "finite_number": _("Enter a number."),
    "bool_parsing": _("Enter true or false."),
    "bool_type": _("Enter true or false."),
    "greater_than_equal": _("Ensure this value is greater than or equal to %(ge)s."),
    "less_than_equal": _("Ensure this value is less than or equal to %(le)s."),
    "greater_than": _("Ensure this value is greater than %(gt)s."),
    "literal_error": _("Select one of: %(expected)s."),
    "enum": _("Select one of: %(expected)s."),
    "date_from_datetime_parsing": _("Enter a valid date."),
    "date_parsing": _("Enter a valid date."),
    "date_type": _("Enter a valid date."),
    "datetime_parsing": _("Enter a valid date."),
    "datetime_type": _("Enter a valid date."),
    "list_type": _("Enter a list."),
    "json_invalid": _("The request body is not valid JSON."),
    "model_attributes_type": _("Enter an object."),
    "model_type": _("Enter an object."),
    "dict_type": _("Enter an object."),
}

_LOCATION_ROOTS = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_name(loc: tuple | list, param_names: set[str]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATION_ROOTS:
        parts = parts[1:]
    if parts and parts[0] in param_names and len(parts) > 1:
        parts = parts[1:]  # the view's argument name ("payload") is not a field
    return ".".join(parts) or "__all__"


def _pydantic_message(error: dict[str, Any]) -> str:
    template = _PYDANTIC_MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", ""))
    try:
        return gettext(str(template)) % {k: v for k, v in (error.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", ""))


def install_error_handlers(api) -> None:
    """The one error mapping of the API (see ``ErrorOut``)."""

    def domain_error(request, exc: DomainError):
        if exc.http_status >= 500:
            logger.error("domain error %s", exc.code, exc_info=exc)
        return json_response(request, exc.as_dict(), status=exc.http_status)

    def validation_error(request, exc: NinjaValidationError):
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            name = _field_name(error.get("loc", ()), {"payload", "query", "data"})
            errors.setdefault(name, []).append(_pydantic_message(error))
        body = ValidationFailed(errors).as_dict()
        return json_response(request, body, status=422)

    def auth_error(request, exc: AuthenticationError):
        response = json_response(
            request,
            error_body(
                "not_authenticated",
                _("Log in, or send a personal API token as 'Authorization: Bearer <token>'."),
            ),
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="jxc"'
        return response

    def http_error(request, exc: HttpError):
        # ninja turns whatever the body parser raised into a 400; keep our own answers.
        cause = exc.__cause__
        if isinstance(cause, DomainError):
            return domain_error(request, cause)
        if isinstance(cause, RequestDataTooBig):
            return too_large(request, cause)
        if exc.status_code == 403 and "csrf" in str(exc).lower():
            body = error_body("csrf_failed", _("CSRF check failed. Reload the page and try again."))
        elif exc.status_code == 400:
            body = error_body("invalid_request", _("The request body is not valid JSON."))
        else:
            body = error_body(f"http_{exc.status_code}", str(exc))
        return json_response(request, body, status=exc.status_code)

    def not_found(request, exc: Http404):
        return json_response(request, NotFound().as_dict(), status=404)

    def too_large(request, exc: RequestDataTooBig):
        body = error_body(
            "request_too_large",
            _("The request is too large (at most %(size)s MB).")
            % {"size": round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024, 1)},
        )
        return json_response(request, body, status=413)

    def bad_form(request, exc: Exception):
        body = error_body("invalid_request", _("The request body is not valid form data."))
        return json_response(request, body, status=400)

    def out_of_range(request, exc: Exception):
        # A number the database cannot hold (an id or quantity beyond 64 bits): SQLite's
        # driver raises OverflowError, PostgreSQL a DataError ("bigint out of range").
        logger.info("value out of range at %s: %s", request.path, exc)
        body = ValidationFailed(
            {"__all__": [gettext("A value in the request is too large or cannot be stored.")]}
        )
        return json_response(request, body.as_dict(), status=422)

    def server_error(request, exc: Exception):
        logger.exception("API error at %s", request.path, exc_info=exc)
        body = error_body("server_error", _("Something went wrong on the server."))
        return json_response(request, body, status=500)

    def integrity_error(request, exc: IntegrityError):
        # a database bound check (jxc.core.fields.bounds_check): 数值过大, not a server error
        if BOUNDS_CHECK_SUFFIX in str(exc):
            body = ValueTooLarge(message=_("A total would be too large for the books.")).as_dict()
            return json_response(request, body, status=422)
        # any other constraint of ours: an error on its field, never the constraint's name
        from jxc.core.constraints import constraint_errors

        if (found := constraint_errors(exc)) is not None:
            return json_response(request, ValidationFailed(found).as_dict(), status=422)
        return server_error(request, exc)

    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(IntegrityError, integrity_error)
    api.add_exception_handler(NinjaValidationError, validation_error)
    api.add_exception_handler(AuthenticationError, auth_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(RequestDataTooBig, too_large)
    api.add_exception_handler(MultiPartParserError, bad_form)
    api.add_exception_handler(TooManyFieldsSent, bad_form)
    api.add_exception_handler(OverflowError, out_of_range)
    api.add_exception_handler(DataError, out_of_range)
    api.add_exception_handler(Exception, server_error)


class Router(NinjaRouter):
    """A ninja Router whose operations document the error responses (``ErrorOut``) and tell
    the renderer their response schemas, so that it redacts by the schemas' marks.

    ``moved=(module, former)``: the endpoints written in ``module`` keep the OpenAPI
    operation ids they had in ``former`` (``<former>_<function>``), so a module split by
    what it does changes no client's generated names."""

    def __init__(self, *args, moved: tuple[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.moved = moved

    def add_api_operation(self, path, methods, view_func, *, response=None, **kwargs):
        if self.moved and view_func.__module__ == self.moved[0] and not kwargs.get("operation_id"):
            kwargs["operation_id"] = f"{self.moved[1]}_{view_func.__name__}".replace(".", "_")
        if response is None:
            response = {}
        elif not isinstance(response, dict):
            response = {200: response}
        response = {**ERROR_RESPONSES, **response}
        super().add_api_operation(
            path, methods, _answering(view_func, response), response=response, **kwargs
        )
        for operation in self.path_operations[path].operations:
            if type(operation) is Operation:
                operation.__class__ = StrictInputs


def _answering(view_func: Callable, schemas: dict[int, Any]) -> Callable:
    """The view, first telling the request its response schemas (for the renderer)."""

    @wraps(view_func)
    def view(request, *args, **kwargs):
        request.jxc_response_schemas = schemas
        return view_func(request, *args, **kwargs)

    return view
