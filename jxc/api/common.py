"""The API's shared machinery: authentication, the one error mapping, cost redaction,
permissions, idempotent creation, lists with filters, ordering and pagination.

A router module uses it like this::

    router = Router(tags=["catalog"])

    @router.get("/brands", response=page_of(BrandOut))
    @requires("brand.view")
    def list_brands(request, query: Query[query_of(BrandFilterSet)]):
        return listing(request, Brand.objects.all(), BrandFilterSet, query)

    @router.post("/brands", response={201: BrandOut})
    @creates(BrandOut, perm="brand.create")
    def create_brand(request, payload: BrandIn):
        return services.create_brand(user=request.user, name=payload.name)
"""

import copy
import inspect
import json
import logging
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import django_filters
import pydantic
from django.db import IntegrityError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Body, Field, Header, Query, Schema
from ninja import Router as NinjaRouter
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.patch_dict import ModelToDict
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer, SessionAuth

from jxc.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from jxc.core.services import run_idempotent, user_for_token
from jxc.core.visibility import redact

logger = logging.getLogger("jxc.api")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
IDEMPOTENCY_KEY_MAX = 200


# --- authentication ------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """``Authorization: Bearer jxc_…``: a personal API token acting with its user's rights."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token.strip()) if token else None
        if user is not None:
            request.user = user
            request.jxc_token_auth = True  # type: ignore[attr-defined]
        return user


class BrowserSession(SessionAuth):
    """The browser's login session; unsafe methods need the CSRF token (as ninja checks it).

    Without a logged-in session nothing is checked, so an anonymous call gets 401, not a
    CSRF 403."""

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


AUTH = [TokenAuth(), BrowserSession()]


# --- rendering: decimals as exact strings, cost fields removed ------------------------------


class JxcJSONEncoder(NinjaJSONEncoder):
    """Decimals as exact strings without storage padding: ``"24"``, ``"3.5"``, never floats."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            if o.is_finite():
                text = format(o, "f")
                if "." in text:
                    text = text.rstrip("0").rstrip(".")
                return text if text not in ("-0", "") else "0"
            return str(o)
        return super().default(o)


class RedactingRenderer(JSONRenderer):
    """Every response body passes through :func:`jxc.core.visibility.redact`: without
    ``cost.view`` the cost fields (purchase_price, unit_cost, value …) are absent."""

    encoder_class = JxcJSONEncoder
    json_dumps_params = {"ensure_ascii": False}

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        # Error bodies ({code, message, params}) are not redacted: a DuplicateCode's taken
        # ``value`` is a code, not a cost. Domain errors never put cost figures in params.
        if response_status < 400:
            data = redact(data, getattr(request, "user", None))
        return super().render(request, data, response_status=response_status)


RENDERER = RedactingRenderer()


def json_response(request: HttpRequest, data: Any, *, status: int = 200) -> HttpResponse:
    return HttpResponse(
        RENDERER.render(request, data, response_status=status),
        status=status,
        content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}",
    )


def plain(data: Any) -> Any:
    """JSON-ready copy (what the renderer would send, before redaction)."""
    return json.loads(json.dumps(data, cls=JxcJSONEncoder))


# --- errors --------------------------------------------------------------------------------


class ErrorOut(Schema):
    """Every error: a stable ``code``, a message in the request's language, and ``params``
    (``field`` for a one-field error; ``errors``: field → messages for validation)."""

    code: str
    message: str
    params: dict[str, Any] = {}


ERROR_RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


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
    "greater_than_equal": _("Ensure this value is greater than or equal to %(ge)s."),
    "less_than_equal": _("Ensure this value is less than or equal to %(le)s."),
    "greater_than": _("Ensure this value is greater than %(gt)s."),
    "literal_error": _("Select one of: %(expected)s."),
    "enum": _("Select one of: %(expected)s."),
    "date_from_datetime_parsing": _("Enter a valid date."),
    "date_parsing": _("Enter a valid date."),
    "list_type": _("Enter a list."),
    "json_invalid": _("The request body is not valid JSON."),
    "model_attributes_type": _("Enter an object."),
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
        if exc.status_code == 403 and "csrf" in str(exc).lower():
            body = error_body("csrf_failed", _("CSRF check failed. Reload the page and try again."))
        elif exc.status_code == 400:
            body = error_body("invalid_request", _("The request body is not valid JSON."))
        else:
            body = error_body(f"http_{exc.status_code}", str(exc))
        return json_response(request, body, status=exc.status_code)

    def not_found(request, exc: Http404):
        return json_response(request, NotFound().as_dict(), status=404)

    def server_error(request, exc: Exception):
        logger.exception("API error at %s", request.path, exc_info=exc)
        body = error_body("server_error", _("Something went wrong on the server."))
        return json_response(request, body, status=500)

    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(NinjaValidationError, validation_error)
    api.add_exception_handler(AuthenticationError, auth_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(Exception, server_error)


class Router(NinjaRouter):
    """A ninja Router whose operations document the error responses (``ErrorOut``)."""

    def add_api_operation(self, path, methods, view_func, *, response=None, **kwargs):
        if response is None:
            response = {}
        elif not isinstance(response, dict):
            response = {200: response}
        response = {**ERROR_RESPONSES, **response}
        super().add_api_operation(path, methods, view_func, response=response, **kwargs)


# --- permissions and lookups ----------------------------------------------------------------


def check_perm(request: HttpRequest, perm: str) -> None:
    user = request.user
    if not (user.is_authenticated and user.has_jxc_perm(perm)):
        raise PermissionDenied(perm=perm)


def requires(*perms: str) -> Callable:
    """The endpoint needs every listed ``<resource>.<action>`` permission (else 403)."""

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            for perm in perms:
                check_perm(request, perm)
            return func(request, *args, **kwargs)

        wrapper.jxc_perms = perms  # type: ignore[attr-defined]
        wrapper.__doc__ = _with_perms(func.__doc__, perms)
        return wrapper

    return decorate


def open_to_users(func: Callable) -> Callable:
    """Marks an endpoint every logged-in user may call (their own data: me, own tokens)."""
    func.jxc_perms = ()  # type: ignore[attr-defined]
    return func


def _with_perms(doc: str | None, perms: tuple[str, ...]) -> str:
    text = inspect.cleandoc(doc or "")
    return f"{text}\n\nPermission: `{'`, `'.join(perms)}`".strip()


def get_or_404(qs: QuerySet, pk: Any) -> Any:
    """One row of a (scoped) queryset, or 404: rows out of a user's scope do not exist."""
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def ref(qs: QuerySet, pk: int | None, field: str) -> Any:
    """The row a payload refers to by id, or a 422 on that field."""
    if pk is None:
        return None
    found = qs.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed({field: [gettext("Select a valid choice.")]})
    return found


