"""三单匹配 (reads): per order line billed by a registered 进项发票, what was ordered, received
(accepted, less what went back) and invoiced, and why they do not match (``rules.match_line``,
with the company's tolerance). Four aggregate queries whatever the number of invoices: the
order lines in question, the invoiced totals, the received totals, the invoices' numbers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Sum, When

from jxc.core import selectors as core_selectors
from jxc.core.choices import DocumentStatus
from jxc.purchasing import rules
from jxc.purchasing.choices import MismatchReason
from jxc.purchasing.models import PurchaseInvoiceLine, PurchaseOrderLine, PurchaseReceiptLine

ZERO = Decimal(0)
_QTY = DecimalField(max_digits=30, decimal_places=8)
POSTED = DocumentStatus.POSTED


@dataclass
class MatchRow:
    order_line_id: int
    order_id: int
    order_number: str
    line_no: int
    supplier_id: int
    supplier: str
    sku_id: int
    sku: str
    unit_price: Decimal  # the order's net price per base unit (a cost figure)
    ordered_qty: Decimal
    ordered_amount: Decimal
    received_qty: Decimal
    received_amount: Decimal
    invoiced_qty: Decimal
    invoiced_amount: Decimal
    difference: Decimal
    reason: str | None
    invoices: list[tuple[int, str, str]] = field(default_factory=list)  # id, number, 发票号码

    @property
    def reason_label(self) -> str:
        return str(MismatchReason(self.reason).label) if self.reason else ""

    @property
    def invoice_numbers(self) -> str:
        return ", ".join(n for _i, _n, n in self.invoices)


def invoice_match(
    *,
    supplier: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    invoice: int | None = None,
    mismatches_only: bool = True,
) -> list[MatchRow]:
    """The order lines billed by registered invoices (of a supplier, dated in a range, or one
    invoice), matched against all registered invoices of each line; by default only those
    that do not match, the largest difference first."""
    chosen = PurchaseInvoiceLine.objects.filter(document__status=POSTED)
    if supplier:
        chosen = chosen.filter(document__supplier_id=supplier)
    if date_from:
        chosen = chosen.filter(document__date__gte=date_from)
    if date_to:
        chosen = chosen.filter(document__date__lte=date_to)
    if invoice:
        chosen = chosen.filter(document_id=invoice)
    ids = chosen.values("order_line_id")
    signed = Case(
        When(value_change__lt=0, then=-F("base_qty")), default=F("base_qty"), output_field=_QTY
    )
    invoiced = {
        r["order_line_id"]: r
        for r in PurchaseInvoiceLine.objects.filter(document__status=POSTED, order_line_id__in=ids)
        .values("order_line_id")
        .annotate(qty=Sum(signed, output_field=_QTY), invoiced=Sum("value_change"))
    }
    received = dict(
        PurchaseReceiptLine.objects.filter(document__status=POSTED, source_line_id__in=ids)
        .values("source_line_id")
        .annotate(q=Sum(F("base_qty") - F("returned_qty"), output_field=_QTY))
        .values_list("source_line_id", "q")
    )
    numbers: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for line_id, doc_id, number, paper in (
        PurchaseInvoiceLine.objects.filter(document__status=POSTED, order_line_id__in=ids)
        .values_list("order_line_id", "document_id", "document__number", "document__invoice_number")
        .distinct()
        .order_by("order_line_id", "document_id")
    ):
        numbers[line_id].append((doc_id, number, paper))
    company = core_selectors.company()
    rows: list[MatchRow] = []
    for po in (
        PurchaseOrderLine.objects.filter(pk__in=invoiced)
        .select_related("document__supplier", "sku")
        .order_by("document_id", "line_no")
    ):
        inv = invoiced[po.pk]
        got = received.get(po.pk) or ZERO
        m = rules.match_line(
            ordered_qty=po.base_qty,
            received_qty=got,
            invoiced_qty=inv["qty"] or ZERO,
            invoiced_amount=inv["invoiced"] or ZERO,
            unit_price=po.unit_cost,
            tolerance=company.invoice_match_tolerance,
            tolerance_percent=company.invoice_match_tolerance_percent,
        )
        if mismatches_only and m.reason is None:
            continue
        rows.append(
            MatchRow(
                order_line_id=po.pk,
                order_id=po.document_id,
                order_number=po.document.number,
                line_no=po.line_no,
                supplier_id=po.document.supplier_id,
                supplier=str(po.document.supplier),
                sku_id=po.sku_id,
                sku=str(po.sku),
                unit_price=po.unit_cost,
                ordered_qty=po.base_qty,
                ordered_amount=m.ordered_amount,
                received_qty=got,
                received_amount=m.received_amount,
                invoiced_qty=inv["qty"] or ZERO,
                invoiced_amount=inv["invoiced"] or ZERO,
                difference=m.difference,
                reason=m.reason,
                invoices=numbers.get(po.pk, []),
            )
        )
    rows.sort(key=lambda r: (-abs(r.difference), r.order_line_id))
    return rows


def invoices_for(user):
    """进项发票 (every user who may see them sees them all: an invoice is no warehouse's)."""
    from jxc.purchasing.models import PurchaseInvoice

    return PurchaseInvoice.objects.select_related("supplier", "created_by")


__all__ = ["MatchRow", "invoice_match", "invoices_for"]
