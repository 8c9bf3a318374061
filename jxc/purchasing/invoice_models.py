"""进项发票: the record of a supplier's VAT invoice — its number (unique per supplier), date,
amount excl. VAT and VAT — and the receipt lines it bills (a negative amount: a credit for
goods returned, 红字发票). A record only: the receipt made the payable, the invoice changes it
not. Its lines feed the three-way match order ↔ receipt ↔ invoice (``jxc.purchasing.matching``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jxc.core.choices import DocumentStatus
from jxc.core.documents.models import Document, DocumentLine
from jxc.core.fields import MoneyField
from jxc.core.visibility import COST, mark
from jxc.purchasing.choices import PURCHASE_INVOICE


class PurchaseInvoice(Document):
    """进项发票 of one supplier: what the paper says (number, date, amount, VAT)."""

    TYPE = PURCHASE_INVOICE

    supplier = models.ForeignKey(
        "partners.Supplier", on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier")
    )
    invoice_number = models.CharField(_("invoice number"), max_length=40)
    amount = mark(MoneyField(_("amount excl. VAT")), COST)
    tax_amount = mark(MoneyField(_("VAT")), COST)
    total_amount = mark(MoneyField(_("total incl. VAT")), COST)
    lines: Any

    class Meta(Document.Meta):
        verbose_name = _("supplier invoice")
        verbose_name_plural = _("supplier invoices")
        constraints = [
            *Document.Meta.constraints,
            # a voided record frees its number (typed wrong, typed again)
            models.UniqueConstraint(
                fields=["supplier", "invoice_number"],
                condition=~Q(status=DocumentStatus.VOID),
                name="purchase_invoice_number_unique",
            ),
            models.CheckConstraint(
                condition=~Q(invoice_number=""), name="purchase_invoice_number_not_blank"
            ),
        ]


class PurchaseInvoiceLine(DocumentLine):
    """One receipt line billed: the invoiced base quantity and amount excl. VAT (negative: a
    credit for returned goods; the quantity then counts as negative too). ``order_line`` is the
    receipt line's order line, kept here so the match groups by it in one query. A return made
    without a receipt line (unlinked, with its reason) is credited by a line naming that
    ``return_line`` instead: a negative amount outside the three-way match (no order line)."""

    document = models.ForeignKey(PurchaseInvoice, on_delete=models.CASCADE, related_name="lines")
    source_line = models.ForeignKey(
        "purchasing.PurchaseReceiptLine",
        on_delete=models.PROTECT,
        null=True,  # a credit for an unlinked return names its return line
        blank=True,
        related_name="invoice_lines",
        verbose_name=_("receipt line"),
    )
    return_line = models.ForeignKey(
        "purchasing.PurchaseReturnLine",
        on_delete=models.PROTECT,
        null=True,  # set right after the line is written, like the order line
        blank=True,
        related_name="invoice_lines",
        verbose_name=_("return line"),
    )
    order_line = models.ForeignKey(
        "purchasing.PurchaseOrderLine",
        on_delete=models.PROTECT,
        null=True,  # set from the receipt line right after the line is written
        related_name="invoice_lines",
        verbose_name=_("order line"),
    )
    value_change = mark(MoneyField(_("invoiced amount excl. VAT")), COST)

    class Meta(DocumentLine.Meta):
        verbose_name = _("supplier invoice line")
        verbose_name_plural = _("supplier invoice lines")
        constraints = [
            models.CheckConstraint(
                condition=~Q(value_change=0), name="purchase_invoice_line_amount_not_0"
            ),
            # a line without a receipt line can only be a credit (an unlinked return)
            models.CheckConstraint(
                condition=Q(source_line__isnull=False) | Q(value_change__lt=0),
                name="purchase_invoice_line_billed_needs_receipt",
            ),
        ]

    @property
    def amount(self):
        return self.value_change

    @property
    def source_label(self) -> str:
        line = self.source_line or self.return_line
        return f"{line.document.number} #{line.line_no}" if line is not None else ""
