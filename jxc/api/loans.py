"""借出单 / 借入单 through the API, from their declarations (jxc.api.documents):

GET/POST /loans-out, GET/PATCH /loans-out/{id}, POST /loans-out/{id}/<action>
POST /loans-out/{id}/return   归还: {"lines": [{"line_id", "qty"}], "date"} (empty = all)
GET  /loans-out/outstanding   what is still out, per partner
… the same under /loans-in.
"""

import datetime as dt
from decimal import Decimal

from ninja import Schema

from jxc.api.common.errors import Router
from jxc.api.common.permissions import requires
from jxc.api.documents.endpoints import document_endpoints, step_endpoint, workflow_actions
from jxc.api.documents.schemas import header_schemas
from jxc.loans import selectors, services
from jxc.loans.models import Loan, LoanIn, LoanOut

router = Router(tags=["loans"])


SCHEMAS = header_schemas(
    LoanOut,
    "LoanDocument",
    module=__name__,
    extra={
        "partner_name": (str, lambda d: str(d.partner or "")),
    },
    line_name="LoanLine",
)


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


def _endpoints(model: type[Loan], path: str) -> None:
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

    step_endpoint(
        router,
        path,
        "return",
        model=model,
        schemas=SCHEMAS,
        body=ReturnIn,
        run=lambda loan, user, body: services.return_loan(
            loan,
            user=user,
            quantities={x.line_id: x.qty for x in body.lines} or None,
            date=body.date,
        ),
        doc="归还: what came back per line (base unit); no lines = everything still out.",
    )
    document_endpoints(
        router,
        path,
        model=model,
        schemas=SCHEMAS,
        create=services.create_loan,
        update=services.update_loan,
        actions=workflow_actions(post=services.post_loan, reverse=services.reverse_loan),
    )


_endpoints(LoanOut, "/loans-out")
_endpoints(LoanIn, "/loans-in")
