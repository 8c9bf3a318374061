"""What every document's API shares: the line schemas (``LineIn`` / ``LineOut``), the header
(``HeaderOut``), the body of a workflow step (``ActionIn``: reason, date) and
``action_endpoints``, which gives a document ``POST {path}/{id}/<action>`` for each step of its
workflow, with its permission and the optional body in the OpenAPI document, and
``document_endpoints``: the whole API of a declared document type (list with filters, get,
create with Idempotency-Key, patch a draft, the workflow steps).

Cost figures (unit_cost, value, cost_amount) are absent for users without ``cost.view``.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, Literal

import pydantic
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Schema

from jxc.api.common.crud import Patch
from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.listing import listing, page_of, query_of
from jxc.api.common.parsing import optional_body, optional_body_doc
from jxc.api.common.permissions import get_or_404, ref, requires, with_perms
from jxc.core.documents import actions
from jxc.core.documents.header import header_model_fields, is_optional, is_ref
from jxc.core.documents.lines import LineInput, line_amount, parse_serials
from jxc.core.documents.models import Document
from jxc.core.visibility import COST, Cost, marks_of
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents.selectors import documents_for
from jxc.inventory.models import Warehouse


class LineIn(Schema):
    """One line as entered: quantity in ``unit_id`` (default the base unit); ``unit_cost`` per
    that unit (receipts, opening stock; the new cost for a cost adjustment); ``value`` the
    value change of a cost adjustment."""

    sku_id: int
    qty: Decimal = Decimal(0)
    unit_id: int | None = None
    unit_cost: Decimal | None = None
    value: Decimal | None = None
    bin_id: int | None = None
    to_bin_id: int | None = None
    batch_number: str = Field("", max_length=60)
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    serials: list[str] = []
    memo: str = Field("", max_length=200)


class LineOut(Schema):
    id: int
    line_no: int
    sku_id: int
    sku_code: str
    sku_name: str
    unit_id: int | None
    unit_name: str
    factor: Decimal
    qty: Decimal
    base_qty: Decimal
    unit_cost: Decimal | None = Cost(None)
    value: Decimal | None = Cost(None)
    cost_amount: Decimal | None = Cost(None)
    bin_id: int | None = None
    batch_number: str = ""
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    serials: list[str] = []
    memo: str = ""


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


def line_inputs(lines: list[LineIn]) -> list[LineInput]:
    """The lines as service input; a type's own line schema (a subclass of ``LineIn``) may add
    ``price`` (an order's price, instead of ``unit_cost``), ``tax_rate``, ``discount_rate``,
    ``promised_date``, and for a line made against an order line ``order_line_id``,
    ``rejected_qty`` and ``reject_reason``."""
    return [
        LineInput(
            sku=x.sku_id,
            qty=x.qty,
            unit=x.unit_id,
            price=x.unit_cost if x.unit_cost is not None else getattr(x, "price", None),
            value_change=x.value,
            bin=x.bin_id,
            to_bin=x.to_bin_id,
            batch_number=x.batch_number,
            production_date=x.production_date,
            expiry_date=x.expiry_date,
            serials=parse_serials(x.serials),
            memo=x.memo,
            tax_rate=getattr(x, "tax_rate", None),
            discount_rate=getattr(x, "discount_rate", None),
            promised_date=getattr(x, "promised_date", None),
            source_line=getattr(x, "order_line_id", None),
            rejected_qty=getattr(x, "rejected_qty", None),
            reject_reason=getattr(x, "reject_reason", ""),
        )
        for x in lines
    ]


def line_out(x: Any) -> dict[str, Any]:
    """The common columns of any document line (select_related sku, unit)."""
    price = getattr(x, "price", None)
    return {
        "id": x.pk,
        "line_no": x.line_no,
        "sku_id": x.sku_id,
        "sku_code": x.sku.code,
        "sku_name": str(x.sku),
        "unit_id": x.unit_id,
        "unit_name": str(x.unit) if x.unit_id else "",
        "factor": x.factor,
        "qty": x.qty,
        "base_qty": x.base_qty,
        "unit_cost": price,
        "value": getattr(x, "value_change", None),
        "cost_amount": line_amount(x.qty, price),
        "bin_id": getattr(x, "bin_id", None),
        "batch_number": getattr(x, "batch_number", ""),
        "production_date": getattr(x, "production_date", None),
        "expiry_date": getattr(x, "expiry_date", None),
        "serials": list(parse_serials(getattr(x, "serials", ""))),
        "memo": x.memo,
    }


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


# --- header schemas made from the declaration -----------------------------------------------

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
    of the document, ``line_extra`` of each line (its schema ``<line_name>Out``). ``module``
    (the router's ``__name__``) names the endpoints' OpenAPI operation ids; ``line_in`` is the
    type's line schema when it takes more than ``LineIn`` (an order's price, tax, discount);
    ``lines_optional``: the lines may be left out (the service makes them: a kit's components)."""
    header = header_model_fields(model)
    extra, line_extra = extra or {}, line_extra or {}
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


def _documents_for(model: type[Document], request: HttpRequest) -> QuerySet:
    return documents_for(request.user, model)


def default_ref(field: Any, request: HttpRequest) -> QuerySet:
    """The rows a header link may name unless the type says otherwise (a warehouse: the
    user's warehouses)."""
    if field.related_model is Warehouse:
        return stock_selectors.warehouses_for(request.user)
    return field.related_model._default_manager.all()


# The workflow steps that need nothing document-specific (``run(doc, user, body)``).
PLAIN_ACTIONS: dict[str, Callable[..., Any]] = {
    "submit": lambda doc, user, body: actions.submit(doc, user=user),
    "approve": lambda doc, user, body: actions.approve(doc, user=user),
    "unapprove": lambda doc, user, body: actions.unapprove(doc, user=user),
    "reject": lambda doc, user, body: actions.reject(doc, user=user, reason=body.reason),
    "void": lambda doc, user, body: actions.void(doc, user=user, reason=body.reason),
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
    filterset: type,
    schemas: DocumentSchemas,
    create: Callable[..., Any],
    update: Callable[..., Any],
    actions: dict[str, Callable[..., Any]],
    refs: Mapping[str, Callable[[HttpRequest], QuerySet]] | None = None,
    operation_names: Mapping[str, str] | None = None,
    action_module: str = "",
    docs: Mapping[str, str] | None = None,
) -> None:
    """The API of a declared document type: ``GET {path}`` (filters of ``filterset``), ``POST
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
