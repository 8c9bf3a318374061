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

from django.http import HttpRequest
from ninja import Field, File, Form, Schema
from ninja.files import UploadedFile

from jxc.api.common.errors import Router
from jxc.api.common.permissions import ref, requires
from jxc.api.documents.endpoints import document_endpoints
from jxc.api.documents.lines import LineIn, LineOut, line_out
from jxc.api.documents.schemas import DocumentSchemas, HeaderOut, header_out
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
    """The kind's API from the document platform (its declaration is the proxy's TYPE)."""
    model = STOCK_DOCUMENT_CLASSES[kind]
    document_endpoints(
        router,
        KIND_PATHS[kind],
        model=model,
        scoped=lambda request: doc_selectors.stock_documents_for(request.user, kind=kind),
        filterset=StockDocumentFilterSet,
        schemas=DocumentSchemas(StockDocumentIn, StockDocumentOut, stock_document_out),
        create=lambda model, **fields: docs.create_stock_document(kind=kind, **fields),
        update=docs.update_stock_document,
        refs={"warehouse": lambda request: stock_selectors.warehouses_for(request.user)},
        actions=ACTIONS,
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
    from jxc.imports import services as imports

    batch = imports.import_at_once(
        "opening-stock",
        user=request.user,
        data=file.read(),
        filename=file.name or "",
        options={"date": date, "post": post},
    )
    made = StockDocument.objects.filter(pk__in=batch.result.get("documents", [])).order_by(
        "warehouse__code"
    )
    return [stock_document_out(d, request) for d in made]


# After the fixed paths above (``/opening-stock/import``): ``{id}`` would catch them.
for _kind in KIND_PATHS:
    _kind_endpoints(_kind)


def sku_or_422(sku_id: int, field: str = "sku_id") -> Sku:
    return ref(Sku.objects.all(), sku_id, field)
