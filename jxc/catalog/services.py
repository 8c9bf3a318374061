"""Writes of the catalog: units, categories, brands, products with SKUs, units and barcodes."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jxc.catalog import rules
from jxc.catalog.models import Barcode, Brand, Category, Product, Sku, SkuUnit, Unit
from jxc.catalog.rules import UnitSpec, VariantSpec
from jxc.core.errors import DuplicateCode, ValidationFailed
from jxc.core.selectors import company
from jxc.core.services import record_audit, save_audited, set_active, snapshot
from jxc.core.text import pinyin_initials

__all__ = ["set_active"]


def create_unit(*, user, name: str, allow_fraction: bool = False) -> Unit:
    return save_audited(
        Unit(name=name.strip(), allow_fraction=allow_fraction), user=user, unique_fields=("name",)
    )


def update_unit(unit: Unit, *, user, **fields: Any) -> Unit:
    for k, v in fields.items():
        setattr(unit, k, v)
    return save_audited(unit, user=user, unique_fields=("name",))


def create_brand(*, user, name: str) -> Brand:
    return save_audited(Brand(name=name.strip()), user=user, unique_fields=("name",))


def update_brand(brand: Brand, *, user, **fields: Any) -> Brand:
    for k, v in fields.items():
        setattr(brand, k, v)
    return save_audited(brand, user=user, unique_fields=("name",))


def _category_path(category: Category) -> str:
    parent_path = category.parent.path if category.parent_id else "/"
    return f"{parent_path}{category.pk}/"


def _ensure_unique_among_siblings(category: Category) -> None:
    """Two categories of the same name under one parent cannot be told apart in a picker."""
    siblings = Category.objects.filter(parent_id=category.parent_id, name=category.name)
    if siblings.exclude(pk=category.pk).exists():
        raise DuplicateCode(field="name", value=category.name)


@transaction.atomic
def create_category(*, user, code: str, name: str, parent: Category | None = None) -> Category:
    _ensure_unique_among_siblings(Category(name=name.strip(), parent=parent))
    category = save_audited(
        Category(code=code.strip(), name=name.strip(), parent=parent),
        user=user,
        unique_fields=("code",),
    )
    Category.objects.filter(pk=category.pk).update(path=_category_path(category))
    category.refresh_from_db()
    return category


@transaction.atomic
def update_category(category: Category, *, user, **fields: Any) -> Category:
    for k, v in fields.items():
        setattr(category, k, v)
    node = category.parent
    while node is not None:
        if node.pk == category.pk:
            raise ValidationFailed({"parent": [_("A category cannot be placed under itself.")]})
        node = node.parent
    if isinstance(category.name, str):
        category.name = category.name.strip()
    _ensure_unique_among_siblings(category)
    old_path = Category.objects.get(pk=category.pk).path
    save_audited(category, user=user, unique_fields=("code",))
    new_path = _category_path(category)
    if new_path != old_path:
        for sub in Category.objects.filter(path__startswith=old_path).order_by("path"):
            Category.objects.filter(pk=sub.pk).update(path=new_path + sub.path[len(old_path) :])
    category.refresh_from_db()
    return category


# 保质期 beyond a hundred years is a typing mistake (and overflows the column on PostgreSQL).
MAX_SHELF_LIFE_DAYS = 36500


def _shelf_life_errors(days: int | None) -> dict[str, list]:
    if days is not None and days > MAX_SHELF_LIFE_DAYS:
        message = _("Ensure this value is less than or equal to %(limit_value)s.")
        return {"shelf_life_days": [message % {"limit_value": MAX_SHELF_LIFE_DAYS}]}
    return {}


def _dup(field: str, value: str) -> str:
    return str(DuplicateCode(value=value))


@transaction.atomic
def create_product(
    *,
    user,
    code: str,
    name: str,
    base_unit: Unit,
    units: list[UnitSpec] | None = None,
    category: Category | None = None,
    brand: Brand | None = None,
    tracking: str = "none",
    shelf_life_days: int | None = None,
    attribute1: str = "",
    values1: list[str] | None = None,
    attribute2: str = "",
    values2: list[str] | None = None,
    variants: list[VariantSpec] | None = None,
    mnemonic: str = "",
    memo: str = "",
    image=None,
) -> Product:
    """新增商品: a product with its SKUs (the 颜色 × 尺码 matrix, or one SKU), each with the
    same units and prices. Every error is reported at once; nothing is saved unless all is valid."""
    units = units or [UnitSpec(unit_id=base_unit.pk)]
    errors = rules.unit_errors(units, base_unit_id=base_unit.pk, **_entry_places())
    if variants is None:
        matrix = rules.variant_matrix(values1 or [], values2 or [])
        variants = [VariantSpec(value1=a, value2=b) for a, b in matrix]
    places = _entry_places()
    for k, msgs in rules.variant_errors(variants, price_places=places["price_places"]).items():
        errors.setdefault(k, []).extend(msgs)
    if (values1 and not attribute1.strip()) or (values2 and not attribute2.strip()):
        errors.setdefault("attribute1", []).append(
            _("Name the attribute (e.g. colour) before listing its values.")
        )
    code = code.strip()
    count = len(variants)
    for i, v in enumerate(variants, start=1):
        v.code = (v.code or rules.variant_code(code, i, count)).strip()
    sku_codes = [v.code for v in variants]
    if Product.objects.filter(code=code).exists():
        errors.setdefault("code", []).append(_dup("code", code))
    taken = set(Sku.objects.filter(code__in=sku_codes).values_list("code", flat=True))
    if len(set(sku_codes)) != len(sku_codes):
        taken |= {c for c in sku_codes if sku_codes.count(c) > 1}
    for c in sorted(taken):
        errors.setdefault("variants", []).append(_dup("code", c))
    barcodes = [u.barcode for u in units if u.barcode] + [v.barcode for v in variants if v.barcode]
    for b in sorted(
        set(Barcode.objects.filter(code__in=barcodes).values_list("code", flat=True))
        | {b for b in barcodes if barcodes.count(b) > 1}
    ):
        errors.setdefault("barcode", []).append(_dup("barcode", b))
    errors.update(_shelf_life_errors(shelf_life_days))
    product = Product(
        code=code,
        name=name.strip(),
        base_unit=base_unit,
        category=category,
        brand=brand,
        tracking=tracking,
        shelf_life_days=shelf_life_days,
        attribute1=attribute1.strip(),
        attribute2=attribute2.strip(),
        memo=memo,
        mnemonic=(mnemonic.strip().lower() or pinyin_initials(name)),
    )
    if image:
        product.image = image
    try:
        # the code's uniqueness is checked above, with the message every duplicate gets
        product.full_clean(validate_unique=False)
    except Exception as exc:
        for k, msgs in getattr(exc, "message_dict", {}).items():
            errors.setdefault(k, []).extend(msgs)
    if errors:
        raise ValidationFailed(errors)
    product.save()
    for v in variants:
        _create_sku(product, v, units, single=(count == 1))
    record_audit(
        user=user,
        obj=product,
        action="create",
        changes={**{k: [None, v] for k, v in snapshot(product).items()}, "skus": [None, sku_codes]},
    )
    return product


def _create_sku(product: Product, variant: VariantSpec, units: list[UnitSpec], *, single: bool):
    spec = rules.variant_spec_text(variant.value1, variant.value2)
    sku = Sku.objects.create(
        product=product,
        code=variant.code,
        name=product.name,
        spec=spec,
        value1=variant.value1,
        value2=variant.value2,
        mnemonic=product.mnemonic,
    )
    for u in units:
        su = SkuUnit.objects.create(
            sku=sku,
            unit_id=u.unit_id,
            factor=u.factor,
            is_base=u.unit_id == product.base_unit_id,
            **{**u.prices, **(variant.prices if u.unit_id == product.base_unit_id else {})},
        )
        code = variant.barcode if su.is_base and variant.barcode else (u.barcode if single else "")
        if code:
            Barcode.objects.create(code=code, sku=sku, sku_unit=su)
    return sku


@transaction.atomic
def update_product(product: Product, *, user, **fields: Any) -> Product:
    """修改商品资料 (header fields). SKU names follow the product name."""
    errors = _shelf_life_errors(fields.get("shelf_life_days"))
    if errors:
        raise ValidationFailed(errors)
    for k, v in fields.items():
        setattr(product, k, v)
    if "name" in fields and "mnemonic" not in fields:
        product.mnemonic = pinyin_initials(product.name)
    save_audited(product, user=user, unique_fields=("code",))
    if "name" in fields or "mnemonic" in fields:
        product.skus.update(name=product.name, mnemonic=product.mnemonic)
    return product


def _entry_places() -> dict[str, int]:
    """The company's decimals a typed price and a conversion factor may have."""
    c = company()
    return {"price_places": c.price_decimals, "factor_places": c.qty_decimals}


