"""红冲 of a posted 采购退货单 and 费用分摊单: the platform's reversal — the opposite of every
stock move of the document (``reverse_moves``, linked by ``reverses``, dated the reversal's day,
never before the document's moves: ``reversal_date``), the opposite of what it changed on the
receipt lines, and the opposite of its payable — and the document reads 已红冲 with the reason.

The payable goes back through the party ledger's ``undo_party_entries``: a return's credit is
settled against its receipt when it is posted, a landed cost may be paid — settlements are never
undone, so what the original had settled stays open on the counter-entry (a return reversed: we
owe the supplier again; a paid charge reversed: the supplier owes it back)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from jxc.core.documents.actions import act
from jxc.finance import party_ledger
from jxc.inventory import services as stock
from jxc.inventory.documents.lifecycle import ensure_warehouses, reversal_date
from jxc.purchasing.models import LandedCost, PurchaseReceiptLine, PurchaseReturn


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
        party_ledger.undo_party_entries(source=locked.ref(), user=user, date=day)

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
        party_ledger.undo_party_entries(source=locked.ref(), user=user, date=day)

    return act(doc, action="reverse", user=user, reason=reason, effect=effect)
