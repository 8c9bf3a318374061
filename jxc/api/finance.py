"""Finance master-data API: cash and bank accounts (资金账户: 现金, 银行, 微信, 支付宝)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Schema

from jxc.api.common import (
    Patch,
    Router,
    activation_endpoints,
    creates,
    get_or_404,
    listing,
    page_of,
    query_of,
    requires,
)
from jxc.finance import services
from jxc.finance.filters import AccountFilterSet
from jxc.finance.models import Account

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


@router.get("/accounts", response=page_of(AccountOut))
@requires("account.view")
def list_accounts(request, query: Query[query_of(AccountFilterSet)]):  # type: ignore[valid-type]
    """资金账户 list."""
    return listing(request, Account.objects.all(), AccountFilterSet, query)


@router.get("/accounts/{id}", response=AccountOut)
@requires("account.view")
def get_account(request, id: int):
    return get_or_404(Account.objects.all(), id)


@router.post("/accounts", response={201: AccountOut})
@creates(AccountOut, perm="account.create")
def create_account(request, payload: AccountIn):
    data = payload.dict()
    if data["opening_date"] is None:
        data.pop("opening_date")
    return services.create_account(user=request.user, **data)


@router.patch("/accounts/{id}", response=AccountOut)
@requires("account.edit")
def update_account(request, id: int, payload: Patch[AccountIn]):
    account = get_or_404(Account.objects.all(), id)
    return services.update_account(account, user=request.user, **payload)


activation_endpoints(
    router,
    "/accounts",
    queryset=lambda request: Account.objects.all(),
    out=AccountOut,
    perm="account.edit",
    service=services.set_active,
    name="account",
)
