"""Partners API: suppliers (供应商) and customers (客户) with their contacts."""

from decimal import Decimal
from typing import Literal

from django.contrib.auth import get_user_model
from ninja import Field, Schema

from jxc.api.common.crud import crud_endpoints
from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.permissions import get_or_404, ref, requires
from jxc.partners import services
from jxc.partners.filters import CustomerFilterSet, SupplierFilterSet
from jxc.partners.models import Customer, Supplier

router = Router(tags=["partners"])


class PartnerIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=120)
    mnemonic: str = Field("", max_length=40, description="助记码; default: pinyin initials")
    contact: str = Field("", max_length=40)
    phone: str = Field("", max_length=30, examples=["13812345678"])
    address: str = Field("", max_length=200)
    tax_number: str = Field("", max_length=20)
    bank_name: str = Field("", max_length=80)
    bank_account: str = Field("", max_length=40)
    payment_terms_days: int = Field(0, ge=0)
    memo: str = Field("", max_length=500)


class PartnerOut(Schema):
    id: int
    code: str
    name: str
    mnemonic: str
    contact: str
    phone: str
    address: str
    tax_number: str
    bank_name: str
    bank_account: str
    payment_terms_days: int
    memo: str
    is_active: bool


class ContactIn(Schema):
    name: str = Field(..., min_length=1, max_length=40)
    position: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)


class ContactOut(Schema):
    id: int
    name: str
    position: str
    phone: str
    email: str


# --- suppliers -----------------------------------------------------------------------------


class SupplierIn(PartnerIn):
    lead_time_days: int = Field(0, ge=0)


class SupplierOut(PartnerOut):
    lead_time_days: int


crud_endpoints(
    router,
    "/suppliers",
    name="supplier",
    queryset=lambda request: Supplier.objects.all(),
    filterset=SupplierFilterSet,
    out=SupplierOut,
    in_=SupplierIn,
    create=services.create_supplier,
    update=services.update_supplier,
    set_active=services.set_active,
    list_doc="供应商 list: ``q`` matches code, name, 助记码 or phone.",
)


@router.get("/suppliers/{id}/contacts", response=list[ContactOut])
@requires("supplier.view")
def list_supplier_contacts(request, id: int):
    return list(get_or_404(Supplier.objects.all(), id).contacts.all())


@router.post("/suppliers/{id}/contacts", response={201: ContactOut})
@creates(ContactOut, perm="supplier.edit")
def create_supplier_contact(request, id: int, payload: ContactIn):
    supplier = get_or_404(Supplier.objects.all(), id)
    return services.create_contact(user=request.user, partner=supplier, **payload.dict())


# --- customers -----------------------------------------------------------------------------


class CustomerIn(PartnerIn):
    tier: Literal["ordinary", "key", "vip"] = "ordinary"
    price_level: Literal["retail", "wholesale", "member", "vip"] = "retail"
    credit_limit: Decimal = Decimal(0)
    salesperson_id: int | None = None
    allow_backorder: bool = False


class CustomerOut(PartnerOut):
    tier: str
    price_level: str
    credit_limit: Decimal
    salesperson_id: int | None
    allow_backorder: bool


def _customer_fields(request, data: dict) -> dict:
    if "salesperson_id" in data:
        users = get_user_model().objects.filter(is_active=True)
        data["salesperson"] = ref(users, data.pop("salesperson_id"), "salesperson_id")
    return data


crud_endpoints(
    router,
    "/customers",
    name="customer",
    queryset=lambda request: Customer.objects.all(),
    filterset=CustomerFilterSet,
    out=CustomerOut,
    in_=CustomerIn,
    create=services.create_customer,
    update=services.update_customer,
    set_active=services.set_active,
    fields=_customer_fields,
    list_doc="客户 list: ``q`` matches code, name, 助记码 or phone; filter by tier, price level or"
    "\nsalesperson.",
)


@router.get("/customers/{id}/contacts", response=list[ContactOut])
@requires("customer.view")
def list_customer_contacts(request, id: int):
    return list(get_or_404(Customer.objects.all(), id).contacts.all())


@router.post("/customers/{id}/contacts", response={201: ContactOut})
@creates(ContactOut, perm="customer.edit")
def create_customer_contact(request, id: int, payload: ContactIn):
    customer = get_or_404(Customer.objects.all(), id)
    return services.create_contact(user=request.user, partner=customer, **payload.dict())
