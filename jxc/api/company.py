"""公司设置 through the API. Split from ``jxc.api.core``: the operation ids stay
``jxc_api_core_<function>``."""

from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from jxc.api.common.crud import Patch
from jxc.api.common.errors import Router
from jxc.api.common.permissions import requires
from jxc.core import selectors as core_selectors
from jxc.core import services

router = Router(tags=["core"], moved=(__name__, "jxc.api.core"))


# --- company settings ----------------------------------------------------------------------


class CompanyIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    tax_number: str = Field("", max_length=20)
    currency: str = Field("CNY", min_length=3, max_length=3)
    qty_decimals: int = Field(2, ge=0, le=6)
    price_decimals: int = Field(2, ge=0, le=6)
    costing_method: Literal["moving_average", "fifo", "periodic_average", "specific"] = (
        "moving_average"
    )
    cost_scope: Literal["company", "warehouse"] = "company"
    allow_negative_stock: bool = False
    days_ahead: int = Field(7, ge=0, le=366, strict=True)
    purchase_prices_include_tax: bool = True
    default_tax_rate: Decimal = Field(Decimal(13), ge=0, le=100, max_digits=5, decimal_places=2)
    over_receipt_tolerance: Decimal = Field(
        Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2
    )
    invoice_match_tolerance: Decimal = Field(
        Decimal(0), ge=0, lt=10**13, decimal_places=2, description="三单匹配 tolerance (amount)"
    )
    invoice_match_tolerance_percent: Decimal = Field(
        Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2, description="… or per cent"
    )
    qc_reject_alert_percent: Decimal = Field(
        Decimal(5), ge=0, le=100, max_digits=5, decimal_places=2, description="质检拒收率预警 %"
    )
    count_variance_value: Decimal = Field(
        Decimal(1000), ge=0, lt=10**13, description="盘点 variance worth more needs confirming"
    )
    count_variance_percent: int = Field(
        100, ge=0, le=10000, strict=True, description="盘点 variance above this % of the book"
    )
    document_prefixes: dict[str, str] = {}


class CompanyOut(Schema):
    name: str
    tax_number: str
    currency: str
    qty_decimals: int
    price_decimals: int
    costing_method: str
    cost_scope: str
    allow_negative_stock: bool
    days_ahead: int
    purchase_prices_include_tax: bool
    default_tax_rate: Decimal
    over_receipt_tolerance: Decimal
    invoice_match_tolerance: Decimal
    invoice_match_tolerance_percent: Decimal
    qc_reject_alert_percent: Decimal
    count_variance_value: Decimal
    count_variance_percent: int
    document_prefixes: dict[str, str]


@router.get("/company", response=CompanyOut)
@requires("company.view")
def get_company(request):
    """公司设置."""
    return core_selectors.company()


@router.patch("/company", response=CompanyOut)
@requires("company.edit")
def update_company(request, payload: Patch[CompanyIn]):
    return services.update_company(user=request.user, **payload)
