"""采购入库单 writes: drafts against approved order lines (several orders of one supplier),
and posting — accepted goods into stock at the order price excl. VAT through the ledger's
writer, 在途 taken off, the order lines' received quantities, and the payable through the
party ledger's writer (ARCHITECTURE.md §4 posting shape)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog.selectors import sku_facts
from jxc.core import selectors as core_selectors
from jxc.core.choices import DocumentStatus
from jxc.core.documents import pricing
from jxc.core.documents.actions import act, raise_if, take_action, write_fields
from jxc.core.documents.lines import LineInput, SkuFacts, plain_number
from jxc.core.documents.linked import LinkedCheck, LinkedSource, check_linked
from jxc.core.documents.services import create_document, update_document
from jxc.core.errors import OverReceipt
from jxc.finance import party_ledger
from jxc.finance.rules import PartyLine, due_date_for
from jxc.inventory import services as stock
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents.lifecycle import bin_errors, ensure_warehouses
from jxc.inventory.ledger.types import StockLine
from jxc.purchasing import rules
from jxc.purchasing.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseReceipt,
    PurchaseReceiptLine,
)
from jxc.purchasing.services import _header_errors


def _take(x: LineInput, order_line: PurchaseOrderLine, _factor: Decimal) -> LineInput:
    """A line against an order line takes its unit, price and VAT rate."""
    return dataclasses.replace(
        x,
        unit=x.unit if x.unit is not None else order_line.unit_id,
        price=order_line.price,
        tax_rate=order_line.tax_rate,
        rejected_qty=x.rejected_qty or Decimal(0),
    )


ORDER_LINE = LinkedSource(
    line_model=PurchaseOrderLine,
    statuses=(DocumentStatus.APPROVED,),
    partner="supplier",
    required=True,
    # what was ordered plus the company's over-receipt tolerance, less what came in
    context=lambda: core_selectors.company().over_receipt_tolerance,
    open_qty=lambda line, tolerance: (
        rules.receivable_limit(ordered=line.base_qty, tolerance=tolerance) - line.received_qty
    ),
    missing=gettext_lazy("Select a line of an approved purchase order."),
    mismatch=gettext_lazy(
        "%(number)s is not an approved order of this supplier for this warehouse."
    ),
    other_sku=gettext_lazy("The SKU is not the one ordered on %(number)s."),
    too_much=gettext_lazy(
        "At most %(left)s more of %(number)s line %(line)s can be received "
        "(ordered %(ordered)s, tolerance %(tolerance)s%%)."
    ),
    over_params=lambda line, tolerance: {
        "ordered": plain_number(line.base_qty),
        "tolerance": plain_number(tolerance),
    },
    over_error=OverReceipt,
    take=_take,
)


def _checked(
    lines: Sequence[LineInput],
    header: Mapping[str, Any],
    *,
    facts: Mapping[int, SkuFacts],
    found: Mapping[int, PurchaseOrderLine] | None = None,
) -> LinkedCheck:
    """The lines with the order line's unit, price and rate; the errors; the over-receipt
    errors apart (their own code); what was rejected at inspection needs its reason.
    ``found``: the order lines, when the caller has read them (locked, at posting)."""
    check = check_linked(ORDER_LINE, lines, header, facts=facts, found=found)
    for i in check.sources:
        x = lines[i]
        rejected = x.rejected_qty or Decimal(0)
        if rejected < 0:
            check.errors.setdefault(f"lines.{i}.rejected_qty", []).append(
                _("Enter a quantity of zero or more.")
            )
        elif rejected and not x.reject_reason.strip():
            check.errors.setdefault(f"lines.{i}.reject_reason", []).append(
                _("Give the reason of the rejection.")
            )
    return check


def _errors(user, header, lines, *, facts, found=None) -> tuple[LinkedCheck, dict]:
    """Header and line errors of a receipt; over-receipt raises at once (OverReceipt) with
    every other problem beside it. Drafts hold no quantity: posting checks again, locked."""
    errors = _header_errors(user, header)
    check = _checked(lines, header, facts=facts, found=found)
    errors.update(check.errors)
    errors.update(bin_errors(check.lines, header["warehouse"]))
    ORDER_LINE.raise_over(errors, check.over)
    return check, errors


def _amount_values(
    check: LinkedCheck, facts: Mapping[int, SkuFacts]
) -> tuple[list[dict[str, Decimal]], dict[str, Decimal]] | None:
    """The amounts of new lines before they are saved, as ``_write_amounts`` computes them
    from the order lines found (the base quantity as ``line_fields`` takes it): the draft is
    written whole. None when a line found no order line (its errors are reported)."""
    values, amounts = [], []
    for i, x in enumerate(check.lines):
        o = check.sources.get(i)
        fact = facts.get(x.sku)
        if o is None or fact is None or x.qty is None:
            return None
        unit = x.unit if x.unit is not None else fact.base_unit_id
        factor = fact.units.get(unit, Decimal(1)) if unit is not None else Decimal(1)
        a = pricing.line_amounts(
            qty=x.qty * factor,
            price=rules.base_price(o.price, o.factor),
            tax_rate=o.tax_rate,
            discount_rate=o.discount_rate,
            includes_tax=o.document.prices_include_tax,
        )
        values.append(
            {
                "net_amount": a.net,
                "tax_amount": a.tax,
                "gross_amount": a.gross,
                "unit_cost": o.unit_cost,
            }
        )
        amounts.append(a)
    t = pricing.totals(amounts)
    return values, {"net_amount": t.net, "tax_amount": t.tax, "total_amount": t.gross}


def _write_amounts(doc: PurchaseReceipt) -> PurchaseReceipt:
    """The accepted quantity at the order's price: 不含税金额 / 税额 / 价税合计 per line and in
    all (jxc.core.documents.pricing.line_amounts on base units), the unit cost the order fixed."""
    lines = list(doc.lines.select_related("source_line", "source_line__document"))
    amounts = []
    for x in lines:
        o = x.source_line
        a = pricing.line_amounts(
            qty=x.base_qty,
            price=rules.base_price(o.price, o.factor),
            tax_rate=o.tax_rate,
            discount_rate=o.discount_rate,
            includes_tax=o.document.prices_include_tax,
        )
        x.net_amount, x.tax_amount, x.gross_amount = a.net, a.tax, a.gross
        x.unit_cost = o.unit_cost
        amounts.append(a)
    write_fields(
        PurchaseReceiptLine, lines, ["net_amount", "tax_amount", "gross_amount", "unit_cost"]
    )
    t = pricing.totals(amounts)
    doc.net_amount, doc.tax_amount, doc.total_amount = t.net, t.tax, t.gross
    doc.save(update_fields=["net_amount", "tax_amount", "total_amount"])
    return doc


@transaction.atomic
def create_purchase_receipt(
    model: type[PurchaseReceipt] = PurchaseReceipt,
    *,
    user,
    lines: Sequence[LineInput],
    **header: Any,
) -> PurchaseReceipt:
    """新建采购入库单 (a draft): supplier, warehouse, date; lines against approved order lines
    of that supplier and warehouse (several orders allowed): accepted quantity and unit,
    rejected quantity with its reason, bin, batch, dates, serial numbers. More than ordered
    beyond the tolerance is refused (``over_receipt``)."""
    return _create(model, user=user, lines=lines, header=header)


def _create(
    model: type[PurchaseReceipt],
    *,
    user,
    lines: Sequence[LineInput],
    header: dict[str, Any],
    found: Mapping[int, PurchaseOrderLine] | None = None,
) -> PurchaseReceipt:
    """The draft, written whole (its amounts computed before the INSERTs); ``found``: the
    order lines when the caller has them already (生成入库单)."""
    header.setdefault("memo", "")
    facts = sku_facts(x.sku for x in lines)
    check, errors = _errors(user, header, lines, facts=facts, found=found)
    computed = None if errors else _amount_values(check, facts)
    if computed is None:
        doc = create_document(
            model, user=user, header=header, lines=check.lines, facts=facts, errors=errors
        )
        return _write_amounts(doc)
    values, totals = computed
    return create_document(
        model,
        user=user,
        header={**header, **totals},
        lines=check.lines,
        facts=facts,
        errors=errors,
        line_values=values,
    )


@transaction.atomic
def update_purchase_receipt(
    doc: PurchaseReceipt, *, user, lines: Sequence[LineInput] | None = None, **header: Any
) -> PurchaseReceipt:
    """修改草稿."""
    merged = {k: getattr(doc, k) for k in ("warehouse", "supplier", "date")}
    merged.update(header)
    errors: dict[str, list[str]] = {}
    facts = sku_facts(x.sku for x in lines or [])
    if lines is not None:
        check, errors = _errors(user, merged, lines, facts=facts)
        lines = check.lines
    else:
        errors = _header_errors(user, merged)
    doc = update_document(
        doc,
        user=user,
        header=header,
        lines=lines,
        facts=facts,
        errors=errors,
    )
    return _write_amounts(doc)


@transaction.atomic
def receive_orders(
    orders: Sequence[PurchaseOrder], *, user, date=None, memo: str = ""
) -> PurchaseReceipt:
    """生成入库单: a draft receipt of everything still open on these approved orders (one
    supplier, one warehouse), in the orders' units where whole, else in the base unit."""
    from django.utils import timezone

    first = orders[0]
    lines = []
    found: dict[int, PurchaseOrderLine] = {}
    # the orders' lines, each with its order: what the draft's checks read (one statement)
    for x in (
        PurchaseOrderLine.objects.select_related("document__supplier", "document__warehouse")
        .filter(document__in=[o.pk for o in orders])
        .order_by("document_id", "line_no", "id")
    ):
        found[x.pk] = x
    by_order = {o.pk: i for i, o in enumerate(orders)}
    for x in sorted(found.values(), key=lambda x: (by_order[x.document_id], x.line_no, x.pk)):
        if x.open_qty <= 0:
            continue
        whole = x.open_qty / x.factor
        unit, qty = (x.unit_id, whole) if whole == whole.to_integral_value() else (None, x.open_qty)
        lines.append(LineInput(sku=x.sku_id, qty=qty, unit=unit, source_line=x.pk))
    # the first order as read with its lines (its supplier and warehouse joined)
    head = next((x.document for x in found.values() if x.document_id == first.pk), first)
    return _create(
        PurchaseReceipt,
        user=user,
        lines=lines,
        header={
            "supplier": head.supplier,
            "warehouse": head.warehouse,
            "date": date or max(timezone.localdate(), max(o.date for o in orders)),
            "memo": memo,
        },
        found=found,
    )


