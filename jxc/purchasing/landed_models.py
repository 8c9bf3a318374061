"""费用分摊单: a freight, duty or other charge from any supplier spread over the lines of one or
more posted receipts by value, quantity or weight. Posted, each share raises the cost of its
receipt's goods (a cost adjustment dated the receipt's day: the ledger re-costs the issues made
since) and the charge is a payable to its supplier."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jxc.core.documents.models import Document, DocumentLine
from jxc.core.fields import MoneyField, choices_check
from jxc.core.visibility import COST, mark
from jxc.purchasing.choices import LANDED_COST, AllocationMethod, ChargeKind


class LandedCost(Document):
    """费用分摊单: the charge (excl. VAT, what goes into the goods' cost) and its VAT."""

    TYPE = LANDED_COST

    supplier = models.ForeignKey(
        "partners.Supplier", on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier")
    )
    charge_kind = models.CharField(
        _("charge"), max_length=10, choices=ChargeKind.choices, default=ChargeKind.FREIGHT
    )
    method = models.CharField(
        _("allocation"),
        max_length=10,
        choices=AllocationMethod.choices,
        default=AllocationMethod.VALUE,
    )
    amount = mark(MoneyField(_("amount excl. VAT")), COST)
    tax_amount = mark(MoneyField(_("VAT")), COST)
    total_amount = mark(MoneyField(_("total incl. VAT")), COST)
    due_date = models.DateField(_("payment due date"), null=True, blank=True)
    lines: Any

    class Meta(Document.Meta):
        verbose_name = _("landed cost")
        verbose_name_plural = _("landed costs")
        constraints = [
            *Document.Meta.constraints,
            models.CheckConstraint(
                condition=Q(amount__gte=0, tax_amount__gte=0), name="landed_cost_amounts_gte_0"
            ),
            choices_check("charge_kind", ChargeKind.values, name="landed_cost_kind_valid"),
            choices_check("method", AllocationMethod.values, name="landed_cost_method_valid"),
        ]


class LandedCostLine(DocumentLine):
    """One receipt line the charge is spread over (its base quantity) and its share."""

    document = models.ForeignKey(LandedCost, on_delete=models.CASCADE, related_name="lines")
    source_line = models.ForeignKey(
        "purchasing.PurchaseReceiptLine",
        on_delete=models.PROTECT,
        related_name="landed_cost_lines",
        verbose_name=_("receipt line"),
    )
    share = mark(MoneyField(_("allocated")), COST)

    class Meta(DocumentLine.Meta):
        verbose_name = _("landed cost line")
        verbose_name_plural = _("landed cost lines")
        constraints = [
            models.CheckConstraint(condition=Q(share__gte=0), name="landed_cost_share_gte_0")
        ]

    @property
    def source_label(self) -> str:
        line = self.source_line
        return f"{line.document.number} #{line.line_no}" if line is not None else ""
