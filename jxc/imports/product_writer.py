"""The set-based writer of the 商品 import: a chunk of new products goes in with a handful of
statements, not a dozen per row.

What ``catalog.create_product`` checks for one product is checked here for the whole chunk
at once — the units and prices by the same pure rules (``unit_errors``, ``variant_errors``,
with the company's decimals), product codes, SKU codes and barcodes free in the database (one
query per kind for the chunk) — and every refused row is named; then products, SKUs, their
units and barcodes are inserted with ``bulk_create`` (in batches of ``BATCH``), and each
product gets its audit record ("create", the same fields the product screen records).
Existing codes that are updated still go through ``catalog.update_product`` one by one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from jxc.catalog import rules
from jxc.catalog.choices import PRICE_FIELDS, Tracking
from jxc.catalog.models import Barcode, Brand, Product, Sku, SkuUnit, Unit
from jxc.catalog.rules import UnitSpec, VariantSpec
from jxc.core import audit
from jxc.core.errors import DuplicateCode, ImportRowsInvalid
from jxc.core.text import pinyin_initials
from jxc.imports import bulk
from jxc.imports.spec import Context

BATCH = 500  # rows per INSERT statement


def _in(model, field: str, values: set[str]) -> set[str]:
    found: set[str] = set()
    wanted = sorted(values)
    for i in range(0, len(wanted), BATCH):
        part = wanted[i : i + BATCH]
        found |= set(model.objects.filter(**{f"{field}__in": part}).values_list(field, flat=True))
    return found


def _brands(names: set[str], ctx: Context) -> dict[str, int]:
    """Brands by name, the missing ones created (through the catalog's service: audited)."""
    from jxc.catalog import services as catalog

    found = dict(Brand.objects.filter(name__in=sorted(names)).values_list("name", "pk"))
    for name in sorted(names - set(found)):
        found[name] = catalog.create_brand(user=ctx.user, name=name).pk
        ctx.result.setdefault("brands", []).append(found[name])
    return found


def _prices(item: dict[str, Any]) -> dict[str, Decimal]:
    return {k: Decimal(item[k]) for k in PRICE_FIELDS if item.get(k) not in (None, "")}


def _plan(item: dict[str, Any], units: dict[str, int]) -> tuple[list[UnitSpec], list[VariantSpec]]:
    """The units and variants ``create_product`` would be called with for this item."""
    variants = item["variants"]
    single = len(variants) == 1
    specs = [
        UnitSpec(
            unit_id=units[item["base_unit"]],
            prices=_prices(item),
            barcode=variants[0]["barcode"] if single else "",
        )
    ]
    if item["unit2"]:
        specs.append(
            UnitSpec(
                unit_id=units[item["unit2"]],
                factor=Decimal(item["factor2"]),
                barcode=variants[0]["barcode2"] if single else "",
            )
        )
    count = len(variants)
    planned = [
        VariantSpec(
            value1=v["colour"] or "",
            value2=v["size"] or "",
            code=(v["sku_code"] or rules.variant_code(item["code"], i, count)).strip(),
            barcode=v["barcode"] or "",
            prices={k: Decimal(p) for k, p in v["prices"].items()},
        )
        for i, v in enumerate(variants, start=1)
    ]
    return specs, planned


def _problem_rows(
    items: list[dict[str, Any]], plans: list[tuple[list[UnitSpec], list[VariantSpec]]], ctx: Context
) -> None:
    """Every rule ``create_product`` applies, for the whole chunk: problems on the context."""
    from jxc.catalog.services import _entry_places, _shelf_life_errors

    places = _entry_places()
    codes = _in(Product, "code", {i["code"] for i in items})
    sku_codes = _in(Sku, "code", {v.code for _u, vs in plans for v in vs})
    barcodes = _in(
        Barcode,
        "code",
        {b for us, vs in plans for b in [u.barcode for u in us] + [v.barcode for v in vs] if b}
        | {v["barcode2"] for i in items for v in i["variants"] if v["barcode2"]},
    )
    for item, (specs, variants) in zip(items, plans, strict=True):
        ctx.row = item["row"]
        errors = rules.unit_errors(specs, base_unit_id=specs[0].unit_id, **places)
        for k, msgs in rules.variant_errors(variants, price_places=places["price_places"]).items():
            errors.setdefault(k, []).extend(msgs)
        errors.update(_shelf_life_errors(item["shelf_life_days"]))
        for key, messages in errors.items():
            column = _column_of(key)
            for m in messages:
                ctx.problem(item["row"], column, m)
        if item["code"] in codes:
            ctx.problem(item["row"], "code", DuplicateCode(value=item["code"]))
        for v, raw in zip(variants, item["variants"], strict=True):
            if v.code in sku_codes:
                ctx.problem(raw["row"], "sku_code", DuplicateCode(value=v.code))
            for name in ("barcode", "barcode2"):
                if raw[name] and raw[name] in barcodes:
                    ctx.problem(raw["row"], name, DuplicateCode(value=raw[name]))


def _column_of(key: str) -> str | None:
    """``units.1.factor`` → the factor column; ``variants.0.retail_price`` → that price."""
    parts = key.split(".")
    name = parts[-1]
    if parts[0] == "units" and len(parts) == 3:
        second = parts[1] == "1"
        return {"factor": "factor2", "unit": "unit2" if second else "base_unit"}.get(
            name, "barcode2" if second and name == "barcode" else name
        )
    return name if name in (*PRICE_FIELDS, "shelf_life_days", "barcode") else None


def create_products(items: list[dict[str, Any]], ctx: Context) -> None:
    """新增 the products of ``items`` (all or none: a refused row raises ``ImportRowsInvalid``
    naming every refused row, before anything is inserted)."""
    if not items:
        return
    units = dict(
        Unit.objects.filter(
            name__in={i["base_unit"] for i in items} | {i["unit2"] for i in items if i["unit2"]}
        ).values_list("name", "pk")
    )
    plans = [_plan(item, units) for item in items]
    before = len(ctx.problems)
    _problem_rows(items, plans, ctx)
    if len(ctx.problems) > before:
        raise ImportRowsInvalid(ctx.problems[before:])
    brands = _brands({i["brand"] for i in items if i["brand"]}, ctx)
    colour, size = gettext("Colour"), gettext("Size")
    products = bulk.table(Product).complete(
        {
            "code": item["code"].strip(),
            "name": item["name"].strip(),
            "base_unit_id": units[item["base_unit"]],
            "category_id": item["category_id"],
            "brand_id": brands.get(item["brand"]) if item["brand"] else None,
            "tracking": item["tracking"] or Tracking.NONE,
            "shelf_life_days": item["shelf_life_days"],
            "attribute1": colour if len(vs) > 1 and any(v.value1 for v in vs) else "",
            "attribute2": size if len(vs) > 1 and any(v.value2 for v in vs) else "",
            "memo": item["memo"] or "",
            "mnemonic": pinyin_initials(item["name"].strip()),
        }
        for item, (_specs, vs) in zip(items, plans, strict=True)
    )
    product_ids = bulk.table(Product).insert(products, returning=True)
    skus = bulk.table(Sku).complete(
        {
            "product_id": product_id,
            "code": v.code,
            "name": product["name"],
            "spec": rules.variant_spec_text(v.value1, v.value2),
            "value1": v.value1,
            "value2": v.value2,
            "mnemonic": product["mnemonic"],
        }
        for product, product_id, (_specs, variants) in zip(
            products, product_ids, plans, strict=True
        )
        for v in variants
    )
    sku_ids = bulk.table(Sku).insert(skus, returning=True)
    sku_units: list[dict[str, Any]] = []
    barcodes: list[tuple[int, int, str]] = []  # (sku index, sku_unit index, code)
    at = 0
    for item, product, (specs, variants) in zip(items, products, plans, strict=True):
        single = len(variants) == 1
        for v, raw in zip(variants, item["variants"], strict=True):
            for k, u in enumerate(specs):
                base = u.unit_id == product["base_unit_id"]
                sku_units.append(
                    {
                        "sku_id": sku_ids[at],
                        "unit_id": u.unit_id,
                        "factor": u.factor,
                        "is_base": base,
                        **u.prices,
                        **(v.prices if base else {}),
                    }
                )
                code = v.barcode if base and v.barcode else (u.barcode if single else "")
                if not single and k == 1 and raw["barcode2"]:
                    code = raw["barcode2"]
                if code:
                    barcodes.append((at, len(sku_units) - 1, code))
            at += 1
    sku_unit_ids = bulk.table(SkuUnit).insert(
        bulk.table(SkuUnit).complete(sku_units), returning=True
    )
    bulk.table(Barcode).insert(
        bulk.table(Barcode).complete(
            {"code": c, "sku_id": sku_ids[s], "sku_unit_id": sku_unit_ids[u]}
            for s, u, c in barcodes
        )
    )
    now = timezone.now()
    user_id = ctx.user.pk if ctx.user is not None and ctx.user.pk else None
    entries = []
    at = 0
    for product, product_id, (_specs, variants) in zip(products, product_ids, plans, strict=True):
        codes = [s["code"] for s in skus[at : at + len(variants)]]
        at += len(variants)
        changes = {k: [None, v] for k, v in bulk.snapshot(Product, product).items()}
        entries.append(
            {
                "at": now,
                "user_id": user_id,
                "action": "create",
                "object_type": Product._meta.label_lower,
                "object_id": str(product_id),
                "object_repr": product["name"][:200],
                "changes": {**changes, "skus": [None, codes]},
                "reason": "",
            }
        )
    audit.append_many(entries)
    ctx.result["create"] = ctx.result.get("create", 0) + len(products)
    created = ctx.result.setdefault("created", [])
    created.extend(product_ids)


def undo_products(result: dict[str, Any], ctx: Context) -> None:
    """撤销: the products the batch created, with their SKUs, units and barcodes, and the
    brands it created that nothing else uses."""
    from jxc.imports.rollback import delete_created

    ids = list(result.get("created", []))
    delete_created((Sku, "product_id", ids), (Product, "pk", ids))
    brands = result.get("brands", [])
    used = set(Product.objects.filter(brand_id__in=brands).values_list("brand_id", flat=True))
    Brand.objects.filter(pk__in=set(brands) - used).delete()
