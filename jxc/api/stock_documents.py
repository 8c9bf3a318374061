"""Warehouse documents through the API: 其他入库 / 其他出库 / 成本调整 / 期初库存, and the
shared pieces (line schemas, workflow-action endpoints) the transfer, count and assembly
routers use.

    GET  /other-receipts            list (FilterSet: q, status, warehouse, reason, date range)
    POST /other-receipts            create a draft (Idempotency-Key honoured)
    GET  /other-receipts/{id}       one document with its lines and the actions open to you
    PATCH /other-receipts/{id}      change a draft (lines replaced when given)
    POST /other-receipts/{id}/submit | approve | unapprove | reject | void | post | reverse
    … the same under /other-issues, /cost-adjustments, /opening-stock;
    POST /opening-stock/import      期初 from a spreadsheet (every bad row reported at once)

Cost figures (unit_cost, value, cost_amount) are absent for users without ``cost.view``.
"""

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pydantic
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, File, Form, Query, Schema
from ninja.files import UploadedFile

from jxc.api.common import (
    Patch,
    Router,
    creates,
    get_or_404,
    listing,
    page_of,
    query_of,
    ref,
    requires,
    with_perms,
)
from jxc.catalog.models import Sku
from jxc.core.documents.lines import LineInput, line_amount, parse_serials
from jxc.core.documents.models import Document
from jxc.core.errors import ValidationFailed
from jxc.core.visibility import Cost
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents import selectors as doc_selectors
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.filters import StockDocumentFilterSet
from jxc.inventory.documents.models import STOCK_DOCUMENT_CLASSES, StockDocument

router = Router(tags=["stock documents"])

KIND_PATHS = {
    "other_receipt": "/other-receipts",
    "other_issue": "/other-issues",
    "cost_adjustment": "/cost-adjustments",
    "opening_stock": "/opening-stock",
}


# --- shared schemas ------------------------------------------------------------------------


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


