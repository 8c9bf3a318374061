"""Finance master-data API: cash and bank accounts (资金账户: 现金, 银行, 微信, 支付宝)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from jxc.api.common.crud import crud_endpoints
from jxc.api.common.errors import Router
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
