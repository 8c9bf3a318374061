"""采购退货单: goods sent back to a supplier, each line against a posted receipt line (or
unlinked, with the return's reason). Posted, the goods leave stock at the policy cost and the
credit (at the receipt's price) is taken off what we owe; credit excl. VAT − stock cost is the
purchase price variance (进货价差)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jxc.core.documents.models import Document, DocumentLine
from jxc.core.fields import MoneyField, UnitCostField
from jxc.core.visibility import COST, mark
from jxc.purchasing.choices import PURCHASE_RETURN


class PurchaseReturn(Document):
    """采购退货单: what goes back to one supplier from one warehouse."""

    TYPE = PURCHASE_RETURN

    supplier = models.ForeignKey(
        "partners.Supplier", on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier")
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("warehouse"),
    )
    prices_include_tax = models.BooleanField(_("prices include VAT"), default=True)
    reason = models.CharField(_("return reason"), max_length=200, blank=True)
    net_amount = mark(MoneyField(_("amount excl. VAT")), COST)
    tax_amount = mark(MoneyField(_("VAT")), COST)
    total_amount = mark(MoneyField(_("total incl. VAT")), COST)
    stock_cost = mark(MoneyField(_("stock cost")), COST)
    price_variance = mark(MoneyField(_("price variance")), COST)
    lines: Any

    class Meta(Document.Meta):
        verbose_name = _("purchase return")
        verbose_name_plural = _("purchase returns")
        indexes = [models.Index(fields=["supplier", "date"], name="return_supplier_date_idx")]


class PurchaseReturnLine(DocumentLine):
    """One line going back: ``source_line`` the receipt line it returns (None: unlinked, the
    return's reason says why); the price per entered unit (linked: the receipt's)."""

    document = models.ForeignKey(PurchaseReturn, on_delete=models.CASCADE, related_name="lines")
    source_line = models.ForeignKey(
        "purchasing.PurchaseReceiptLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_lines",
        verbose_name=_("receipt line"),
    )
    bin = models.ForeignKey(
        "inventory.Bin",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bin"),
    )
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True)
    serials = models.TextField(_("serial numbers"), blank=True)
    price = mark(UnitCostField(_("price"), null=True, blank=True), COST)
    tax_rate = models.DecimalField(
        _("VAT rate %"), max_digits=5, decimal_places=2, default=Decimal(13)
    )
    net_amount = mark(MoneyField(_("amount excl. VAT")), COST)
    tax_amount = mark(MoneyField(_("VAT")), COST)
    gross_amount = mark(MoneyField(_("total incl. VAT")), COST)
    stock_cost = mark(MoneyField(_("stock cost")), COST)
    price_variance = mark(MoneyField(_("price variance")), COST)

    class Meta(DocumentLine.Meta):
        verbose_name = _("purchase return line")
        verbose_name_plural = _("purchase return lines")
        constraints = [
            models.CheckConstraint(condition=Q(qty__gt=0), name="return_line_qty_gt_0"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="return_line_tax_rate"
            ),
        ]

    @property
    def source_label(self) -> str:
        line = self.source_line
        return f"{line.document.number} #{line.line_no}" if line is not None else ""