@transaction.atomic
def update_sku_units(sku: Sku, *, user, units: list[UnitSpec]) -> Sku:
    """Replace a SKU's units, prices and unit barcodes (the base unit stays the product's)."""
    base_id = sku.product.base_unit_id
    errors = rules.unit_errors(units, base_unit_id=base_id, **_entry_places())
    barcodes = [u.barcode for u in units if u.barcode]
    clash = (
        Barcode.objects.filter(code__in=barcodes).exclude(sku=sku).values_list("code", flat=True)
    )
    for b in clash:
        errors.setdefault("barcode", []).append(_dup("barcode", b))
    if errors:
        raise ValidationFailed(errors)
    before = {su.unit_id: snapshot(su) for su in sku.units.all()}
    keep = []
    for u in units:
        su, _created = SkuUnit.objects.update_or_create(
            sku=sku,
            unit_id=u.unit_id,
            defaults={"factor": u.factor, "is_base": u.unit_id == base_id, **u.prices},
        )
        keep.append(su.pk)
        if u.barcode:
            Barcode.objects.update_or_create(code=u.barcode, defaults={"sku": sku, "sku_unit": su})
    sku.units.exclude(pk__in=keep).delete()
    after = {su.unit_id: snapshot(su) for su in sku.units.all()}
    if before != after:
        record_audit(
            user=user,
            obj=sku,
            action="update",
            changes={"units": [list(before.values()), list(after.values())]},
        )
    return sku


