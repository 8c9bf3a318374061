"""Tables of 组装单 / 拆卸单 and the kits (BOM) they make or break: the inventory app's,
loaded with the other warehouse documents' tables (``InventoryConfig.import_models``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Sku
from jxc.core.choices import DocumentStatus
from jxc.core.documents.declaration import DocumentType
from jxc.core.documents.models import Document, DocumentLine, SourceRef
from jxc.core.fields import QuantityField, choices_check
from jxc.inventory.documents.choices import (
    ASSEMBLY,
    DISASSEMBLY,
    AssemblyKind,
)

# --- 其他入库 / 其他出库 / 成本调整 / 期初库存 ---------------------------------------------------


# --- 组装单 / 拆卸单 -------------------------------------------------------------------------


class Kit(models.Model):
    """组装件 (BOM): the components one unit of a kit SKU is made of."""

    sku = models.OneToOneField(
        Sku, on_delete=models.PROTECT, related_name="kit", verbose_name=_("kit SKU")
    )
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sku__code"]
        verbose_name = _("kit")
        verbose_name_plural = _("kits")

    def __str__(self) -> str:
        return str(self.sku)


class KitComponent(models.Model):
    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="components")
    sku = models.ForeignKey(
        Sku, on_delete=models.PROTECT, related_name="+", verbose_name=_("component")
    )
    qty = QuantityField(_("quantity per kit"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("kit component")
        verbose_name_plural = _("kit components")
        constraints = [
            models.UniqueConstraint(fields=["kit", "sku"], name="uniq_kit_component"),
            models.CheckConstraint(condition=Q(qty__gt=0), name="kit_component_qty_gt_0"),
        ]


class Assembly(Document):
    """组装单 (components out at cost, the kit in at their sum) or 拆卸单 (the reverse)."""

    TYPE = ASSEMBLY  # 拆卸单 rows are numbered and referenced as DISASSEMBLY (``ref``)

    kind = models.CharField(
        _("type"), max_length=12, choices=AssemblyKind.choices, default=AssemblyKind.ASSEMBLY
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("warehouse"),
    )
    kit_sku = models.ForeignKey(
        Sku, on_delete=models.PROTECT, related_name="+", verbose_name=_("kit SKU")
    )
    qty = QuantityField(_("kits"))
    kit_bin = models.ForeignKey(
        "inventory.Bin",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kit bin"),
    )
    kit_batch_number = models.CharField(_("kit batch number"), max_length=60, blank=True)
    reversal_date = models.DateField(_("reversal date"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")
        constraints = [
            models.CheckConstraint(condition=Q(qty__gt=0), name="assembly_qty_gt_0"),
            choices_check("status", DocumentStatus.values, name="assembly_status_valid"),
            choices_check("kind", AssemblyKind.values, name="assembly_kind_valid"),
        ]

    def ref(self) -> SourceRef:
        # Numbered and referenced per kind (组装单 ZZD…, 拆卸单 CXD…).
        return SourceRef(kind=self.kind, id=self.pk, number=self.number)

    def declared(self) -> DocumentType:
        """拆卸单 follows its own declaration: numbered CXD…, its components come in."""
        return DISASSEMBLY if self.kind == AssemblyKind.DISASSEMBLY else ASSEMBLY


class AssemblyLine(DocumentLine):
    """A component: how many go out (组装) or come back (拆卸)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="lines")
    bin = models.ForeignKey(
        "inventory.Bin",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bin"),
    )
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True)

    class Meta(DocumentLine.Meta):
        verbose_name = _("assembly line")
        verbose_name_plural = _("assembly lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(qty__gt=0, base_qty__gt=0), name="assembly_line_qty_gt_0"
            )
        ]
