"""Catalog API: units, categories, brands, products (SPU) and SKUs (规格)."""

from decimal import Decimal
from typing import Literal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from jxc.api.common.crud import Patch, activation_endpoints, crud_endpoints
from jxc.api.common.errors import Router
from jxc.api.common.idempotency import creates
from jxc.api.common.listing import listing, page_of, query_of
from jxc.api.common.permissions import get_or_404, ref, requires
from jxc.catalog import selectors, services
from jxc.catalog.choices import PRICE_FIELDS
from jxc.catalog.filters import (
    BrandFilterSet,
    CategoryFilterSet,
    ProductFilterSet,
    SkuFilterSet,
    UnitFilterSet,
)
from jxc.catalog.models import Barcode, Brand, Category, Product, Sku, SkuUnit, Unit
from jxc.catalog.rules import UnitSpec, VariantSpec
from jxc.catalog.variants import add_variants
from jxc.core.errors import NotFound, ValidationFailed
from jxc.core.visibility import Cost

router = Router(tags=["catalog"])

Tracking = Literal["none", "batch", "serial"]


# --- units ---------------------------------------------------------------------------------


class UnitIn(Schema):
    name: str = Field(..., min_length=1, max_length=20)
    allow_fraction: bool = False


class UnitOut(Schema):
    id: int
    name: str
    allow_fraction: bool
    is_active: bool


crud_endpoints(
    router,
    "/units",
    name="unit",
    queryset=lambda request: Unit.objects.all(),
    filterset=UnitFilterSet,
    out=UnitOut,
    in_=UnitIn,
    create=services.create_unit,
    update=services.update_unit,
    set_active=services.set_active,
    list_doc="计量单位 list.",
)


# --- categories ----------------------------------------------------------------------------


class CategoryIn(Schema):
    code: str = Field(..., min_length=1, max_length=30)
    name: str = Field(..., min_length=1, max_length=60)
    parent_id: int | None = None


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    path: str
    depth: int
    is_active: bool


def _category_fields(request, payload: dict) -> dict:
    if "parent_id" in payload:
        payload["parent"] = ref(Category.objects.all(), payload.pop("parent_id"), "parent_id")
    return payload


crud_endpoints(
    router,
    "/categories",
    name="category",
    plural="categories",
    queryset=lambda request: Category.objects.all(),
    filterset=CategoryFilterSet,
    out=CategoryOut,
    in_=CategoryIn,
    create=services.create_category,
    update=services.update_category,
    set_active=services.set_active,
    fields=_category_fields,
    list_doc="商品分类, a tree: ordered by path, each with its parent and depth.",
)


# --- brands --------------------------------------------------------------------------------


class BrandIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)


class BrandOut(Schema):
    id: int
    name: str
    is_active: bool


crud_endpoints(
    router,
    "/brands",
    name="brand",
    queryset=lambda request: Brand.objects.all(),
    filterset=BrandFilterSet,
    out=BrandOut,
    in_=BrandIn,
    create=services.create_brand,
    update=services.update_brand,
    set_active=services.set_active,
)


# --- SKUs ----------------------------------------------------------------------------------


class SkuUnitOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    factor: Decimal
    is_base: bool
    purchase_price: Decimal | None = Cost(None, description="参考进价; null: none (0 is a price)")
    retail_price: Decimal
    wholesale_price: Decimal
    member_price: Decimal
    vip_price: Decimal
    min_price: Decimal

    @staticmethod
    def resolve_unit_name(obj: SkuUnit) -> str:
        return obj.unit.name


class BarcodeOut(Schema):
    code: str
    unit_id: int | None

    @staticmethod
    def resolve_unit_id(obj: Barcode) -> int | None:
        unit = obj.sku_unit if obj.sku_unit_id else None
        return unit.unit_id if unit else None


class SkuOut(Schema):
    id: int
    product_id: int
    code: str
    name: str
    spec: str
    value1: str
    value2: str
    mnemonic: str
    base_unit_id: int
    weight: Decimal = Field(Decimal(0), description="kg per base unit (费用分摊 by weight)")
    is_active: bool
    units: list[SkuUnitOut]
    barcodes: list[BarcodeOut]

    @staticmethod
    def resolve_base_unit_id(obj: Sku) -> int:
        return obj.product.base_unit_id

    @staticmethod
    def resolve_units(obj: Sku) -> list[SkuUnit]:
        return list(obj.units.all())

    @staticmethod
    def resolve_barcodes(obj: Sku) -> list[Barcode]:
        return list(obj.barcodes.all())


def skus_queryset():
    return Sku.objects.select_related("product").prefetch_related(
        Prefetch("units", queryset=SkuUnit.objects.select_related("unit")),
        Prefetch("barcodes", queryset=Barcode.objects.select_related("sku_unit")),
    )


