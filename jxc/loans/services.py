"""借出单 / 借入单: drafts through the document platform, posting, 归还 in parts, 红冲.

借出 moves the goods out of the warehouse into its lent-out location (still ours, valued);
归还 brings them back. 借入 goods are the partner's: nothing reaches the stock ledger, the
loan's lines keep what is held and what went back (docs/adr/0003-loans.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.catalog.selectors import sku_facts
from jxc.core.documents.actions import act, ensure_period_open, raise_if, take_action, write_fields
from jxc.core.documents.lines import LineInput, SkuFacts
from jxc.core.documents.lots import Lot, issue_lots
from jxc.core.documents.services import create_document, update_document
from jxc.core.errors import LoanPartlyReturned, SerialTrackedNotLendable, ValidationFailed
from jxc.inventory import services as stock
from jxc.inventory.choices import WarehouseKind
from jxc.inventory.documents.lifecycle import (
    available_lots,
    batches_by_number,
    bin_errors,
    ensure_warehouses,
    reversal_date,
)
from jxc.inventory.documents.rules import PostLine
from jxc.inventory.models import Warehouse
from jxc.loans import rules
from jxc.loans.models import Loan, LoanOut

L = TypeVar("L", bound=Loan)


def _errors(user, header: Mapping[str, Any], lines: Sequence[LineInput] | None) -> dict:
    warehouse: Warehouse = header["warehouse"]
    ensure_warehouses(user, warehouse)
    errors: dict[str, list[str]] = {}
    if (header.get("customer") is None) == (header.get("supplier") is None):
        errors["customer"] = [str(_("Select a customer or a supplier."))]
    if warehouse.kind == WarehouseKind.LENT or not warehouse.is_active:
        errors["warehouse"] = [str(ValidationFailed.default_message)]
    due = header.get("due_date")
    if due is not None and due < header["date"]:
        errors["due_date"] = [str(_("The due date is before the business date."))]
    errors.update(bin_errors(lines or [], warehouse))
    return errors


def refuse_serial_tracked(skus: Sequence[int], facts: Mapping[int, SkuFacts]) -> None:
    """A loan records no serial numbers, so a serial-tracked SKU is refused with its own code
    (``serial_tracked_not_lendable``) rather than lent without them (docs/adr/0004)."""
    for i, sku in enumerate(skus):
        found = facts.get(sku)
        if found is not None and found.serial_tracked:
            raise SerialTrackedNotLendable(field=f"lines.{i}.sku", sku=found.label)


def create_loan(model: type[L], *, user, lines: Sequence[LineInput], **header: Any) -> L:
    """新建借出单 / 借入单 (a draft): warehouse, date, customer or supplier, due date, memo."""
    header.setdefault("memo", "")
    facts = sku_facts(x.sku for x in lines)
    refuse_serial_tracked([x.sku for x in lines], facts)
    return create_document(
        model,
        user=user,
        header=header,
        lines=lines,
        facts=facts,
        errors=_errors(user, header, lines),
    )


def update_loan(doc: L, *, user, lines: Sequence[LineInput] | None = None, **header: Any) -> L:
    """修改草稿: the header fields given and, when ``lines`` is given, all lines."""
    merged = {k: getattr(doc, k) for k in ("warehouse", "customer", "supplier", "date", "due_date")}
    merged.update(header)
    facts = sku_facts(x.sku for x in lines or [])
    refuse_serial_tracked([x.sku for x in lines or []], facts)
    return update_document(
        doc,
        user=user,
        header=header,
        lines=lines,
        facts=facts,
        errors=_errors(user, merged, lines),
    )


def _post_lines(lines, lots: dict[int, list[Lot]], known: dict) -> list[PostLine]:
    """The lines with the lots they take (the named bin / batch, else 先到期先出)."""
    return [
        PostLine(
            id=x.pk,
            sku=x.sku_id,
            qty=x.qty,
            base_qty=qty,
            unit=x.unit_id,
            lots=issue_lots(
                qty=qty,
                sku_id=x.sku_id,
                bin_id=x.bin_id if bins else None,
                batch_id=known.get((x.sku_id, x.batch_number.strip())) if bins else None,
                serials=(),
                pool=lots,
            ),
        )
        for x, qty, bins in lines
    ]


@transaction.atomic
def post_loan(doc: L, *, user) -> L:
    """过账: 借出 takes the goods out of the warehouse into its lent-out location; 借入 records
    the goods held for the partner (nothing in our stock)."""

    def effect(locked: Loan) -> None:
        ensure_warehouses(user, locked.warehouse)
        lines = list(locked.lines.all())
        # a SKU may have become serial-tracked since the draft was saved
        refuse_serial_tracked([x.sku_id for x in lines], sku_facts(x.sku_id for x in lines))
        if not isinstance(locked, LoanOut):
            return
        known = batches_by_number((x.sku_id, x.batch_number) for x in lines)
        lots = available_lots(locked.warehouse_id, {x.sku_id for x in lines})
        moves = rules.lending_lines(
            warehouse=locked.warehouse_id,
            lent_location=stock.lent_location(locked.warehouse).pk,
            date=locked.date,
            lines=_post_lines([(x, x.base_qty, True) for x in lines], lots, known),
        )
        stock.record_moves(moves, source=locked.ref(), user=user)

    return act(doc, action="post", user=user, effect=effect)


@transaction.atomic
def return_loan(
    doc: L, *, user, quantities: Mapping[int, Decimal] | None = None, date: dt.date | None = None
) -> L:
    """归还: what came back, per line (id → base quantity; None = everything still out). 借出:
    from the lent-out location into the warehouse. When nothing is out the loan is done."""
    day = date or max(timezone.localdate(), doc.date)
    if day < doc.date:
        raise ValidationFailed({"date": [str(_("A return cannot be dated before the loan."))]})
    ensure_period_open(day)

    def effect(locked: Loan) -> None:
        ensure_warehouses(user, locked.warehouse)
        lines = {x.pk: x for x in locked.lines.all()}
        open_qty = {k: x.open_qty for k, x in lines.items()}
        wanted = (
            {k: q for k, q in open_qty.items() if q > 0}
            if quantities is None
            else {int(k): Decimal(v) for k, v in quantities.items() if Decimal(v) != 0}
        )
        raise_if(rules.return_errors(open_qty, wanted))
        if isinstance(locked, LoanOut):
            place = stock.lent_location(locked.warehouse)
            lots = available_lots(place.pk, {lines[k].sku_id for k in wanted})
            moves = rules.return_lines(
                warehouse=locked.warehouse_id,
                lent_location=place.pk,
                date=day,
                lines=_post_lines([(lines[k], q, False) for k, q in wanted.items()], lots, {}),
                bins={k: lines[k].bin_id for k in wanted},
            )
            stock.record_moves(moves, source=locked.ref(), user=user)
        for k, q in wanted.items():
            lines[k].returned_qty += q
        write_fields(type(lines[next(iter(wanted))]), [lines[k] for k in wanted], ["returned_qty"])

    doc = act(doc, action="return", user=user, effect=effect)
    if all(x.open_qty == 0 for x in doc.lines.all()):
        doc = take_action(doc, action="close", user=user, check_permission=False)
    return doc


@transaction.atomic
def reverse_loan(doc: L, *, user, reason: str, date: dt.date | None = None) -> L:
    """红冲 a loan nothing has come back of: 借出 goods return to the warehouse exactly."""

    def effect(locked: Loan) -> None:
        if any(x.returned_qty for x in locked.lines.all()):
            raise LoanPartlyReturned(number=locked.number)
        day = reversal_date(locked, date)
        if isinstance(locked, LoanOut):
            stock.reverse_moves(source=locked.ref(), user=user, date=day, reason=reason)
        locked.reversal_date = day
        locked.save(update_fields=["reversal_date"])

    return act(doc, action="reverse", user=user, reason=reason, effect=effect)
