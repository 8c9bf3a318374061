"""费用分摊单 writes: drafts over posted receipt lines, and posting — the charge spread by value,
quantity or weight (rules.allocate_charge), each share a cost adjustment of its goods dated the
receipt's day through the ledger's writer (which re-costs the issues made since: inside the
posting, or as a background 成本重算 job when there are many), the receipt lines' landed cost,
and the charge with its VAT a payable to the charge's supplier."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.catalog.models import Sku
from jxc.catalog.selectors import sku_facts
from jxc.core.choices import DocumentStatus
from jxc.core.documents import actions
from jxc.core.documents.actions import act, raise_if, write_fields
from jxc.core.documents.calendar import lock_date
from jxc.core.documents.lines import LineInput
from jxc.core.documents.services import create_document, update_document
from jxc.core.fields import size_error
from jxc.core.numbers import MONEY_PLACES
from jxc.finance import party_ledger
from jxc.finance.rules import PartyLine, due_date_for
from jxc.inventory import services as stock
from jxc.inventory.choices import MoveReason
from jxc.inventory.ledger.types import StockLine
from jxc.purchasing import rules
from jxc.purchasing.choices import AllocationMethod
from jxc.purchasing.models import LandedCost, LandedCostLine, PurchaseReceipt, PurchaseReceiptLine

ZERO = Decimal(0)


def _header_errors(header: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not header["supplier"].is_active:
        errors["supplier"] = [_("The supplier is inactive.")]
    for name in ("amount", "tax_amount"):
        value = header.get(name) or ZERO
        if value < 0:
            errors[name] = [_("Enter an amount of zero or more.")]
        elif (problem := size_error(value, MONEY_PLACES)) is not None:
            errors[name] = [problem]
    return errors


def _checked(lines: Sequence[LineInput]) -> tuple[list[LineInput], dict[str, list[str]]]:
    """Each line names a posted receipt line (once): its SKU and base quantity."""
    found = {
        x.pk: x
        for x in PurchaseReceiptLine.objects.select_related("document").filter(
            pk__in={x.source_line for x in lines if x.source_line}
        )
    }
    out: list[LineInput] = []
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for i, x in enumerate(lines):
        r = found.get(x.source_line or 0)
        if r is None or r.document.status != DocumentStatus.POSTED:
            errors.setdefault(f"lines.{i}.source_line", []).append(
                _("Select a line of a posted purchase receipt.")
            )
            out.append(x)
            continue
        if r.pk in seen:
            errors.setdefault(f"lines.{i}.source_line", []).append(
                _("%(number)s line %(line)s appears twice.")
                % {"number": r.document.number, "line": r.line_no}
            )
        seen.add(r.pk)
        out.append(
            dataclasses.replace(x, sku=r.sku_id, qty=r.base_qty, unit=None, source_line=r.pk)
        )
    return out, errors


def _write_shares(doc: LandedCost) -> LandedCost:
    """Each line's share of the charge (by the receipt line's value excl. VAT, its base
    quantity or its weight); a basis all zero leaves the shares at zero (posting refuses)."""
    lines = list(doc.lines.select_related("source_line", "sku"))
    bases = [_basis(doc.method, x) for x in lines]
    try:
        shares = rules.allocate_charge(doc.amount, bases)
    except ValueError:
        shares = [ZERO] * len(lines)
    for x, share in zip(lines, shares, strict=True):
        x.share = share
    write_fields(LandedCostLine, lines, ["share"])
    doc.total_amount = doc.amount + doc.tax_amount
    doc.save(update_fields=["total_amount"])
    return doc


def _basis(method: str, x: LandedCostLine) -> Decimal:
    if method == AllocationMethod.VALUE:
        return x.source_line.net_amount
    if method == AllocationMethod.WEIGHT:
        return x.source_line.base_qty * x.sku.weight
    return x.source_line.base_qty


@transaction.atomic
def create_landed_cost(
    model: type[LandedCost] = LandedCost, *, user, lines: Sequence[LineInput], **header: Any
) -> LandedCost:
    """新建费用分摊单 (a draft): the charge's supplier, date, kind, allocation method, amount
    excl. VAT and VAT; lines naming the posted receipt lines it is spread over."""
    header.setdefault("memo", "")
    errors = _header_errors(header)
    lines, line_errors = _checked(lines)
    doc = create_document(
        model,
        user=user,
        header=header,
        lines=lines,
        facts=sku_facts(x.sku for x in lines),
        errors={**errors, **line_errors},
    )
    return _write_shares(doc)


@transaction.atomic
def update_landed_cost(
    doc: LandedCost, *, user, lines: Sequence[LineInput] | None = None, **header: Any
) -> LandedCost:
    """修改草稿."""
    merged = {k: getattr(doc, k) for k in ("supplier", "amount", "tax_amount")}
    merged.update(header)
    errors = _header_errors(merged)
    line_errors: dict[str, list[str]] = {}
    if lines is not None:
        lines, line_errors = _checked(lines)
    doc = update_document(
        doc,
        user=user,
        header=header,
        lines=lines,
        facts=sku_facts(x.sku for x in lines or []),
        errors={**errors, **line_errors},
    )
    return _write_shares(doc)


def receipt_lines_of(receipts: Sequence[PurchaseReceipt]) -> list[LineInput]:
    return [
        LineInput(sku=x.sku_id, qty=x.base_qty, source_line=x.pk)
        for r in receipts
        for x in r.lines.order_by("line_no", "id")
    ]


@transaction.atomic
def allocate_to_receipts(
    receipts: Sequence[PurchaseReceipt], *, user, date=None, **header: Any
) -> LandedCost:
    """费用分摊 from receipts: a draft spread over every line of these posted receipts (the
    charge's supplier defaults to the first receipt's)."""
    header.setdefault("supplier", receipts[0].supplier)
    return create_landed_cost(
        user=user,
        date=date or max(timezone.localdate(), *(r.date for r in receipts)),
        lines=receipt_lines_of(receipts),
        **header,
    )


@transaction.atomic
def add_receipts(doc: LandedCost, receipts: Sequence[PurchaseReceipt], *, user) -> LandedCost:
    """Spread a draft over these receipts' lines too."""
    have = [
        LineInput(sku=x.sku_id, qty=x.qty, source_line=x.source_line_id, memo=x.memo)
        for x in doc.lines.order_by("line_no", "id")
    ]
    known = {x.source_line for x in have}
    more = [x for x in receipt_lines_of(receipts) if x.source_line not in known]
    return update_landed_cost(doc, user=user, lines=[*have, *more])


