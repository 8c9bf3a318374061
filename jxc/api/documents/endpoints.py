"""The endpoints of every document's API: ``action_endpoints`` gives a document ``POST
{path}/{id}/<action>`` for each step of its workflow, with its permission and the optional
body in the OpenAPI document, and ``document_endpoints`` the whole API of a declared type
(list with filters, get, create with Idempotency-Key, patch a draft, the workflow steps).
"""

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Schema

from jxc.api.common.crud import Patch
from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.listing import listing, page_of, query_of
from jxc.api.common.parsing import optional_body, optional_body_doc
from jxc.api.common.permissions import get_or_404, ref, requires, with_perms
from jxc.api.documents.lines import line_inputs
from jxc.api.documents.schemas import ActionIn, DocumentSchemas
from jxc.core.documents import actions
from jxc.core.documents.header import header_model_fields, is_ref
from jxc.core.documents.models import Document
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents.filters import document_filterset
from jxc.inventory.documents.selectors import documents_for
from jxc.inventory.models import Bin, Warehouse


def _documents_for(model: type[Document], request: HttpRequest) -> QuerySet:
    return documents_for(request.user, model)


def default_ref(field: Any, request: HttpRequest) -> QuerySet:
    """The rows a header link may name unless the type says otherwise (a warehouse: the
    user's warehouses; a bin: one of theirs)."""
    if field.related_model is Warehouse:
        return stock_selectors.warehouses_for(request.user)
    if field.related_model is Bin:
        return Bin.objects.filter(warehouse__in=stock_selectors.warehouses_for(request.user))
    return field.related_model._default_manager.all()


# The workflow steps that need nothing document-specific (``run(doc, user, body)``).
PLAIN_ACTIONS: dict[str, Callable[..., Any]] = {
    "submit": lambda doc, user, body: actions.submit(doc, user=user),
    "approve": lambda doc, user, body: actions.approve(doc, user=user),
    "unapprove": lambda doc, user, body: actions.unapprove(doc, user=user),
    "reject": lambda doc, user, body: actions.reject(doc, user=user, reason=body.reason),
    "void": lambda doc, user, body: actions.void(doc, user=user, reason=body.reason),
}


def workflow_actions(*, post: Callable[..., Any], reverse: Callable[..., Any]) -> dict:
    """The workflow steps of a type whose 过账 and 红冲 are its own services,
    ``post(doc, *, user)`` and ``reverse(doc, *, user, reason, date)``."""
    return {
        **PLAIN_ACTIONS,
        "post": lambda doc, user, body: post(doc, user=user),
        "reverse": lambda doc, user, body: reverse(
            doc, user=user, reason=body.reason, date=body.date
        ),
    }


def action_endpoints(
    router: Router,
    path: str,
    *,
    name: str,
    resource: str,
    queryset: Callable[[HttpRequest], QuerySet],
    out: type[Schema],
    to_out: Callable[[Any, HttpRequest], dict[str, Any]],
    actions: dict[str, Callable[..., Any]],
    module: str = "",
) -> None:
    """``POST {path}/{id}/<action>`` for each workflow step (body: reason, date);
    ``actions`` maps an action to ``run(doc, user, body)``. The OpenAPI operation ids read
    ``<module>_<action>_<name>`` (``module`` defaults to that of ``to_out``), so they stay put
    when this helper moves."""

    def make(action: str, run: Callable[..., Any]) -> None:
        perm = f"{resource}.{action}"

        @requires(perm)
        def view(request, id: int):
            doc = get_or_404(queryset(request), id)
            done = run(doc, request.user, optional_body(request, ActionIn))
            return to_out(type(done)._default_manager.get(pk=done.pk), request)

        view.__name__ = f"{action}_{name}"
        view.__module__ = module or to_out.__module__
        view.__doc__ = with_perms(f"{action.capitalize()} a {name.replace('_', ' ')}.", (perm,))
        router.post(
            f"{path}/{{id}}/{action}",
            response=out,
            summary=view.__doc__.split("\n")[0],
            openapi_extra=optional_body_doc(ActionIn),
        )(view)

    for action, run in actions.items():
        make(action, run)


