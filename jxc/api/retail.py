"""门店零售 API: a counter sale (scanned items and the money for them, one transaction), a
refund of a counter sale, and the 交班 / 日结 summary.

POST /counter-sales                      收银: lines by barcode / SKU code / SKU id + quantity,
                                         split payments by method (现金 / 微信 / 支付宝 / 银行卡)
POST /counter-sales/{id}/refunds         退货退款: delivery lines and quantities back, the money
                                         out of one account
GET  /counter-sales/day-summary?date=    日结 per cashier and payment method

Permissions as the screens: ``retail_sale.create`` sells and refunds; the summary needs
``retail_sale.view`` (a cashier: their own; with ``customer_payment.view``, as 财务: everyone's).
Refused, nothing written (422 with the field): no items, a quantity ≤ 0, an unknown code,
payments not adding up to the sale, less cash handed over than the cash payment, cash handed
over with no cash payment; stock short (``insufficient_stock``); an account the cashier may
not use (403 ``account_not_permitted``). The summary counts the counter's receipts and refunds
only, not the 收款单 the finance office records.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema

from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.permissions import get_or_404, ref, requires
from jxc.core.errors import ValidationFailed
from jxc.finance.models import Account, PartyPayment
from jxc.inventory import selectors as stock_selectors
from jxc.partners.models import Customer
from jxc.retail import selectors, services
from jxc.sales import selectors as sales_selectors

router = Router(tags=["retail"])
Method = Literal["cash", "wechat", "alipay", "bank"]


class CounterItemIn(Schema):
    code: str | None = Field(None, max_length=60, description="Barcode or SKU code")
    sku_id: int | None = Field(None, description="Instead of a code")
    qty: Decimal = Field(Decimal(1), description="A code sent again adds up")


class CounterPaymentIn(Schema):
    method: Method = Field(..., description="现金 / 微信 / 支付宝 / 银行卡 (the account's kind)")
    amount: Decimal
    account_id: int | None = Field(
        None, description="Default: the first account of the method the cashier may use"
    )


class CounterSaleIn(Schema):
    warehouse_id: int
    customer_id: int | None = Field(None, description="A member; default 散客 (walk-in)")
    date: dt.date | None = Field(None, description="Default: today")
    items: list[CounterItemIn] = Field(..., min_length=1)
    payments: list[CounterPaymentIn] = Field(..., min_length=1)
    tendered_cash: Decimal | None = Field(None, description="Cash handed over (change given)")


class CounterLineOut(Schema):
    id: int
    sku_id: int
    name: str
    qty: Decimal
    price: Decimal
    amount: Decimal


class CounterReceiptOut(Schema):
    id: int
    number: str
    method: str
    account_id: int
    amount: Decimal


class CounterSaleOut(Schema):
    delivery_id: int
    number: str
    date: dt.date
    customer_id: int
    total: Decimal
    tendered: Decimal
    change: Decimal
    lines: list[CounterLineOut]
    receipts: list[CounterReceiptOut]


class RefundItemIn(Schema):
    line_id: int = Field(..., description="A line of the counter sale's delivery")
    qty: Decimal


class CounterRefundIn(Schema):
    items: list[RefundItemIn] = Field(..., min_length=1)
    method: Method | None = Field(None, description="Refund out of this method's account")
    account_id: int | None = Field(None, description="Or this account")
    warehouse_id: int | None = Field(None, description="Default: the sale's warehouse")
    date: dt.date | None = Field(None, description="Default: today")
    reason: str = Field("", max_length=200)


class CounterRefundOut(Schema):
    return_id: int
    number: str
    delivery_id: int
    amount: Decimal
    refund_id: int
    refund_number: str
    method: str


class DaySummaryRowOut(Schema):
    cashier_id: int | None
    cashier: str
    method: str
    taken: Decimal
    refunded: Decimal
    net: Decimal
    count: int


class DaySummaryOut(Schema):
    date: dt.date
    rows: list[DaySummaryRowOut]
    taken: Decimal
    refunded: Decimal
    net: Decimal


def _account(user, *, method: str | None, account_id: int | None, field: str) -> Account:
    if account_id is not None:
        return ref(Account.objects.filter(is_active=True), account_id, f"{field}.account_id")
    found = selectors.method_accounts(user).get(method or "")
    if found is None:
        raise ValidationFailed({field: [_("No account of this payment method may be used.")]})
    return found


def _receipt(p: PartyPayment) -> dict:
    return {
        "id": p.pk,
        "number": p.number,
        "method": p.account.kind,
        "account_id": p.account_id,
        "amount": p.amount,
    }


@router.post("/counter-sales", response={201: CounterSaleOut}, summary="收银: a counter sale")
@creates(CounterSaleOut, perm="retail_sale.create")
def create_counter_sale(request, payload: CounterSaleIn):
    """One transaction: the 销售出库单 of the items (priced for the customer, 含税) posted, and
    one 收款单 per payment settled against it. The payments add up to the total exactly."""
    user = request.user
    warehouse = ref(stock_selectors.warehouses_for(user), payload.warehouse_id, "warehouse_id")
    customer = ref(Customer.objects.filter(is_active=True), payload.customer_id, "customer_id")
    items: list[tuple[str | int, Decimal]] = []
    for x in payload.items:
        if (x.code is None) == (x.sku_id is None):
            raise ValidationFailed({"items": [_("Give each item a code or a SKU id.")]})
        items.append((x.code if x.code is not None else x.sku_id, x.qty))  # type: ignore[arg-type]
    paid = [
        services.Paid(
            _account(user, method=p.method, account_id=p.account_id, field=f"payments.{i}"),
            p.amount,
        )
        for i, p in enumerate(payload.payments)
    ]
    sale = services.record_counter_sale(
        user=user,
        warehouse=warehouse,
        items=items,
        paid=paid,
        tendered_cash=payload.tendered_cash,
        customer=customer,
        date=payload.date,
    )
    d = sale.delivery
    return {
        "delivery_id": d.pk,
        "number": d.number,
        "date": d.date,
        "customer_id": d.customer_id,
        "total": sale.total,
        "tendered": sale.tendered,
        "change": sale.change,
        "lines": [
            {
                "id": x.pk,
                "sku_id": x.sku_id,
                "name": str(x.sku),
                "qty": x.qty,
                "price": x.price,
                "amount": x.gross_amount,
            }
            for x in d.lines.select_related("sku").order_by("line_no", "id")
        ],
        "receipts": [_receipt(p) for p in sale.receipts],
    }


@router.post(
    "/counter-sales/{id}/refunds",
    response={201: CounterRefundOut},
    summary="退货退款 of a counter sale",
)
@creates(CounterRefundOut, perm="retail_sale.create")
def refund_counter_sale(request, id: int, payload: CounterRefundIn):
    """The lines named come back (a 销售退货单 at the cost they left with) and their amount is
    paid back out of the account (a 收款单 with a negative amount), in one transaction."""
    user = request.user
    delivery = get_or_404(sales_selectors.deliveries_for(user).filter(status="posted"), id)
    account = _account(user, method=payload.method, account_id=payload.account_id, field="method")
    warehouse = ref(stock_selectors.warehouses_for(user), payload.warehouse_id, "warehouse_id")
    ret, refund = services.return_counter_sale(
        user=user,
        delivery=delivery,
        items=[(x.line_id, x.qty) for x in payload.items],
        refund_account=account,
        warehouse=warehouse,
        date=payload.date,
        reason=payload.reason,
    )
    return {
        "return_id": ret.pk,
        "number": ret.number,
        "delivery_id": delivery.pk,
        "amount": ret.total_amount,
        "refund_id": refund.pk,
        "refund_number": refund.number,
        "method": refund.account.kind,
    }


@router.get("/counter-sales/day-summary", response=DaySummaryOut, summary="交班 / 日结 summary")
@requires("retail_sale.view")
def counter_day_summary(request, date: dt.date | None = None, cashier_id: int | None = None):
    """Per cashier and payment method on ``date`` (default today): money taken, refunded, the
    net and the number of receipts. A cashier sees their own; with ``customer_payment.view``
    (财务) everyone's, or one ``cashier_id``'s."""
    user = request.user
    everyone = user.has_jxc_perm("customer_payment.view")
    day = date or timezone.localdate()
    rows = selectors.day_summary(day, cashier_id=cashier_id if everyone else user.pk)
    return {"date": day, "rows": rows, **selectors.totals(rows)}
