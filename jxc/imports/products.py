"""商品 import: one row per SKU — a product without variants is one row, a T恤 in 3 colours ×
4 sizes is 12 rows with the same product code, each with its 颜色 and 尺码. Units by name with a
second unit and its factor (1 箱 = 12 个), barcodes, the prices (参考进价; 零售, 批发, 会员 and
VIP 价; 最低售价), category and brand by name (a brand is created when missing; a category or
unit must exist). Products go in through
the catalog's services, so they are checked and audited like a product typed in."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jxc.catalog import rules as catalog_rules
from jxc.catalog import services as catalog
from jxc.catalog.choices import PRICE_FIELDS, Tracking
from jxc.catalog.models import Barcode, Brand, Category, Product, Sku, SkuUnit, Unit
from jxc.core.errors import ImportRowsInvalid
from jxc.core.fields import FACTOR_PLACES, UNIT_COST_PLACES
from jxc.core.services import snapshot
from jxc.imports.product_writer import create_products, undo_products
from jxc.imports.rollback import remember, restore_updated
from jxc.imports.spec import (
    CHOICE,
    CODE,
    DECIMAL,
    INTEGER,
    TEXT,
    Column,
    Context,
    ImportSpec,
    Row,
    each_row,
    keyed,
)

_IN = 500


def _units() -> list[tuple[str, Any]]:
    return [(u.name, u.name) for u in Unit.objects.filter(is_active=True)]


def _categories() -> list[tuple[str, Any]]:
    return [(c.name, c.name) for c in Category.objects.filter(is_active=True)]


def _price(name: str, label: Any, example: tuple[str, ...]) -> Column:
    return Column(name, label, DECIMAL, places=UNIT_COST_PLACES, example=example)


COLUMNS = (
    Column(
        "code",
        _("product code"),
        CODE,
        required=True,
        max_length=40,
        example=("P0001", "T001", "T001"),
    ),
    Column(
        "name", _("name"), TEXT, required=True, max_length=120, example=("可口可乐", "T恤", "T恤")
    ),
    Column("category", _("category"), TEXT, choices=_categories, example=("饮料", "服装", "服装")),
    Column("brand", _("brand"), TEXT, max_length=60, example=("可口可乐", "", "")),
    Column(
        "base_unit", _("base unit"), TEXT, required=True, choices=_units, example=("瓶", "件", "件")
    ),
    Column("sku_code", _("SKU code"), CODE, max_length=40, example=("", "T001-01", "T001-02")),
    Column("colour", _("Colour"), TEXT, max_length=30, example=("", "红", "红")),
    Column("size", _("Size"), TEXT, max_length=30, example=("", "M", "L")),
    Column("barcode", _("barcode"), CODE, example=("06901234567892", "6900000000101", "")),
    Column("unit2", _("second unit"), TEXT, choices=_units, example=("箱", "", "")),
    Column(
        "factor2",
        _("base units per second unit"),
        DECIMAL,
        places=FACTOR_PLACES,
        example=("24", "", ""),
    ),
    Column("barcode2", _("second unit barcode"), CODE, example=("16901234567899", "", "")),
    _price("purchase_price", _("reference purchase price"), ("2.1", "30", "30")),
    _price("retail_price", _("retail price"), ("3.5", "99", "99")),
    _price("wholesale_price", _("wholesale price"), ("3", "80", "80")),
    _price("member_price", _("member price"), ("3.2", "90", "90")),
    _price("vip_price", _("VIP price"), ("3", "85", "85")),
    _price("min_price", _("lowest sale price"), ("2.8", "70", "70")),
    Column(
        "tracking", _("tracking"), CHOICE, choices=tuple(Tracking.choices), example=("", "", "")
    ),
    Column(
        "shelf_life_days",
        _("shelf life (days)"),
        INTEGER,
        maximum=Decimal(catalog.MAX_SHELF_LIFE_DAYS),
        example=("365", "", ""),
    ),
    Column("memo", _("memo"), TEXT, max_length=500, example=("", "", "")),
)
HEADER_FIELDS = ("name", "category", "brand", "base_unit", "tracking", "shelf_life_days")


def _chunks(values: list, n: int = _IN):
    for i in range(0, len(values), n):
        yield values[i : i + n]


def _existing_in(model, field: str, values: set[str]) -> set[str]:
    found: set[str] = set()
    for part in _chunks(sorted(values)):
        found |= set(model.objects.filter(**{f"{field}__in": part}).values_list(field, flat=True))
    return found


def existing(codes: set[str]) -> set[str]:
    return _existing_in(Product, "code", codes)


def check(rows: list[Row], ctx: Context) -> list[dict[str, Any]]:
    """Rows grouped into products; units and categories must exist, codes and barcodes be
    free (in the file and in the database), a product's rows agree on its header and differ
    in their 颜色 / 尺码."""
    units = {u.name: u.pk for u in Unit.objects.filter(is_active=True)}
    by_name: dict[str, list[int]] = defaultdict(list)
    for c in Category.objects.filter(is_active=True).only("pk", "name"):
        by_name[c.name].append(c.pk)
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        bad = len(ctx.problems)
        if r["base_unit"] not in units:
            ctx.problem(
                r.number, "base_unit", _("Unknown unit: %(name)s.") % {"name": r["base_unit"]}
            )
        if r["unit2"]:
            if r["unit2"] not in units:
                ctx.problem(r.number, "unit2", _("Unknown unit: %(name)s.") % {"name": r["unit2"]})
            elif r["unit2"] == r["base_unit"]:
                ctx.problem(r.number, "unit2", _("This unit is listed twice."))
            if r["factor2"] is None or r["factor2"] <= 0:
                ctx.problem(
                    r.number, "factor2", _("The conversion factor must be greater than zero.")
                )
        elif r["factor2"] is not None or r["barcode2"]:
            ctx.problem(r.number, "unit2", _("Name the second unit."))
        if r["category"]:
            found = by_name.get(r["category"], [])
            if not found:
                ctx.problem(
                    r.number, "category", _("Unknown category: %(name)s.") % {"name": r["category"]}
                )
            elif len(found) > 1:
                ctx.problem(
                    r.number,
                    "category",
                    _("Several categories are called %(name)s.") % {"name": r["category"]},
                )
        for name in ("barcode", "barcode2"):
            if r[name] and not catalog_rules.BARCODE_RE.match(r[name]):
                ctx.problem(r.number, name, _("A barcode has 4 to 64 letters, digits or dashes."))
        if len(ctx.problems) == bad:
            groups[r["code"]].append(r)
    # barcodes and SKU codes: once in the file, and not taken in the database
    barcode_rows = [
        Row(r.number, {"barcode": b}) for r in rows for b in (r["barcode"], r["barcode2"]) if b
    ]
    ctx.duplicates(barcode_rows, "barcode")
    taken_barcodes = _existing_in(Barcode, "code", {r["barcode"] for r in barcode_rows})
    ctx.duplicates([r for r in rows if r["sku_code"]], "sku_code")
    taken_skus = _existing_in(Sku, "code", {r["sku_code"] for r in rows if r["sku_code"]})
    existing_products = existing(set(groups))
    items = []
    for code, group in groups.items():
        first = group[0]
        bad = len(ctx.problems)
        for r in group[1:]:
            for name in HEADER_FIELDS:
                if r[name] not in (None, "") and r[name] != first[name]:
                    ctx.problem(
                        r.number,
                        name,
                        _("Differs from row %(row)s of the same product.") % {"row": first.number},
                    )
        if len(group) > 1:
            variants = [(r["colour"], r["size"]) for r in group]
            for r in group:
                if not (r["colour"] or r["size"]):
                    ctx.problem(
                        r.number,
                        "colour",
                        _("A product on several rows needs a colour or size on each."),
                    )
                elif variants.count((r["colour"], r["size"])) > 1:
                    ctx.problem(
                        r.number, "colour", _("The same colour and size is on another row.")
                    )
        updating = code in existing_products
        for r in group:
            if not updating:
                for name in ("barcode", "barcode2"):
                    if r[name] and r[name] in taken_barcodes:
                        ctx.problem(
                            r.number,
                            name,
                            _("This barcode exists already: %(code)s.") % {"code": r[name]},
                        )
                if r["sku_code"] and r["sku_code"] in taken_skus:
                    ctx.problem(
                        r.number,
                        "sku_code",
                        _("This code exists already: %(code)s.") % {"code": r["sku_code"]},
                    )
        if len(ctx.problems) > bad:
            continue
        decided = keyed([first], ctx, "code", existing_products)
        if not decided:
            continue
        action = decided[0][1]
        items.append(
            {
                "row": first.number,
                "action": action,
                "code": code,
                **{
                    k: _json(first[k])
                    for k in (*HEADER_FIELDS, "memo", "unit2", "factor2", *PRICE_FIELDS)
                },
                "category_id": by_name[first["category"]][0] if first["category"] else None,
                "variants": [
                    {
                        "row": r.number,
                        "sku_code": r["sku_code"],
                        "colour": r["colour"],
                        "size": r["size"],
                        "barcode": r["barcode"],
                        "barcode2": r["barcode2"],
                        "prices": {k: str(r[k]) for k in PRICE_FIELDS if r[k] is not None},
                    }
                    for r in group
                ],
            }
        )
    return items


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _prices(item: dict[str, Any]) -> dict[str, Decimal]:
    return {k: Decimal(item[k]) for k in PRICE_FIELDS if item.get(k) not in (None, "")}


def _brand(name: str, ctx: Context) -> Brand | None:
    if not name:
        return None
    brand = Brand.objects.filter(name=name).first()
    if brand is None:
        brand = catalog.create_brand(user=ctx.user, name=name)
        ctx.result.setdefault("brands", []).append(brand.pk)  # the rollback's to delete
    return brand


def _update(item: dict[str, Any], ctx: Context) -> None:
    """更新: the product's name, category, brand, shelf life and memo, and the base-unit
    prices of the SKUs named (a SKU code, or the only SKU). The values replaced are recorded
    for the rollback."""
    product = Product.objects.get(code=item["code"])
    before = snapshot(product)
    fields: dict[str, Any] = {"name": item["name"]}
    if item["category_id"]:
        fields["category"] = Category.objects.get(pk=item["category_id"])
    if item["brand"]:
        fields["brand"] = _brand(item["brand"], ctx)
    if item["shelf_life_days"] is not None:
        fields["shelf_life_days"] = item["shelf_life_days"]
    if item["memo"]:
        fields["memo"] = item["memo"]
    catalog.update_product(product, user=ctx.user, **fields)
    remember(ctx, product, before)
    skus = list(product.skus.all())
    for v in item["variants"]:
        sku = next(
            (
                s
                for s in skus
                if (v["sku_code"] and s.code == v["sku_code"])
                or (not v["sku_code"] and (s.value1, s.value2) == (v["colour"], v["size"]))
            ),
            skus[0] if len(skus) == 1 else None,
        )
        if sku is None:
            ctx.row = v["row"]
            from jxc.core.errors import ValidationFailed

            raise ValidationFailed({"sku_code": [gettext("This product has no such SKU.")]})
        prices = {**_prices(item), **{k: Decimal(p) for k, p in v["prices"].items()}}
        if prices:
            for base in SkuUnit.objects.filter(sku=sku, is_base=True):
                was = snapshot(base)
                SkuUnit.objects.filter(pk=base.pk).update(**prices)
                remember(ctx, base, was)


def _set_prices(unit: SkuUnit, *, user, **prices: Any) -> None:
    """The rollback puts a SKU's base-unit prices back as the import wrote them (directly)."""
    SkuUnit.objects.filter(pk=unit.pk).update(**prices)


