"""Inventory master-data API: warehouses (仓库), bins (货位) and per-warehouse stock limits,
always within the user's warehouse scope (``selectors.warehouses_for``): a warehouse out of
scope does not exist for that user (404), and cannot be referred to (422)."""

from decimal import Decimal
from typing import Literal

from django.contrib.auth import get_user_model
from ninja import Field, Schema

from jxc.api.common.crud import crud_endpoints
from jxc.api.common.errors import Router
from jxc.api.common.permissions import get_or_404, ref, requires
from jxc.catalog.models import Sku
from jxc.inventory import selectors, services
from jxc.inventory.filters import BinFilterSet, WarehouseFilterSet
from jxc.inventory.models import Bin, StockLimit

router = Router(tags=["inventory"])


def scoped_warehouses(request):
    return selectors.warehouses_for(request.user)


def scoped_bins(request):
    return Bin.objects.select_related("warehouse").filter(warehouse__in=scoped_warehouses(request))


# --- warehouses ----------------------------------------------------------------------------


class WarehouseIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=80)
    kind: Literal["warehouse", "store"] = "warehouse"
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=30)
    keeper_id: int | None = None
    allow_negative: bool = False
    site: str = Field("", max_length=60)


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    address: str
    phone: str
    keeper_id: int | None
    allow_negative: bool
    site: str
    is_active: bool


def _warehouse_fields(request, data: dict) -> dict:
    if "keeper_id" in data:
        users = get_user_model().objects.filter(is_active=True)
        data["keeper"] = ref(users, data.pop("keeper_id"), "keeper_id")
    return data


crud_endpoints(
    router,
    "/warehouses",
    name="warehouse",
    queryset=scoped_warehouses,
    filterset=WarehouseFilterSet,
    out=WarehouseOut,
    in_=WarehouseIn,
    create=services.create_warehouse,
    update=services.update_warehouse,
    set_active=services.set_active,
    fields=_warehouse_fields,
    list_doc="仓库 list (only the warehouses the user may see).",
)


# --- bins ----------------------------------------------------------------------------------


class BinIn(Schema):
    warehouse_id: int
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field("", max_length=80)


class BinEditIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field("", max_length=80)


def _bin_fields(request, data: dict) -> dict:
    if "warehouse_id" in data:
        warehouse_id = data.pop("warehouse_id")
        data["warehouse"] = ref(scoped_warehouses(request), warehouse_id, "warehouse_id")
    return data


class BinOut(Schema):
    id: int
    warehouse_id: int
    code: str
    name: str
    is_active: bool


crud_endpoints(
    router,
    "/bins",
    name="bin",
    queryset=scoped_bins,
    filterset=BinFilterSet,
    out=BinOut,
    in_=BinIn,
    patch_in=BinEditIn,
    create=services.create_bin,
    update=services.update_bin,
    set_active=services.set_active,
    fields=_bin_fields,
    list_doc="货位 list, in the warehouses the user may see.",
)


# --- stock limits (安全库存 / 最高库存) ---------------------------------------------------------


class StockLimitIn(Schema):
    min_qty: Decimal | None = None
    max_qty: Decimal | None = None


class StockLimitOut(Schema):
    warehouse_id: int
    min_qty: Decimal | None
    max_qty: Decimal | None


@router.get("/skus/{id}/stock-limits", response=list[StockLimitOut])
@requires("product.view")
def list_stock_limits(request, id: int):
    """A SKU's minimum and maximum stock per warehouse (in the user's scope)."""
    sku = get_or_404(Sku.objects.all(), id)
    return list(
        StockLimit.objects.filter(sku=sku, warehouse__in=scoped_warehouses(request)).order_by(
            "warehouse__code"
        )
    )


@router.put("/skus/{id}/stock-limits/{warehouse_id}", response=list[StockLimitOut])
@requires("product.edit")
def set_stock_limit(request, id: int, warehouse_id: int, payload: StockLimitIn):
    """Set 安全库存 / 最高库存 of a SKU in a warehouse; both null removes the limit."""
    sku = get_or_404(Sku.objects.all(), id)
    warehouse = get_or_404(scoped_warehouses(request), warehouse_id)
    services.set_stock_limit(
        user=request.user,
        sku=sku,
        warehouse=warehouse,
        min_qty=payload.min_qty,
        max_qty=payload.max_qty,
    )
    return list_stock_limits.__wrapped__(request, id)  # type: ignore[attr-defined]