# --- idempotent creation -------------------------------------------------------------------


def _canonical(body: bytes) -> bytes:
    """Same JSON, same digest: key order and whitespace do not make a different request."""
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return body
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def to_data(schema: type[Schema], obj: Any) -> Any:
    return plain(schema.from_orm(obj).model_dump())


def creates(
    out: type[Schema],
    *,
    perm: str,
    status: int = 201,
    secret_fields: tuple[str, ...] = (),
) -> Callable:
    """A POST that creates something: checks ``perm``, renders ``out`` with ``status`` and
    honours the ``Idempotency-Key`` header through ``run_idempotent``: a retry with the same
    key and body gets the first answer (same status and body, nothing created twice); the
    same key with another body is 422 ``idempotency_conflict``.

    ``secret_fields`` are left out of what is remembered (a token is shown once only), so a
    replay returns them as null.

    The view returns the created object (or a dict already shaped like ``out``).
    """

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request, *args, idempotency_key: str | None = None, **kwargs):
            check_perm(request, perm)

            def create() -> tuple[int, Any]:
                result = func(request, *args, **kwargs)
                data = plain(result) if isinstance(result, dict) else to_data(out, result)
                create.answer = data  # type: ignore[attr-defined]
                kept = {k: (None if k in secret_fields else v) for k, v in data.items()}
                return status, kept

            key = (idempotency_key or "").strip()
            if not key:
                create()
                return json_response(request, create.answer, status=status)  # type: ignore[attr-defined]
            if len(key) > IDEMPOTENCY_KEY_MAX:
                raise ValidationFailed(
                    {
                        "Idempotency-Key": [
                            gettext("At most %(n)s characters.") % {"n": IDEMPOTENCY_KEY_MAX}
                        ]
                    }
                )
            body = _canonical(request.body)
            for attempt in (1, 2):
                try:
                    code, data = run_idempotent(
                        user=request.user, key=key, path=request.path, body=body, create=create
                    )
                    break
                except IntegrityError:
                    # Two requests with one key at once: the loser's work was rolled back;
                    # asking again returns the winner's answer.
                    if attempt == 2:
                        raise
            fresh = getattr(create, "answer", None)
            return json_response(request, fresh if fresh is not None else data, status=code)

        signature = inspect.signature(func)
        idem = inspect.Parameter(
            "idempotency_key",
            inspect.Parameter.KEYWORD_ONLY,
            default=Header(
                None,
                alias="Idempotency-Key",
                description=(
                    "Optional. A retry with the same key and body returns the first answer "
                    "and creates nothing; the same key with another body is refused (422)."
                ),
            ),
            annotation=str | None,
        )
        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), idem]
        )
        wrapper.jxc_perms = (perm,)  # type: ignore[attr-defined]
        wrapper.jxc_creates = True  # type: ignore[attr-defined]
        wrapper.__doc__ = _with_perms(func.__doc__, (perm,))
        return wrapper

    return decorate


