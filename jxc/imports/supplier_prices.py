"""供应商价目表 import: supplier code, SKU code, unit, price, 含税, VAT rate, MOQ, pack multiple,
lead time, valid from / to — through ``purchasing.services.create_supplier_price`` /
``update_supplier_price`` (validated and audited like a typed-in price).

A price is one supplier × SKU × unit × valid-from; one that exists already is updated or
skipped as chosen on the preview (新增 / 更新 / 跳过), or named as taken (add new only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Sku, SkuUnit, Unit
from jxc.core.fields import QTY_PLACES, UNIT_COST_PLACES
from jxc.core.selectors import company
from jxc.core.services import snapshot
from jxc.imports.rollback import remember
from jxc.imports.spec import (
    BOOLEAN,
    CODE,
    DATE,
    DECIMAL,
    INTEGER,
    TEXT,
    Column,
    Context,
    ImportSpec,
    Row,
    each_row,
)
from jxc.partners.models import Supplier
from jxc.partners.services import MAX_DAYS
from jxc.purchasing import services
from jxc.purchasing.models import SupplierPrice

_IN = 500


def _units() -> list[tuple[str, Any]]:
    return [(u.name, u.name) for u in Unit.objects.filter(is_active=True)]


COLUMNS = (
    Column(
        "supplier", _("supplier code"), CODE, required=True, max_length=40, example=("S001", "S001")
    ),
    Column("sku", _("SKU code"), CODE, required=True, max_length=40, example=("P0001", "P0001")),
    Column(
        "unit",
        _("unit"),
        TEXT,
        choices=_units,
        example=("瓶", "箱"),
        help=_("Empty: the SKU's base unit."),
    ),
    Column(
        "price",
        _("price"),
        DECIMAL,
        required=True,
        places=UNIT_COST_PLACES,
        example=("2.50", "28"),
    ),
    Column(
        "includes_tax",
        _("price includes VAT"),
        BOOLEAN,
        example=("是", "是"),
        help=_("Empty: as the company's purchase prices (settings)."),
    ),
    Column(
        "tax_rate",
        _("VAT rate %"),
        DECIMAL,
        places=2,
        maximum=Decimal(100),
        example=("13", "13"),
        help=_("Empty: the company's default VAT rate."),
    ),
    Column("moq", _("minimum order quantity"), DECIMAL, places=QTY_PLACES, example=("24", "")),
    Column("pack_multiple", _("pack multiple"), DECIMAL, places=QTY_PLACES, example=("12", "")),
    Column(
        "lead_time_days",
        _("lead time (days)"),
        INTEGER,
        maximum=Decimal(MAX_DAYS["lead_time_days"]),
        example=("3", "3"),
    ),
    Column("valid_from", _("valid from"), DATE, required=True, example=("2026-01-01", "2026/1/1")),
    Column("valid_to", _("valid to"), DATE, example=("", "2026年12月31日")),
    Column("memo", _("memo"), TEXT, max_length=200, example=("", "")),
)

_KEY = ("supplier", "sku", "unit", "valid_from")


def _chunks(values: list, n: int = _IN):
    for i in range(0, len(values), n):
        yield values[i : i + n]


def _lookups(rows: list[Row]):
    """Suppliers and SKUs by code, units by name, the units each SKU is kept in — set-based."""
    suppliers: dict[str, tuple[int, bool]] = {}
    for part in _chunks(sorted({r["supplier"] for r in rows})):
        for pk, code, active in Supplier.objects.filter(code__in=part).values_list(
            "pk", "code", "is_active"
        ):
            suppliers[code] = (pk, active)
    skus: dict[str, tuple[int, bool]] = {}
    for part in _chunks(sorted({r["sku"] for r in rows})):
        for pk, code, active in Sku.objects.filter(code__in=part).values_list(
            "pk", "code", "is_active"
        ):
            skus[code] = (pk, active)
    kept: dict[int, set[int]] = {}
    base: dict[int, int] = {}
    for part in _chunks(sorted(pk for pk, _a in skus.values())):
        for sku_id, unit_id, is_base in SkuUnit.objects.filter(sku_id__in=part).values_list(
            "sku_id", "unit_id", "is_base"
        ):
            kept.setdefault(sku_id, set()).add(unit_id)
            if is_base:
                base[sku_id] = unit_id
    units = dict(Unit.objects.values_list("name", "pk"))
    return suppliers, skus, kept, base, units


def _existing(pairs: set[tuple[int, int]]) -> set[tuple[int, int, int, dt.date]]:
    found: set[tuple[int, int, int, dt.date]] = set()
    sku_ids = sorted({s for _p, s in pairs})
    for part in _chunks(sku_ids):
        for key in SupplierPrice.objects.filter(sku_id__in=part).values_list(
            "supplier_id", "sku_id", "unit_id", "valid_from"
        ):
            if (key[0], key[1]) in pairs:
                found.add(key)
    return found


def check(rows: list[Row], ctx: Context) -> list[dict[str, Any]]:
    """Codes and units must exist (the unit one the SKU is kept in), a price above zero, the end
    not before the start, no supplier × SKU × unit × date twice in the file; one that exists is
    updated, skipped or named, as chosen."""
    suppliers, skus, kept, base, units = _lookups(rows)
    settings = company()
    planned: list[tuple[Row, tuple[int, int, int, dt.date]]] = []
    for r in rows:
        bad = len(ctx.problems)
        supplier = suppliers.get(r["supplier"])
        if supplier is None:
            ctx.problem(
                r.number,
                "supplier",
                _("There is no such supplier: %(code)s.") % {"code": r["supplier"]},
            )
        elif not supplier[1]:
            ctx.problem(r.number, "supplier", _("The supplier is inactive."))
        sku = skus.get(r["sku"])
        unit_id = None
        if sku is None:
            ctx.problem(r.number, "sku", _("There is no such SKU: %(code)s.") % {"code": r["sku"]})
        elif not sku[1]:
            ctx.problem(r.number, "sku", _("The SKU is inactive."))
        else:
            unit_id = units.get(r["unit"]) if r["unit"] else base.get(sku[0])
            if unit_id is None or unit_id not in kept.get(sku[0], set()):
                ctx.problem(
                    r.number,
                    "unit",
                    _("%(sku)s is not kept in this unit.") % {"sku": r["sku"]},
                )
        if r["price"] is not None and r["price"] <= 0:
            ctx.problem(r.number, "price", _("Enter a price above zero."))
        if r["valid_to"] is not None and r["valid_to"] < r["valid_from"]:
            ctx.problem(r.number, "valid_to", _("The end is before the start."))
        if len(ctx.problems) == bad and supplier and sku and unit_id:
            planned.append((r, (supplier[0], sku[0], unit_id, r["valid_from"])))
    seen: dict[tuple, int] = {}
    existing = _existing({(k[0], k[1]) for _r, k in planned})
    items = []
    for r, key in planned:
        if key in seen:
            ctx.problem(
                r.number, "sku", _("The same value is on row %(row)s too.") % {"row": seen[key]}
            )
            continue
        seen[key] = r.number
        action = "create"
        if key in existing:
            if ctx.mode == "create":
                ctx.problem(
                    r.number,
                    "valid_from",
                    _("This supplier has a price for this SKU and unit from this date already."),
                )
                continue
            action = "update" if ctx.mode == "update" else "skip"
        includes = r["includes_tax"]
        items.append(
            {
                "row": r.number,
                "action": action,
                "supplier_id": key[0],
                "sku_id": key[1],
                "unit_id": key[2],
                "valid_from": key[3].isoformat(),
                "valid_to": r["valid_to"].isoformat() if r["valid_to"] else None,
                "price": str(r["price"]),
                "includes_tax": settings.purchase_prices_include_tax
                if includes is None
                else includes,
                "tax_rate": str(
                    settings.default_tax_rate if r["tax_rate"] is None else r["tax_rate"]
                ),
                "moq": str(r["moq"] or 0),
                "pack_multiple": str(r["pack_multiple"] or 0),
                "lead_time_days": r["lead_time_days"] or 0,
                "memo": r["memo"] or "",
            }
        )
    return items


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "price": Decimal(item["price"]),
        "includes_tax": bool(item["includes_tax"]),
        "tax_rate": Decimal(item["tax_rate"]),
        "moq": Decimal(item["moq"]),
        "pack_multiple": Decimal(item["pack_multiple"]),
        "lead_time_days": int(item["lead_time_days"]),
        "valid_to": dt.date.fromisoformat(item["valid_to"]) if item["valid_to"] else None,
        "memo": item["memo"],
    }


def write(items: list[dict[str, Any]], ctx: Context) -> None:
    """Each price created or updated; a price found by its key is updated (so a chunk that runs
    again after a crash changes nothing)."""
    suppliers = Supplier.objects.in_bulk({i["supplier_id"] for i in items})
    skus = Sku.objects.in_bulk({i["sku_id"] for i in items})

    def write_one(item: dict[str, Any]) -> None:
        valid_from = dt.date.fromisoformat(item["valid_from"])
        found = SupplierPrice.objects.filter(
            supplier_id=item["supplier_id"],
            sku_id=item["sku_id"],
            unit_id=item["unit_id"],
            valid_from=valid_from,
        ).first()
        if found is not None:
            before = snapshot(found)
            # (the service's first parameter is called ``price`` too: set the fields first)
            for name, value in _fields(item).items():
                setattr(found, name, value)
            services.update_supplier_price(found, user=ctx.user)
            remember(ctx, found, before)
        else:
            made = services.create_supplier_price(
                user=ctx.user,
                supplier=suppliers[item["supplier_id"]],
                sku=skus[item["sku_id"]],
                unit_id=item["unit_id"],
                valid_from=valid_from,
                **_fields(item),
            )
            ctx.result.setdefault("created", []).append(made.pk)
        ctx.result[item["action"]] = ctx.result.get(item["action"], 0) + 1

    each_row(items, ctx, write_one)


def _restore_price(found: SupplierPrice, /, *, user, **fields: Any) -> None:
    """(``update_supplier_price``'s first parameter is called ``price``, as a field is.)"""
    for name, value in fields.items():
        setattr(found, name, value)
    services.update_supplier_price(found, user=user)


def undo(result: dict[str, Any], ctx: Context) -> None:
    """撤销: the prices the batch updated get their old values back, the ones it created are
    deleted (a price is no document's row) — all or none."""
    from django.db import transaction

    from jxc.imports.rollback import delete_created, restore_updated

    with transaction.atomic():
        restore_updated(result, ctx, via={SupplierPrice: _restore_price})
        delete_created((SupplierPrice, "pk", list(result.get("created", []))))


SUPPLIER_PRICES = ImportSpec(
    kind="supplier-prices",
    title=_("Supplier price list"),
    permission="purchase_price.create",
    columns=COLUMNS,
    key="valid_from",
    check=check,
    write=write,
    undo=undo,
    filename="supplier-prices",
    notes=(
        _(
            "A price is one supplier, SKU, unit and valid-from date: a row whose four are on "
            "file already is updated or skipped as chosen on the preview."
        ),
        _("Codes of suppliers and SKUs must exist; import them first."),
    ),
)
SPECS = {SUPPLIER_PRICES.kind: SUPPLIER_PRICES}
