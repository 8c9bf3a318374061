"""供应商绩效 (reads): per supplier over a date range — on-time rate (receipt lines received on or
before their order line's promised date ÷ receipt lines whose order line has one), fill rate
(accepted ÷ ordered on order lines that are closed, completed or past their promised date),
QC reject rate (rejected ÷ arrived) — and the last purchase prices of each SKU. Aggregate
queries (one per figure family), never a loop over the documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Window
from django.db.models.functions import Least, RowNumber
from django.utils import timezone

from jxc.core.choices import DocumentStatus
from jxc.partners.models import Supplier
from jxc.purchasing.models import PurchaseOrderLine, PurchaseReceiptLine

ZERO = Decimal(0)
HUNDRED = Decimal(100)
_QTY = DecimalField(max_digits=30, decimal_places=8)
S = DocumentStatus


def rate(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part ÷ whole in per cent, one decimal (None when there is nothing to measure)."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class Performance:
    supplier_id: int
    code: str
    name: str
    receipt_lines: int = 0  # with a promised date
    on_time_lines: int = 0
    ordered_qty: Decimal = ZERO  # on closed or past-due order lines
    filled_qty: Decimal = ZERO
    arrived_qty: Decimal = ZERO
    rejected_qty: Decimal = ZERO

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time_lines, self.receipt_lines)

    @property
    def fill_rate(self) -> Decimal | None:
        return rate(self.filled_qty, self.ordered_qty)

    @property
    def reject_rate(self) -> Decimal | None:
        return rate(self.rejected_qty, self.arrived_qty)


def supplier_performance(
    *,
    date_from: dt.date,
    date_to: dt.date,
    supplier: int | None = None,
    today: dt.date | None = None,
) -> list[Performance]:
    """The suppliers with receipts or measured order lines dated in the range, by code."""
    today = today or timezone.localdate()
    received = PurchaseReceiptLine.objects.filter(
        document__status=S.POSTED, document__date__gte=date_from, document__date__lte=date_to
    )
    ordered = PurchaseOrderLine.objects.filter(
        document__status__in=(S.APPROVED, S.DONE, S.CLOSED),
        document__date__gte=date_from,
        document__date__lte=date_to,
    ).filter(Q(document__status__in=(S.DONE, S.CLOSED)) | Q(promised_date__lt=today))
    if supplier:
        received = received.filter(document__supplier_id=supplier)
        ordered = ordered.filter(document__supplier_id=supplier)
    rejected = ExpressionWrapper(F("rejected_qty") * F("factor"), output_field=_QTY)
    found: dict[int, Performance] = {}

    def row(pk: int) -> Performance:
        return found.setdefault(pk, Performance(supplier_id=pk, code="", name=""))

    for r in received.values("document__supplier_id").annotate(
        lines=Count("id", filter=Q(source_line__promised_date__isnull=False)),
        on_time=Count("id", filter=Q(document__date__lte=F("source_line__promised_date"))),
        accepted=Sum("base_qty"),
        rejected=Sum(rejected),
    ):
        p = row(r["document__supplier_id"])
        p.receipt_lines, p.on_time_lines = r["lines"], r["on_time"]
        p.rejected_qty = r["rejected"] or ZERO
        p.arrived_qty = (r["accepted"] or ZERO) + p.rejected_qty
    for o in ordered.values("document__supplier_id").annotate(
        qty=Sum("base_qty"),
        filled=Sum(Least(F("received_qty"), F("base_qty")), output_field=_QTY),
    ):
        p = row(o["document__supplier_id"])
        p.ordered_qty, p.filled_qty = o["qty"] or ZERO, o["filled"] or ZERO
    for s in Supplier.objects.filter(pk__in=found).only("pk", "code", "name"):
        found[s.pk].code, found[s.pk].name = s.code, s.name
    return sorted(found.values(), key=lambda p: (p.code, p.supplier_id))


@dataclass(frozen=True)
class PricePoint:
    sku_id: int
    sku: str
    date: dt.date
    number: str
    qty: Decimal
    unit_cost: Decimal  # price excl. VAT per base unit (a cost figure)


def price_trend(
    *,
    supplier: int,
    last: int = 5,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[PricePoint]:
    """The last ``last`` purchase prices (posted receipt lines, excl. VAT per base unit) of
    each SKU bought from the supplier, newest first per SKU: one windowed query."""
    qs = PurchaseReceiptLine.objects.filter(
        document__status=S.POSTED, document__supplier_id=supplier
    )
    if date_from:
        qs = qs.filter(document__date__gte=date_from)
    if date_to:
        qs = qs.filter(document__date__lte=date_to)
    qs = (
        qs.annotate(
            n=Window(
                RowNumber(),
                partition_by=[F("sku_id")],
                order_by=[F("document__date").desc(), F("id").desc()],
            )
        )
        .filter(n__lte=last)
        .select_related("sku", "document")
        .order_by("sku__code", "-document__date", "-id")
    )
    return [
        PricePoint(
            sku_id=x.sku_id,
            sku=str(x.sku),
            date=x.document.date,
            number=x.document.number,
            qty=x.base_qty,
            unit_cost=x.unit_cost,
        )
        for x in qs
    ]
