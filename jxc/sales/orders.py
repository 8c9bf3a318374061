"""销售报价单 and 销售订单 writes: drafts through the document platform with prices resolved for
the customer, and the order's steps — 审核 checks credit and 最低售价 and reserves the open
quantities through the ledger's reservation function (all or nothing, every shortfall listed);
反审核 and 强制结单 release them (ARCHITECTURE.md §4–5)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db import transaction
from django.utils.translation import gettext as _

from jxc.catalog.models import Sku
from jxc.catalog.selectors import sku_facts
from jxc.core import selectors as core_selectors
from jxc.core.choices import DocumentStatus
from jxc.core.documents.actions import act, take_action, write_fields
from jxc.core.documents.lines import LineInput, plain_number
from jxc.core.documents.services import create_document, update_document
from jxc.core.errors import InsufficientAvailable, PermissionDenied
from jxc.core.numbers import value_of
from jxc.inventory import services as stock
from jxc.inventory.choices import WarehouseKind
from jxc.inventory.documents.lifecycle import ensure_warehouses
from jxc.inventory.models import StockBalance
from jxc.sales import rules, selectors
from jxc.sales.choices import BelowMinPrice as Policy
from jxc.sales.errors import (
    BelowMinPrice,
    CreditLimitExceeded,
    OrderPartlyDelivered,
    StockShort,
)
from jxc.sales.models import (
    LastSalePrice,
    Quotation,
    QuotationLine,
    SalesHeader,
    SalesOrder,
    SalesOrderLine,
)

ZERO = Decimal(0)
CREDIT_APPROVE = "credit.approve"
MIN_PRICE_APPROVE = "min_price.approve"


def header_errors(user, header: Mapping[str, Any]) -> dict[str, list[str]]:
    """The warehouse is an active one of ours in the user's scope; the customer is active."""
    errors: dict[str, list[str]] = {}
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
        x = dataclasses.replace(x, price=price, tax_rate=rate, discount_rate=discount)
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
            min_price = unit.min_price if includes else rules.without_tax(unit.min_price, rate)
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
        a = rules.line_amounts(
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
            list_price = rules.without_tax(list_price, tax_rate)
            min_price = rules.without_tax(min_price, tax_rate)
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
    t = rules.totals(amounts)
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


def _draft(model, line_model, *, user, lines, header, doc=None):
    header = dict(header)
    if doc is None:
        header.setdefault("memo", "")
        header.setdefault("prices_include_tax", True)
        merged = header
    else:
        merged = {
            k: getattr(doc, k) for k in ("warehouse", "customer", "date", "prices_include_tax")
        }
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


# --- 报价单 ----------------------------------------------------------------------------------


@transaction.atomic
def create_quotation(
    model: type[Quotation] = Quotation, *, user, lines: Sequence[LineInput], **header: Any
) -> Quotation:
    """新建销售报价单 (a draft): customer, warehouse, date, valid until, lines priced for the
    customer."""
    return _draft(model, QuotationLine, user=user, lines=lines, header=header)


@transaction.atomic
def update_quotation(
    doc: Quotation, *, user, lines: Sequence[LineInput] | None = None, **header: Any
) -> Quotation:
    return _draft(type(doc), QuotationLine, user=user, lines=lines, header=header, doc=doc)


@transaction.atomic
def order_from_quotation(quotation: Quotation, *, user, date=None) -> SalesOrder:
    """报价转订单: a draft order with the quotation's lines and prices; the quotation is done."""
    from django.utils import timezone

    if quotation.status != DocumentStatus.APPROVED:
        from jxc.core.errors import InvalidTransition

        raise InvalidTransition(source=quotation.status, target="order")
    lines = [
        LineInput(
            sku=x.sku_id,
            qty=x.qty,
            unit=x.unit_id,
            price=x.price,
            tax_rate=x.tax_rate,
            discount_rate=x.discount_rate,
            memo=x.memo,
        )
        for x in quotation.lines.order_by("line_no", "id")
    ]
    order = create_sales_order(
        user=user,
        customer=quotation.customer,
        warehouse=quotation.warehouse,
        date=date or max(timezone.localdate(), quotation.date),
        prices_include_tax=quotation.prices_include_tax,
        quotation=quotation,
        memo=quotation.memo,
        lines=lines,
    )
    take_action(quotation, action="complete", user=user, check_permission=False)
    return order


# --- 销售订单 drafts --------------------------------------------------------------------------


@transaction.atomic
def create_sales_order(
    model: type[SalesOrder] = SalesOrder, *, user, lines: Sequence[LineInput], **header: Any
) -> SalesOrder:
    """新建销售订单 (a draft): customer, warehouse, date, prices 含税 or not, lines with unit,
    price (empty: 客户协议价, else the price level's, else 历史单价), VAT rate, discount,
    promised date. A price below 最低售价 is refused when the settings say so
    (``below_min_price``)."""
    return _draft(model, SalesOrderLine, user=user, lines=lines, header=header)


@transaction.atomic
def update_sales_order(
    doc: SalesOrder, *, user, lines: Sequence[LineInput] | None = None, **header: Any
) -> SalesOrder:
    """修改草稿."""
    return _draft(type(doc), SalesOrderLine, user=user, lines=lines, header=header, doc=doc)


# --- facts for approval rules and the credit check ---------------------------------------------


def order_facts(doc: SalesOrder) -> dict[str, Any]:
    """What [Approvals] rules see of an order: its amount (价税合计), the largest discount below
    list price, the estimated gross margin, whether the credit limit would be exceeded, the
    customer's tier."""
    lines = list(doc.lines.all())
    costs = selectors.estimated_unit_costs(x.sku_id for x in lines)
    cost = sum((value_of(x.base_qty, costs.get(x.sku_id, ZERO)) for x in lines), ZERO)
    discounts = [
        rules.discount_pct(price=x.price, discount_rate=x.discount_rate, list_price=x.list_price)
        for x in lines
    ]
    customer = doc.customer
    return {
        "amount": doc.total_amount,
        "max_discount_pct": max(discounts, default=ZERO),
        "margin_pct": rules.margin_pct(net=doc.net_amount, cost=cost) if costs else None,
        "credit_exceeded": credit_check(doc)[0],
        "customer_tier": customer.tier,
    }


def credit_check(doc: SalesOrder) -> tuple[bool, Decimal | None, Decimal]:
    """(exceeded, exposure, limit): open receivables from the party ledger plus this order
    against the customer's credit limit. A customer without a limit (0) is never over it:
    its receivables are not read (exposure None)."""
    customer = doc.customer
    if customer.credit_limit <= 0:
        return False, None, customer.credit_limit
    owed = selectors.open_receivables(customer.pk)
    exposure = rules.credit_exposure(open_receivables=owed, order_amount=doc.total_amount)
    exceeded = rules.credit_exceeded(
        limit=customer.credit_limit, open_receivables=owed, order_amount=doc.total_amount
    )
    return exceeded, exposure, customer.credit_limit


# --- the order's steps ---------------------------------------------------------------------------


def _open_by_sku(lines: Sequence[SalesOrderLine]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = defaultdict(Decimal)
    for x in lines:
        out[x.sku_id] += x.open_qty
    return out


def _reserved_by_sku(lines: Sequence[SalesOrderLine]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = defaultdict(Decimal)
    for x in lines:
        out[x.sku_id] += x.reserved_qty
    return out


def reserve_lines(doc: SalesOrder, lines: Sequence[SalesOrderLine], *, backorder: bool) -> None:
    """占用: reserve each SKU's open quantity in the order's warehouse, all SKUs in one call of
    the ledger (locked in id order, checked, written together); every shortfall is listed."""
    wanted = {k: q for k, q in _open_by_sku(lines).items() if q > 0}
    # the order's own rows first: on PostgreSQL the SKUs' rows stay locked from the
    # reservation to COMMIT, shared by every order of those SKUs (a failed reservation
    # rolls all of it back)
    for x in lines:
        x.reserved_qty = x.open_qty
    write_fields(SalesOrderLine, list(lines), ["reserved_qty"])
    try:
        stock.reserve_many(
            [(sku_id, doc.warehouse_id, qty) for sku_id, qty in sorted(wanted.items())],
            allow_backorder=backorder,
        )
    except InsufficientAvailable as exc:
        short = [
            (sku_id, requested - available, available)
            for sku_id, _w, requested, available in exc.params.get("shortfalls", [])
        ]
        names = dict(
            Sku.objects.filter(pk__in=[s for s, _q, _a in short]).values_list("pk", "name")
        )
        text = "; ".join(
            _("%(sku)s short %(short)s (available %(available)s)")
            % {"sku": names.get(s, s), "short": plain_number(q), "available": plain_number(a)}
            for s, q, a in short
        )
        raise StockShort(
            warehouse=str(doc.warehouse),
            shortfalls=text,
            sku=", ".join(str(names.get(s, s)) for s, _q, _a in short),
            available=", ".join(plain_number(a) for _s, _q, a in short),
            requested=", ".join(plain_number(wanted[s]) for s, _q, _a in short),
        ) from exc


def release_lines(doc: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    """释放占用: give back what the lines still hold reserved."""
    for sku_id, qty in sorted(_reserved_by_sku(lines).items()):
        if qty > 0:
            stock.release(sku=sku_id, warehouse=doc.warehouse_id, qty=qty)
    for x in lines:
        x.reserved_qty = ZERO
    write_fields(SalesOrderLine, list(lines), ["reserved_qty"])


def _remember_prices(doc: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    """历史单价: the order's price per customer and SKU (the last line of a SKU wins), written
    in one upsert, in SKU order: two orders of one customer lock its rows in the same order
    (no deadlock between them)."""
    latest = {x.sku_id: x for x in lines if x.unit_id is not None}
    latest = dict(sorted(latest.items()))
    LastSalePrice.objects.bulk_create(
        [
            LastSalePrice(
                customer_id=doc.customer_id,
                sku_id=x.sku_id,
                unit_id=cast(int, x.unit_id),
                price=x.price,
                includes_tax=doc.prices_include_tax,
                date=doc.date,
                source_number=doc.number,
            )
            for x in latest.values()
        ],
        update_conflicts=True,
        unique_fields=["customer", "sku"],
        update_fields=["unit", "price", "includes_tax", "date", "source_number"],
    )


def _ensure_may_approve(locked: SalesOrder, lines: Sequence[SalesOrderLine], user) -> bool:
    """Below 最低售价 (settings: approval) needs ``min_price.approve``; over the credit limit
    needs ``credit.approve`` (a manager; an [Approvals] rule routes such orders to one).
    Returns whether the credit limit is exceeded."""
    if any(x.below_min_price for x in lines):
        if selectors.below_min_policy() == Policy.REFUSE:
            raise BelowMinPrice({"lines": [_("A price is below the lowest sale price.")]})
        if user is not None and not user.has_jxc_perm(MIN_PRICE_APPROVE):
            raise PermissionDenied(perm=MIN_PRICE_APPROVE)
    exceeded, exposure, limit = credit_check(locked)
    if exceeded and user is not None and not user.has_jxc_perm(CREDIT_APPROVE):
        assert exposure is not None  # read whenever there is a limit
        raise CreditLimitExceeded(customer=str(locked.customer), exposure=exposure, limit=limit)
    return exceeded


@transaction.atomic
def submit_sales_order(doc: SalesOrder, *, user) -> SalesOrder:
    """提交: to review; the credit check is recorded on the order (an approval rule may ask
    for a manager when it is exceeded)."""
    from jxc.core.documents.actions import submit

    def check(locked: SalesOrder) -> None:
        exceeded = credit_check(locked)[0]
        if exceeded != locked.credit_exceeded:
            SalesOrder.objects.filter(pk=locked.pk).update(credit_exceeded=exceeded)

    return submit(doc, user=user, check=check)


@transaction.atomic
def approve_sales_order(doc: SalesOrder, *, user) -> SalesOrder:
    """审核: credit and lowest prices checked, then the open quantities are reserved in the
    order's warehouse — all of them or none: short SKUs are listed (库存不足), unless the
    customer takes back orders — and the prices become the customer's 历史单价."""

    def effect(locked: SalesOrder) -> None:
        ensure_warehouses(user, locked.warehouse)
        lines = list(SalesOrderLine.objects.filter(document=locked).order_by("line_no", "id"))
        exceeded = _ensure_may_approve(locked, lines, user)
        backorder = bool(locked.customer.allow_backorder)
        if (exceeded, backorder) != (locked.credit_exceeded, locked.backorder):
            SalesOrder.objects.filter(pk=locked.pk).update(
                credit_exceeded=exceeded, backorder=backorder
            )
        # 历史单价 before the reservation: on PostgreSQL the SKUs' rows are locked from the
        # reservation to COMMIT, so only the status and audit line are written under them
        _remember_prices(locked, lines)
        reserve_lines(locked, lines, backorder=backorder)

    return act(doc, action="approve", user=user, effect=effect)


@transaction.atomic
def unapprove_sales_order(doc: SalesOrder, *, user) -> SalesOrder:
    """反审核 while nothing is delivered: the reservation is released; withdrawing a submitted
    order changes nothing else."""

    def effect(locked: SalesOrder) -> None:
        if locked.status != DocumentStatus.APPROVED:
            return
        lines = list(SalesOrderLine.objects.filter(document=locked))
        if any(x.delivered_qty for x in lines):
            raise OrderPartlyDelivered(number=locked.number)
        release_lines(locked, lines)

    return act(doc, action="unapprove", user=user, effect=effect)


@transaction.atomic
def close_sales_order(doc: SalesOrder, *, user, reason: str) -> SalesOrder:
    """强制结单: nothing more will be delivered; what is still reserved is released."""

    def effect(locked: SalesOrder) -> None:
        release_lines(locked, list(SalesOrderLine.objects.filter(document=locked)))

    return act(doc, action="close", user=user, reason=reason, effect=effect)


def lock_order_lines(ids) -> dict[int, SalesOrderLine]:
    """Order lines read under lock, in id order (PostgreSQL ``FOR UPDATE``)."""
    return {
        x.pk: x
        for x in SalesOrderLine.objects.select_for_update()
        .select_related("document")
        .filter(pk__in=set(ids))
        .order_by("pk")
    }


def add_delivered(
    order_lines: Mapping[int, SalesOrderLine], changes: Sequence[tuple[int, Decimal, Decimal]]
) -> None:
    """Add (line id, delivered, released) to the locked order lines' delivered quantities and
    take what was released off their reservations: summed here in Decimal (SQLite would add
    REALs) and written in one statement."""
    for line_id, delivered, released in changes:
        x = order_lines[line_id]
        x.delivered_qty += delivered
        x.reserved_qty -= released
    write_fields(
        SalesOrderLine,
        [order_lines[i] for i in sorted({c[0] for c in changes})],
        ["delivered_qty", "reserved_qty"],
    )


def complete_if_delivered(order_docs: Iterable[SalesOrder], *, user) -> None:
    """An approved order whose lines are all delivered is 已完成 (its lines read in one
    query; the order itself is read under lock by the action, which refuses one that is no
    longer approved). ``order_docs``: the orders, as read with their locked lines."""
    by_id = {o.pk: o for o in order_docs if o.status == DocumentStatus.APPROVED}
    if not by_id:
        return
    still_open: set[int] = set()
    for doc_id, base_qty, delivered in SalesOrderLine.objects.filter(
        document_id__in=by_id
    ).values_list("document_id", "base_qty", "delivered_qty"):
        if base_qty - delivered > 0:
            still_open.add(doc_id)
    for pk in sorted(by_id.keys() - still_open):
        take_action(by_id[pk], action="complete", user=user, check_permission=False)


def balance_available(sku_id: int, warehouse_id: int) -> Decimal:
    b = StockBalance.objects.filter(sku_id=sku_id, warehouse_id=warehouse_id).first()
    return (b.on_hand - b.reserved) if b else ZERO
