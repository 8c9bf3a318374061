"""Warehouse documents through the API: 其他入库 / 其他出库 / 成本调整 / 期初库存, and the
workflow services (``ACTIONS``) every warehouse document's router uses (the shared schemas and
``action_endpoints`` are in ``jxc.api.documents``).

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
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
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
)
from jxc.api.documents import (
    HeaderOut,
    LineIn,
    LineOut,
    action_endpoints,
    header_out,
    line_inputs,
    line_out,
)
from jxc.catalog.models import Sku
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


# The operation ids of the warehouse documents' workflow steps (as when they were made here).
OPERATION_MODULE = __name__

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
        actions=ACTIONS,
        module=OPERATION_MODULE,
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
