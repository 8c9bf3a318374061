"""费用分摊单 API (from its declaration, jxc.api.documents).

GET/POST /landed-costs, GET/PATCH /landed-costs/{id},
POST /landed-costs/{id}/submit|approve|unapprove|reject|void|post|reverse
POST /landed-costs/from-receipts   a draft spread over the lines of posted receipts

Amounts and shares are cost figures: absent without ``cost.view``.
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext
from ninja import Field, Schema

from jxc.api.common.idempotency import creates
from jxc.api.common.permissions import ref
from jxc.api.documents.endpoints import PLAIN_ACTIONS, document_endpoints
from jxc.api.documents.lines import LineIn
from jxc.api.documents.schemas import header_schemas
from jxc.api.purchasing import router
from jxc.core.errors import ValidationFailed
from jxc.core.visibility import Cost
from jxc.partners.models import Supplier
from jxc.purchasing import landed_costs, reversals, selectors
from jxc.purchasing.choices import AllocationMethod, ChargeKind
from jxc.purchasing.filters import LandedCostFilterSet
from jxc.purchasing.models import LandedCost


class LandedCostLineIn(LineIn):
    """A posted receipt line the charge is spread over (``receipt_line_id``; its SKU and
    quantity are the receipt line's)."""

    receipt_line_id: int

    @property
    def order_line_id(self) -> int | None:
        """The line it is made against, where ``line_inputs`` reads it."""
        return self.receipt_line_id


_COST = Cost(None)
SCHEMAS = header_schemas(
    LandedCost,
    "LandedCost",
    module=__name__,
    extra={
        "total_amount": (Decimal | None, lambda d: d.total_amount, _COST),
        "due_date": (dt.date | None, lambda d: d.due_date),
    },
    line_extra={
        "receipt_line_id": (int, lambda x: x.source_line_id),
        "receipt_number": (str, lambda x: x.source_line.document.number),
        "share": (Decimal | None, lambda x: x.share, _COST),
    },
    line_name="LandedCostLine",
    line_in=LandedCostLineIn,
)


class FromReceiptsIn(Schema):
    receipt_ids: list[int] = Field(..., min_length=1, max_length=100)
    supplier_id: int | None = Field(
        None, description="The charge's supplier; default the receipt's"
    )
    date: dt.date | None = None
    charge_kind: ChargeKind = ChargeKind.FREIGHT
    method: AllocationMethod = AllocationMethod.VALUE
    amount: Decimal = Field(Decimal(0), ge=0, max_digits=15, decimal_places=2)
    tax_amount: Decimal = Field(Decimal(0), ge=0, max_digits=15, decimal_places=2)
    memo: str = Field("", max_length=500)


@router.post("/landed-costs/from-receipts", response={201: SCHEMAS.out})
@creates(SCHEMAS.out, perm="landed_cost.create")
def allocate_landed_cost(request, payload: FromReceiptsIn):
    """费用分摊: a draft spreading a charge over every line of these posted receipts."""
    found = list(selectors.receipts_for(request.user).filter(pk__in=payload.receipt_ids))
    if len(found) != len(set(payload.receipt_ids)):
        raise ValidationFailed({"receipt_ids": [gettext("Select a valid choice.")]})
    header = payload.dict(exclude={"receipt_ids", "supplier_id", "date"})
    if payload.supplier_id is not None:
        header["supplier"] = ref(Supplier.objects.all(), payload.supplier_id, "supplier_id")
    made = landed_costs.allocate_to_receipts(found, user=request.user, date=payload.date, **header)
    return SCHEMAS.to_out(made, request)


document_endpoints(
    router,
    "/landed-costs",
    model=LandedCost,
    scoped=lambda request: selectors.landed_costs_for(request.user),
    filterset=LandedCostFilterSet,
    schemas=SCHEMAS,
    create=landed_costs.create_landed_cost,
    update=landed_costs.update_landed_cost,
    actions={
        **PLAIN_ACTIONS,
        "submit": lambda doc, user, body: landed_costs.submit_landed_cost(doc, user=user),
        "post": lambda doc, user, body: landed_costs.post_landed_cost(doc, user=user),
        "reverse": lambda doc, user, body: reversals.reverse_landed_cost(
            doc, user=user, reason=body.reason, date=body.date
        ),
    },
)
