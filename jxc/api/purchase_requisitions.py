"""采购申请 API (from its declaration, jxc.api.documents).

GET/POST /purchase-requisitions, GET/PATCH /purchase-requisitions/{id},
POST /purchase-requisitions/{id}/submit|approve|unapprove|reject|void|close
POST /purchase-requisitions/from-alerts   drafts from the 低于安全库存 alert
POST /purchase-requisitions/{id}/make-orders   生成采购订单, split by supplier
"""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Schema

from jxc.api.common.idempotency import creates
from jxc.api.documents.endpoints import PLAIN_ACTIONS, document_endpoints
from jxc.api.documents.schemas import header_schemas
from jxc.api.purchasing import SCHEMAS as ORDER_SCHEMAS
from jxc.api.purchasing import router
from jxc.inventory import selectors as stock_selectors
from jxc.purchasing import requisitions, selectors
from jxc.purchasing.filters import PurchaseRequisitionFilterSet
from jxc.purchasing.models import PurchaseRequisition

SCHEMAS = header_schemas(
    PurchaseRequisition,
    "PurchaseRequisition",
    module=__name__,
    line_extra={
        "supplier_id": (int | None, lambda x: x.supplier_id),
        "order_line_id": (int | None, lambda x: x.order_line_id),
    },
    line_name="PurchaseRequisitionLine",
)


class FromAlertsIn(Schema):
    warehouse_id: int | None = None
    date: dt.date | None = None


class RequisitionsMadeOut(Schema):
    requisitions: list[SCHEMAS.out]  # type: ignore[name-defined]


@router.post("/purchase-requisitions/from-alerts", response={201: RequisitionsMadeOut})
@creates(RequisitionsMadeOut, perm="purchase_requisition.create")
def requisitions_from_alerts(request, payload: FromAlertsIn):
    """低于安全库存 → 采购申请: a draft per warehouse (or the one given) with every SKU below
    its minimum: maximum − projected, rounded up to the cheapest supplier's MOQ and pack."""
    warehouse = None
    if payload.warehouse_id is not None:
        warehouse = get_object_or_404(
            stock_selectors.warehouses_for(request.user), pk=payload.warehouse_id
        )
    made = requisitions.requisitions_from_alerts(
        user=request.user, warehouse=warehouse, date=payload.date
    )
    return {"requisitions": [SCHEMAS.to_out(x, request) for x in made]}


class LineSupplierIn(Schema):
    line_id: int
    supplier_id: int


class MakeOrdersIn(Schema):
    lines: list[LineSupplierIn] = Field(default_factory=list, max_length=1000)
    date: dt.date | None = None


class OrdersMadeOut(Schema):
    orders: list[ORDER_SCHEMAS.out]  # type: ignore[name-defined]


@router.post("/purchase-requisitions/{id}/make-orders", response={201: OrdersMadeOut})
@creates(OrdersMadeOut, perm="purchase_order.create")
def make_purchase_orders(request, id: int, payload: MakeOrdersIn):
    """生成采购订单: the approved lines not ordered yet, one draft order per supplier (the one
    given per line, else the line's own), as ``orders``; 409 ``nothing_to_order``, 422 ``supplier_missing``."""
    req = get_object_or_404(selectors.requisitions_for(request.user), pk=id)
    orders = requisitions.make_orders(
        req,
        user=request.user,
        suppliers={x.line_id: x.supplier_id for x in payload.lines},
        date=payload.date,
    )
    return {"orders": [ORDER_SCHEMAS.to_out(o, request) for o in orders]}


document_endpoints(
    router,
    "/purchase-requisitions",
    model=PurchaseRequisition,
    scoped=lambda request: selectors.requisitions_for(request.user),
    filterset=PurchaseRequisitionFilterSet,
    schemas=SCHEMAS,
    create=requisitions.create_requisition,
    update=requisitions.update_requisition,
    actions={
        **PLAIN_ACTIONS,
        "close": lambda doc, user, body: requisitions.close_requisition(
            doc, user=user, reason=body.reason
        ),
    },
)
