"""采购退货单 API (from its declaration, jxc.api.documents).

GET/POST /purchase-returns, GET/PATCH /purchase-returns/{id},
POST /purchase-returns/{id}/submit|approve|unapprove|reject|void|post|reverse
POST /purchase-returns/from-receipt   a draft returning what is still returnable of a receipt

Prices, amounts, stock cost and price variance are cost figures: absent without ``cost.view``.
"""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Schema

from jxc.api.common.idempotency import creates
from jxc.api.documents.endpoints import PLAIN_ACTIONS, document_endpoints
from jxc.api.documents.lines import LineIn
from jxc.api.documents.schemas import header_schemas
from jxc.api.purchasing import router
from jxc.core.visibility import Cost
from jxc.purchasing import returns, reversals, selectors
from jxc.purchasing.filters import PurchaseReturnFilterSet
from jxc.purchasing.models import PurchaseReturn


class PurchaseReturnLineIn(LineIn):
    """A return line: against a posted receipt line (``receipt_line_id``: its price, VAT rate,
    batch) or unlinked with ``price`` (含税 or not as the return says) and ``tax_rate`` — then
    the return's ``reason`` is required."""

    receipt_line_id: int | None = None
    price: Decimal | None = None
    tax_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)

    @property
    def order_line_id(self) -> int | None:
        """The line it is made against, where ``line_inputs`` reads it."""
        return self.receipt_line_id


_COST = Cost(None)
SCHEMAS = header_schemas(
    PurchaseReturn,
    "PurchaseReturn",
    module=__name__,
    extra={
        "net_amount": (Decimal | None, lambda d: d.net_amount, _COST),
        "tax_amount": (Decimal | None, lambda d: d.tax_amount, _COST),
        "total_amount": (Decimal | None, lambda d: d.total_amount, _COST),
        "stock_cost": (Decimal | None, lambda d: d.stock_cost, _COST),
        "price_variance": (Decimal | None, lambda d: d.price_variance, _COST),
    },
    line_extra={
        "receipt_line_id": (int | None, lambda x: x.source_line_id),
        "receipt_number": (
            str,
            lambda x: x.source_line.document.number if x.source_line_id else "",
        ),
        "price": (Decimal | None, lambda x: x.price, _COST),
        "tax_rate": (Decimal, lambda x: x.tax_rate),
        "net_amount": (Decimal | None, lambda x: x.net_amount, _COST),
        "tax_amount": (Decimal | None, lambda x: x.tax_amount, _COST),
        "gross_amount": (Decimal | None, lambda x: x.gross_amount, _COST),
        "stock_cost": (Decimal | None, lambda x: x.stock_cost, _COST),
        "price_variance": (Decimal | None, lambda x: x.price_variance, _COST),
    },
    line_name="PurchaseReturnLine",
    line_in=PurchaseReturnLineIn,
)


class ReturnReceiptIn(Schema):
    receipt_id: int
    date: dt.date | None = None
    reason: str = Field("", max_length=200)


@router.post("/purchase-returns/from-receipt", response={201: SCHEMAS.out})
@creates(SCHEMAS.out, perm="purchase_return.create")
def return_purchase_receipt(request, payload: ReturnReceiptIn):
    """退货: a draft returning everything still returnable of a posted receipt (edit the
    quantities, then post)."""
    receipt = get_object_or_404(selectors.receipts_for(request.user), pk=payload.receipt_id)
    made = returns.return_receipt(
        receipt, user=request.user, date=payload.date, reason=payload.reason
    )
    return SCHEMAS.to_out(made, request)


document_endpoints(
    router,
    "/purchase-returns",
    model=PurchaseReturn,
    scoped=lambda request: selectors.returns_for(request.user),
    filterset=PurchaseReturnFilterSet,
    schemas=SCHEMAS,
    create=returns.create_purchase_return,
    update=returns.update_purchase_return,
    actions={
        **PLAIN_ACTIONS,
        "post": lambda doc, user, body: returns.post_purchase_return(doc, user=user),
        "reverse": lambda doc, user, body: reversals.reverse_purchase_return(
            doc, user=user, reason=body.reason, date=body.date
        ),
    },
)
