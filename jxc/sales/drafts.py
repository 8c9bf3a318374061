"""Sales drafts (报价单, 订单, 出库单, 退货单): the header's checks, lines priced for the
customer (price resolution → 含税 / 不含税, VAT rate, 最低售价) and the amounts of lines and
document, computed before a draft is inserted or written after it is saved."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.utils.translation import gettext as _

from jxc.catalog.selectors import sku_facts
from jxc.core import selectors as core_selectors
from jxc.core.documents import pricing
from jxc.core.documents.actions import write_fields
from jxc.core.documents.lines import LineInput, plain_number
from jxc.core.documents.services import create_document, update_document
from jxc.inventory.choices import WarehouseKind
from jxc.inventory.documents.lifecycle import ensure_warehouses
from jxc.sales import rules, selectors
from jxc.sales.choices import BelowMinPrice as Policy
from jxc.sales.errors import BelowMinPrice
from jxc.sales.models import SalesHeader

ZERO = Decimal(0)


def header_errors(user, header: Mapping[str, Any]) -> dict[str, list[str]]:
    """The warehouse is an active one of ours in the user's scope; the customer is active; a
    quotation's 有效期至 is not before its own date."""
    errors: dict[str, list[str]] = {}
    until, date = header.get("valid_until"), header.get("date")
    if until is not None and date is not None and until < date:
        errors["valid_until"] = [_("Valid until cannot be before the quotation date.")]
    warehouse = header["warehouse"]
    ensure_warehouses(user, warehouse)
    if warehouse.kind == WarehouseKind.LENT or not warehouse.is_active:
        errors["warehouse"] = [_("Select an active warehouse of ours.")]
    if not header["customer"].is_active:
        errors["customer"] = [_("The customer is inactive.")]
    return errors


def priced_lines(
    lines: Sequence[LineInput],
    header: Mapping[str, Any],
    *,
    check_min: bool = True,
    facts: Mapping[int, Any] | None = None,
    catalog: Mapping[tuple[int, int | None], Any] | None = None,
) -> tuple[list[LineInput], dict[str, list[str]], dict[str, list[str]]]:
    """The lines with what was not typed filled in — the price by price resolution (客户协议价
    → price level → 历史单价) turned into the document's 含税 / 不含税, the company's VAT
    rate, no discount — and their problems; lines below 最低售价 apart (refused by the
    settings, else left for a manager's approval). ``facts`` and ``catalog`` (the SKUs' facts
    and unit prices at the customer's level), when the caller has read them already."""
    if facts is None:
        facts = sku_facts(x.sku for x in lines)
    base = {k: f.base_unit_id for k, f in facts.items()}
    keys = [(x.sku, x.unit if x.unit is not None else base.get(x.sku)) for x in lines]
    customer = header["customer"]
    if catalog is None:
        catalog = selectors.unit_prices(keys, customer.price_level)
    # what is read only when a line needs it: price resolution for lines typed without a
    # price, the company's VAT rate for lines without one, the settings' 最低售价 policy when
    # a unit has a lowest price (a typed basket of SKUs without one reads none of them)
    unpriced = [k for x, k in zip(lines, keys, strict=True) if x.price is None]
    found = selectors.price_candidates(customer, unpriced, levels=catalog) if unpriced else {}
    rate_default = (
        core_selectors.company().default_tax_rate
        if any(x.tax_rate is None for x in lines)
        else ZERO
    )
    includes = bool(header.get("prices_include_tax", True))
    inactive = {k for k, f in facts.items() if not f.is_active}
    refuse = (
        check_min
        and any((u := catalog.get(k)) is not None and u.min_price > 0 for k in keys)
        and selectors.below_min_policy() == Policy.REFUSE
    )
    out: list[LineInput] = []
    errors: dict[str, list[str]] = {}
    below: dict[str, list[str]] = {}
    for i, (x, key) in enumerate(zip(lines, keys, strict=True)):
        rate = rate_default if x.tax_rate is None else x.tax_rate
        price = x.price
        if price is None:
            chosen = rules.pick_price(found.get(key, []))
            if chosen is not None:
                price = rules.as_entered(chosen, includes_tax=includes, rate=rate)
        discount = ZERO if x.discount_rate is None else x.discount_rate
        x = dataclasses.replace(
            x,
            price=price,
            tax_rate=rate,
            discount_rate=discount,
            price_found=x.price is None and price is not None,
        )
        if price is None:
            errors.setdefault(f"lines.{i}.price", []).append(
                _("No price for this customer: enter the price.")
            )
        elif price < 0:
            errors.setdefault(f"lines.{i}.price", []).append(_("A price cannot be below zero."))
        if not (0 <= rate <= 100):
            errors.setdefault(f"lines.{i}.tax_rate", []).append(
                _("The VAT rate is between 0 and 100 %.")
            )
        if not (0 <= discount < 100):
            errors.setdefault(f"lines.{i}.discount_rate", []).append(
                _("The discount is at least 0 and below 100 %.")
            )
        if x.sku in inactive:
            errors.setdefault(f"lines.{i}.sku", []).append(_("The SKU is inactive."))
        unit = catalog.get(key)
        if refuse and price is not None and unit is not None:
            min_price = unit.min_price if includes else pricing.without_tax(unit.min_price, rate)
            if rules.below_min(price=price, discount_rate=discount, min_price=min_price):
                below.setdefault(f"lines.{i}.price", []).append(
                    _("Below the lowest sale price %(min)s.") % {"min": plain_number(min_price)}
                )
        out.append(x)
    return out, errors, below