def line_inputs(lines: list[LineIn]) -> list[LineInput]:
    return [
        LineInput(
            sku=x.sku_id,
            qty=x.qty,
            unit=x.unit_id,
            price=x.unit_cost,
            value_change=x.value,
            bin=x.bin_id,
            to_bin=x.to_bin_id,
            batch_number=x.batch_number,
            production_date=x.production_date,
            expiry_date=x.expiry_date,
            serials=parse_serials(x.serials),
            memo=x.memo,
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


ACTIONS: dict[str, Callable[..., Any]] = {
    "submit": lambda doc, user, body: docs.submit_document(doc, user=user),
    "approve": lambda doc, user, body: docs.approve_document(doc, user=user),
    "unapprove": lambda doc, user, body: docs.unapprove_document(doc, user=user),
    "reject": lambda doc, user, body: docs.reject_document(doc, user=user, reason=body.reason),
    "void": lambda doc, user, body: docs.void_document(doc, user=user, reason=body.reason),
    "post": lambda doc, user, body: docs.post_document(doc, user=user),
    "reverse": lambda doc, user, body: docs.reverse_document(
        doc, user=user, reason=body.reason, date=body.date
    ),
}


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


def action_endpoints(
    router: Router,
    path: str,
    *,
    name: str,
    resource: str,
    queryset: Callable[[HttpRequest], QuerySet],
    out: type[Schema],
    to_out: Callable[[Any, HttpRequest], dict[str, Any]],
    actions: dict[str, Callable[..., Any]] = ACTIONS,
) -> None:
    """``POST {path}/{id}/<action>`` for each workflow step (body: reason, date)."""

    def make(action: str, run: Callable[..., Any]) -> None:
        perm = f"{resource}.{action}"

        @requires(perm)
        def view(request, id: int):
            doc = get_or_404(queryset(request), id)
            done = run(doc, request.user, optional_body(request, ActionIn))
            return to_out(type(done)._default_manager.get(pk=done.pk), request)

        view.__name__ = f"{action}_{name}"
        view.__doc__ = with_perms(f"{action.capitalize()} a {name.replace('_', ' ')}.", (perm,))
        router.post(
            f"{path}/{{id}}/{action}",
            response=out,
            summary=view.__doc__.split("\n")[0],
            openapi_extra=optional_body_doc(ActionIn),
        )(view)

    for action, run in actions.items():
        make(action, run)


# --- 其他入库 / 其他出库 / 成本调整 / 期初库存 ----------------------------------------------------


class StockDocumentIn(Schema):
    warehouse_id: int
    date: dt.date
    reason: str = Field("", max_length=20)
    memo: str = Field("", max_length=500)
    lines: list[LineIn]


class StockDocumentOut(HeaderOut):
    kind: str
    warehouse_id: int
    warehouse_name: str
    reason: str
    reason_label: str
    reversal_date: dt.date | None
    lines: list[LineOut]


def stock_document_out(doc: StockDocument, request: HttpRequest) -> dict[str, Any]:
    lines = doc.lines.select_related("sku", "unit").order_by("line_no", "id")
    return {
        **header_out(doc.as_kind(), request),
        "kind": doc.kind,
        "warehouse_id": doc.warehouse_id,
        "warehouse_name": str(doc.warehouse),
        "reason": doc.reason,
        "reason_label": str(doc.get_reason_display()) if doc.reason else "",
        "reversal_date": doc.reversal_date,
        "lines": [line_out(x) for x in lines],
    }


def _kind_endpoints(kind: str) -> None:
    cls = STOCK_DOCUMENT_CLASSES[kind]
    path = KIND_PATHS[kind]
    resource = cls.RESOURCE
    name = kind

    def scoped(request) -> QuerySet:
        return doc_selectors.stock_documents_for(request.user, kind=kind)

    @requires(f"{resource}.view")
    def list_view(request, query: Query[query_of(StockDocumentFilterSet)]):  # type: ignore[valid-type]
        page = listing(request, scoped(request), StockDocumentFilterSet, query)
        page["items"] = [stock_document_out(d, request) for d in page["items"]]
        return page

    @requires(f"{resource}.view")
    def get_view(request, id: int):
        return stock_document_out(get_or_404(scoped(request), id), request)

    @creates(StockDocumentOut, perm=f"{resource}.create")
    def create_view(request, payload: StockDocumentIn):
        warehouse = ref(
            stock_selectors.warehouses_for(request.user), payload.warehouse_id, "warehouse_id"
        )
        doc = docs.create_stock_document(
            user=request.user,
            kind=kind,
            warehouse=warehouse,
            date=payload.date,
            reason=payload.reason,
            memo=payload.memo,
            lines=line_inputs(payload.lines),
        )
        return stock_document_out(doc, request)

    @requires(f"{resource}.edit")
    def update_view(request, id: int, payload: Patch[StockDocumentIn]):  # type: ignore[valid-type]
        doc = get_or_404(scoped(request), id)
        fields: dict[str, Any] = {k: payload[k] for k in ("date", "reason", "memo") if k in payload}
        if "warehouse_id" in payload:
            fields["warehouse"] = ref(
                stock_selectors.warehouses_for(request.user),
                payload["warehouse_id"],
                "warehouse_id",
            )
        if payload.get("lines") is not None:
            fields["lines"] = line_inputs([LineIn(**x) for x in payload["lines"]])
        doc = docs.update_stock_document(doc, user=request.user, **fields)
        return stock_document_out(doc, request)

    for func, verb in (
        (list_view, "list"),
        (get_view, "get"),
        (create_view, "create"),
        (update_view, "update"),
    ):
        func.__name__ = f"{verb}_{name}"
    label = str(cls._meta.verbose_name)
    router.get(path, response=page_of(StockDocumentOut), summary=f"List ({label})")(list_view)
    router.get(f"{path}/{{id}}", response=StockDocumentOut, summary=f"Get ({label})")(get_view)
    router.post(path, response={201: StockDocumentOut}, summary=f"Create ({label})")(create_view)
    router.patch(f"{path}/{{id}}", response=StockDocumentOut, summary=f"Update ({label})")(
        update_view
    )
    action_endpoints(
        router,
        path,
        name=name,
        resource=resource,
        queryset=scoped,
        out=StockDocumentOut,
        to_out=stock_document_out,
    )


@router.post("/opening-stock/import", response={200: list[StockDocumentOut]})
@requires("opening_stock.create")
def import_opening_stock(
    request,
    file: File[UploadedFile],
    date: Form[dt.date],
    post: Form[bool] = False,
):
    """导入期初库存 (.xlsx): SKU code or barcode, warehouse code, batch, dates, bin, quantity,
    unit cost. Every bad row is reported at once (422 ``import_rows_invalid`` with
    ``params.rows``); nothing is written unless all rows are good. One document per warehouse,
    posted when ``post`` is true."""
    made = docs.import_opening_stock(user=request.user, file=file.read(), date=date, post=post)
    return [stock_document_out(d, request) for d in made]


# After the fixed paths above (``/opening-stock/import``): ``{id}`` would catch them.
for _kind in KIND_PATHS:
    _kind_endpoints(_kind)


def sku_or_422(sku_id: int, field: str = "sku_id") -> Sku:
    return ref(Sku.objects.all(), sku_id, field)