@transaction.atomic
def post_purchase_receipt(doc: PurchaseReceipt, *, user) -> PurchaseReceipt:
    """采购入库过账: put the accepted goods into stock at the order price excl. VAT, take them
    off 在途, add them to the order lines' received quantities (an order fully received is
    已完成) and record what we owe the supplier (due after its payment terms)."""
    touched: set[int] = set()

    def effect(locked: PurchaseReceipt) -> None:
        lines = list(locked.lines.order_by("line_no", "id"))
        # the order lines under lock (and their orders, as before); the supplier and
        # warehouse joined, not locked: the receipt's own when they are the same rows
        order_lines = {
            x.pk: x
            for x in PurchaseOrderLine.objects.select_for_update(of=("self", "document"))
            .select_related("document", "document__supplier", "document__warehouse")
            .filter(pk__in={x.source_line_id for x in lines})
            .order_by("pk")
        }
        for o in order_lines.values():
            if o.document.supplier_id == locked.supplier_id:
                locked.supplier = o.document.supplier
            if o.document.warehouse_id == locked.warehouse_id:
                locked.warehouse = o.document.warehouse
        ensure_warehouses(user, locked.warehouse)
        header = {"supplier": locked.supplier, "warehouse": locked.warehouse}
        # the draft's checks again, on the order lines as they are now (locked): another
        # receipt may have been posted since, or the order closed
        inputs = [
            LineInput(
                sku=x.sku_id,
                qty=x.qty,
                unit=x.unit_id,
                source_line=x.source_line_id,
                rejected_qty=x.rejected_qty,
                reject_reason=x.reject_reason,
                bin=x.bin_id,
            )
            for x in lines
        ]
        _check, problems = _errors(
            user,
            header,
            inputs,
            facts=sku_facts(x.sku for x in inputs),
            found=order_lines,
        )
        raise_if(problems)
        left: dict[int, Decimal] = {k: o.open_qty for k, o in order_lines.items()}
        moves = []
        for x in lines:
            o = order_lines[x.source_line_id]
            off = min(left[o.pk], x.base_qty)
            left[o.pk] -= off
            batch = None
            if x.batch_number:
                batch = stock.ensure_batch(
                    sku=x.sku_id,
                    number=x.batch_number,
                    production_date=x.production_date,
                    expiry_date=x.expiry_date,
                )
            moves.append(
                StockLine(
                    sku=x.sku_id,
                    warehouse=locked.warehouse_id,
                    qty=x.base_qty,
                    reason=MoveReason.PURCHASE_RECEIPT,
                    date=locked.date,
                    bin=x.bin_id,
                    batch=batch,
                    unit_cost=o.unit_cost,
                    entered_qty=x.qty,
                    entered_unit=x.unit_id,
                    source_line=x.pk,
                    serials=tuple(s for s in x.serials.split() if s),
                    receive_on_order=off,
                )
            )
        stock.record_moves(moves, source=locked.ref(), user=user)
        # the locked order lines' figures, summed here in Decimal (SQLite adds REALs)
        for x in lines:
            o = order_lines[x.source_line_id]
            o.received_qty += x.base_qty
            touched.add(o.document_id)
        write_fields(PurchaseOrderLine, list(order_lines.values()), ["received_qty"])
        due = due_date_for(locked.date, locked.supplier.payment_terms_days)
        if locked.total_amount:
            party_ledger.record_party_entries(
                [
                    PartyLine(
                        side="payable",
                        partner_id=locked.supplier_id,
                        amount=locked.total_amount,
                        date=locked.date,
                        due_date=due,
                    )
                ],
                source=locked.ref(),
                user=user,
                savepoint=False,  # the posting's atomic block is all or nothing
            )
        locked.due_date = due
        locked.save(update_fields=["due_date"])

    doc = act(doc, action="post", user=user, effect=effect)
    # the orders now received in full (no line with anything open) are 已完成: one query
    still_open = PurchaseOrderLine.objects.filter(
        document=OuterRef("pk"), received_qty__lt=F("base_qty")
    )
    for order in PurchaseOrder.objects.filter(
        pk__in=touched, status=DocumentStatus.APPROVED
    ).exclude(Exists(still_open)):
        take_action(order, action="complete", user=user, check_permission=False)
    return doc
