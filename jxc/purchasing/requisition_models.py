"""采购申请: what a warehouse needs bought, typed by hand or made from the 低于安全库存 alert;
approved by the [Approvals] rules, its lines become purchase orders, one per chosen supplier."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jxc.core.documents.models import Document, DocumentLine
from jxc.purchasing.choices import PURCHASE_REQUISITION


class PurchaseRequisition(Document):
    """采购申请单: a need in one warehouse, by a date."""

    TYPE = PURCHASE_REQUISITION

    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("warehouse"),
    )
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    lines: Any

    class Meta(Document.Meta):
        verbose_name = _("purchase requisition")
        verbose_name_plural = _("purchase requisitions")


class PurchaseRequisitionLine(DocumentLine):
    """One need: the SKU and quantity, the suggested (or chosen) supplier, and the order line
    it became."""

    document = models.ForeignKey(
        PurchaseRequisition, on_delete=models.CASCADE, related_name="lines"
    )
    supplier = models.ForeignKey(
        "partners.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supplier"),
    )
    order_line = models.ForeignKey(
        "purchasing.PurchaseOrderLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requisition_lines",
        verbose_name=_("order line"),
    )

    class Meta(DocumentLine.Meta):
        verbose_name = _("purchase requisition line")
        verbose_name_plural = _("purchase requisition lines")
        constraints = [
            models.CheckConstraint(condition=Q(qty__gt=0), name="requisition_line_qty_gt_0")
        ]