# --- lists: FilterSet + ordering + pagination -----------------------------------------------


class Paging(Schema):
    page: int = Field(1, ge=1, description="1-based page number")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def _filter_type(f: django_filters.Filter) -> tuple[Any, str]:
    label = str(f.label or "")
    if isinstance(f, django_filters.OrderingFilter):
        names = [name for name, _label in f.param_map.items()]
        allowed = ", ".join(f"{n}, -{n}" for n in names)
        return str | None, f"Order by (comma-separated): {allowed}"
    if isinstance(f, django_filters.BooleanFilter):
        return bool | None, label
    if isinstance(f, django_filters.ModelChoiceFilter):
        return int | None, f"{label} (id)"
    if isinstance(f, django_filters.ChoiceFilter):
        values = tuple(str(v) for v, _label in f.extra.get("choices", ()))
        if values:
            return Literal[values] | None, label  # type: ignore[valid-type]
    return str | None, label


_QUERY_CACHE: dict[type, type[Schema]] = {}


def query_of(filterset: type[django_filters.FilterSet]) -> type[Schema]:
    """The query-string schema of a list: the FilterSet's filters plus page and page_size
    (for validation and the OpenAPI document; the FilterSet does the filtering)."""
    if filterset not in _QUERY_CACHE:
        fields: dict[str, Any] = {}
        with translation.override("en"):  # the OpenAPI document is in English
            for name, f in filterset.base_filters.items():
                annotation, description = _filter_type(f)
                fields[name] = (annotation, Field(None, description=description))
        name = filterset.__name__.replace("FilterSet", "") + "Query"
        _QUERY_CACHE[filterset] = pydantic.create_model(name, __base__=Paging, **fields)
    return _QUERY_CACHE[filterset]


_PAGE_CACHE: dict[type, type[Schema]] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """``{"count", "page", "page_size", "items": [...]}`` of ``item``."""
    if item not in _PAGE_CACHE:
        name = item.__name__.removesuffix("Out") + "Page"
        _PAGE_CACHE[item] = pydantic.create_model(
            name,
            __base__=Schema,
            count=(int, ...),
            page=(int, ...),
            page_size=(int, ...),
            items=(list[item], ...),  # type: ignore[valid-type]
        )
    return _PAGE_CACHE[item]


def listing(
    request: HttpRequest,
    qs: QuerySet,
    filterset: type[django_filters.FilterSet] | None,
    query: Paging,
) -> dict[str, Any]:
    """Filter (the FilterSet shared with the web list), order and paginate a queryset."""
    if filterset is not None:
        data = {
            k: v
            for k, v in query.model_dump().items()
            if k not in ("page", "page_size") and v is not None
        }
        fs = filterset(data, queryset=qs, request=request)
        if not fs.is_valid():
            raise ValidationFailed({k: list(v) for k, v in fs.errors.items()})
        qs = fs.qs
    if not qs.ordered:
        qs = qs.order_by("pk")
    start = (query.page - 1) * query.page_size
    return {
        "count": qs.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": list(qs[start : start + query.page_size]),
    }


class _Patch:
    """``payload: Patch[ThingIn]`` is a dict of the fields the PATCH sent, validated with
    ``ThingIn``'s rules (lengths, ranges, choices). A field may be left out, but null only
    where ``ThingIn`` allows null. (ninja's PatchDict drops the rules, hence this.)"""

    _cache: dict[type, Any] = {}

    def __getitem__(self, schema: type[Schema]) -> Any:
        if schema not in self._cache:
            fields: dict[str, Any] = {}
            for name, info in schema.model_fields.items():
                optional = copy.copy(info)
                optional.default = None
                optional.default_factory = None
                fields[name] = (info.annotation, optional)
            model = pydantic.create_model(
                schema.__name__.removesuffix("In") + "Patch", __base__=Schema, **fields
            )
            as_dict = type(
                f"{model.__name__}Dict",
                (ModelToDict,),
                {"_wrapped_model": model, "_wrapped_model_dump_params": {"exclude_unset": True}},
            )
            self._cache[schema] = Body[as_dict]  # type: ignore[misc,valid-type]
        return self._cache[schema]