def undo(result: dict[str, Any], ctx: Context) -> None:
    """撤销: the products updated get their old values back, then the ones created are
    deleted (with brands nothing uses any more) — all or none."""
    from django.db import transaction

    with transaction.atomic():
        restore_updated(result, ctx, via={Product: catalog.update_product, SkuUnit: _set_prices})
        undo_products(result, ctx)


def write(items: list[dict[str, Any]], ctx: Context) -> None:
    """更新 row by row through the catalog's services, 新增 set-based (``product_writer``);
    every refused row of both is named before the error is raised."""
    before = len(ctx.problems)

    def update(item: dict[str, Any]) -> None:
        _update(item, ctx)
        ctx.result["update"] = ctx.result.get("update", 0) + 1

    updates = [i for i in items if i["action"] == "update"]
    if updates:
        try:
            each_row(updates, ctx, update)
        except ImportRowsInvalid:
            pass
    try:
        create_products([i for i in items if i["action"] == "create"], ctx)
    except ImportRowsInvalid:
        pass
    if len(ctx.problems) > before:
        raise ImportRowsInvalid(ctx.problems[before:])


SPEC = ImportSpec(
    kind="products",
    title=_("Products"),
    permission="product.create",
    columns=COLUMNS,
    key="code",
    existing=existing,
    check=check,
    write=write,
    undo=undo,
    filename="products",
    notes=(
        _(
            "One row per SKU: a product in several colours and sizes has one row for each, with the same product code."
        ),
        _(
            "Units and categories are picked by name and must exist; a brand is created when missing."
        ),
        _(
            "Prices are per base unit; the second unit (e.g. a box of 24) gets its factor and barcode."
        ),
        _(
            "Updating an existing code changes the product's name, category, brand and its SKUs' base-unit prices."
        ),
    ),
)
SPECS = {SPEC.kind: SPEC}