H = TypeVar("H", bound=SalesHeader)


def amount_values(
    lines: Sequence[tuple[int, int | None, Decimal, Decimal, Decimal, Decimal]],
    *,
    includes_tax: bool,
    catalog: Mapping[Any, Any],
    with_min: bool,
) -> tuple[list[dict[str, Decimal]], dict[str, Decimal]]:
    """金额 / 税额 / 价税合计 and the list price (and 最低售价) in its unit, as the document's
    含税 / 不含税, of lines given as (SKU, unit, qty, price, VAT rate, discount); and the
    document's three totals."""
    out = []
    amounts = []
    for sku, unit_id, qty, price, tax_rate, discount_rate in lines:
        a = pricing.line_amounts(
            qty=qty,
            price=price,
            tax_rate=tax_rate,
            discount_rate=discount_rate,
            includes_tax=includes_tax,
        )
        unit = catalog.get((sku, unit_id))
        list_price = unit.list_price if unit else ZERO
        min_price = unit.min_price if unit else ZERO
        if not includes_tax:
            list_price = pricing.without_tax(list_price, tax_rate)
            min_price = pricing.without_tax(min_price, tax_rate)
        values = {
            "net_amount": a.net,
            "tax_amount": a.tax,
            "gross_amount": a.gross,
            "list_price": list_price,
        }
        if with_min:
            values["min_price"] = min_price
        out.append(values)
        amounts.append(a)
    t = pricing.totals(amounts)
    return out, {"net_amount": t.net, "tax_amount": t.tax, "total_amount": t.gross}


def _has_min(line_model) -> bool:
    return any(f.name == "min_price" for f in line_model._meta.concrete_fields)


def write_amounts(
    doc: H, line_model, *, customer_level: str, catalog: Mapping[Any, Any] | None = None
) -> H:
    """金额 / 税额 / 价税合计 of every line and the document, each line's list price and
    最低售价 in its unit (as the document's 含税 / 不含税). ``catalog``: the unit prices at
    ``customer_level`` of every SKU on the document, when the caller has read them already."""
    lines = list(doc.lines.all())
    if catalog is None:
        catalog = selectors.unit_prices([(x.sku_id, x.unit_id) for x in lines], customer_level)
    with_min = _has_min(line_model)
    values, totals = amount_values(
        [(x.sku_id, x.unit_id, x.qty, x.price, x.tax_rate, x.discount_rate) for x in lines],
        includes_tax=doc.prices_include_tax,
        catalog=catalog,
        with_min=with_min,
    )
    for x, v in zip(lines, values, strict=True):
        for name, value in v.items():
            setattr(x, name, value)
    write_fields(line_model, lines, list(values[0]) if values else [])
    for name, value in totals.items():
        setattr(doc, name, value)
    doc.save(update_fields=list(totals))
    return doc


def precomputed_amounts(
    lines: Sequence[LineInput],
    facts: Mapping[int, Any],
    *,
    includes_tax: bool,
    catalog: Mapping[Any, Any],
    line_model,
) -> tuple[list[dict[str, Decimal]], dict[str, Decimal]] | None:
    """The amounts of new lines before they are saved (``amount_values``), so the draft is
    written whole; None when a line lacks what they need (its errors are reported instead)."""
    rows = []
    for x in lines:
        fact = facts.get(x.sku)
        if fact is None or None in (x.qty, x.price, x.tax_rate, x.discount_rate):
            return None
        unit = x.unit if x.unit is not None else fact.base_unit_id
        rows.append(
            (x.sku, unit, x.qty, cast(Decimal, x.price), cast(Decimal, x.tax_rate),
             cast(Decimal, x.discount_rate))
        )  # fmt: skip
    return amount_values(
        rows, includes_tax=includes_tax, catalog=catalog, with_min=_has_min(line_model)
    )


def save_draft(model, line_model, *, user, lines, header, doc=None):
    """A new draft (``doc`` None) or a draft's change: header checked, lines priced, the
    amounts written with it (a header-only change keeps the lines and re-reads them)."""
    header = dict(header)
    if doc is None:
        header.setdefault("memo", "")
        header.setdefault("prices_include_tax", True)
        merged = header
    else:
        kept = ("warehouse", "customer", "date", "prices_include_tax", "valid_until")
        merged = {k: getattr(doc, k) for k in kept if hasattr(doc, k)}
        merged.update(header)
    errors = header_errors(user, merged)
    below: dict[str, list[str]] = {}
    facts = sku_facts(x.sku for x in lines or [])
    level = merged["customer"].price_level
    catalog = None
    if lines is not None:
        # every unit of the SKUs: the lines' units, and the base unit for the rest
        catalog = selectors.unit_prices([(x.sku, x.unit) for x in lines], level)
        lines, line_errors, below = priced_lines(lines, merged, facts=facts, catalog=catalog)
        errors.update(line_errors)
    if below:
        raise BelowMinPrice({**errors, **below})
    if doc is None:
        found = None
        if lines is not None and catalog is not None and not errors:
            found = precomputed_amounts(
                lines,
                facts,
                includes_tax=bool(merged.get("prices_include_tax", True)),
                catalog=catalog,
                line_model=line_model,
            )
        if found is not None:
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
        made = create_document(
            model, user=user, header=header, lines=lines, facts=facts, errors=errors
        )
    else:
        made = update_document(
            doc, user=user, header=header, lines=lines, facts=facts, errors=errors
        )
    # a draft whose lines were kept (header only) has SKUs not read here
    return write_amounts(made, line_model, customer_level=level, catalog=catalog)
