"""Inventory master-data API: warehouses (仓库), bins (货位) and per-warehouse stock limits,
always within the user's warehouse scope (``selectors.warehouses_for``): a warehouse out of
scope does not exist for that user (404), and cannot be referred to (422)."""

from decimal import Decimal
from typing import Literal

from django.contrib.auth import get_user_model
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
    ref,
    requires,
)
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


def _warehouse_fields(data: dict) -> dict:
    if "keeper_id" in data:
        users = get_user_model().objects.filter(is_active=True)
        data["keeper"] = ref(users, data.pop("keeper_id"), "keeper_id")
    return data


@router.get("/warehouses", response=page_of(WarehouseOut))
@requires("warehouse.view")
def list_warehouses(request, query: Query[query_of(WarehouseFilterSet)]):  # type: ignore[valid-type]
    """仓库 list (only the warehouses the user may see)."""
    return listing(request, scoped_warehouses(request), WarehouseFilterSet, query)


@router.get("/warehouses/{id}", response=WarehouseOut)
@requires("warehouse.view")
def get_warehouse(request, id: int):
    return get_or_404(scoped_warehouses(request), id)


@router.post("/warehouses", response={201: WarehouseOut})
@creates(WarehouseOut, perm="warehouse.create")
def create_warehouse(request, payload: WarehouseIn):
    return services.create_warehouse(user=request.user, **_warehouse_fields(payload.dict()))


@router.patch("/warehouses/{id}", response=WarehouseOut)
@requires("warehouse.edit")
def update_warehouse(request, id: int, payload: Patch[WarehouseIn]):
    warehouse = get_or_404(scoped_warehouses(request), id)
    return services.update_warehouse(warehouse, user=request.user, **_warehouse_fields(payload))


activation_endpoints(
    router,
    "/warehouses",
    queryset=scoped_warehouses,
    out=WarehouseOut,
    perm="warehouse.edit",
    service=services.set_active,
    name="warehouse",
)


# --- bins ----------------------------------------------------------------------------------


class BinIn(Schema):
    warehouse_id: int
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field("", max_length=80)


class BinEditIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field("", max_length=80)


class BinOut(Schema):
    id: int
    warehouse_id: int
    code: str
    name: str
    is_active: bool


@router.get("/bins", response=page_of(BinOut))
@requires("bin.view")
def list_bins(request, query: Query[query_of(BinFilterSet)]):  # type: ignore[valid-type]
    """货位 list, in the warehouses the user may see."""
    return listing(request, scoped_bins(request), BinFilterSet, query)


@router.get("/bins/{id}", response=BinOut)
@requires("bin.view")
def get_bin(request, id: int):
    return get_or_404(scoped_bins(request), id)


@router.post("/bins", response={201: BinOut})
@creates(BinOut, perm="bin.create")
def create_bin(request, payload: BinIn):
    warehouse = ref(scoped_warehouses(request), payload.warehouse_id, "warehouse_id")
    return services.create_bin(
        user=request.user, warehouse=warehouse, code=payload.code, name=payload.name
    )


@router.patch("/bins/{id}", response=BinOut)
@requires("bin.edit")
def update_bin(request, id: int, payload: Patch[BinEditIn]):
    return services.update_bin(get_or_404(scoped_bins(request), id), user=request.user, **payload)


activation_endpoints(
    router,
    "/bins",
    queryset=scoped_bins,
    out=BinOut,
    perm="bin.edit",
    service=services.set_active,
    name="bin",
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
