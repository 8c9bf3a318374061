"""Finance API: cash and bank accounts (资金账户: 现金, 银行, 微信, 支付宝); 付款单 with
settlement (POST /supplier-payments), a supplier's open items and statement
(GET /suppliers/{id}/open-items, /suppliers/{id}/statement), payables aging
(GET /payables/aging)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Schema

from jxc.api.common.crud import crud_endpoints
from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.listing import listing, page_of, query_of
from jxc.api.common.permissions import get_or_404, ref, requires
from jxc.finance import payments, selectors, services
from jxc.finance.filters import AccountFilterSet, SupplierPaymentFilterSet
from jxc.finance.models import (
    Account,
    OpenItem,
    PartyLedgerEntry,
    Settlement,
    SupplierPayment,
)
from jxc.partners.models import Supplier

router = Router(tags=["finance"])


class AccountIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=80)
    kind: Literal["cash", "bank", "wechat", "alipay"] = "cash"
    bank_name: str = Field("", max_length=80)
    account_number: str = Field("", max_length=40)
    opening_balance: Decimal = Decimal(0)
    opening_date: dt.date | None = Field(None, description="Default: today")


class AccountOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    bank_name: str
    account_number: str
    opening_balance: Decimal
    opening_date: dt.date
    is_active: bool


def _create_account(*, user, opening_date=None, **data):
    if opening_date is not None:
        data["opening_date"] = opening_date  # else the service's default: today
    return services.create_account(user=user, **data)


crud_endpoints(
    router,
    "/accounts",
    name="account",
    queryset=lambda request: Account.objects.all(),
    filterset=AccountFilterSet,
    out=AccountOut,
    in_=AccountIn,
    create=_create_account,
    update=services.update_account,
    set_active=services.set_active,
    list_doc="资金账户 list.",
)


# --- 付款单, 对账单, 应付账龄 ----------------------------------------------------------------


class AllocationIn(Schema):
    open_item_id: int
    amount: Decimal = Field(..., gt=0)


class SupplierPaymentIn(Schema):
    supplier_id: int
    account_id: int
    amount: Decimal = Field(..., gt=0)
    date: dt.date
    memo: str = Field("", max_length=500)
    allocations: list[AllocationIn] = Field(
        [], description="Open items to settle (else automatic, the oldest due first)"
    )


class SettlementOut(Schema):
    open_item_id: int
    number: str
    amount: Decimal


class SupplierPaymentOut(Schema):
    id: int
    number: str
    status: str
    date: dt.date
    supplier_id: int
    supplier_name: str
    account_id: int
    account_name: str
    amount: Decimal
    memo: str
    settled: list[SettlementOut]
    unsettled: Decimal


def _payment_out(p: SupplierPayment) -> dict:
    entry = PartyLedgerEntry.objects.filter(source_kind=p.DOC_TYPE, source_id=p.pk).first()
    settled = (
        Settlement.objects.filter(credit_id=entry.pk).select_related("debit__entry")
        if entry
        else []
    )
    item = OpenItem.objects.filter(pk=entry.pk).first() if entry else None
    return {
        "id": p.pk,
        "number": p.number,
        "status": p.status,
        "date": p.date,
        "supplier_id": p.supplier_id,
        "supplier_name": str(p.supplier),
        "account_id": p.account_id,
        "account_name": str(p.account),
        "amount": p.amount,
        "memo": p.memo,
        "settled": [
            {"open_item_id": s.debit_id, "number": s.debit.entry.source_number, "amount": s.amount}
            for s in settled
        ],
        "unsettled": -item.open_amount if item else Decimal(0),
    }


@router.post("/supplier-payments", response={201: SupplierPaymentOut})
@creates(SupplierPaymentOut, perm="supplier_payment.create")
def create_supplier_payment(request, payload: SupplierPaymentIn):
    """付款: pay a supplier from an account and settle it against open receipts (chosen, or
    the oldest due first); what is not settled stays as a prepayment."""
    payment = payments.record_supplier_payment(
        user=request.user,
        supplier=ref(Supplier.objects.all(), payload.supplier_id, "supplier_id"),
        account=ref(Account.objects.all(), payload.account_id, "account_id"),
        amount=payload.amount,
        date=payload.date,
        memo=payload.memo,
        allocations=[(a.open_item_id, a.amount) for a in payload.allocations] or None,
    )
    return _payment_out(payment)


@router.get("/supplier-payments", response=page_of(SupplierPaymentOut))
@requires("supplier_payment.view")
def list_supplier_payments(
    request,
    query: Query[query_of(SupplierPaymentFilterSet)],  # type: ignore[valid-type]
):
    """付款单 list."""
    page = listing(
        request,
        SupplierPayment.objects.select_related("supplier", "account"),
        SupplierPaymentFilterSet,
        query,
    )
    page["items"] = [_payment_out(p) for p in page["items"]]
    return page


@router.get("/supplier-payments/{id}", response=SupplierPaymentOut)
@requires("supplier_payment.view")
def get_supplier_payment(request, id: int):
    return _payment_out(
        get_or_404(SupplierPayment.objects.select_related("supplier", "account"), id)
    )


class OpenItemOut(Schema):
    id: int
    number: str
    date: dt.date
    due_date: dt.date | None
    amount: Decimal
    settled: Decimal
    open: Decimal


@router.get("/suppliers/{id}/open-items", response=list[OpenItemOut])
@requires("supplier_payment.view")
def supplier_open_items(request, id: int):
    """未核销: receipts still owed for and payments not yet settled (预付), oldest due first."""
    get_or_404(Supplier.objects.all(), id)
    return [
        {
            "id": o.pk,
            "number": o.entry.source_number,
            "date": o.date,
            "due_date": o.due_date,
            "amount": o.amount,
            "settled": o.settled,
            "open": o.open_amount,
        }
        for o in selectors.supplier_open_items(id)
    ]


class StatementRowOut(Schema):
    date: dt.date
    number: str
    memo: str
    increase: Decimal
    decrease: Decimal
    balance: Decimal


class StatementOut(Schema):
    supplier_id: int
    date_from: dt.date
    date_to: dt.date
    opening: Decimal
    rows: list[StatementRowOut]
    closing: Decimal


@router.get("/suppliers/{id}/statement", response=StatementOut)
@requires("supplier_payment.view")
def supplier_statement(request, id: int, date_from: dt.date, date_to: dt.date):
    """供应商对账单: opening balance, each receipt and payment of the period, closing balance."""
    get_or_404(Supplier.objects.all(), id)
    opening, rows, closing = selectors.supplier_statement(id, date_from=date_from, date_to=date_to)
    return {
        "supplier_id": id,
        "date_from": date_from,
        "date_to": date_to,
        "opening": opening,
        "rows": [r.__dict__ for r in rows],
        "closing": closing,
    }


class AgingOut(Schema):
    supplier_id: int
    supplier_name: str
    not_due: Decimal
    days_0_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    over_90: Decimal
    total: Decimal


@router.get("/payables/aging", response=list[AgingOut])
@requires("supplier_payment.view")
def payables_aging(request, as_of: dt.date | None = None):
    """应付账龄: per supplier what is open by days past the due date."""
    found = selectors.payables_aging(as_of=as_of or dt.date.today())
    names = dict(Supplier.objects.filter(pk__in=found).values_list("pk", "name"))
    return [
        {
            "supplier_id": sup,
            "supplier_name": names.get(sup, ""),
            "not_due": a["buckets"]["not_due"],
            "days_0_30": a["buckets"]["0-30"],
            "days_31_60": a["buckets"]["31-60"],
            "days_61_90": a["buckets"]["61-90"],
            "over_90": a["buckets"]["90+"],
            "total": a["total"],
        }
        for sup, a in sorted(found.items())
    ]
