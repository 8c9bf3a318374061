"""借出单 / 借入单 through the API, from their declarations (jxc.api.documents):

GET/POST /loans-out, GET/PATCH /loans-out/{id}, POST /loans-out/{id}/<action>
POST /loans-out/{id}/return   归还: {"lines": [{"line_id", "qty"}], "date"} (empty = all)
GET  /loans-out/outstanding   what is still out, per partner
… the same under /loans-in.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from jxc.api.common.errors import Router
from jxc.api.common.permissions import get_or_404, requires
from jxc.api.documents import (
    PLAIN_ACTIONS,
    HeaderOut,
    LineIn,
    LineOut,
    document_endpoints,
    header_out,
    line_out,
)
from jxc.inventory import selectors as stock_selectors
from jxc.loans import selectors, services
from jxc.loans.filters import LoanInFilterSet, LoanOutFilterSet
from jxc.loans.models import Loan, LoanIn, LoanOut
from jxc.partners.models import Customer, Supplier

router = Router(tags=["loans"])


class LoanDocumentIn(Schema):
    warehouse_id: int
    date: dt.date
    customer_id: int | None = None
    supplier_id: int | None = None
    due_date: dt.date | None = None
    memo: str = Field("", max_length=500)
    lines: list[LineIn]


class LoanLineOut(LineOut):
    returned_qty: Decimal
    open_qty: Decimal


class LoanDocumentOut(HeaderOut):
    warehouse_id: int
    warehouse_name: str
    customer_id: int | None
    supplier_id: int | None
    partner_name: str
    due_date: dt.date | None
    reversal_date: dt.date | None
    lines: list[LoanLineOut]


class ReturnLineIn(Schema):
    line_id: int
    qty: Decimal


class ReturnIn(Schema):
    lines: list[ReturnLineIn] = []
    date: dt.date | None = None


class OutstandingOut(Schema):
    loan_id: int
    number: str
    date: dt.date
    due_date: dt.date | None
    partner_name: str
    line_id: int
    sku_code: str
    sku_name: str
    qty: Decimal
    returned_qty: Decimal
    open_qty: Decimal


def loan_out(doc: Loan, request) -> dict[str, Any]:
    lines = doc.lines.select_related("sku", "unit").order_by("line_no", "id")
    return {
        **header_out(doc, request),
        "warehouse_id": doc.warehouse_id,
        "warehouse_name": str(doc.warehouse),
        "customer_id": doc.customer_id,
        "supplier_id": doc.supplier_id,
        "partner_name": str(doc.partner or ""),
        "due_date": doc.due_date,
        "reversal_date": doc.reversal_date,
        "lines": [
            {**line_out(x), "returned_qty": x.returned_qty, "open_qty": x.open_qty} for x in lines
        ],
    }


def _endpoints(model: type[Loan], path: str, filterset: type) -> None:
    def scoped(request):
        return selectors.loans_for(request.user, model)

    @requires(f"{model.RESOURCE}.view")
    def outstanding(request):
        """未归还: the lines of posted loans with something still out, by partner."""
        return [
            {
                "loan_id": x.document_id,
                "number": x.document.number,
                "date": x.document.date,
                "due_date": x.document.due_date,
                "partner_name": str(x.document.partner),
                "line_id": x.pk,
                "sku_code": x.sku.code,
                "sku_name": str(x.sku),
                "qty": x.base_qty,
                "returned_qty": x.returned_qty,
                "open_qty": x.open_qty,
            }
            for x in selectors.outstanding_lines(request.user, model)
        ]

    outstanding.__name__ = f"outstanding_{model.DOC_TYPE}"
    router.get(f"{path}/outstanding", response=list[OutstandingOut])(outstanding)

    @requires(f"{model.RESOURCE}.return")
    def return_view(request, id: int, payload: ReturnIn):
        """归还: what came back per line (base unit); no lines = everything still out."""
        doc = get_or_404(scoped(request), id)
        quantities = {x.line_id: x.qty for x in payload.lines} or None
        done = services.return_loan(
            doc, user=request.user, quantities=quantities, date=payload.date
        )
        return loan_out(type(done).objects.get(pk=done.pk), request)

    return_view.__name__ = f"return_{model.DOC_TYPE}"
    router.post(f"{path}/{{id}}/return", response=LoanDocumentOut)(return_view)

    document_endpoints(
        router,
        path,
        model=model,
        scoped=scoped,
        filterset=filterset,
        header_in=LoanDocumentIn,
        out=LoanDocumentOut,
        to_out=loan_out,
        create=lambda **kw: services.create_loan(model, **kw),
        update=services.update_loan,
        refs={
            "warehouse": lambda r: stock_selectors.warehouses_for(r.user),
            "customer": lambda r: Customer.objects.all(),
            "supplier": lambda r: Supplier.objects.all(),
        },
        actions={
            **PLAIN_ACTIONS,
            "post": lambda doc, user, body: services.post_loan(doc, user=user),
            "reverse": lambda doc, user, body: services.reverse_loan(
                doc, user=user, reason=body.reason, date=body.date
            ),
        },
    )


_endpoints(LoanOut, "/loans-out", LoanOutFilterSet)
_endpoints(LoanIn, "/loans-in", LoanInFilterSet)