def document_endpoints(
    router: Router,
    path: str,
    *,
    model: type[Document],
    scoped: Callable[[HttpRequest], QuerySet] | None = None,
    filterset: type | None = None,
    schemas: DocumentSchemas,
    create: Callable[..., Any],
    update: Callable[..., Any],
    actions: dict[str, Callable[..., Any]],
    refs: Mapping[str, Callable[[HttpRequest], QuerySet]] | None = None,
    operation_names: Mapping[str, str] | None = None,
    action_module: str = "",
    docs: Mapping[str, str] | None = None,
) -> None:
    """The API of a declared document type: ``GET {path}`` (filters of ``filterset``, default
    those of the declaration: ``document_filterset``), ``POST
    {path}`` (Idempotency-Key), ``GET`` / ``PATCH {path}/{id}`` and ``POST {path}/{id}/<action>``,
    each on the rows ``scoped(request)`` (default: ``documents_for`` the user).

    ``schemas`` (``header_schemas``): ``header_in`` holds the header fields plus ``lines``; a
    link ``<name>_id`` is looked up among the rows ``refs[name](request)`` (default
    ``default_ref``: a warehouse among the user's), a 422 on that field when it is not there.
    ``create(model, *, user, lines, **header)`` and ``update(doc, *, user, lines, **header)``
    are the document's services (the same the screens call). The OpenAPI operation ids read
    ``<module of to_out>_<verb>_<code>``; ``operation_names`` (verb → name) and
    ``action_module`` keep those of an API that was there before the type was declared, and
    ``docs`` (verb → description) its descriptions (the summaries then come from the names)."""
    resource, name = model.RESOURCE, model.DOC_TYPE
    filterset = filterset or document_filterset(model)
    if scoped is None:  # of (from or to) the user's warehouses
        scoped = partial(_documents_for, model)
    label = str(model._meta.verbose_name)
    header_in, out, to_out = schemas.header_in, schemas.out, schemas.to_out
    patch_in = schemas.patch_in or Patch[header_in]  # type: ignore[valid-type]
    links = {f.name: f for f in header_model_fields(model) if is_ref(f)}
    refs = {**{n: partial(default_ref, f) for n, f in links.items()}, **(refs or {})}

    def header_of(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
        header: dict[str, Any] = {}
        for key, value in data.items():
            if key == "lines":
                continue
            field = key.removesuffix("_id")
            if key.endswith("_id") and field in refs:
                header[field] = ref(refs[field](request), value, key)
            else:
                header[key] = value
        return header

    @requires(f"{resource}.view")
    def list_view(request, query: Query[query_of(filterset)]):  # type: ignore[valid-type]
        page = listing(request, scoped(request), filterset, query)
        page["items"] = [to_out(d, request) for d in page["items"]]
        return page

    @requires(f"{resource}.view")
    def get_view(request, id: int):
        return to_out(get_or_404(scoped(request), id), request)

    @creates(out, perm=f"{resource}.create")
    def create_view(request, payload: header_in):  # type: ignore[valid-type]
        data = payload.model_dump()  # type: ignore[attr-defined]
        given = data.get("lines")  # none: the service makes them (a kit's, a count's)
        lines = None if given is None else line_inputs(payload.lines)  # type: ignore[attr-defined]
        made = create(model, user=request.user, lines=lines, **header_of(request, data))
        return to_out(made, request)

    @requires(f"{resource}.edit")
    def update_view(request, id: int, payload: patch_in):  # type: ignore[valid-type]
        doc = get_or_404(scoped(request), id)
        sent: dict[str, Any] = (
            payload if isinstance(payload, dict) else payload.model_dump(exclude_none=True)  # type: ignore[attr-defined]
        )
        lines = sent.get("lines")
        done = update(
            doc,
            user=request.user,
            lines=None if lines is None else line_inputs([schemas.line_in(**x) for x in lines]),
            **header_of(request, sent),
        )
        return to_out(done, request)

    summaries: dict[str, str | None] = {}
    for func, verb in (
        (list_view, "list"),
        (get_view, "get"),
        (create_view, "create"),
        (update_view, "update"),
    ):
        func.__name__ = (operation_names or {}).get(verb, f"{verb}_{name}")
        func.__module__ = to_out.__module__
        summaries[verb] = f"{verb.capitalize()} ({label})"
        if docs is not None:  # ninja's summary (from the name), the description given
            summaries[verb] = None
            func.__doc__ = with_perms(docs.get(verb), func.jxc_perms)  # type: ignore[attr-defined]
    router.get(path, response=page_of(out), summary=summaries["list"])(list_view)
    router.get(f"{path}/{{id}}", response=out, summary=summaries["get"])(get_view)
    router.post(path, response={201: out}, summary=summaries["create"])(create_view)
    router.patch(f"{path}/{{id}}", response=out, summary=summaries["update"])(update_view)
    action_endpoints(
        router,
        path,
        name=name,
        resource=resource,
        queryset=scoped,
        out=out,
        to_out=to_out,
        actions=actions,
        module=action_module,
    )


def step_endpoint(
    router: Router,
    path: str,
    action: str,
    *,
    model: type[Document],
    schemas: DocumentSchemas,
    body: type[Schema],
    run: Callable[[Any, Any, Any], Any],
    doc: str,
    scoped: Callable[[HttpRequest], QuerySet] | None = None,
    optional: bool = False,
) -> None:
    """``POST {path}/{id}/<action>``: a step of the type's own (归还, 调入, 结案) with its body,
    ``run(document, user, body)`` the service; permission ``<resource>.<action>``, the
    document as answer. ``optional``: the body may be left out (``body()`` then). The
    operation id reads ``<module of to_out>_<action>_<code>``."""
    perm = f"{model.RESOURCE}.{action}"
    if scoped is None:
        scoped = partial(_documents_for, model)

    def answer(request: HttpRequest, id: int, payload: Any) -> dict[str, Any]:
        done = run(get_or_404(scoped(request), id), request.user, payload)
        return schemas.to_out(type(done)._default_manager.get(pk=done.pk), request)

    def without_body(request, id: int):
        return answer(request, id, optional_body(request, body))

    def with_body(request, id: int, payload: body):  # type: ignore[valid-type]
        return answer(request, id, payload)

    view: Callable[..., Any] = without_body if optional else with_body
    view.__name__ = f"{action}_{model.DOC_TYPE}"
    view.__module__ = schemas.to_out.__module__
    view.__doc__ = doc
    router.post(
        f"{path}/{{id}}/{action}",
        response=schemas.out,
        openapi_extra=optional_body_doc(body) if optional else None,
    )(requires(perm)(view))
