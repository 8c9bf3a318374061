"""采购 writes: the supplier price list, 采购订单 drafts through the document platform, and
the order's steps — 审核 puts the open quantities on order (在途) and remembers the prices
paid, 反审核 (nothing received yet) and 强制结单 take what is left off again."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.utils.translation import gettext as _

from jxc.catalog.models import Sku
from jxc.catalog.selectors import sku_facts
from jxc.core import selectors as core_selectors
from jxc.core.choices import DocumentStatus
from jxc.core.documents import pricing
from jxc.core.documents.actions import act, write_fields
from jxc.core.documents.lines import LineInput, SkuFacts
from jxc.core.documents.services import create_document, update_document
from jxc.core.errors import OrderPartlyReceived, ValidationFailed
from jxc.core.fields import entry_error
from jxc.core.numbers import UNIT_COST_PLACES
from jxc.core.services import save_audited
from jxc.inventory import services as stock
from jxc.inventory.choices import WarehouseKind
from jxc.inventory.documents.lifecycle import ensure_warehouses
from jxc.purchasing import rules, selectors
from jxc.purchasing.models import (
    LastPurchasePrice,
    PurchaseOrder,
    PurchaseOrderLine,
    SupplierPrice,
)

# --- 供应商价目表 ----------------------------------------------------------------------------


def _price_errors(p: SupplierPrice) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not p.supplier.is_active:
        errors["supplier"] = [_("The supplier is inactive.")]
    if not p.sku.is_active:
        errors["sku"] = [_("The SKU is inactive.")]
    elif p.unit_id not in set(p.sku.units.values_list("unit_id", flat=True)):
        errors["unit"] = [_("%(sku)s is not kept in this unit.") % {"sku": p.sku}]
    if p.price is not None and p.price <= 0:
        errors["price"] = [_("Enter a price above zero.")]
    elif p.price is not None and (
        problem := entry_error(
            p.price, UNIT_COST_PLACES, at_most=core_selectors.company().price_decimals
        )
    ):
        errors["price"] = [problem]
    if p.valid_to is not None and p.valid_from and p.valid_to < p.valid_from:
        errors["valid_to"] = [_("The end is before the start.")]
    return errors


def create_supplier_price(*, user, **fields: Any) -> SupplierPrice:
    """新增价目: supplier × SKU × unit, price (含税 or not), VAT rate, MOQ, pack multiple, lead
    time, valid from / to."""
    price = SupplierPrice(**fields)
    if errors := _price_errors(price):
        raise ValidationFailed(errors)
    return save_audited(price, user=user)


def update_supplier_price(price: SupplierPrice, *, user, **fields: Any) -> SupplierPrice:
    for k, v in fields.items():
        setattr(price, k, v)
    if errors := _price_errors(price):
        raise ValidationFailed(errors)
    return save_audited(price, user=user)


# --- 采购订单 drafts ---------------------------------------------------------------------------


def _header_errors(user, header: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    warehouse = header["warehouse"]
    ensure_warehouses(user, warehouse)
    if warehouse.kind == WarehouseKind.LENT or not warehouse.is_active:
        errors["warehouse"] = [_("Select an active warehouse of ours.")]
    if not header["supplier"].is_active:
        errors["supplier"] = [_("The supplier is inactive.")]
    return errors


def _with_prices(
    lines: Sequence[LineInput],
    header: Mapping[str, Any],
    *,
    facts: Mapping[int, SkuFacts],
    default_rate: Decimal,
) -> tuple[list[LineInput], dict[str, list[str]]]:
    """The lines with what was not typed filled in — the price from the price list or the
    last price (turned into the order's 含税 / 不含税), its VAT rate else the company's
    (``default_rate``), no discount — and every problem of their money fields and SKUs."""
    base_units = {k: f.base_unit_id for k, f in facts.items()}
    found = selectors.quotes(
        header["supplier"].pk,
        [(x.sku, x.unit if x.unit is not None else base_units.get(x.sku)) for x in lines],
        header["date"],
    )
    includes = bool(header.get("prices_include_tax", True))
    inactive = set(
        Sku.objects.filter(pk__in={x.sku for x in lines}, is_active=False).values_list(
            "pk", flat=True
        )
    )
    out: list[LineInput] = []
    errors: dict[str, list[str]] = {}
    messages = {
        "price": _("Enter a price above zero."),
        "tax_rate": _("The VAT rate is between 0 and 100 %."),
        "discount_rate": _("The discount is at least 0 and below 100 %."),
    }
    for i, x in enumerate(lines):
        quote = found.get((x.sku, x.unit if x.unit is not None else base_units.get(x.sku)))
        price, rate = x.price, x.tax_rate
        if quote is not None:
            rate = quote.tax_rate if rate is None else rate
            if price is None:
                price = pricing.as_entered(
                    quote.price,
                    given_with_tax=quote.includes_tax,
                    includes_tax=includes,
                    rate=quote.tax_rate,
                )
        rate = default_rate if rate is None else rate
        discount = Decimal(0) if x.discount_rate is None else x.discount_rate
        x = dataclasses.replace(
            x,
            price=price,
            tax_rate=rate,
            discount_rate=discount,
            price_found=x.price is None and price is not None,
        )
        for name, key in rules.line_problems(
            price=price, tax_rate=rate, discount_rate=discount
        ).items():
            errors.setdefault(f"lines.{i}.{name}", []).append(str(messages[key]))
        if x.sku in inactive:
            errors.setdefault(f"lines.{i}.sku", []).append(_("The SKU is inactive."))
        out.append(x)
    return out, errors


def _amount_values(
    lines: Sequence[LineInput], facts: Mapping[int, SkuFacts], *, includes_tax: bool
) -> tuple[list[dict[str, Decimal]], dict[str, Decimal]] | None:
    """金额 / 税额 / 价税合计 and unit cost of new lines before they are saved (the factor as
    ``line_fields`` takes it), and the order's totals: the draft is written whole, in one
    INSERT per table. None when a line lacks what they need (its errors are reported)."""
    values = []
    amounts = []
    for x in lines:
        fact = facts.get(x.sku)
        if fact is None or None in (x.qty, x.price, x.tax_rate, x.discount_rate):
            return None
        unit = x.unit if x.unit is not None else fact.base_unit_id
        a = pricing.line_amounts(
            qty=x.qty,
            price=cast(Decimal, x.price),
            tax_rate=cast(Decimal, x.tax_rate),
            discount_rate=cast(Decimal, x.discount_rate),
            includes_tax=includes_tax,
            factor=fact.units.get(unit, Decimal(1)) if unit is not None else Decimal(1),
        )
        values.append(
            {
                "net_amount": a.net,
                "tax_amount": a.tax,
                "gross_amount": a.gross,
                "unit_cost": a.unit_cost,
            }
        )
        amounts.append(a)
    t = pricing.totals(amounts)
    return values, {"net_amount": t.net, "tax_amount": t.tax, "total_amount": t.gross}


def _write_amounts(doc: PurchaseOrder) -> PurchaseOrder:
    """金额 / 税额 / 价税合计 of every line and the order (jxc.purchasing.rules)."""
    lines = list(doc.lines.all())
    amounts = []
    for x in lines:
        a = pricing.line_amounts(
            qty=x.qty,
            price=x.price,
            tax_rate=x.tax_rate,
            discount_rate=x.discount_rate,
            includes_tax=doc.prices_include_tax,
            factor=x.factor,
        )
        x.net_amount, x.tax_amount, x.gross_amount, x.unit_cost = a.net, a.tax, a.gross, a.unit_cost
        amounts.append(a)
    write_fields(
        PurchaseOrderLine, lines, ["net_amount", "tax_amount", "gross_amount", "unit_cost"]
    )
    totals = pricing.totals(amounts)
    doc.net_amount, doc.tax_amount, doc.total_amount = totals.net, totals.tax, totals.gross
    doc.save(update_fields=["net_amount", "tax_amount", "total_amount"])
    return doc


@transaction.atomic
def create_purchase_order(
    model: type[PurchaseOrder] = PurchaseOrder,
    *,
    user,
    lines: Sequence[LineInput],
    **header: Any,
) -> PurchaseOrder:
    """新建采购订单 (a draft): supplier, warehouse, date, prices 含税 or not (default: the
    company's setting), lines with unit, price (default: price list, else last price), VAT
    rate, discount, promised date."""
    company = core_selectors.company()
    header.setdefault("memo", "")
    header.setdefault("prices_include_tax", company.purchase_prices_include_tax)
    errors = _header_errors(user, header)
    facts = sku_facts(x.sku for x in lines)
    lines, line_errors = _with_prices(
        lines, header, facts=facts, default_rate=company.default_tax_rate
    )
    errors.update(line_errors)
    found = (
        None
        if errors
        else _amount_values(lines, facts, includes_tax=bool(header["prices_include_tax"]))
    )
    if found is None:
        doc = create_document(
            model, user=user, header=header, lines=lines, facts=facts, errors=errors
        )
        return _write_amounts(doc)
    values, totals = found
    return create_document(
        model,
        user=user,
        header={**header, **totals},
        lines=lines,
        facts=facts,
        errors=errors,
        line_values=values,
    )


@transaction.atomic
def update_purchase_order(
    doc: PurchaseOrder, *, user, lines: Sequence[LineInput] | None = None, **header: Any
) -> PurchaseOrder:
    """修改草稿: the header fields given and, when ``lines`` is given, all lines."""
    merged = {k: getattr(doc, k) for k in ("warehouse", "supplier", "date", "prices_include_tax")}
    merged.update(header)
    errors = _header_errors(user, merged)
    line_errors: dict[str, list[str]] = {}
    facts = sku_facts(x.sku for x in lines or [])
    if lines is not None:
        lines, line_errors = _with_prices(
            lines, merged, facts=facts, default_rate=core_selectors.company().default_tax_rate
        )
    doc = update_document(
        doc,
        user=user,
        header=header,
        lines=lines,
        facts=facts,
        errors={**errors, **line_errors},
    )
    return _write_amounts(doc)


# --- the order's steps -----------------------------------------------------------------------


def _on_order(doc: PurchaseOrder, quantities: Mapping[int, Decimal]) -> None:
    """Change 在途 of the order's warehouse by ``quantities`` (SKU → signed base quantity),
    every SKU in one call of the ledger."""
    stock.record_on_order_many(
        (sku_id, doc.warehouse_id, qty) for sku_id, qty in sorted(quantities.items()) if qty
    )


def _open_by_sku(doc: PurchaseOrder, lines: Sequence[PurchaseOrderLine] | None = None):
    out: dict[int, Decimal] = defaultdict(Decimal)
    for x in doc.lines.all() if lines is None else lines:
        out[x.sku_id] += x.open_qty
    return out


def _remember_prices(doc: PurchaseOrder, lines: Sequence[PurchaseOrderLine]) -> None:
    """最近进价: the order's price per supplier and SKU (the last line of a SKU wins), in one
    upsert."""
    latest = {x.sku_id: x for x in sorted(lines, key=lambda x: (x.line_no, x.pk))}
    LastPurchasePrice.objects.bulk_create(
        [
            LastPurchasePrice(
                supplier_id=doc.supplier_id,
                sku_id=x.sku_id,
                unit_id=cast(int, x.unit_id),
                price=x.price,
                includes_tax=doc.prices_include_tax,
                tax_rate=x.tax_rate,
                date=doc.date,
                source_number=doc.number,
            )
            for x in latest.values()
        ],
        update_conflicts=True,
        unique_fields=["supplier", "sku"],
        update_fields=["unit", "price", "includes_tax", "tax_rate", "date", "source_number"],
    )


@transaction.atomic
def approve_purchase_order(doc: PurchaseOrder, *, user) -> PurchaseOrder:
    """审核: the ordered quantities become 在途 (on order) in the order's warehouse, and the
    prices become the supplier's last prices."""

    def effect(locked: PurchaseOrder) -> None:
        ensure_warehouses(user, locked.warehouse)
        lines = list(locked.lines.all())
        _on_order(locked, _open_by_sku(locked, lines))
        _remember_prices(locked, lines)

    return act(doc, action="approve", user=user, effect=effect)


@transaction.atomic
def unapprove_purchase_order(doc: PurchaseOrder, *, user) -> PurchaseOrder:
    """反审核 (back to review) while nothing is received: 在途 is taken off again; withdrawing
    a submitted order changes nothing else."""

    def effect(locked: PurchaseOrder) -> None:
        if locked.status != DocumentStatus.APPROVED:
            return
        if any(x.received_qty for x in locked.lines.all()):
            raise OrderPartlyReceived(number=locked.number)
        _on_order(locked, {k: -q for k, q in _open_by_sku(locked).items()})

    return act(doc, action="unapprove", user=user, effect=effect)


@transaction.atomic
def close_purchase_order(doc: PurchaseOrder, *, user, reason: str) -> PurchaseOrder:
    """强制结单: nothing more will come; what is still open is taken off 在途."""

    def effect(locked: PurchaseOrder) -> None:
        _on_order(locked, {k: -q for k, q in _open_by_sku(locked).items()})

    return act(doc, action="close", user=user, reason=reason, effect=effect)
