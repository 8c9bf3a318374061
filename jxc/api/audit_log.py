"""操作记录 (the audit log of one object) through the API. Split from ``jxc.api.core``: the
operation ids stay ``jxc_api_core_<function>``."""

import datetime as dt
from typing import Any, Literal

from ninja import Query, Schema

from jxc.api.common.errors import Router
from jxc.api.common.listing import Paging, listing, page_of
from jxc.api.common.permissions import check_perm, requires
from jxc.catalog.models import Brand, Category, Product, Sku, Unit
from jxc.core.errors import NotFound
from jxc.core.models import AuditLog, Role, User
from jxc.core.visibility import redact_record
from jxc.finance.models import Account
from jxc.inventory import selectors as inventory_selectors
from jxc.inventory.models import Bin
from jxc.partners.models import Customer, Supplier

router = Router(tags=["core"], moved=(__name__, "jxc.api.core"))


# --- audit log (操作记录) ---------------------------------------------------------------------


def _all(model):
    return lambda request: model.objects.all()


# object_type → (permission to see the object, the objects the user may see)
AUDITED: dict[str, tuple[str, Any]] = {
    "unit": ("unit.view", _all(Unit)),
    "category": ("category.view", _all(Category)),
    "brand": ("brand.view", _all(Brand)),
    "product": ("product.view", _all(Product)),
    "sku": ("product.view", _all(Sku)),
    "warehouse": ("warehouse.view", lambda r: inventory_selectors.warehouses_for(r.user)),
    "bin": (
        "bin.view",
        lambda r: Bin.objects.filter(warehouse__in=inventory_selectors.warehouses_for(r.user)),
    ),
    "supplier": ("supplier.view", _all(Supplier)),
    "customer": ("customer.view", _all(Customer)),
    "account": ("account.view", _all(Account)),
    "user": ("user.view", _all(User)),
    "role": ("user.view", _all(Role)),
}


class AuditOut(Schema):
    id: int
    at: dt.datetime
    user_id: int | None
    user_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]
    reason: str

    @staticmethod
    def resolve_user_name(obj: AuditLog) -> str:
        return str(obj.user) if obj.user_id else ""


class AuditQuery(Paging):
    object_type: Literal[tuple(AUDITED)]  # type: ignore[valid-type]
    object_id: int


@router.get("/audit-log", response=page_of(AuditOut))
@requires("audit.view")
def audit_log(request, query: Query[AuditQuery]):
    """操作记录 of one object: who changed what, when, from → to; newest first.
    Also needs the object's own view permission and warehouse scope."""
    perm, visible = AUDITED[query.object_type]
    check_perm(request, perm)
    obj = visible(request).filter(pk=query.object_id).first()
    if obj is None:
        raise NotFound()
    qs = AuditLog.objects.select_related("user").filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )
    page = listing(request, qs.order_by("-at", "-id"), None, query)
    for entry in page["items"]:  # changes are the object's fields: hidden by their marks
        entry.changes = redact_record(type(obj), entry.changes, request.user)
    return page
