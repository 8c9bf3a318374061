"""Tables of the warehouse documents. Imported at the end of jxc/inventory/models.py.

``StockDocument`` holds 其他入库, 其他出库, 成本调整 and 期初库存 (``kind``); a proxy per kind
gives each its numbering (``DOC_TYPE``) and permissions (``RESOURCE``). ``Transfer``,
``StockCount`` have their own shape; ``Assembly`` and the kits are in ``assembly_models``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jxc.catalog.models import Category, Sku
from jxc.core.choices import DocumentStatus
from jxc.core.documents.models import Document, DocumentLine, SourceRef
from jxc.core.fields import MoneyField, QuantityField, UnitCostField, choices_check
from jxc.core.visibility import BOOK, COST, mark
from jxc.inventory.documents.assembly_models import Assembly
from jxc.inventory.documents.choices import (
    COST_ADJUSTMENT,
    OPENING_STOCK,
    OTHER_ISSUE,
    OTHER_RECEIPT,
    STOCK_COUNT,
    TRANSFER,
    TRANSFER_STATUS_LABELS,
    OtherReason,
    StockDocumentKind,
    TransferDifference,
)

# --- 其他入库 / 其他出库 / 成本调整 / 期初库存 ---------------------------------------------------


class StockDocument(Document):
    """One table for the simple stock documents; ``kind`` says which."""

    RESOURCES: ClassVar[dict[str, str]] = {
        StockDocumentKind.OTHER_RECEIPT: "other_receipt",
        StockDocumentKind.OTHER_ISSUE: "other_issue",
        StockDocumentKind.COST_ADJUSTMENT: "cost_adjustment",
        StockDocumentKind.OPENING: "opening_stock",
    }

    kind = models.CharField(_("type"), max_length=20, choices=StockDocumentKind.choices)
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("warehouse"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=OtherReason.choices, blank=True)
    reversal_date = models.DateField(_("reversal date"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("stock document")
        verbose_name_plural = _("stock documents")
        indexes = [models.Index(fields=["kind", "date"], name="stockdoc_kind_date_idx")]
        # unrolled: SQLite builds a temporary b-tree of a check's IN list for every INSERT
        # and UPDATE (the status's at each step of the flow; inventory 0022)
        constraints = [
            choices_check(
                "status", DocumentStatus.values, name="stockdoc_status_valid", unrolled=True
            ),
            choices_check(
                "kind", StockDocumentKind.values, name="stockdoc_kind_valid", unrolled=True
            ),
            choices_check(
                "reason",
                OtherReason.values,
                name="stockdoc_reason_valid",
                blank=True,
                unrolled=True,
            ),
        ]

    def ref(self) -> SourceRef:
        return SourceRef(kind=self.kind, id=self.pk, number=self.number)

    def as_kind(self) -> StockDocument:
        """The same row as its kind's class (numbering and permissions of that kind)."""
        cls = STOCK_DOCUMENT_CLASSES.get(self.kind)
        if cls is not None and type(self) is not cls:
            self.__class__ = cls
        return self


class StockDocumentManager(models.Manager):
    """The rows of one kind (the proxy's ``DOC_TYPE``)."""

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.model.DOC_TYPE)  # type: ignore[attr-defined]


class StockDocumentOfKind(StockDocument):
    objects: ClassVar[StockDocumentManager] = StockDocumentManager()  # type: ignore[assignment]

    class Meta:
        proxy = True

    def prepare_insert(self) -> None:
        self.kind = self.DOC_TYPE

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.prepare_insert()
        super().save(*args, **kwargs)


class OtherReceipt(StockDocumentOfKind):
    """其他入库: gifts, samples, surplus … received outside purchasing."""

    TYPE = OTHER_RECEIPT

    class Meta:
        proxy = True
        verbose_name = _("other receipt")
        verbose_name_plural = _("other receipts")


class OtherIssue(StockDocumentOfKind):
    """其他出库: gifts, samples, internal use, damage … issued outside sales."""

    TYPE = OTHER_ISSUE

    class Meta:
        proxy = True
        verbose_name = _("other issue")
        verbose_name_plural = _("other issues")


class CostAdjustment(StockDocumentOfKind):
    """成本调整单: revalue a cost pool without changing its quantity."""

    TYPE = COST_ADJUSTMENT

    class Meta:
        proxy = True
        verbose_name = _("cost adjustment")
        verbose_name_plural = _("cost adjustments")


class OpeningStock(StockDocumentOfKind):
    """期初库存: what each warehouse holds at go-live, at its cost."""

    TYPE = OPENING_STOCK

    class Meta:
        proxy = True
        verbose_name = _("opening stock")
        verbose_name_plural = _("opening stock")


STOCK_DOCUMENT_CLASSES: dict[str, type[StockDocument]] = {
    c.DOC_TYPE: c for c in (OtherReceipt, OtherIssue, CostAdjustment, OpeningStock)
}


class StockDocumentLine(DocumentLine):
    """A line of a stock document. ``price`` is per entered unit: the receipt's unit cost, or
    the new unit cost of a cost adjustment; ``value_change`` adjusts a pool by an amount."""

    document = models.ForeignKey(StockDocument, on_delete=models.CASCADE, related_name="lines")
    price = mark(UnitCostField(_("unit cost"), null=True, blank=True, default=None), COST)
    value_change = mark(MoneyField(_("value change"), null=True, blank=True, default=None), COST)
    bin = models.ForeignKey(  # no index: nothing looks lines up by bin
        "inventory.Bin",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("bin"),
    )
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    serials = models.TextField(_("serial numbers"), blank=True)

    class Meta(DocumentLine.Meta):
        verbose_name = _("stock document line")
        verbose_name_plural = _("stock document lines")
        constraints = [
            # a cost adjustment's line moves value only: quantity 0 with a cost or a change
            models.CheckConstraint(
                condition=Q(qty__gt=0, base_qty__gt=0)
                | Q(qty=0, base_qty=0, price__isnull=False)
                | Q(qty=0, base_qty=0, value_change__isnull=False),
                name="stockdoc_line_qty_gt_0",
            )
        ]


