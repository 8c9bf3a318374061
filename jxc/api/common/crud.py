"""Declared endpoint blocks: ``Patch[ThingIn]``, activation and the master-data CRUD."""

import copy
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import django_filters
import pydantic
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Body, Query, Schema
from ninja.patch_dict import ModelToDict

from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.listing import listing, page_of, query_of
from jxc.api.common.permissions import get_or_404, requires, with_perms


def _an_object(cls, value: Any) -> Any:
    # ninja's Schema reads attributes of anything (a list would pass as "no fields sent").
    if not isinstance(getattr(value, "_obj", value), dict):
        raise ValueError("Enter an object.")
    return value


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
                schema.__name__.removesuffix("In") + "Patch",
                __base__=Schema,
                __validators__={"_an_object": pydantic.model_validator(mode="before")(_an_object)},  # type: ignore[dict-item]
                **fields,
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
        view.__doc__ = with_perms(
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