MAX_WEIGHT = Decimal(100_000)  # kg per base unit


def update_sku_weight(sku: Sku, *, user, weight: Decimal) -> Sku:
    """重量: kg per base unit (费用分摊 by weight spreads a charge by it)."""
    from jxc.core.fields import QTY_PLACES, size_error

    if weight < 0:
        raise ValidationFailed({"weight": [_("Enter a weight of zero or more.")]})
    if weight > MAX_WEIGHT:
        # 100 t for one base unit is a typing slip, and it would swamp a 费用分摊 by weight
        raise ValidationFailed(
            {"weight": [_("Enter a weight of at most %(max)s kg.") % {"max": f"{MAX_WEIGHT:,}"}]}
        )
    if (problem := size_error(weight, QTY_PLACES)) is not None:
        raise ValidationFailed({"weight": [problem]})
    sku.weight = weight
    return save_audited(sku, user=user)


@transaction.atomic
def add_barcode(sku: Sku, *, user, code: str, sku_unit: SkuUnit | None = None) -> Barcode:
    code = code.strip()
    if not rules.BARCODE_RE.match(code):
        raise ValidationFailed({"barcode": [_("A barcode has 4 to 64 letters, digits or dashes.")]})
    if Barcode.objects.filter(code=code).exists():
        raise DuplicateCode(field="barcode", value=code)
    barcode = Barcode.objects.create(code=code, sku=sku, sku_unit=sku_unit)
    record_audit(user=user, obj=sku, action="update", changes={"barcodes": [None, code]})
    return barcode


def prices_from(data: dict[str, Any]) -> dict[str, Decimal]:
    from jxc.catalog.choices import PRICE_FIELDS
    from jxc.core.fields import UNIT_COST_PLACES

    out = {}
    for name in PRICE_FIELDS:
        raw = data.get(name)
        if raw not in (None, ""):
            out[name] = rules.parse_decimal(raw, places=UNIT_COST_PLACES)
    return out
