"""进项发票, 三单匹配 and 供应商绩效 API.

GET/POST /purchase-invoices, GET/PATCH /purchase-invoices/{id},
POST /purchase-invoices/{id}/submit|approve|unapprove|reject|void|post (post = 登记)
POST /purchase-invoices/from-documents   a draft billing posted receipts (returns: negative)
GET /purchase-invoices/mismatches        the three-way match: order lines that do not match
GET /supplier-performance                on-time, fill and reject rates per supplier
GET /suppliers/{id}/price-trend          the last purchase prices of each SKU

Amounts and prices are cost figures: absent without ``cost.view``.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Schema

from jxc.api.common.idempotency import creates
from jxc.api.common.permissions import get_or_404, requires
from jxc.api.documents.endpoints import PLAIN_ACTIONS, document_endpoints
from jxc.api.documents.lines import LineIn
from jxc.api.documents.schemas import header_schemas
from jxc.api.purchasing import router
from jxc.core.errors import ValidationFailed
from jxc.core.visibility import Cost
from jxc.partners.models import Supplier
from jxc.purchasing import invoices, matching, performance, selectors
from jxc.purchasing.filters import PurchaseInvoiceFilterSet
from jxc.purchasing.models import PurchaseInvoice

_COST = Cost(None)


class PurchaseInvoiceLineIn(LineIn):
    """A receipt line billed (``receipt_line_id``; the SKU is the receipt line's, ``qty`` the
    invoiced base quantity) and ``value``: the invoiced amount excl. VAT (negative: a credit
    for goods returned). A draft's credit of an unlinked return (made by from-documents) is
    sent back without ``receipt_line_id``: it keeps its return line (by SKU)."""

    receipt_line_id: int | None = None

    @property
    def order_line_id(self) -> int | None:
        """The line it is made against, where ``line_inputs`` reads it."""
        return self.receipt_line_id


SCHEMAS = header_schemas(
    PurchaseInvoice,
    "PurchaseInvoice",
    module=__name__,
    extra={"total_amount": (Decimal | None, lambda d: d.total_amount, _COST)},
    line_extra={
        "receipt_line_id": (int | None, lambda x: x.source_line_id),
        "receipt_number": (str, lambda x: x.source_line.document.number if x.source_line else ""),
        "return_line_id": (int | None, lambda x: x.return_line_id),
        "order_line_id": (int | None, lambda x: x.order_line_id),
    },
    line_name="PurchaseInvoiceLine",
    line_in=PurchaseInvoiceLineIn,
)


class FromDocumentsIn(Schema):
    receipt_ids: list[int] = Field([], max_length=100)
    return_ids: list[int] = Field([], max_length=100, description="credited as negative lines")
    invoice_number: str = Field(..., min_length=1, max_length=40)
    date: dt.date | None = None
    amount: Decimal | None = Field(
        None, max_digits=15, decimal_places=2, description="Default: the sum of the lines"
    )
    tax_amount: Decimal | None = Field(
        None, max_digits=15, decimal_places=2, description="Default: the documents' VAT"
    )
    memo: str = Field("", max_length=500)


@router.post("/purchase-invoices/from-documents", response={201: SCHEMAS.out})
@creates(SCHEMAS.out, perm="purchase_invoice.create")
def invoice_purchase_documents(request, payload: FromDocumentsIn):
    """登记发票 from posted receipts (and returns, credited): a draft over their lines."""
    found = list(selectors.receipts_for(request.user).filter(pk__in=payload.receipt_ids))
    back = list(selectors.returns_for(request.user).filter(pk__in=payload.return_ids))
    if len(found) != len(set(payload.receipt_ids)) or len(back) != len(set(payload.return_ids)):
        raise ValidationFailed({"receipt_ids": [gettext("Select a valid choice.")]})
    if not found and not back:
        raise ValidationFailed({"receipt_ids": [gettext("Select a receipt or a return.")]})
    header = {"invoice_number": payload.invoice_number, "memo": payload.memo}
    for name in ("amount", "tax_amount"):
        if getattr(payload, name) is not None:
            header[name] = getattr(payload, name)
    made = invoices.invoice_from(
        user=request.user, receipts=found, returns=back, date=payload.date, **header
    )
    return SCHEMAS.to_out(made, request)


class MismatchInvoiceOut(Schema):
    id: int
    number: str
    invoice_number: str


class MismatchOut(Schema):
    order_line_id: int
    order_id: int
    order_number: str
    line_no: int
    supplier_id: int
    supplier_name: str
    sku_id: int
    sku_name: str
    invoices: list[MismatchInvoiceOut]
    ordered_qty: Decimal
    received_qty: Decimal
    invoiced_qty: Decimal
    unit_price: Decimal | None = _COST
    ordered_amount: Decimal | None = _COST
    received_amount: Decimal | None = _COST
    invoiced_amount: Decimal | None = _COST
    difference: Decimal | None = _COST
    reason: str | None
    reason_label: str


def _mismatch_out(r: matching.MatchRow) -> dict:
    return {
        **{k: getattr(r, k) for k in MismatchOut.model_fields if hasattr(r, k)},
        "supplier_name": r.supplier,
        "sku_name": r.sku,
        "invoices": [{"id": i, "number": n, "invoice_number": p} for i, n, p in r.invoices],
    }


@router.get("/purchase-invoices/mismatches", response=list[MismatchOut])
@requires("purchase_invoice.view")
def list_invoice_mismatches(
    request,
    supplier_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    invoice_id: int | None = None,
    all_lines: bool = False,
):
    """三单匹配: the order lines billed by registered invoices (dated in the range, of a
    supplier or one invoice) whose ordered / received / invoiced figures do not match, with
    the reason (qty_mismatch 数量不符, price_mismatch 单价不符, not_received 未到货,
    over_invoiced 超额开票); ``all_lines=true`` also the matched ones."""
    rows = matching.invoice_match(
        supplier=supplier_id,
        date_from=date_from,
        date_to=date_to,
        invoice=invoice_id,
        mismatches_only=not all_lines,
    )
    return [_mismatch_out(r) for r in rows]


class PerformanceOut(Schema):
    supplier_id: int
    supplier_code: str
    supplier_name: str
    receipt_lines: int = Field(description="receipt lines whose order line has a promised date")
    on_time_lines: int
    on_time_rate: Decimal | None = Field(description="per cent")
    ordered_qty: Decimal = Field(description="on closed, completed or past-due order lines")
    filled_qty: Decimal
    fill_rate: Decimal | None
    arrived_qty: Decimal
    rejected_qty: Decimal
    reject_rate: Decimal | None


def default_range(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """Default: the last 90 days to today."""
    end = date_to or timezone.localdate()
    return date_from or end - dt.timedelta(days=89), end


@router.get("/supplier-performance", response=list[PerformanceOut])
@requires("supplier.view")
def list_supplier_performance(
    request,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    supplier_id: int | None = None,
):
    """供应商绩效 over a date range (default the last 90 days): on-time rate, fill rate, QC
    reject rate per supplier, in per cent."""
    start, end = default_range(date_from, date_to)
    return [
        {
            **{k: getattr(p, k) for k in PerformanceOut.model_fields if hasattr(p, k)},
            "supplier_code": p.code,
            "supplier_name": p.name,
        }
        for p in performance.supplier_performance(
            date_from=start, date_to=end, supplier=supplier_id
        )
    ]


class PricePointOut(Schema):
    sku_id: int
    sku_name: str
    date: dt.date
    number: str
    qty: Decimal
    unit_cost: Decimal | None = _COST


@router.get("/suppliers/{id}/price-trend", response=list[PricePointOut])
@requires("supplier.view")
def list_supplier_price_trend(
    request,
    id: int,
    last: int = Query(5, ge=1, le=50),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
):
    """价格走势: the last ``last`` purchase prices (excl. VAT per base unit, from posted
    receipts) of each SKU bought from the supplier, newest first."""
    supplier = get_or_404(Supplier.objects.all(), id)
    return [
        {**t.__dict__, "sku_name": t.sku}
        for t in performance.price_trend(
            supplier=supplier.pk, last=last, date_from=date_from, date_to=date_to
        )
    ]


document_endpoints(
    router,
    "/purchase-invoices",
    model=PurchaseInvoice,
    scoped=lambda request: matching.invoices_for(request.user),
    filterset=PurchaseInvoiceFilterSet,
    schemas=SCHEMAS,
    create=invoices.create_purchase_invoice,
    update=invoices.update_purchase_invoice,
    actions={
        **PLAIN_ACTIONS,
        "submit": lambda doc, user, body: invoices.submit_purchase_invoice(doc, user=user),
        "post": lambda doc, user, body: invoices.post_purchase_invoice(doc, user=user),
    },
)
