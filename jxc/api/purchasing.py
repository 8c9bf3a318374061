"""采购 API: the supplier price list and 采购订单 (from its declaration, jxc.api.documents).

GET/POST /supplier-prices, GET/PATCH /supplier-prices/{id}, POST …/{id}/deactivate|activate
GET/POST /purchase-orders, GET/PATCH /purchase-orders/{id},
POST /purchase-orders/{id}/submit|approve|unapprove|reject|void|close
GET /purchase-orders/quote?supplier_id=&sku_id=&unit_id=&date=   the price an order line takes
GET/POST /purchase-receipts, GET/PATCH /purchase-receipts/{id},
POST /purchase-receipts/{id}/submit|approve|unapprove|reject|void|post
POST /purchase-receipts/from-orders   a draft receipt of what is open on approved orders

Every purchase price and amount is a cost figure: absent for users without ``cost.view``.
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext
from ninja import Field, Schema

from jxc.api.common.crud import crud_endpoints
from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.permissions import ref, requires
from jxc.api.documents.endpoints import PLAIN_ACTIONS, document_endpoints
from jxc.api.documents.lines import LineIn
from jxc.api.documents.schemas import header_schemas
from jxc.catalog.models import Sku, Unit
from jxc.core.errors import ValidationFailed
from jxc.core.services import set_active
from jxc.core.visibility import Cost
from jxc.partners.models import Supplier
from jxc.purchasing import receipts, selectors, services
from jxc.purchasing.filters import (
    PurchaseOrderFilterSet,
    PurchaseReceiptFilterSet,
    SupplierPriceFilterSet,
)
from jxc.purchasing.models import PurchaseOrder, PurchaseReceipt

router = Router(tags=["purchasing"])

# --- 供应商价目表 --------------------------------------------------------------------------


class SupplierPriceIn(Schema):
    supplier_id: int
    sku_id: int
    unit_id: int
    price: Decimal = Field(..., gt=0)
    includes_tax: bool = True
    tax_rate: Decimal = Field(Decimal(13), ge=0, le=100, max_digits=5, decimal_places=2)
    moq: Decimal = Field(Decimal(0), ge=0)
    pack_multiple: Decimal = Field(Decimal(0), ge=0)
    lead_time_days: int = Field(0, ge=0, le=3650)
    valid_from: dt.date | None = Field(None, description="Default: today")
    valid_to: dt.date | None = None
    memo: str = Field("", max_length=200)


class SupplierPriceOut(Schema):
    id: int
    supplier_id: int
    supplier_name: str
    sku_id: int
    sku_code: str
    sku_name: str
    unit_id: int
    unit_name: str
    price: Decimal | None = Cost(None)
    includes_tax: bool
    tax_rate: Decimal
    moq: Decimal
    pack_multiple: Decimal
    lead_time_days: int
    valid_from: dt.date
    valid_to: dt.date | None
    memo: str
    is_active: bool

    @staticmethod
    def resolve_supplier_name(obj):
        return str(obj.supplier)

    @staticmethod
    def resolve_sku_code(obj):
        return obj.sku.code

    @staticmethod
    def resolve_sku_name(obj):
        return str(obj.sku)

    @staticmethod
    def resolve_unit_name(obj):
        return str(obj.unit)


def _price_fields(request, data: dict) -> dict:
    out = dict(data)
    for name, model in (("supplier", Supplier), ("sku", Sku), ("unit", Unit)):
        key = f"{name}_id"
        if key in out:
            out[name] = ref(model.objects.all(), out.pop(key), key)
    if out.get("valid_from", 0) is None:
        out.pop("valid_from")
    return out


crud_endpoints(
    router,
    "/supplier-prices",
    name="supplier_price",
    resource="purchase_price",
    queryset=lambda request: selectors.search_supplier_prices(),
    filterset=SupplierPriceFilterSet,
    out=SupplierPriceOut,
    in_=SupplierPriceIn,
    fields=_price_fields,
    create=services.create_supplier_price,
    update=services.update_supplier_price,
    set_active=set_active,
    list_doc="供应商价目表 list.",
)


# --- 采购订单 ---------------------------------------------------------------------------------


class PurchaseOrderLineIn(LineIn):
    """An order line: ``price`` per ``unit_id`` (含税 or 不含税 as the order says; empty: the
    price list's, else the last price paid), ``tax_rate`` and ``discount_rate`` in per cent
    (empty: the price list's rate, else the company's; no discount), ``promised_date``."""

    price: Decimal | None = None
    tax_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    discount_rate: Decimal | None = Field(None, ge=0, lt=100, max_digits=5, decimal_places=2)
    promised_date: dt.date | None = None


_COST = Cost(None)
SCHEMAS = header_schemas(
    PurchaseOrder,
    "PurchaseOrder",
    module=__name__,
    extra={
        "net_amount": (Decimal | None, lambda d: d.net_amount, _COST),
        "tax_amount": (Decimal | None, lambda d: d.tax_amount, _COST),
        "total_amount": (Decimal | None, lambda d: d.total_amount, _COST),
    },
    line_extra={
        "price": (Decimal | None, lambda x: x.price, _COST),
        "tax_rate": (Decimal, lambda x: x.tax_rate),
        "discount_rate": (Decimal, lambda x: x.discount_rate),
        "promised_date": (dt.date | None, lambda x: x.promised_date),
        "net_amount": (Decimal | None, lambda x: x.net_amount, _COST),
        "tax_amount": (Decimal | None, lambda x: x.tax_amount, _COST),
        "gross_amount": (Decimal | None, lambda x: x.gross_amount, _COST),
        "received_qty": (Decimal, lambda x: x.received_qty),
        "open_qty": (Decimal, lambda x: x.open_qty),
    },
    line_name="PurchaseOrderLine",
    line_in=PurchaseOrderLineIn,
)


class QuoteOut(Schema):
    price: Decimal | None = Cost(None)
    includes_tax: bool
    tax_rate: Decimal
    unit_id: int
    source: str
    moq: Decimal
    pack_multiple: Decimal


@router.get("/purchase-orders/quote", response={200: QuoteOut, 404: None})
@requires("purchase_order.view")
def quote_purchase_price(
    request, supplier_id: int, sku_id: int, unit_id: int, date: dt.date | None = None
):
    """The price an order line of this supplier, SKU and unit takes: the price list valid on
    ``date`` (default today), else the last price paid (``source``)."""
    day = date or dt.date.today()
    found = selectors.quotes(supplier_id, [(sku_id, unit_id)], day).get((sku_id, unit_id))
    if found is None:
        return 404, None
    return found


document_endpoints(
    router,
    "/purchase-orders",
    model=PurchaseOrder,
    scoped=lambda request: selectors.orders_for(request.user),
    filterset=PurchaseOrderFilterSet,
    schemas=SCHEMAS,
    create=services.create_purchase_order,
    update=services.update_purchase_order,
    actions={
        **PLAIN_ACTIONS,
        "approve": lambda doc, user, body: services.approve_purchase_order(doc, user=user),
        "unapprove": lambda doc, user, body: services.unapprove_purchase_order(doc, user=user),
        "close": lambda doc, user, body: services.close_purchase_order(
            doc, user=user, reason=body.reason
        ),
    },
)


# --- 采购入库单 ---------------------------------------------------------------------------------


class PurchaseReceiptLineIn(LineIn):
    """A receipt line against an order line (``order_line_id``): ``qty`` accepted in
    ``unit_id`` (default the order line's unit), ``rejected_qty`` sent back at inspection with
    its ``reject_reason``; bin, batch, dates and serial numbers as on any receipt."""

    order_line_id: int
    rejected_qty: Decimal | None = Field(None, ge=0)
    reject_reason: str = Field("", max_length=200)


RECEIPT_SCHEMAS = header_schemas(
    PurchaseReceipt,
    "PurchaseReceipt",
    module=__name__,
    extra={
        "net_amount": (Decimal | None, lambda d: d.net_amount, _COST),
        "tax_amount": (Decimal | None, lambda d: d.tax_amount, _COST),
        "total_amount": (Decimal | None, lambda d: d.total_amount, _COST),
        "due_date": (dt.date | None, lambda d: d.due_date),
    },
    line_extra={
        "order_line_id": (int, lambda x: x.source_line_id),
        "order_number": (str, lambda x: x.source_line.document.number),
        "rejected_qty": (Decimal, lambda x: x.rejected_qty),
        "reject_reason": (str, lambda x: x.reject_reason),
        "arrived_qty": (Decimal, lambda x: x.arrived_qty),
        "price": (Decimal | None, lambda x: x.price, _COST),
        "tax_rate": (Decimal, lambda x: x.tax_rate),
        "net_amount": (Decimal | None, lambda x: x.net_amount, _COST),
        "tax_amount": (Decimal | None, lambda x: x.tax_amount, _COST),
        "gross_amount": (Decimal | None, lambda x: x.gross_amount, _COST),
    },
    line_name="PurchaseReceiptLine",
    line_in=PurchaseReceiptLineIn,
)


class ReceiveOrdersIn(Schema):
    order_ids: list[int] = Field(..., min_length=1, max_length=100)
    date: dt.date | None = None
    memo: str = Field("", max_length=500)


@router.post("/purchase-receipts/from-orders", response={201: RECEIPT_SCHEMAS.out})
@creates(RECEIPT_SCHEMAS.out, perm="purchase_receipt.create")
def receive_purchase_orders(request, payload: ReceiveOrdersIn):
    """生成入库单: a draft receipt of everything still open on these approved orders of one
    supplier and warehouse (edit its quantities, rejections and batches, then post)."""
    orders = list(selectors.orders_for(request.user).filter(pk__in=payload.order_ids))
    if len(orders) != len(set(payload.order_ids)):
        raise ValidationFailed({"order_ids": [gettext("Select a valid choice.")]})
    if len({(o.supplier_id, o.warehouse_id) for o in orders}) > 1:
        raise ValidationFailed(
            {"order_ids": [gettext("The orders are of different suppliers or warehouses.")]}
        )
    made = receipts.receive_orders(orders, user=request.user, date=payload.date, memo=payload.memo)
    return RECEIPT_SCHEMAS.to_out(made, request)


document_endpoints(
    router,
    "/purchase-receipts",
    model=PurchaseReceipt,
    scoped=lambda request: selectors.receipts_for(request.user),
    filterset=PurchaseReceiptFilterSet,
    schemas=RECEIPT_SCHEMAS,
    create=receipts.create_purchase_receipt,
    update=receipts.update_purchase_receipt,
    actions={
        **PLAIN_ACTIONS,
        "post": lambda doc, user, body: receipts.post_purchase_receipt(doc, user=user),
    },
)


# The other purchasing documents add their endpoints to this router.
from jxc.api import (  # noqa: E402
    landed_costs,
    purchase_invoices,
    purchase_requisitions,
    purchase_returns,
)

__all__ = [
    "landed_costs",
    "purchase_invoices",
    "purchase_requisitions",
    "purchase_returns",
    "router",
]