def _ready(doc: LandedCost) -> None:
    """What a landed cost needs before review and posting: an amount, and a basis to spread
    it by (weight: the SKUs' weights)."""
    errors: dict[str, list[str]] = {}
    if doc.amount <= 0:
        errors["amount"] = [_("Enter an amount above zero.")]
    lines = list(doc.lines.select_related("source_line", "sku"))
    if lines and sum((_basis(doc.method, x) for x in lines), ZERO) <= 0:
        if doc.method == AllocationMethod.WEIGHT:
            names = ", ".join(sorted({x.sku.code for x in lines if not x.sku.weight}))
            errors["method"] = [
                _("Enter the weight of %(skus)s to allocate by weight.") % {"skus": names}
            ]
        else:
            errors["method"] = [_("The receipt lines have nothing to allocate by.")]
    raise_if(errors)


def submit_landed_cost(doc: LandedCost, *, user) -> LandedCost:
    """提交: with an amount and a basis to spread it by."""
    return actions.submit(doc, user=user, check=_ready)


@transaction.atomic
def post_landed_cost(doc: LandedCost, *, user) -> LandedCost:
    """费用分摊过账: each line's share into the cost of its receipt's goods (a cost adjustment
    of the pool dated the receipt's day, or the landed cost's own when that month is closed;
    the ledger re-costs what was issued since), added to the receipt lines' landed cost; the
    charge with VAT owed to its supplier."""

    def effect(locked: LandedCost) -> None:
        _ready(locked)
        _write_shares(locked)
        closed = lock_date()
        lines = list(
            locked.lines.select_related("source_line", "source_line__document").order_by(
                "line_no", "id"
            )
        )
        problems = _checked(
            [LineInput(sku=x.sku_id, qty=x.qty, source_line=x.source_line_id) for x in lines]
        )[1]
        raise_if(problems)
        moves = []
        for x in lines:
            if not x.share:
                continue
            receipt = x.source_line.document
            day = receipt.date if closed is None or receipt.date > closed else locked.date
            moves.append(
                StockLine(
                    sku=x.sku_id,
                    warehouse=receipt.warehouse_id,
                    qty=ZERO,
                    reason=MoveReason.COST_ADJUSTMENT,
                    date=day,
                    value=x.share,
                    source_line=x.pk,
                )
            )
        stock.record_moves(moves, source=locked.ref(), user=user)
        for x in lines:
            PurchaseReceiptLine.objects.filter(pk=x.source_line_id).update(
                landed_cost=F("landed_cost") + x.share
            )
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
            )
        locked.due_date = due
        locked.save(update_fields=["due_date"])

    return act(doc, action="post", user=user, effect=effect)


def weights_missing(doc: LandedCost) -> list[Sku]:
    """The SKUs of a landed cost without a weight (for the screen's hint)."""
    return [x.sku for x in doc.lines.select_related("sku") if not x.sku.weight]
