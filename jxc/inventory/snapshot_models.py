"""月结 snapshots (stock reports), tables of the inventory app (loaded by its AppConfig).

Written only by the inventory period step (jxc.inventory.period_close) when a month closes,
deleted when it reopens. "Stock at date" and 收发存汇总 read the last snapshot at or before
the day they need plus the moves after it, so their cost does not grow with the ledger's age.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Sku
from jxc.core.fields import MoneyField, QuantityField
from jxc.core.visibility import COST, mark
from jxc.inventory.models import CostPool, Warehouse


class StockSnapshotPeriod(models.Model):
    """The month-end a stock snapshot was written for (one per closed month)."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    end_date = models.DateField(_("end date"), unique=True)
    written_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-end_date"]
        verbose_name = _("stock snapshot")
        verbose_name_plural = _("stock snapshots")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="uniq_stock_snapshot_period")
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class StockSnapshot(models.Model):
    """Quantity and ledger value (Σ of the moves' values) of a SKU in a warehouse and cost
    pool at the end of a closed month (a warehouse's value under company costing is then
    valued at the pool's unit cost by the reader: docs/adr/0005). Rows at zero quantity and
    zero value are not written; ``pool`` is None in snapshots written before it was kept."""

    period = models.ForeignKey(
        StockSnapshotPeriod,
        on_delete=models.CASCADE,
        related_name="snapshot_rows",
        db_index=False,  # the unique (period, sku, warehouse) index serves it
    )
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+", db_index=False)
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    pool = models.ForeignKey(
        CostPool, on_delete=models.PROTECT, related_name="+", db_index=False, null=True
    )
    qty = QuantityField(_("quantity"))
    value = mark(MoneyField(_("value")), COST)

    class Meta:
        verbose_name = _("stock snapshot row")
        verbose_name_plural = _("stock snapshot rows")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "sku", "warehouse", "pool"], name="uniq_stock_snapshot_row"
            )
        ]
