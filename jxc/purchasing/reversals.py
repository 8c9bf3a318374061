"""红冲 of a posted 采购退货单 and 费用分摊单: the platform's reversal — the opposite of every
stock move of the document (``reverse_moves``, linked by ``reverses``, dated the reversal's day,
never before the document's moves: ``reversal_date``), the opposite of what it changed on the
receipt lines, and the opposite of its payable — and the document reads 已红冲 with the reason.

The payable goes back through the party ledger's 红冲 (``reverse_party_entries``: each
counter-entry settled against its original) while nothing of it is settled. A return's credit is
settled against its receipt when it is posted, a landed cost may be paid: then the counter-entry
is a new entry of the same document, settled against what the original still has open, and the
rest stays open (a return reversed: we owe the supplier again; a paid charge reversed: the
supplier owes it back) — settlements are never undone, like the ledger's rows."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from jxc.core.documents.actions import act
from jxc.core.errors import EntrySettled
from jxc.finance import party_ledger
from jxc.finance.models import OpenItem, PartyLedgerEntry
from jxc.finance.rules import PartyLine
from jxc.inventory import services as stock
from jxc.inventory.documents.lifecycle import ensure_warehouses, reversal_date
from jxc.purchasing.models import LandedCost, PurchaseReceiptLine, PurchaseReturn


def _reverse_payable(locked, *, user, day: dt.date) -> None:
    """The document's party-ledger entries undone (see the module's docstring)."""
    ref = locked.ref()
    if not PartyLedgerEntry.objects.filter(source_kind=ref.kind, source_id=ref.id).exists():
        return  # nothing was owed (an amount of zero)
    try:
        party_ledger.reverse_party_entries(source=ref, user=user, date=day)
        return
    except EntrySettled:
        pass
    originals = list(
        PartyLedgerEntry.objects.filter(
            source_kind=ref.kind, source_id=ref.id, reverses__isnull=True
        ).order_by("id")
    )
    made = party_ledger.record_party_entries(
        [
            PartyLine(
                side=e.side,
                partner_id=e.supplier_id,  # type: ignore[arg-type]
                amount=-e.amount,
                date=max(day, e.date),
                due_date=max(day, e.date),
                source_line=e.source_line,
                memo=e.memo,
            )
            for e in originals
        ],
        source=ref,
        user=user,
    )
    for original, counter in zip(originals, made, strict=True):
        left = OpenItem.objects.get(pk=original.pk).open_amount
        if left:
            debit, credit = (original, counter) if original.amount > 0 else (counter, original)
            party_ledger.record_settlement(
                debit_id=debit.pk, credit_id=credit.pk, amount=abs(left), date=day,
                user=user, source=ref,
            )  # fmt: skip


@transaction.atomic
def reverse_purchase_return(
    doc: PurchaseReturn, *, user, reason: str, date: dt.date | None = None
) -> PurchaseReturn:
    """红冲采购退货: the goods back into stock as they left (the opposite moves), the receipt
    lines may take that quantity back again, and the credit comes off what we owe no more."""

    def effect(locked: PurchaseReturn) -> None:
        ensure_warehouses(user, locked.warehouse)
        day = reversal_date(locked, date)
        stock.reverse_moves(source=locked.ref(), user=user, date=day, reason=reason)
        lines = list(locked.lines.filter(source_line__isnull=False).order_by("source_line_id"))
        list(
            PurchaseReceiptLine.objects.select_for_update()
            .filter(pk__in=[x.source_line_id for x in lines])
            .order_by("pk")
        )
        for x in lines:
            PurchaseReceiptLine.objects.filter(pk=x.source_line_id).update(
                returned_qty=F("returned_qty") - x.base_qty
            )
        _reverse_payable(locked, user=user, day=day)

    return act(doc, action="reverse", user=user, reason=reason, effect=effect)


@transaction.atomic
def reverse_landed_cost(
    doc: LandedCost, *, user, reason: str, date: dt.date | None = None
) -> LandedCost:
    """红冲费用分摊: each share taken out of its goods' cost again (the opposite cost
    adjustments, dated the reversal's day), off the receipt lines' landed cost, and the
    charge no longer owed to its supplier."""

    def effect(locked: LandedCost) -> None:
        day = reversal_date(locked, date)
        stock.reverse_moves(source=locked.ref(), user=user, date=day, reason=reason)
        lines = list(locked.lines.order_by("source_line_id"))
        list(
            PurchaseReceiptLine.objects.select_for_update()
            .filter(pk__in=[x.source_line_id for x in lines])
            .order_by("pk")
        )
        for x in lines:
            if x.share:
                PurchaseReceiptLine.objects.filter(pk=x.source_line_id).update(
                    landed_cost=F("landed_cost") - x.share
                )
        _reverse_payable(locked, user=user, day=day)

    return act(doc, action="reverse", user=user, reason=reason, effect=effect)