# --- 调拨单 ---------------------------------------------------------------------------------


class Transfer(Document):
    """调拨单: out of one warehouse, 调拨在途, into another (partly, in several receipts);
    ``one_step`` moves it in one posting (warehouses of the same site)."""

    TYPE = TRANSFER

    from_warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from warehouse"),
    )
    to_warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to warehouse"),
    )
    one_step = models.BooleanField(_("one step"), default=False)
    difference = models.CharField(
        _("difference handling"), max_length=10, choices=TransferDifference.choices, blank=True
    )
    reversal_date = models.DateField(_("reversal date"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_warehouse=models.F("to_warehouse")),
                name="transfer_between_two_warehouses",
            ),
            choices_check("status", DocumentStatus.values, name="transfer_status_valid"),
            choices_check(
                "difference",
                TransferDifference.values,
                name="transfer_difference_valid",
                blank=True,
            ),
        ]

    def status_label(self) -> str:
        return str(TRANSFER_STATUS_LABELS.get(self.status, self.get_status_display()))

    def actions_for(self, user):
        """The steps this user sees: the sending side's to a holder of the source (one step:
        of both too), 调入 to a holder of the target (``TRANSIT.allowed``)."""
        from jxc.inventory.documents.transfers import TRANSIT

        found = super().actions_for(user)
        allowed = TRANSIT.allowed(user, self, [t.action for t in found])
        return [t for t in found if t.action in allowed]


class TransferLine(DocumentLine):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    bin = models.ForeignKey(
        "inventory.Bin",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from bin"),
    )
    to_bin = models.ForeignKey(
        "inventory.Bin",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to bin"),
    )
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True)
    serials = models.TextField(_("serial numbers"), blank=True)
    received_qty = QuantityField(pgettext_lazy("transfer", "received"))
    returned_qty = QuantityField(_("returned to source"))
    lost_qty = QuantityField(_("transit loss"))

    class Meta(DocumentLine.Meta):
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(received_qty__gte=0, returned_qty__gte=0, lost_qty__gte=0),
                name="transfer_line_received_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(qty__gt=0, base_qty__gt=0), name="transfer_line_qty_gt_0"
            ),
            # received + returned + written off ≤ shipped; half a 10⁻⁶ of slack because SQLite
            # adds the three as REAL (0.1 + 0.2 > 0.3 there)
            models.CheckConstraint(
                condition=Q(
                    base_qty__gt=models.F("received_qty")
                    + models.F("returned_qty")
                    + models.F("lost_qty")
                    - Decimal("0.0000005")
                ),
                name="transfer_line_not_beyond_shipped",
            ),
        ]

    @property
    def open_qty(self) -> Decimal:
        """Shipped but neither received, returned nor written off yet."""
        return self.base_qty - self.received_qty - self.returned_qty - self.lost_qty

    @property
    def difference(self) -> Decimal:
        """调拨差异: shipped − received (what did not arrive, open or settled)."""
        return self.base_qty - self.received_qty


# --- 盘点单 ---------------------------------------------------------------------------------


class StockCount(Document):
    """盘点单: a count sheet of a warehouse (optionally one category and a bin range) with
    the book quantity frozen when it was made. Variance = counted − frozen book."""

    TYPE = STOCK_COUNT

    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("warehouse"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    bin_from = models.CharField(_("bins from"), max_length=40, blank=True)
    bin_to = models.CharField(_("bins to"), max_length=40, blank=True)
    blind = models.BooleanField(
        _("blind count"),
        default=False,
        help_text=_("Counters do not see the book quantity."),
    )
    uncounted_as_zero = models.BooleanField(
        _("uncounted lines count as zero"),
        default=False,
        help_text=_("Off: lines nobody counted post no variance."),
    )
    frozen_move_id = models.BigIntegerField(_("frozen at ledger entry"), default=0)
    frozen_at = models.DateTimeField(_("book frozen at"), null=True, blank=True)
    group = models.CharField(_("count group"), max_length=40, blank=True, db_index=True)

    @property
    def hides_book(self) -> bool:
        """盲盘: the book quantity stays hidden while the sheet is being counted (a draft)."""
        return self.blind and self.status == "draft"

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        constraints = [
            choices_check("status", DocumentStatus.values, name="stock_count_status_valid")
        ]


class StockCountLine(models.Model):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"), default=0)
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU"))
    bin = models.ForeignKey(
        "inventory.Bin",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bin"),
    )
    batch = models.ForeignKey(
        "inventory.Batch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("batch"),
    )
    lot_key = models.CharField(max_length=40)
    book_qty = mark(QuantityField(_("book quantity")), BOOK)
    counted_qty = QuantityField(_("counted quantity"), null=True, blank=True, default=None)
    added = models.BooleanField(_("added while counting"), default=False)
    memo = models.CharField(_("memo"), max_length=200, blank=True)

    class Meta:
        ordering = ["line_no", "id"]
        verbose_name = _("stock count line")
        verbose_name_plural = _("stock count lines")
        constraints = [
            models.UniqueConstraint(fields=["count", "sku", "lot_key"], name="uniq_count_line")
        ]


DOCUMENT_MODELS: tuple[type[Document], ...] = (StockDocument, Transfer, StockCount, Assembly)