if TYPE_CHECKING:
    _S = TypeVar("_S")

    class Patch(dict[str, Any], Generic[_S]):
        """What mypy sees: the dict of sent fields (``_Patch`` builds the ninja body)."""

else:
    Patch = _Patch()


def activation_endpoints(
    router: Router,
    path: str,
    *,
    queryset: Callable[[HttpRequest], QuerySet],
    out: type[Schema],
    perm: str,
    service: Callable[..., Model],
    name: str,
) -> None:
    """``POST {path}/{id}/deactivate`` and ``…/activate`` (停用 / 启用; nothing is deleted)."""

    def make(active: bool):
        verb = "activate" if active else "deactivate"

        @requires(perm)
        def view(request, id: int):
            obj = get_or_404(queryset(request), id)
            return service(obj, active=active, user=request.user)

        view.__name__ = f"{verb}_{name}"
        view.__doc__ = _with_perms(
            f"{'Activate' if active else 'Deactivate'} a {name.replace('_', ' ')}.", (perm,)
        )
        router.post(f"{path}/{{id}}/{verb}", response=out, summary=view.__doc__.split("\n")[0])(
            view
        )

    make(False)
    make(True)


def crud_endpoints(
    router: Router,
    path: str,
    *,
    name: str,
    queryset: Callable[[HttpRequest], QuerySet],
    filterset: type[django_filters.FilterSet],
    out: type[Schema],
    in_: type[Schema],
    create: Callable[..., Model],
    update: Callable[..., Model],
    set_active: Callable[..., Model],
    patch_in: type[Schema] | None = None,
    fields: Callable[[HttpRequest, dict], dict] | None = None,
    list_doc: str | None = None,
    plural: str | None = None,
    resource: str | None = None,
) -> None:
    """The master-data block of one resource, declared once (like the web's ``Screen``):

    * ``GET {path}`` — ``page_of(out)`` filtered by ``filterset`` (``{resource}.view``;
      ``resource`` defaults to ``name``)
    * ``GET {path}/{id}`` — one ``out`` (``{resource}.view``)
    * ``POST {path}`` — ``create(user=…, **data)``, 201, idempotent (``{resource}.create``)
    * ``PATCH {path}/{id}`` — ``update(obj, user=…, **sent)`` with ``Patch[patch_in or in_]``
      (``{resource}.edit``)
    * ``POST {path}/{id}/deactivate`` and ``…/activate`` (``{resource}.edit``)

    Every read goes through ``queryset(request)`` (a scope hides rows: 404). ``fields``
    turns a payload dict into service arguments (``…_id`` → the referred row). The views
    are named ``list_{plural}`` (default ``{name}s``), ``get_{name}``, ``create_{name}`` and
    ``update_{name}`` in the caller's module, so OpenAPI operation ids and summaries are those
    of hand-written views (``list_doc`` is the list's description)."""
    module = inspect.currentframe().f_back.f_globals["__name__"]  # type: ignore[union-attr]
    plural = plural or f"{name}s"
    resource = resource or name
    view_perm, create_perm, edit_perm = (f"{resource}.{a}" for a in ("view", "create", "edit"))
    prepare = fields or (lambda request, data: data)

    def named(view: Callable, view_name: str, doc: str | None = None) -> Callable:
        view.__name__ = view.__qualname__ = view_name
        view.__module__ = module
        view.__doc__ = doc
        return view

    def list_view(request, query: Query[query_of(filterset)]):  # type: ignore[valid-type]
        return listing(request, queryset(request), filterset, query)

    def get_view(request, id: int):
        return get_or_404(queryset(request), id)

    def create_view(request, payload: in_):  # type: ignore[valid-type]
        return create(user=request.user, **prepare(request, payload.dict()))  # type: ignore[attr-defined]

    def update_view(request, id: int, payload: Patch[patch_in or in_]):  # type: ignore[misc,valid-type]
        obj = get_or_404(queryset(request), id)
        return update(obj, user=request.user, **prepare(request, payload))

    router.get(path, response=page_of(out))(
        requires(view_perm)(named(list_view, f"list_{plural}", list_doc))
    )
    router.get(f"{path}/{{id}}", response=out)(requires(view_perm)(named(get_view, f"get_{name}")))
    router.post(path, response={201: out})(
        creates(out, perm=create_perm)(named(create_view, f"create_{name}"))
    )
    router.patch(f"{path}/{{id}}", response=out)(
        requires(edit_perm)(named(update_view, f"update_{name}"))
    )
    activation_endpoints(
        router, path, queryset=queryset, out=out, perm=edit_perm, service=set_active, name=name
    )