class UnitPriceIn(Schema):
    """One unit of a SKU: factor = base units in one of it (1 箱 = 12 个), prices per it."""

    unit_id: int
    factor: Decimal = Decimal(1)
    barcode: str = ""
    purchase_price: Decimal | None = None
    retail_price: Decimal | None = None
    wholesale_price: Decimal | None = None
    member_price: Decimal | None = None
    vip_price: Decimal | None = None
    min_price: Decimal | None = None


def _unit_specs(units: list[UnitPriceIn]) -> list[UnitSpec]:
    known = set(Unit.objects.filter(pk__in=[u.unit_id for u in units]).values_list("pk", flat=True))
    errors = {
        f"units.{i}.unit_id": [_("Select a valid choice.")]
        for i, u in enumerate(units)
        if u.unit_id not in known
    }
    if errors:
        raise ValidationFailed(errors)
    return [
        UnitSpec(
            unit_id=u.unit_id,
            factor=u.factor,
            barcode=u.barcode.strip(),
            prices={k: getattr(u, k) for k in PRICE_FIELDS if getattr(u, k) is not None},
        )
        for u in units
    ]


class SkuUnitsIn(Schema):
    units: list[UnitPriceIn]


class BarcodeIn(Schema):
    code: str = Field(..., min_length=1, max_length=64)
    unit_id: int | None = Field(None, description="The unit this barcode is for (default: any)")


@router.get("/skus", response=page_of(SkuOut))
@requires("product.view")
def list_skus(request, query: Query[query_of(SkuFilterSet)]):  # type: ignore[valid-type]
    """规格 list and search: ``q`` matches code, name, spec, 助记码 (``kkkl`` → 可口可乐) or an
    exact barcode."""
    return listing(request, skus_queryset(), SkuFilterSet, query)


@router.get("/skus/by-barcode/{code}", response=SkuOut)
@requires("product.view")
def get_sku_by_barcode(request, code: str):
    """The SKU a scanned barcode belongs to."""
    sku = selectors.sku_by_barcode(code)
    if sku is None:
        raise NotFound()
    return skus_queryset().get(pk=sku.pk)


@router.get("/skus/{id}", response=SkuOut)
@requires("product.view")
def get_sku(request, id: int):
    return get_or_404(skus_queryset(), id)


@router.put("/skus/{id}/units", response=SkuOut)
@requires("product.edit")
def update_sku_units(request, id: int, payload: SkuUnitsIn):
    """Replace a SKU's units, prices and unit barcodes (the base unit stays the product's)."""
    sku = get_or_404(Sku.objects.select_related("product"), id)
    services.update_sku_units(sku, user=request.user, units=_unit_specs(payload.units))
    return skus_queryset().get(pk=sku.pk)


class SkuWeightIn(Schema):
    weight: Decimal = Field(..., ge=0, max_digits=15, decimal_places=6)


@router.put("/skus/{id}/weight", response=SkuOut)
@requires("product.edit")
def update_sku_weight(request, id: int, payload: SkuWeightIn):
    """重量 (kg per base unit): what 费用分摊 by weight spreads a charge by."""
    sku = get_or_404(Sku.objects.select_related("product"), id)
    services.update_sku_weight(sku, user=request.user, weight=payload.weight)
    return skus_queryset().get(pk=sku.pk)


@router.post("/skus/{id}/barcodes", response={201: SkuOut})
@creates(SkuOut, perm="product.edit")
def add_sku_barcode(request, id: int, payload: BarcodeIn):
    """Add a barcode (条码) to a SKU, optionally for one of its units."""
    sku = get_or_404(Sku.objects.all(), id)
    sku_unit = None
    if payload.unit_id is not None:
        sku_unit = sku.units.filter(unit_id=payload.unit_id).first()
        if sku_unit is None:
            raise ValidationFailed({"unit_id": [_("Select a valid choice.")]})
    services.add_barcode(sku, user=request.user, code=payload.code, sku_unit=sku_unit)
    return skus_queryset().get(pk=sku.pk)


activation_endpoints(
    router,
    "/skus",
    queryset=lambda request: Sku.objects.all(),
    out=SkuOut,
    perm="product.edit",
    service=lambda sku, **kw: skus_queryset().get(pk=services.set_active(sku, **kw).pk),
    name="sku",
)


# --- products ------------------------------------------------------------------------------


class VariantIn(Schema):
    value1: str = ""
    value2: str = ""
    code: str = Field("", description="SKU code (default: product code + -01, -02 …)")
    barcode: str = Field("", description="Barcode of this variant's base unit")


