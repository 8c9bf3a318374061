"""销项发票 API: invoice records issued to customers, linked to posted deliveries (and returns,
negative), and the 未开票出库单 list.

GET/POST /sales-invoices, GET /sales-invoices/{id}, POST /sales-invoices/{id}/void
GET /sales-invoices/uninvoiced?customer_id=     未开票出库单 per customer, with amounts

An invoice is a record only: the party ledger is not touched (the delivery made the
receivable). More than the documents have left to invoice: 422 ``over_invoiced``.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Schema

from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.listing import listing, page_of, query_of
from jxc.api.common.permissions import get_or_404, ref, requires
from jxc.api.documents.schemas import ActionIn
from jxc.partners.models import Customer
from jxc.sales import invoices, selectors
from jxc.sales.filters import SalesInvoiceFilterSet
from jxc.sales.models import SalesInvoice

router = Router(tags=["sales"])


class SalesInvoiceIn(Schema):
    customer_id: int
    date: dt.date
    invoice_number: str = Field(..., min_length=1, max_length=40, description="发票号码")
    kind: Literal["special", "ordinary"] = Field("special", description="专票 / 普票")
    net_amount: Decimal = Field(..., gt=0, description="金额 (excl. VAT)")
    tax_amount: Decimal = Field(Decimal(0), ge=0, description="税额")
    delivery_ids: list[int] = Field(
        ..., min_length=1, description="Posted 销售出库单 of the customer (oldest covered first)"
    )
    return_ids: list[int] = Field([], description="Posted 销售退货单 (taken off, in full)")
    memo: str = Field("", max_length=500)


class InvoiceLinkOut(Schema):
    kind: str  # delivery / return
    document_id: int
    number: str
    amount: Decimal


class SalesInvoiceOut(Schema):
    id: int
    number: str
    status: str
    status_reason: str
    date: dt.date
    customer_id: int
    customer_name: str
    invoice_number: str
    kind: str
    net_amount: Decimal
    tax_amount: Decimal
    total_amount: Decimal
    memo: str
    documents: list[InvoiceLinkOut]


class UninvoicedDocOut(Schema):
    kind: str
    id: int
    number: str
    date: dt.date
    total_amount: Decimal
    invoiced_amount: Decimal
    uninvoiced: Decimal


class UninvoicedCustomerOut(Schema):
    customer_id: int
    customer_name: str
    uninvoiced: Decimal
    documents: list[UninvoicedDocOut]


def _out(inv: SalesInvoice) -> dict:
    docs = []
    for x in inv.links.select_related("delivery", "sales_return").order_by("id"):
        doc = x.document
        docs.append(
            {
                "kind": "delivery" if x.delivery_id else "return",
                "document_id": doc.pk,
                "number": doc.number,
                "amount": x.amount,
            }
        )
    return {
        "id": inv.pk,
        "number": inv.number,
        "status": inv.status,
        "status_reason": inv.status_reason,
        "date": inv.date,
        "customer_id": inv.customer_id,
        "customer_name": str(inv.customer),
        "invoice_number": inv.invoice_number,
        "kind": inv.kind,
        "net_amount": inv.net_amount,
        "tax_amount": inv.tax_amount,
        "total_amount": inv.total_amount,
        "memo": inv.memo,
        "documents": docs,
    }


@router.get(
    "/sales-invoices/uninvoiced",
    response=list[UninvoicedCustomerOut],
    summary="未开票出库单 per customer",
)
@requires("sales_invoice.view")
def uninvoiced_sales_documents(request, customer_id: int | None = None):
    """Posted deliveries (and returns, negative) of the user's warehouses not covered by
    销项发票 in full, per customer (oldest first), with what each has left to invoice."""
    rows = selectors.uninvoiced_documents(request.user, customer_id=customer_id)
    return [
        {
            "customer_id": g["customer_id"],
            "customer_name": g["customer"],
            "uninvoiced": g["uninvoiced"],
            "documents": [
                {
                    "kind": r.kind,
                    "id": r.id,
                    "number": r.number,
                    "date": r.date,
                    "total_amount": r.total_amount,
                    "invoiced_amount": r.invoiced_amount,
                    "uninvoiced": r.uninvoiced,
                }
                for r in g["rows"]
            ],
        }
        for g in selectors.uninvoiced_by_customer(rows)
    ]


@router.post("/sales-invoices", response={201: SalesInvoiceOut}, summary="登记销项发票")
@creates(SalesInvoiceOut, perm="sales_invoice.create")
def create_sales_invoice(request, payload: SalesInvoiceIn):
    """Record an invoice issued to a customer against its posted deliveries (the oldest
    first, the last one in part) and returns (in full). 422 ``over_invoiced`` when the total
    is above what they have left to invoice; nothing is written then."""
    inv = invoices.record_sales_invoice(
        user=request.user,
        customer=ref(Customer.objects.all(), payload.customer_id, "customer_id"),
        date=payload.date,
        invoice_number=payload.invoice_number,
        kind=payload.kind,
        net_amount=payload.net_amount,
        tax_amount=payload.tax_amount,
        deliveries=payload.delivery_ids,
        returns=payload.return_ids,
        memo=payload.memo,
    )
    return _out(inv)


@router.get("/sales-invoices", response=page_of(SalesInvoiceOut), summary="销项发票 list")
@requires("sales_invoice.view")
def list_sales_invoices(
    request,
    query: Query[query_of(SalesInvoiceFilterSet)],  # type: ignore[valid-type]
):
    page = listing(request, selectors.invoices_for(request.user), SalesInvoiceFilterSet, query)
    page["items"] = [_out(x) for x in page["items"]]
    return page


@router.get("/sales-invoices/{id}", response=SalesInvoiceOut, summary="One 销项发票")
@requires("sales_invoice.view")
def get_sales_invoice(request, id: int):
    return _out(get_or_404(selectors.invoices_for(request.user), id))


@router.post("/sales-invoices/{id}/void", response=SalesInvoiceOut, summary="作废销项发票")
@requires("sales_invoice.void")
def void_sales_invoice(request, id: int, payload: ActionIn):
    """作废 (a reason is required): what the invoice covered is open to invoice again."""
    inv = get_or_404(selectors.invoices_for(request.user), id)
    return _out(invoices.void_sales_invoice(inv, user=request.user, reason=payload.reason))
