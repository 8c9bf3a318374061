"""销售 API (jxc.api.documents for each declared type, plus what the order grid and the
warehouse call).

GET/POST /quotations, GET/PATCH /quotations/{id}, POST …/{id}/submit|approve|unapprove|reject|void|close
POST /quotations/{id}/order                     报价转订单: a draft order
GET/POST /sales-orders, GET/PATCH /sales-orders/{id},
POST /sales-orders/{id}/submit|approve|unapprove|reject|void|close
GET /sales-orders/price?customer_id=&sku_id=&unit_id=   the price a line takes (and 历史单价)
GET /sales-orders/availability?sku_id=          可用量 / 预计可用 per warehouse (the grid, live)
GET/POST /sales-deliveries, GET/PATCH /sales-deliveries/{id}, POST …/{id}/submit|approve|…|post
POST /sales-deliveries/from-orders              a draft delivery of what is open on orders
GET /pick-lists, GET /pick-lists/{id}, POST /pick-lists/from-orders,
POST /pick-lists/{id}/approve|unapprove|void|complete, POST /pick-lists/{id}/scan,
POST /pick-lists/{id}/deliver                   draft deliveries of what was picked
GET/POST /sales-returns, GET/PATCH /sales-returns/{id}, POST …/{id}/submit|approve|…|post
POST /sales-returns/from-delivery               生成退货单: a draft of what is still returnable
POST /sales-returns/exchange                    换货: a return and a delivery posted together

Errors keep their codes: insufficient_available (库存不足, with every short SKU),
credit_limit_exceeded, below_min_price, over_delivery, over_return, not_on_pick_list,
delivery_not_posted, nothing_to_return.
Costs (unit cost, 销售成本, gross profit) are absent for users without ``cost.view``.
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext
from ninja import Field, Schema

from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.permissions import get_or_404, ref, requires
from jxc.api.documents.endpoints import PLAIN_ACTIONS, document_endpoints
from jxc.api.documents.lines import LineIn
from jxc.api.documents.schemas import header_schemas
from jxc.core.documents import actions
from jxc.core.errors import ValidationFailed
from jxc.core.visibility import Cost
from jxc.partners.models import Customer
from jxc.sales import deliveries, orders, picking, returns, selectors
from jxc.sales.filters import (
    PickListFilterSet,
    QuotationFilterSet,
    SalesDeliveryFilterSet,
    SalesOrderFilterSet,
    SalesReturnFilterSet,
)
from jxc.sales.models import PickList, Quotation, SalesDelivery, SalesOrder, SalesReturn

router = Router(tags=["sales"])
_COST = Cost(None)


class PricedLineIn(LineIn):
    """A sales line: ``price`` per ``unit_id`` (含税 or 不含税 as the document says; empty:
    客户协议价, else the customer's price level, else 历史单价), ``tax_rate`` and
    ``discount_rate`` in per cent, ``promised_date`` (orders)."""

    price: Decimal | None = None
    tax_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    discount_rate: Decimal | None = Field(None, ge=0, lt=100, max_digits=5, decimal_places=2)
    promised_date: dt.date | None = None


class DeliveryLineIn(PricedLineIn):
    """A delivery line against an approved order line (``order_line_id``: its price, VAT and
    discount), or without one (a counter sale: priced like an order line)."""

    order_line_id: int | None = None


class SalesReturnLineIn(PricedLineIn):
    """A return line linked to a posted delivery line (``delivery_line_id``: back at the cost
    it left with), or unlinked (the document's ``reason`` required)."""

    delivery_line_id: int | None = None

    @property
    def order_line_id(self) -> int | None:  # what jxc.api.documents.lines.line_inputs reads
        return self.delivery_line_id


def _priced(extra: dict | None = None) -> dict:
    return {
        "price": (Decimal, lambda x: x.price),
        "list_price": (Decimal, lambda x: x.list_price),
        "tax_rate": (Decimal, lambda x: x.tax_rate),
        "discount_rate": (Decimal, lambda x: x.discount_rate),
        "net_amount": (Decimal, lambda x: x.net_amount),
        "tax_amount": (Decimal, lambda x: x.tax_amount),
        "gross_amount": (Decimal, lambda x: x.gross_amount),
        **(extra or {}),
    }


_TOTALS = {
    "net_amount": (Decimal, lambda d: d.net_amount),
    "tax_amount": (Decimal, lambda d: d.tax_amount),
    "total_amount": (Decimal, lambda d: d.total_amount),
}

QUOTATION_SCHEMAS = header_schemas(
    Quotation,
    "Quotation",
    module=__name__,
    extra=_TOTALS,
    line_extra=_priced(),
    line_name="QuotationLine",
    line_in=PricedLineIn,
)

ORDER_SCHEMAS = header_schemas(
    SalesOrder,
    "SalesOrder",
    module=__name__,
    extra={
        **_TOTALS,
        "credit_exceeded": (bool, lambda d: d.credit_exceeded),
        "backorder": (bool, lambda d: d.backorder),
    },
    line_extra=_priced(
        {
            "promised_date": (dt.date | None, lambda x: x.promised_date),
            "min_price": (Decimal, lambda x: x.min_price),
            "reserved_qty": (Decimal, lambda x: x.reserved_qty),
            "delivered_qty": (Decimal, lambda x: x.delivered_qty),
            "open_qty": (Decimal, lambda x: x.open_qty),
        }
    ),
    line_name="SalesOrderLine",
    line_in=PricedLineIn,
)

DELIVERY_SCHEMAS = header_schemas(
    SalesDelivery,
    "SalesDelivery",
    module=__name__,
    extra={
        **_TOTALS,
        "cost_amount": (Decimal | None, lambda d: d.cost_amount, _COST),
        "gross_profit": (Decimal | None, lambda d: d.gross_profit, _COST),
        "due_date": (dt.date | None, lambda d: d.due_date),
        "pick_list_id": (int | None, lambda d: d.pick_list_id),
    },
    line_extra=_priced(
        {
            "order_line_id": (int | None, lambda x: x.source_line_id),
            "cost_amount": (Decimal | None, lambda x: x.cost_amount, _COST),
            "gross_profit": (Decimal | None, lambda x: x.gross_profit, _COST),
            "returned_qty": (Decimal, lambda x: x.returned_qty),
        }
    ),
    line_name="SalesDeliveryLine",
    line_in=DeliveryLineIn,
)

RETURN_SCHEMAS = header_schemas(
    SalesReturn,
    "SalesReturn",
    module=__name__,
    extra={
        **_TOTALS,
        "cost_amount": (Decimal | None, lambda d: d.cost_amount, _COST),
        "exchange_id": (int | None, lambda d: d.exchange_id),
    },
    line_extra=_priced(
        {
            "delivery_line_id": (int | None, lambda x: x.source_line_id),
            "cost_amount": (Decimal | None, lambda x: x.cost_amount, _COST),
        }
    ),
    line_name="SalesReturnLine",
    line_in=SalesReturnLineIn,
)

PICK_SCHEMAS = header_schemas(
    PickList,
    "PickList",
    module=__name__,
    line_extra={
        "order_line_id": (int, lambda x: x.source_line_id),
        "expiry_date": (dt.date | None, lambda x: x.expiry_date),
        "picked_qty": (Decimal, lambda x: x.picked_qty),
        "short_qty": (Decimal, lambda x: x.short_qty),
    },
    line_name="PickListLine",
)


def _customers(request):
    return Customer.objects.all()


# --- prices and availability (the order grid) ---------------------------------------------


class SalePriceOut(Schema):
    price: Decimal | None
    includes_tax: bool
    source: str
    list_price: Decimal
    min_price: Decimal
    last_price: Decimal | None


@router.get("/sales-orders/price", response=SalePriceOut)
@requires("sales_order.view")
def sales_price(request, customer_id: int, sku_id: int, unit_id: int | None = None):
    """The price a line of this customer, SKU and unit takes — 客户协议价, else the customer's
    price level, else the last price sold to it (``source``) — with 历史单价 and 最低售价."""
    customer = ref(Customer.objects.all(), customer_id, "customer_id")
    return selectors.sale_price(customer, sku_id, unit_id)


class AvailabilityOut(Schema):
    warehouse_id: int
    warehouse: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    on_order: Decimal
    in_transit: Decimal
    projected: Decimal


@router.get("/sales-orders/availability", response=list[AvailabilityOut])
@requires("sales_order.view")
def sales_availability(request, sku_id: int):
    """可用量 (on hand − reserved) and 预计可用 (+ on order + in transit) of a SKU in every
    warehouse the user sees: what the order grid shows as a line is typed."""
    return selectors.availability(sku_id=sku_id, user=request.user)


# --- 报价单 ----------------------------------------------------------------------------------


document_endpoints(
    router,
    "/quotations",
    model=Quotation,
    scoped=lambda request: selectors.quotations_for(request.user),
    filterset=QuotationFilterSet,
    schemas=QUOTATION_SCHEMAS,
    create=orders.create_quotation,
    update=orders.update_quotation,
    refs={"customer": _customers},
    actions={
        **PLAIN_ACTIONS,
        "close": lambda doc, user, body: actions.act(
            doc, action="close", user=user, reason=body.reason
        ),
    },
)


@router.post("/quotations/{id}/order", response={201: ORDER_SCHEMAS.out})
@creates(ORDER_SCHEMAS.out, perm="sales_order.create")
def order_from_quotation(request, id: int):
    """报价转订单: a draft order with the approved quotation's lines and prices."""
    quotation = get_or_404(selectors.quotations_for(request.user), id)
    return ORDER_SCHEMAS.to_out(orders.order_from_quotation(quotation, user=request.user), request)


# --- 销售订单 ---------------------------------------------------------------------------------


document_endpoints(
    router,
    "/sales-orders",
    model=SalesOrder,
    scoped=lambda request: selectors.orders_for(request.user),
    filterset=SalesOrderFilterSet,
    schemas=ORDER_SCHEMAS,
    create=orders.create_sales_order,
    update=orders.update_sales_order,
    refs={"customer": _customers},
    actions={
        **PLAIN_ACTIONS,
        "submit": lambda doc, user, body: orders.submit_sales_order(doc, user=user),
        "approve": lambda doc, user, body: orders.approve_sales_order(doc, user=user),
        "unapprove": lambda doc, user, body: orders.unapprove_sales_order(doc, user=user),
        "close": lambda doc, user, body: orders.close_sales_order(
            doc, user=user, reason=body.reason
        ),
    },
)


# --- 销售出库单 -------------------------------------------------------------------------------


class FromOrdersIn(Schema):
    order_ids: list[int] = Field(..., min_length=1, max_length=100)
    date: dt.date | None = None
    memo: str = Field("", max_length=500)


def _orders(request, ids: list[int]) -> list[SalesOrder]:
    found = list(selectors.orders_for(request.user).filter(pk__in=ids).order_by("pk"))
    if len(found) != len(set(ids)):
        raise ValidationFailed({"order_ids": [gettext("Select a valid choice.")]})
    return found


@router.post("/sales-deliveries/from-orders", response={201: DELIVERY_SCHEMAS.out})
@creates(DELIVERY_SCHEMAS.out, perm="sales_delivery.create")
def deliver_sales_orders(request, payload: FromOrdersIn):
    """生成出库单: a draft delivery of everything still open on these approved orders of one
    customer and warehouse."""
    found = _orders(request, payload.order_ids)
    if len({(o.customer_id, o.warehouse_id) for o in found}) > 1:
        raise ValidationFailed(
            {"order_ids": [gettext("The orders are of different customers or warehouses.")]}
        )
    made = deliveries.deliver_orders(found, user=request.user, date=payload.date, memo=payload.memo)
    return DELIVERY_SCHEMAS.to_out(made, request)


document_endpoints(
    router,
    "/sales-deliveries",
    model=SalesDelivery,
    scoped=lambda request: selectors.deliveries_for(request.user),
    filterset=SalesDeliveryFilterSet,
    schemas=DELIVERY_SCHEMAS,
    create=deliveries.create_sales_delivery,
    update=deliveries.update_sales_delivery,
    refs={"customer": _customers},
    actions={
        **PLAIN_ACTIONS,
        "post": lambda doc, user, body: deliveries.post_sales_delivery(doc, user=user),
    },
)


# --- 出库通知单 -------------------------------------------------------------------------------


@router.post("/pick-lists/from-orders", response={201: PICK_SCHEMAS.out})
@creates(PICK_SCHEMAS.out, perm="sales_pick.create")
def pick_sales_orders(request, payload: FromOrdersIn):
    """生成出库通知单: what is open on these approved orders of one warehouse, by bin and batch
    (先到期先出)."""
    made = picking.create_pick_list(
        _orders(request, payload.order_ids),
        user=request.user,
        date=payload.date,
        memo=payload.memo,
    )
    return PICK_SCHEMAS.to_out(made, request)


class PickScanIn(Schema):
    code: str = Field(..., min_length=1, max_length=64)
    qty: Decimal = Field(Decimal(1), gt=0)
    batch: str = Field("", max_length=60)


@router.post("/pick-lists/{id}/scan", response=PICK_SCHEMAS.out)
@requires("sales_pick.complete")
def scan_pick_list(request, id: int, payload: PickScanIn):
    """扫码拣货: a barcode or SKU code adds its unit's quantity to the first line of that SKU
    (and batch) not picked in full (``not_on_pick_list`` otherwise)."""
    doc = get_or_404(selectors.pick_lists_for(request.user), id)
    picking.scan_pick(
        doc, user=request.user, code=payload.code, qty=payload.qty, batch=payload.batch
    )
    return PICK_SCHEMAS.to_out(PickList.objects.get(pk=doc.pk), request)


class DeliveriesOut(Schema):
    deliveries: list[DELIVERY_SCHEMAS.out]  # type: ignore[valid-type,name-defined]


@router.post("/pick-lists/{id}/deliver", response={201: DeliveriesOut})
@creates(DeliveriesOut, perm="sales_delivery.create")
def deliver_pick_list(request, id: int):
    """Draft deliveries (one per customer) of what a confirmed pick list picked."""
    doc = get_or_404(selectors.pick_lists_for(request.user), id)
    made = picking.deliver_pick_list(doc, user=request.user)
    return {"deliveries": [DELIVERY_SCHEMAS.to_out(d, request) for d in made]}


def _pick_not_creatable(model, *, user, lines, **header):
    raise ValidationFailed({"lines": [gettext("Pick lists are made from approved orders.")]})


document_endpoints(
    router,
    "/pick-lists",
    model=PickList,
    scoped=lambda request: selectors.pick_lists_for(request.user),
    filterset=PickListFilterSet,
    schemas=PICK_SCHEMAS,
    create=_pick_not_creatable,
    update=lambda doc, *, user, lines=None, **header: _pick_not_creatable(
        None, user=user, lines=lines
    ),
    actions={
        "approve": PLAIN_ACTIONS["approve"],
        "unapprove": PLAIN_ACTIONS["unapprove"],
        "void": PLAIN_ACTIONS["void"],
        "complete": lambda doc, user, body: picking.confirm_pick_list(doc, user=user),
    },
)


# --- 销售退货单 -------------------------------------------------------------------------------


class ReturnDeliveryIn(Schema):
    delivery_id: int
    date: dt.date | None = None
    reason: str = Field("", max_length=200)


@router.post("/sales-returns/from-delivery", response={201: RETURN_SCHEMAS.out})
@creates(RETURN_SCHEMAS.out, perm="sales_return.create")
def return_sales_delivery(request, payload: ReturnDeliveryIn):
    """生成退货单: a draft return of everything still returnable of a posted delivery — its
    customer and warehouse, one line per delivery line with something left (delivered less
    returned; ``delivery_line_id`` set: its price, VAT, discount and batch, back at the cost
    it left with). Lower the quantities with PATCH, then submit / approve / post. 404 for a
    delivery out of the user's scope; 409 ``delivery_not_posted``, 409 ``nothing_to_return``."""
    delivery = get_or_404(selectors.deliveries_for(request.user), payload.delivery_id)
    made = returns.return_delivery(
        delivery, user=request.user, date=payload.date, reason=payload.reason
    )
    return RETURN_SCHEMAS.to_out(made, request)


class ExchangeIn(Schema):
    customer_id: int
    warehouse_id: int
    date: dt.date
    reason: str = Field("", max_length=200)
    prices_include_tax: bool = True
    memo: str = Field("", max_length=500)
    return_lines: list[SalesReturnLineIn] = Field(..., min_length=1)
    new_lines: list[DeliveryLineIn] = Field(..., min_length=1)


class ExchangeOut(Schema):
    sales_return: RETURN_SCHEMAS.out  # type: ignore[valid-type,name-defined]
    delivery: DELIVERY_SCHEMAS.out  # type: ignore[valid-type,name-defined]


@router.post("/sales-returns/exchange", response={201: ExchangeOut})
@creates(ExchangeOut, perm="sales_return.create")
def exchange(request, payload: ExchangeIn):
    """换货: the goods coming back and the goods going out instead, both posted in one step."""
    from jxc.api.documents.lines import line_inputs
    from jxc.inventory import selectors as stock_selectors

    ret, delivery = returns.exchange_sales_return(
        user=request.user,
        customer=ref(Customer.objects.all(), payload.customer_id, "customer_id"),
        warehouse=ref(
            stock_selectors.warehouses_for(request.user), payload.warehouse_id, "warehouse_id"
        ),
        date=payload.date,
        reason=payload.reason,
        prices_include_tax=payload.prices_include_tax,
        memo=payload.memo,
        return_lines=line_inputs(list[LineIn](payload.return_lines)),
        new_lines=line_inputs(list[LineIn](payload.new_lines)),
    )
    return {
        "sales_return": RETURN_SCHEMAS.to_out(ret, request),
        "delivery": DELIVERY_SCHEMAS.to_out(delivery, request),
    }


document_endpoints(
    router,
    "/sales-returns",
    model=SalesReturn,
    scoped=lambda request: selectors.returns_for(request.user),
    filterset=SalesReturnFilterSet,
    schemas=RETURN_SCHEMAS,
    create=returns.create_sales_return,
    update=returns.update_sales_return,
    refs={"customer": _customers},
    actions={
        **PLAIN_ACTIONS,
        "post": lambda doc, user, body: returns.post_sales_return(doc, user=user),
    },
)