class ProductIn(Schema):
    """新增商品. Variants: name up to two attributes and list their values (颜色 × 尺码):
    every combination becomes a SKU; or list ``variants`` one by one. Every SKU gets the
    same ``units`` (the base unit with factor 1 plus e.g. 箱 = 12) and prices."""

    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=120)
    base_unit_id: int
    category_id: int | None = None
    brand_id: int | None = None
    tracking: Tracking = "none"
    shelf_life_days: int | None = Field(None, ge=0)
    mnemonic: str = Field("", max_length=40, description="助记码; default: pinyin initials")
    memo: str = Field("", max_length=500)
    units: list[UnitPriceIn] = []
    attribute1: str = Field("", max_length=20, examples=["颜色"])
    values1: list[str] = Field([], examples=[["红", "蓝"]])
    attribute2: str = Field("", max_length=20, examples=["尺码"])
    values2: list[str] = Field([], examples=[["S", "M", "L"]])
    variants: list[VariantIn] | None = None


class ProductEditIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=120)
    category_id: int | None = None
    brand_id: int | None = None
    tracking: Tracking = "none"
    shelf_life_days: int | None = Field(None, ge=0)
    mnemonic: str = Field("", max_length=40)
    memo: str = Field("", max_length=500)
    attribute1: str = Field("", max_length=20)
    attribute2: str = Field("", max_length=20)


class ProductOut(Schema):
    id: int
    code: str
    name: str
    mnemonic: str
    category_id: int | None
    brand_id: int | None
    base_unit_id: int
    tracking: str
    shelf_life_days: int | None
    attribute1: str
    attribute2: str
    memo: str
    is_active: bool


class ProductDetailOut(ProductOut):
    skus: list[SkuOut]

    @staticmethod
    def resolve_skus(obj: Product) -> list[Sku]:
        return list(skus_queryset().filter(product=obj).order_by("code"))


def _product_refs(data: dict) -> dict:
    if "category_id" in data:
        data["category"] = ref(Category.objects.all(), data.pop("category_id"), "category_id")
    if "brand_id" in data:
        data["brand"] = ref(Brand.objects.all(), data.pop("brand_id"), "brand_id")
    return data


@router.get("/products", response=page_of(ProductOut))
@requires("product.view")
def list_products(request, query: Query[query_of(ProductFilterSet)]):  # type: ignore[valid-type]
    """商品 list: ``q`` matches code, name, 助记码, a SKU code or an exact barcode;
    ``category`` includes its sub-categories."""
    return listing(request, Product.objects.all(), ProductFilterSet, query)


@router.get("/products/{id}", response=ProductDetailOut)
@requires("product.view")
def get_product(request, id: int):
    """A product with its SKUs, their units, prices and barcodes."""
    return get_or_404(Product.objects.all(), id)


@router.post("/products", response={201: ProductDetailOut})
@creates(ProductDetailOut, perm="product.create")
def create_product(request, payload: ProductIn):
    """新增商品 with units, prices, barcodes and a 颜色 × 尺码 variant matrix."""
    data = payload.dict()
    base_unit = ref(Unit.objects.all(), data.pop("base_unit_id"), "base_unit_id")
    units = _unit_specs(payload.units) if payload.units else None
    data.pop("units")
    variants = data.pop("variants")
    return services.create_product(
        user=request.user,
        base_unit=base_unit,
        units=units,
        variants=[VariantSpec(**v) for v in variants] if variants is not None else None,
        **_product_refs(data),
    )


class VariantBarcodeIn(Schema):
    value1: str = ""
    value2: str = ""
    barcode: str = Field(..., max_length=40)


class VariantsIn(Schema):
    values1: list[str] = []
    values2: list[str] = []
    barcodes: list[VariantBarcodeIn] = []


@router.post("/products/{id}/variants", response={201: ProductDetailOut})
@creates(ProductDetailOut, perm="product.edit")
def add_product_variants(request, id: int, payload: VariantsIn):
    """追加颜色 / 尺码: the new cells' SKUs with the units and prices of the same size (else
    colour) and the base-unit barcodes given."""
    product = get_or_404(Product.objects.all(), id)
    add_variants(
        product,
        user=request.user,
        values1=payload.values1,
        values2=payload.values2,
        barcodes={(b.value1, b.value2): b.barcode for b in payload.barcodes},
    )
    return get_or_404(Product.objects.all(), id)


@router.patch("/products/{id}", response=ProductOut)
@requires("product.edit")
def update_product(request, id: int, payload: Patch[ProductEditIn]):
    """修改商品资料 (header fields; SKU names follow the product name)."""
    product = get_or_404(Product.objects.all(), id)
    return services.update_product(product, user=request.user, **_product_refs(payload))


activation_endpoints(
    router,
    "/products",
    queryset=lambda request: Product.objects.all(),
    out=ProductOut,
    perm="product.edit",
    service=services.set_active,
    name="product",
)
