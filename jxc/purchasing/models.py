"""采购: the supplier price list, the last price paid per supplier and SKU, and 采购订单 with its
lines. Every purchase price and amount is a cost figure (hidden without ``cost.view``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jxc.core.documents.models import Document, DocumentLine
from jxc.core.fields import MoneyField, QuantityField, UnitCostField
from jxc.core.visibility import COST, mark
from jxc.purchasing.choices import PURCHASE_ORDER, PURCHASE_RECEIPT


def _rate(verbose_name, **kw) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, **kw)


class SupplierPrice(models.Model):
    """供应商价目表: what a supplier charges for a SKU in a unit, from a date (to a date)."""

    supplier = models.ForeignKey(
        "partners.Supplier", on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier")
    )
    sku = models.ForeignKey(
        "catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU")
    )
    unit = models.ForeignKey(
        "catalog.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    price = mark(UnitCostField(_("price")), COST)
    includes_tax = models.BooleanField(_("price includes VAT"), default=True)
    tax_rate = _rate(_("VAT rate %"), default=Decimal(13))
    moq = QuantityField(_("minimum order quantity"))
    pack_multiple = QuantityField(_("pack multiple"))
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), default=0)
    valid_from = models.DateField(_("valid from"), default=dt.date.today)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["supplier_id", "sku_id", "-valid_from"]
        verbose_name = _("supplier price")
        verbose_name_plural = _("supplier prices")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "sku", "unit", "valid_from"], name="supplier_price_unique"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="supplier_price_gt_0"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="supplier_price_tax_rate"
            ),
            models.CheckConstraint(
                condition=Q(moq__gte=0, pack_multiple__gte=0), name="supplier_price_moq_pack_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="supplier_price_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} {self.sku} {self.unit}"


class LastPurchasePrice(models.Model):
    """最近进价 per supplier and SKU: the price of the last approved order line."""

    supplier = models.ForeignKey("partners.Supplier", on_delete=models.PROTECT, related_name="+")
    sku = models.ForeignKey("catalog.Sku", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("catalog.Unit", on_delete=models.PROTECT, related_name="+")
    price = mark(UnitCostField(_("last price")), COST)
    includes_tax = models.BooleanField(default=True)
    tax_rate = _rate(_("VAT rate %"), default=Decimal(13))
    date = models.DateField(_("business date"))
    source_number = models.CharField(_("document"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("last purchase price")
        verbose_name_plural = _("last purchase prices")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "sku"], name="last_price_one_per_pair"),
            models.CheckConstraint(condition=Q(price__gt=0), name="last_price_gt_0"),
        ]


class PurchaseOrder(Document):
    """采购订单: what we asked a supplier for, into which warehouse; approved, its open
    quantities are on order (在途)."""

    TYPE = PURCHASE_ORDER

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
    net_amount = mark(MoneyField(_("amount excl. VAT")), COST)
    tax_amount = mark(MoneyField(_("VAT")), COST)
    total_amount = mark(MoneyField(_("total incl. VAT")), COST)
    lines: Any

    class Meta(Document.Meta):
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        indexes = [models.Index(fields=["supplier", "date"], name="po_supplier_date_idx")]


class PurchaseOrderLine(DocumentLine):
    document = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    price = mark(UnitCostField(_("price")), COST)
    tax_rate = _rate(_("VAT rate %"), default=Decimal(13))
    discount_rate = _rate(_("discount %"), default=Decimal(0))
    promised_date = models.DateField(_("promised date"), null=True, blank=True)
    net_amount = mark(MoneyField(_("amount excl. VAT")), COST)
    tax_amount = mark(MoneyField(_("VAT")), COST)
    gross_amount = mark(MoneyField(_("total incl. VAT")), COST)
    unit_cost = mark(UnitCostField(_("unit cost excl. VAT")), COST)
    received_qty = QuantityField(_("received"))

    class Meta(DocumentLine.Meta):
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(qty__gt=0, price__gt=0), name="po_line_qty_price_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="po_line_tax_rate"
            ),
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0, discount_rate__lt=100), name="po_line_discount"
            ),
            models.CheckConstraint(condition=Q(received_qty__gte=0), name="po_line_received_gte_0"),
        ]

    @property
    def open_qty(self) -> Decimal:
        """Ordered and not received yet, in the base unit (never below zero: a receipt may
        take in a little more within the tolerance)."""
        return max(self.base_qty - self.received_qty, Decimal(0))


class PurchaseReceipt(Document):
    """采购入库单: what arrived from one supplier against its approved orders (several orders
    allowed); posted, the accepted goods go into stock at the order price excl. VAT and the
    amount with VAT becomes a payable."""

    TYPE = PURCHASE_RECEIPT

    supplier = models.ForeignKey(
        "partners.Supplier", on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier")
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("warehouse"),
    )
    net_amount = mark(MoneyField(_("amount excl. VAT")), COST)
    tax_amount = mark(MoneyField(_("VAT")), COST)
    total_amount = mark(MoneyField(_("total incl. VAT")), COST)
    due_date = models.DateField(_("payment due date"), null=True, blank=True)
    lines: Any

    class Meta(Document.Meta):
        verbose_name = _("purchase receipt")
        verbose_name_plural = _("purchase receipts")
        indexes = [models.Index(fields=["supplier", "date"], name="receipt_supplier_date_idx")]


class PurchaseReceiptLine(DocumentLine):
    """One order line's arrival: ``qty`` accepted (in ``unit``), ``rejected_qty`` sent back at
    inspection with its reason; arrived = accepted + rejected."""

    document = models.ForeignKey(PurchaseReceipt, on_delete=models.CASCADE, related_name="lines")
    source_line = models.ForeignKey(
        PurchaseOrderLine,
        on_delete=models.PROTECT,
        related_name="receipt_lines",
        verbose_name=_("order line"),
    )
    rejected_qty = QuantityField(_("rejected"))
    reject_reason = models.CharField(_("reject reason"), max_length=200, blank=True)
    bin = models.ForeignKey(
        "inventory.Bin",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bin"),
    )
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    serials = models.TextField(_("serial numbers"), blank=True)
    price = mark(UnitCostField(_("price")), COST)
    tax_rate = _rate(_("VAT rate %"), default=Decimal(13))
    net_amount = mark(MoneyField(_("amount excl. VAT")), COST)
    tax_amount = mark(MoneyField(_("VAT")), COST)
    gross_amount = mark(MoneyField(_("total incl. VAT")), COST)
    unit_cost = mark(UnitCostField(_("unit cost excl. VAT")), COST)
    returned_qty = QuantityField(_("returned (base unit)"))
    landed_cost = mark(MoneyField(_("landed cost")), COST)

    class Meta(DocumentLine.Meta):
        verbose_name = _("purchase receipt line")
        verbose_name_plural = _("purchase receipt lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(qty__gt=0, rejected_qty__gte=0), name="receipt_line_qty_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(rejected_qty=0) | ~Q(reject_reason=""),
                name="receipt_line_reject_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(returned_qty__gte=0, returned_qty__lte=F("base_qty")),
                name="receipt_line_returned_within_qty",
            ),
        ]

    @property
    def arrived_qty(self) -> Decimal:
        return self.qty + self.rejected_qty

    @property
    def source_label(self) -> str:
        line = self.source_line
        return f"{line.document.number} #{line.line_no}" if self.source_line_id else ""


from jxc.purchasing.invoice_models import PurchaseInvoice, PurchaseInvoiceLine  # noqa: E402
from jxc.purchasing.landed_models import LandedCost, LandedCostLine  # noqa: E402
from jxc.purchasing.requisition_models import (  # noqa: E402
    PurchaseRequisition,
    PurchaseRequisitionLine,
)
from jxc.purchasing.return_models import PurchaseReturn, PurchaseReturnLine  # noqa: E402

__all__ = [
    "LandedCost",
    "LandedCostLine",
    "LastPurchasePrice",
    "PurchaseInvoice",
    "PurchaseInvoiceLine",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseReceipt",
    "PurchaseReceiptLine",
    "PurchaseRequisition",
    "PurchaseRequisitionLine",
    "PurchaseReturn",
    "PurchaseReturnLine",
    "SupplierPrice",
]
