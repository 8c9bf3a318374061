"""采购退货单 writes: drafts against posted receipt lines (or unlinked, with the return's
reason), and posting — the goods out of stock at the policy cost through the ledger's writer
(a linked line names its receipt's move, so FIFO takes that layer first), the credit taken off
what we owe through the party ledger's writer and settled against the receipt, and credit excl.
VAT − stock cost kept as the purchase price variance (ARCHITECTURE.md §4 posting shape)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog.selectors import sku_facts
from jxc.core import selectors as core_selectors
from jxc.core.choices import DocumentStatus
from jxc.core.documents import pricing
from jxc.core.documents.actions import act, raise_if, write_fields
from jxc.core.documents.lines import LineInput, left_in_unit, plain_number
from jxc.core.documents.linked import LinkedCheck, LinkedSource, check_linked
from jxc.core.documents.services import create_document, update_document
from jxc.finance import party_ledger
from jxc.finance.models import OpenItem
from jxc.finance.rules import PartyLine
from jxc.inventory import services as stock
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents.lifecycle import bin_errors, ensure_warehouses
from jxc.inventory.ledger.types import StockLine
from jxc.inventory.models import StockMove
from jxc.purchasing import rules
from jxc.purchasing.errors import ReturnExceedsReceived
from jxc.purchasing.models import (
    PurchaseReceipt,
    PurchaseReceiptLine,
    PurchaseReturn,
    PurchaseReturnLine,
)
from jxc.purchasing.services import _header_errors

ZERO = Decimal(0)


def _take(x: LineInput, r: PurchaseReceiptLine, _factor: Decimal) -> LineInput:
    """A line against a receipt line takes its unit, VAT rate, batch and bin (its price is
    the receipt's: written with the amounts)."""
    return dataclasses.replace(
        x,
        unit=x.unit if x.unit is not None else r.unit_id,
        price=None,
        tax_rate=r.tax_rate,
        batch_number=x.batch_number or r.batch_number,
        bin=x.bin if x.bin is not None else r.bin_id,
    )


RECEIPT_LINE = LinkedSource(
    line_model=PurchaseReceiptLine,
    statuses=(DocumentStatus.POSTED,),
    partner="supplier",
    related=("document", "source_line", "source_line__document"),
    open_qty=lambda r, _ctx: r.base_qty - r.returned_qty,
    missing=gettext_lazy("Select a line of a posted purchase receipt."),
    mismatch=gettext_lazy(
        "%(number)s is not a posted receipt of this supplier into this warehouse."
    ),
    other_sku=gettext_lazy("The SKU is not the one received on %(number)s."),
    too_much=gettext_lazy(
        "At most %(left)s of %(number)s line %(line)s can still be returned "
        "(received %(received)s, returned %(returned)s)."
    ),
    over_params=lambda r, _ctx: {
        "received": plain_number(r.base_qty),
        "returned": plain_number(r.returned_qty),
    },
    over_error=ReturnExceedsReceived,
    take=_take,
)


def _checked(lines: Sequence[LineInput], header: Mapping[str, Any]) -> LinkedCheck:
    """The lines with what a linked line takes from its receipt (unit, rate, batch, bin), the
    errors, and the "more than received" errors apart (their own code). An unlinked line
    needs its price and rate, and the return its reason."""
    check = check_linked(RECEIPT_LINE, lines, header, facts=sku_facts(x.sku for x in lines))
    default_rate = core_selectors.company().default_tax_rate
    for i in check.free:
        x = lines[i]
        rate = default_rate if x.tax_rate is None else x.tax_rate
        if x.price is None or x.price <= 0:
            check.errors.setdefault(f"lines.{i}.price", []).append(_("Enter a price above zero."))
        if not (0 <= rate <= 100):
            check.errors.setdefault(f"lines.{i}.tax_rate", []).append(
                _("The VAT rate is between 0 and 100 %.")
            )
        check.lines[i] = dataclasses.replace(x, tax_rate=rate)
    if check.free and not str(header.get("reason") or "").strip():
        check.errors["reason"] = [
            _("A line not linked to a receipt needs the reason of the return.")
        ]
    return check


def _errors(user, header, lines):
    errors = _header_errors(user, header)
    check = _checked(lines, header)
    errors.update(check.errors)
    errors.update(bin_errors(check.lines, header["warehouse"]))
    RECEIPT_LINE.raise_over(errors, check.over)
    return check.lines, errors


def _write_amounts(doc: PurchaseReturn) -> PurchaseReturn:
    """The credit of every line: linked, its share of the receipt line's amounts (so returning
    a whole line gives back exactly what it cost); unlinked, quantity × the typed price."""
    lines = list(doc.lines.select_related("source_line", "source_line__source_line__document"))
    amounts = []
    for x in lines:
        r = x.source_line
        if r is not None:
            a = rules.returned_share(
                net=r.net_amount,
                gross=r.gross_amount,
                received=r.base_qty,
                before=r.returned_qty,
                qty=x.base_qty,
            )
            x.price = rules.base_price(r.price, r.factor) * x.factor
            x.price = rules.round_price(x.price)
        else:
            a = pricing.line_amounts(
                qty=x.qty,
                price=x.price,
                tax_rate=x.tax_rate,
                includes_tax=doc.prices_include_tax,
                factor=x.factor,
            )
        x.net_amount, x.tax_amount, x.gross_amount = a.net, a.tax, a.gross
        amounts.append(a)
    write_fields(PurchaseReturnLine, lines, ["price", "net_amount", "tax_amount", "gross_amount"])
    t = pricing.totals(amounts)
    doc.net_amount, doc.tax_amount, doc.total_amount = t.net, t.tax, t.gross
    doc.save(update_fields=["net_amount", "tax_amount", "total_amount"])
    return doc


@transaction.atomic
def create_purchase_return(
    model: type[PurchaseReturn] = PurchaseReturn,
    *,
    user,
    lines: Sequence[LineInput],
    **header: Any,
) -> PurchaseReturn:
    """新建采购退货单 (a draft): supplier, warehouse, date, reason; lines against posted receipt
    lines of that supplier and warehouse (the receipt's price), or unlinked with a price and
    the return's reason. More than received (less what went back already) is refused
    (``return_exceeds_received``)."""
    header.setdefault("memo", "")
    header.setdefault("reason", "")
    header.setdefault("prices_include_tax", core_selectors.company().purchase_prices_include_tax)
    lines, errors = _errors(user, header, lines)
    doc = create_document(
        model,
        user=user,
        header=header,
        lines=lines,
        facts=sku_facts(x.sku for x in lines),
        errors=errors,
    )
    return _write_amounts(doc)


@transaction.atomic
def update_purchase_return(
    doc: PurchaseReturn, *, user, lines: Sequence[LineInput] | None = None, **header: Any
) -> PurchaseReturn:
    """修改草稿."""
    merged = {
        k: getattr(doc, k)
        for k in ("warehouse", "supplier", "date", "reason", "prices_include_tax")
    }
    merged.update(header)
    if lines is None:
        lines = [
            LineInput(
                sku=x.sku_id,
                qty=x.qty,
                unit=x.unit_id,
                price=None if x.source_line_id else x.price,
                tax_rate=x.tax_rate,
                source_line=x.source_line_id,
                bin=x.bin_id,
                batch_number=x.batch_number,
                serials=tuple(x.serials.split()),
                memo=x.memo,
            )
            for x in doc.lines.order_by("line_no", "id")
        ]
    lines, errors = _errors(user, merged, lines)
    doc = update_document(
        doc,
        user=user,
        header=header,
        lines=lines,
        facts=sku_facts(x.sku for x in lines),
        errors=errors,
    )
    return _write_amounts(doc)


@transaction.atomic
def return_receipt(
    receipt: PurchaseReceipt, *, user, date=None, reason: str = ""
) -> PurchaseReturn:
    """退货 from a posted receipt: a draft returning everything still returnable of it (edit
    the quantities, then post)."""
    left = [x for x in receipt.lines.order_by("line_no", "id") if x.base_qty > x.returned_qty]
    facts = sku_facts(x.sku_id for x in left)
    lines = []
    for x in left:
        # in the receipt's unit when it comes out whole (1 箱), else in the base unit: the
        # line against it reads its quantity in the unit it names
        qty, unit = left_in_unit(x, x.base_qty - x.returned_qty, facts[x.sku_id].base_unit_id)
        lines.append(
            LineInput(
                sku=x.sku_id,
                qty=qty,
                unit=unit,
                source_line=x.pk,
                batch_number=x.batch_number,
                bin=x.bin_id,
            )
        )
    return create_purchase_return(
        user=user,
        supplier=receipt.supplier,
        warehouse=receipt.warehouse,
        date=date or max(timezone.localdate(), receipt.date),
        reason=reason,
        lines=lines,
    )


def _receipt_moves(receipt_lines) -> dict[int, StockMove]:
    """Receipt line id → the stock move its posting made."""
    ids = [x.pk for x in receipt_lines]
    if not ids:
        return {}
    return {
        int(m.source_line or 0): m
        for m in StockMove.objects.filter(
            source_kind="purchase_receipt", source_line__in=ids, reverses__isnull=True, qty__gt=0
        )
    }


def _settle_with_receipts(locked: PurchaseReturn, entry_ids: list[int], receipt_ids, user) -> None:
    """The credit meets the returned receipts' open amounts first, then the oldest open."""
    item = OpenItem.objects.get(pk=entry_ids[0])
    left = -item.amount
    targets = OpenItem.objects.filter(
        entry__source_kind="purchase_receipt",
        entry__source_id__in=sorted(receipt_ids),
        is_open=True,
        amount__gt=0,
    ).order_by("date", "entry_id")
    for target in targets:
        take = min(left, target.open_amount)
        if take <= 0:
            break
        party_ledger.record_settlement(
            debit_id=target.pk,
            credit_id=item.pk,
            amount=take,
            date=locked.date,
            user=user,
            source=locked.ref(),
        )
        left -= take
    if left > 0:
        party_ledger.settle_oldest_first(item.pk, date=locked.date, user=user, source=locked.ref())


@transaction.atomic
def post_purchase_return(doc: PurchaseReturn, *, user) -> PurchaseReturn:
    """采购退货过账: the goods out of stock at the policy cost (a linked line names its
    receipt's move: FIFO takes that layer first), the receipt lines' returned quantities,
    the credit off what we owe the supplier (settled against the receipt), and the price
    variance = credit excl. VAT − stock cost."""

    def effect(locked: PurchaseReturn) -> None:
        ensure_warehouses(user, locked.warehouse)
        lines = list(locked.lines.select_related("sku").order_by("line_no", "id"))
        receipt_lines = RECEIPT_LINE.source_lines(
            (x.source_line_id for x in lines if x.source_line_id), lock=True
        )
        header = {
            "supplier": locked.supplier,
            "warehouse": locked.warehouse,
            "reason": locked.reason,
        }
        # the draft's checks again, with the receipt lines locked: another return may have
        # been posted since
        _lines, problems = _errors(
            user,
            header,
            [
                LineInput(
                    sku=x.sku_id,
                    qty=x.qty,
                    unit=x.unit_id,
                    price=None if x.source_line_id else x.price,
                    tax_rate=x.tax_rate,
                    source_line=x.source_line_id,
                    bin=x.bin_id,
                    batch_number=x.batch_number,
                )
                for x in lines
            ],
        )
        raise_if(problems)
        origins = _receipt_moves(receipt_lines.values())
        moves = []
        for x in lines:
            origin = origins.get(x.source_line_id) if x.source_line_id else None
            batch: Any = origin.batch_id if origin is not None else None
            if batch is None and x.batch_number:
                batch = stock.ensure_batch(sku=x.sku_id, number=x.batch_number)
            moves.append(
                StockLine(
                    sku=x.sku_id,
                    warehouse=locked.warehouse_id,
                    qty=-x.base_qty,
                    reason=MoveReason.PURCHASE_RETURN,
                    date=locked.date,
                    bin=x.bin_id,
                    batch=batch,
                    origin=origin,
                    entered_qty=x.qty,
                    entered_unit=x.unit_id,
                    source_line=x.pk,
                    serials=tuple(s for s in x.serials.split() if s),
                )
            )
        made = stock.record_moves(moves, source=locked.ref(), user=user)
        for x, m in zip(lines, made, strict=True):
            x.stock_cost = -m.value
            x.price_variance = x.net_amount - x.stock_cost
            if x.source_line_id:
                PurchaseReceiptLine.objects.filter(pk=x.source_line_id).update(
                    returned_qty=F("returned_qty") + x.base_qty
                )
        write_fields(PurchaseReturnLine, lines, ["stock_cost", "price_variance"])
        locked.stock_cost = sum((x.stock_cost for x in lines), ZERO)
        locked.price_variance = locked.net_amount - locked.stock_cost
        locked.save(update_fields=["stock_cost", "price_variance"])
        if locked.total_amount:
            entries = party_ledger.record_party_entries(
                [
                    PartyLine(
                        side="payable",
                        partner_id=locked.supplier_id,
                        amount=-locked.total_amount,
                        date=locked.date,
                        due_date=locked.date,
                    )
                ],
                source=locked.ref(),
                user=user,
            )
            _settle_with_receipts(
                locked,
                [e.pk for e in entries],
                {r.document_id for r in receipt_lines.values()},
                user,
            )

    return act(doc, action="post", user=user, effect=effect)
