"""Finance API: cash and bank accounts (资金账户: 现金, 银行, 微信, 支付宝); 付款单 and 收款单
with settlement (POST /supplier-payments, /customer-payments) and 红冲 (POST …/{id}/reverse,
body: reason, date), a partner's open items, 核销
later and statement (/suppliers/{id}/…, /customers/{id}/open-items, /settle, /statement),
payables and receivables aging (GET /payables/aging, /receivables/aging)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Schema

from jxc.api.common.crud import crud_endpoints
from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.listing import listing, page_of, query_of
from jxc.api.common.permissions import get_or_404, ref, requires
from jxc.api.documents.endpoints import action_endpoints
from jxc.finance import payments, selectors, services, settling
from jxc.finance.filters import (
    AccountFilterSet,
    CustomerPaymentFilterSet,
    SupplierPaymentFilterSet,
)
from jxc.finance.models import Account, PartyPayment, SupplierPayment
from jxc.partners.models import Customer, Supplier

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


# --- 付款单 / 收款单, 核销, 对账单, 账龄: one set of endpoints per book ------------------------


class AllocationIn(Schema):
    open_item_id: int
    amount: Decimal = Field(..., gt=0)


class _PaymentIn(Schema):
    account_id: int
    amount: Decimal = Field(..., gt=0)
    discount: Decimal = Field(Decimal(0), ge=0, description="现金折扣 given beside the money")
    write_off: Decimal = Field(Decimal(0), ge=0, description="抹零: small change given up")
    date: dt.date
    memo: str = Field("", max_length=500)
    allocations: list[AllocationIn] = Field(
        [],
        description="Open items to settle: documents to pay (positive), returns or earlier "
        "payments to offset (negative); else automatic, the oldest due first",
    )


class SupplierPaymentIn(_PaymentIn):
    supplier_id: int


class CustomerPaymentIn(_PaymentIn):
    customer_id: int


class SettlementOut(Schema):
    open_item_id: int
    number: str
    amount: Decimal


class _PaymentOut(Schema):
    id: int
    number: str
    status: str
    date: dt.date
    account_id: int
    account_name: str
    amount: Decimal
    discount: Decimal
    write_off: Decimal
    memo: str
    status_reason: str = Field("", description="Why it was reversed (红冲)")
    reversal_date: dt.date | None = None
    settled: list[SettlementOut]
    unsettled: Decimal


class SupplierPaymentOut(_PaymentOut):
    supplier_id: int
    supplier_name: str


class CustomerPaymentOut(_PaymentOut):
    customer_id: int
    customer_name: str


def _payment_out(p: PartyPayment) -> dict:
    by_debit: dict[int, dict] = {}
    for s in payments.settled_by(p):
        row = by_debit.setdefault(
            s.debit_id,
            {"open_item_id": s.debit_id, "number": s.debit.entry.source_number, "amount": 0},
        )
        row["amount"] += s.amount
    partner = "supplier" if isinstance(p, SupplierPayment) else "customer"
    return {
        "id": p.pk,
        "number": p.number,
        "status": p.status,
        "date": p.date,
        f"{partner}_id": getattr(p, f"{partner}_id"),
        f"{partner}_name": str(getattr(p, partner)),
        "account_id": p.account_id,
        "account_name": str(p.account),
        "amount": p.amount,
        "discount": p.discount,
        "write_off": p.write_off,
        "memo": p.memo,
        "status_reason": p.status_reason,
        "reversal_date": p.reversal_date,
        "settled": list(by_debit.values()),
        "unsettled": payments.unsettled(p),
    }


class OpenItemOut(Schema):
    id: int
    number: str
    kind: str
    date: dt.date
    due_date: dt.date | None
    amount: Decimal
    settled: Decimal
    open: Decimal


class SettlePairIn(Schema):
    debit_id: int = Field(..., description="Open item of a document (positive)")
    credit_id: int = Field(..., description="Open item of a payment or a return (negative)")
    amount: Decimal = Field(..., gt=0)


class SettleIn(Schema):
    date: dt.date
    pairs: list[SettlePairIn] = Field(
        [], description="By hand; empty: every open credit against the open documents, oldest first"
    )


class SettledOut(Schema):
    debit_id: int
    credit_id: int
    amount: Decimal


class StatementRowOut(Schema):
    date: dt.date
    number: str
    kind: str = Field(
        "",
        description="The entry: document, payment, discount (折扣), write_off (抹零), opening; "
        "a payment's discount and 抹零 are rows of their own with its number",
    )
    source_kind: str = Field("", description="The document type (purchase_receipt, …)")
    reversal: bool = Field(False, description="The entry counters another (红冲)")
    memo: str
    increase: Decimal
    decrease: Decimal
    balance: Decimal


class StatementOut(Schema):
    partner_id: int
    date_from: dt.date
    date_to: dt.date
    opening: Decimal
    rows: list[StatementRowOut]
    closing: Decimal


class AgingOut(Schema):
    partner_id: int
    partner_name: str
    not_due: Decimal
    days_0_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    over_90: Decimal
    unapplied_credit: Decimal  # 未核销贷项 (≤ 0): credits no open document took
    total: Decimal


def _book_endpoints(
    book: payments.PaymentBook,
    *,
    path: str,
    partners: str,
    partner_model,
    aging_path: str,
    ledger: str,
    in_: type[_PaymentIn],
    out: type[_PaymentOut],
    filterset,
    words: dict[str, str],
) -> None:
    """付款单 (payable) or 收款单 (receivable): create with settlement, list, read; a partner's
    open items, 核销 later, 对账单; the book's aging. The payments and open items need the
    payment's permissions (``<resource>.*``); the 对账单 and the aging ``<ledger>.view``, as
    their screens (jxc/web/views/party_books.py): 采购 reads them without paying anyone."""
    resource = book.resource
    partner_field = book.partner_field

    @router.post(
        path,
        response={201: out},
        summary=words["create"],
        operation_id=f"jxc_api_finance_create_{resource}",
    )
    @creates(out, perm=f"{resource}.create")
    def create_payment(request, payload: in_):  # type: ignore[valid-type]
        data: _PaymentIn = payload
        p = payments.record_payment(
            book,
            user=request.user,
            partner=ref(partner_model.objects.all(), getattr(data, f"{partner_field}_id"),
                        f"{partner_field}_id"),
            account=ref(Account.objects.all(), data.account_id, "account_id"),
            amount=data.amount,
            discount=data.discount,
            write_off=data.write_off,
            date=data.date,
            memo=data.memo,
            allocations=[(a.open_item_id, a.amount) for a in data.allocations] or None,
        )  # fmt: skip
        return _payment_out(p)

    @router.get(
        path,
        response=page_of(out),
        summary=words["list"],
        operation_id=f"jxc_api_finance_list_{resource}s",
    )
    @requires(f"{resource}.view")
    def list_payments(
        request,
        query: Query[query_of(filterset)],  # type: ignore[valid-type]
    ):
        page = listing(
            request,
            book.model._default_manager.select_related(partner_field, "account"),
            filterset,
            query,
        )
        page["items"] = [_payment_out(p) for p in page["items"]]
        return page

    @router.get(
        f"{path}/{{id}}",
        response=out,
        summary=words["get"],
        operation_id=f"jxc_api_finance_get_{resource}",
    )
    @requires(f"{resource}.view")
    def get_payment(request, id: int):
        return _payment_out(
            get_or_404(book.model._default_manager.select_related(partner_field, "account"), id)
        )

    action_endpoints(
        router,
        path,
        name=resource,
        resource=resource,
        queryset=lambda request: book.model._default_manager.select_related(
            partner_field, "account"
        ),
        out=out,
        to_out=lambda p, request: _payment_out(p),
        actions={
            "reverse": lambda doc, user, body: payments.reverse_payment(
                doc, user=user, reason=body.reason, date=body.date
            )
        },
    )

    @router.get(
        f"{partners}/{{id}}/open-items",
        response=list[OpenItemOut],
        summary=words["open"],
        operation_id=f"jxc_api_finance_{partner_field}_open_items",
    )
    @requires(f"{resource}.view")
    def open_items(request, id: int):
        get_or_404(partner_model.objects.all(), id)
        return [
            {
                "id": o.pk,
                "number": o.entry.source_number,
                "kind": o.entry.kind,
                "date": o.date,
                "due_date": o.due_date,
                "amount": o.amount,
                "settled": o.settled,
                "open": o.open_amount,
            }
            for o in selectors.open_items(book.side, id)
        ]

    @router.post(
        f"{partners}/{{id}}/settle",
        response=list[SettledOut],
        summary=words["settle"],
        operation_id=f"jxc_api_finance_settle_{partner_field}_items",
    )
    @requires(f"{resource}.create")
    def settle(request, id: int, payload: SettleIn):
        get_or_404(partner_model.objects.all(), id)
        done = settling.settle_open_items(
            book,
            user=request.user,
            partner_id=id,
            date=payload.date,
            pairs=[(p.debit_id, p.credit_id, p.amount) for p in payload.pairs] or None,
        )
        return [
            {"debit_id": s.debit_id, "credit_id": s.credit_id, "amount": s.amount} for s in done
        ]

    @router.get(
        f"{partners}/{{id}}/statement",
        response=StatementOut,
        summary=words["statement"],
        operation_id=f"jxc_api_finance_{partner_field}_statement",
    )
    @requires(f"{ledger}.view")
    def statement(request, id: int, date_from: dt.date, date_to: dt.date):
        get_or_404(partner_model.objects.all(), id)
        opening, rows, closing = selectors.statement(
            book.side, id, date_from=date_from, date_to=date_to
        )
        return {
            "partner_id": id,
            "date_from": date_from,
            "date_to": date_to,
            "opening": opening,
            "rows": [{**r.__dict__, "kind": r.entry_kind, "source_kind": r.kind} for r in rows],
            "closing": closing,
        }

    @router.get(
        aging_path,
        response=list[AgingOut],
        summary=words["aging"],
        operation_id=f"jxc_api_finance_{book.side}s_aging",
    )
    @requires(f"{ledger}.view")
    def aging(request, as_of: dt.date | None = None):
        found = selectors.aging(book.side, as_of=as_of or dt.date.today())
        names = dict(partner_model.objects.filter(pk__in=found).values_list("pk", "name"))
        return [
            {
                "partner_id": pid,
                "partner_name": names.get(pid, ""),
                "not_due": a["buckets"]["not_due"],
                "days_0_30": a["buckets"]["0-30"],
                "days_31_60": a["buckets"]["31-60"],
                "days_61_90": a["buckets"]["61-90"],
                "over_90": a["buckets"]["90+"],
                "unapplied_credit": a["credit"],
                "total": a["total"],
            }
            for pid, a in sorted(found.items())
        ]


_book_endpoints(
    payments.PAYABLE,
    path="/supplier-payments",
    partners="/suppliers",
    partner_model=Supplier,
    aging_path="/payables/aging",
    ledger="payables",
    in_=SupplierPaymentIn,
    out=SupplierPaymentOut,
    filterset=SupplierPaymentFilterSet,
    words={
        "create": "付款: pay a supplier and settle (chosen, or the oldest due first)",
        "list": "付款单 list",
        "get": "付款单",
        "open": "未核销: receipts still owed for, payments not yet settled (预付)",
        "settle": "核销 later: 预付 and returns against open receipts",
        "statement": "供应商对账单: opening, receipts and payments, closing",
        "aging": "应付账龄",
    },
)
_book_endpoints(
    payments.RECEIVABLE,
    path="/customer-payments",
    partners="/customers",
    partner_model=Customer,
    aging_path="/receivables/aging",
    ledger="receivables",
    in_=CustomerPaymentIn,
    out=CustomerPaymentOut,
    filterset=CustomerPaymentFilterSet,
    words={
        "create": "收款: money from a customer, settled against deliveries (chosen, or the "
        "oldest due first), returns offset, discount and 抹零 beside it",
        "list": "收款单 list",
        "get": "收款单",
        "open": "未核销: deliveries still owed, returns and receipts not yet settled (预收)",
        "settle": "核销 later: 预收 and returns against open deliveries",
        "statement": "客户对账单: opening, deliveries, returns and receipts, closing",
        "aging": "应收账龄",
    },
)
