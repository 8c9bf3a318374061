"""盘点单 through the API.

    GET/POST /stock-counts, GET/PATCH /stock-counts/{id}
    POST /stock-counts/batch             several sheets at once (one per scope)
    POST /stock-counts/{id}/scan         {"code", "bin_id"}: one scan = one unit of the barcode
    PUT  /stock-counts/{id}/counts       {"lines": [{"line_id", "counted_qty"}]}
    POST /stock-counts/{id}/lines        a SKU found that is not on the sheet
    POST /stock-counts/{id}/import       counted quantities from a spreadsheet
    GET  /stock-counts/{id}/review       variance (quantity and value) per line and totals
    POST /stock-counts/{id}/submit | approve | unapprove | reject | void | post (= confirm) | reverse

A blind count does not show the book quantity while it is being counted (a draft).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Schema
from ninja.files import UploadedFile

from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.permissions import get_or_404, ref, requires
from jxc.api.documents.endpoints import document_endpoints
from jxc.api.documents.schemas import DocumentSchemas, HeaderOut, header_out
from jxc.api.import_jobs import ImportJobOut
from jxc.api.stock_documents import ACTIONS, OPERATION_MODULE
from jxc.catalog.models import Category, Sku
from jxc.core.models import ImportJob
from jxc.core.visibility import BOOK, COST, Marked, blank
from jxc.imports import services as import_services
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents import selectors as doc_selectors
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.filters import StockCountFilterSet
from jxc.inventory.documents.models import StockCount, StockCountLine

router = Router(tags=["stock counts"])


class CountScopeIn(Schema):
    warehouse_id: int
    category_id: int | None = None
    bin_from: str = Field("", max_length=40)
    bin_to: str = Field("", max_length=40)


class CountOptions(Schema):
    date: dt.date
    blind: bool = False
    uncounted_as_zero: bool = False
    include_zero: bool = False
    memo: str = Field("", max_length=500)


class StockCountIn(CountScopeIn, CountOptions):
    pass


class StockCountsIn(CountOptions):
    sheets: list[CountScopeIn]


class StockCountEditIn(Schema):
    date: dt.date | None = None
    blind: bool | None = None
    uncounted_as_zero: bool | None = None
    memo: str | None = Field(None, max_length=500)


class CountLineOut(Schema):
    id: int
    line_no: int
    sku_id: int
    sku_code: str
    sku_name: str
    bin_id: int | None
    bin_code: str
    batch_id: int | None
    batch_number: str
    book_qty: Decimal | None = Marked(BOOK)
    counted_qty: Decimal | None
    added: bool


class StockCountOut(HeaderOut):
    warehouse_id: int
    warehouse_name: str
    category_id: int | None
    bin_from: str
    bin_to: str
    blind: bool
    uncounted_as_zero: bool
    group: str
    frozen_at: dt.datetime | None
    lines: list[CountLineOut]


class ScanIn(Schema):
    code: str = Field(..., min_length=1, max_length=64)
    bin_id: int | None = None


class CountedIn(Schema):
    line_id: int
    counted_qty: Decimal | None


class CountsIn(Schema):
    lines: list[CountedIn]


class AddLineIn(Schema):
    sku_id: int
    bin_id: int | None = None
    batch_id: int | None = None


class ReviewRowOut(Schema):
    """Book quantity, variance and its value give a blind count's book quantity away (null
    while it is being counted); values are cost figures."""

    line_id: int
    sku_id: int
    book_qty: Decimal | None = Marked(BOOK)
    counted_qty: Decimal | None
    variance: Decimal | None = Marked(BOOK)
    value: Decimal | None = Marked(COST, BOOK)


class ReviewOut(Schema):
    lines: int
    counted: int
    uncounted: int
    gain_qty: Decimal | None = Marked(BOOK)
    loss_qty: Decimal | None = Marked(BOOK)
    gain_value: Decimal | None = Marked(COST, BOOK)
    loss_value: Decimal | None = Marked(COST, BOOK)
    value: Decimal | None = Marked(COST, BOOK)
    rows: list[ReviewRowOut]


class StockCountBatchOut(Schema):
    items: list[StockCountOut]


def scoped(request: HttpRequest):
    return doc_selectors.documents_for(request.user, StockCount)


def count_line_out(x: StockCountLine, *, hide: bool) -> dict[str, Any]:
    return _blind(
        hide,
        CountLineOut,
        {
            "id": x.pk,
            "line_no": x.line_no,
            "sku_id": x.sku_id,
            "sku_code": x.sku.code,
            "sku_name": str(x.sku),
            "bin_id": x.bin_id,
            "bin_code": x.bin.code if x.bin_id and x.bin else "",
            "batch_id": x.batch_id,
            "batch_number": x.batch.number if x.batch_id and x.batch else "",
            "book_qty": x.book_qty,
            "counted_qty": x.counted_qty,
            "added": x.added,
        },
    )


def _blind(hide: bool, schema: type[Schema], data: dict[str, Any]) -> dict[str, Any]:
    """While a blind count is being counted, every figure ``schema`` marks BOOK is null."""
    return blank(data, schema, BOOK) if hide else data


def count_out(count: StockCount, request: HttpRequest) -> dict[str, Any]:
    hide = count.hides_book
    lines = count.lines.select_related("sku", "bin", "batch").order_by("line_no", "id")
    return {
        **header_out(count, request),
        "warehouse_id": count.warehouse_id,
        "warehouse_name": str(count.warehouse),
        "category_id": count.category_id,
        "bin_from": count.bin_from,
        "bin_to": count.bin_to,
        "blind": count.blind,
        "uncounted_as_zero": count.uncounted_as_zero,
        "group": count.group,
        "frozen_at": count.frozen_at,
        "lines": [count_line_out(x, hide=hide) for x in lines],
    }


def _scope(request, s: CountScopeIn) -> docs.CountScope:
    return docs.CountScope(
        warehouse=ref(stock_selectors.warehouses_for(request.user), s.warehouse_id, "warehouse_id"),
        category=ref(Category.objects.all(), s.category_id, "category_id"),
        bin_from=s.bin_from,
        bin_to=s.bin_to,
    )


@router.post("/stock-counts/batch", response={201: StockCountBatchOut})
@creates(StockCountBatchOut, perm="stock_count.create")
def create_stock_counts(request, payload: StockCountsIn):
    """Several count sheets at once (e.g. one per aisle), one group."""
    counts = docs.create_stock_counts(
        user=request.user,
        date=payload.date,
        scopes=[_scope(request, s) for s in payload.sheets],
        blind=payload.blind,
        uncounted_as_zero=payload.uncounted_as_zero,
        include_zero=payload.include_zero,
        memo=payload.memo,
    )
    return {"items": [count_out(c, request) for c in counts]}


@router.post("/stock-counts/{id}/scan", response=CountLineOut)
@requires("stock_count.edit")
def scan(request, id: int, payload: ScanIn):
    """扫码: adds one unit of the scanned barcode (a box barcode adds the box)."""
    count = get_or_404(scoped(request), id)
    line = docs.scan_barcode(count, user=request.user, code=payload.code, bin_id=payload.bin_id)
    line = StockCountLine.objects.select_related("sku", "bin", "batch").get(pk=line.pk)
    return count_line_out(line, hide=count.hides_book)


@router.put("/stock-counts/{id}/counts", response=StockCountOut)
@requires("stock_count.edit")
def record_counts(request, id: int, payload: CountsIn):
    """录入实盘数 (base unit); null clears a line."""
    count = get_or_404(scoped(request), id)
    docs.record_counts(
        count, user=request.user, counts={x.line_id: x.counted_qty for x in payload.lines}
    )
    return count_out(count, request)


@router.post("/stock-counts/{id}/lines", response=CountLineOut)
@requires("stock_count.edit")
def add_line(request, id: int, payload: AddLineIn):
    """A SKU found that is not on the sheet (book quantity as at the freeze)."""
    count = get_or_404(scoped(request), id)
    sku = ref(Sku.objects.all(), payload.sku_id, "sku_id")
    line = docs.add_count_line(
        count, user=request.user, sku=sku, bin_id=payload.bin_id, batch_id=payload.batch_id
    )
    line = StockCountLine.objects.select_related("sku", "bin", "batch").get(pk=line.pk)
    return count_line_out(line, hide=count.hides_book)


@router.post("/stock-counts/{id}/import", response={200: StockCountOut, 202: ImportJobOut})
@requires("stock_count.edit")
def import_counts(request, id: int, file: File[UploadedFile]):
    """导入实盘数 (.xlsx): SKU code or barcode, counted quantity, bin, batch — the import
    framework's preview and confirm in one call (``kind`` ``stock-count``; the screens preview
    first). Every bad row is reported at once (422 ``import_rows_invalid``), nothing written.
    Up to 2,000 rows are applied at once (200, the sheet); more are applied in the background
    (202, the import job: follow ``GET /import-jobs/{id}``)."""
    count = get_or_404(scoped(request), id)
    batch = import_services.import_at_once(
        "stock-count",
        user=request.user,
        data=file.read(),
        filename=file.name or "",
        options={"count": count.pk},
    )
    if batch.job_id is not None:
        # the job itself: ImportJobOut resolves its result from the committed chunks
        return 202, ImportJob.objects.get(pk=batch.job_id)
    return count_out(count, request)


@router.get("/stock-counts/{id}/review", response=ReviewOut)
@requires("stock_count.view")
def review(request, id: int, differences: bool = False):
    """盘点差异: variance = counted − frozen book, valued at today's unit cost."""
    count = get_or_404(scoped(request), id)
    summary = doc_selectors.count_review(count, only_differences=differences)
    return _blind(
        count.hides_book,
        ReviewOut,
        {
            "lines": summary.lines,
            "counted": summary.counted,
            "uncounted": summary.uncounted,
            "gain_qty": summary.gain_qty,
            "loss_qty": summary.loss_qty,
            "gain_value": summary.gain_value,
            "loss_value": summary.loss_value,
            "value": summary.net_value,
            "rows": [
                {
                    "line_id": r.line.id,
                    "sku_id": r.line.sku,
                    "book_qty": r.line.book,
                    "counted_qty": r.line.counted,
                    "variance": r.variance,
                    "value": r.value,
                }
                for r in summary.rows
            ],
        },
    )


document_endpoints(
    router,
    "/stock-counts",
    model=StockCount,
    scoped=scoped,
    filterset=StockCountFilterSet,
    schemas=DocumentSchemas(StockCountIn, StockCountOut, count_out, patch_in=StockCountEditIn),
    create=docs.create_stock_count,
    update=docs.update_stock_count,
    actions={
        **ACTIONS,
        "post": lambda doc, user, body: docs.post_stock_count(
            doc, user=user, confirm_large=body.confirm
        ),
    },
    # The operation ids and descriptions this API had before 盘点单 went on the platform.
    operation_names={"list": "list_stock_counts"},
    action_module=OPERATION_MODULE,
    docs={"create": "新建盘点单: the book quantity of the scope is frozen now."},
)
