"""仓库资料: warehouses (or a store's back room), bins, per-warehouse stock limits."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Sku
from jxc.core.fields import QuantityField
from jxc.core.validators import code_validator, phone_validator
from jxc.inventory.choices import WarehouseKind


class Warehouse(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(
        _("type"), max_length=10, choices=WarehouseKind.choices, default=WarehouseKind.WAREHOUSE
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("keeper"),
    )
    allow_negative = models.BooleanField(_("allow negative stock"), default=False)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="scoped_warehouses",
        verbose_name=_("users with access"),
        help_text=_("Users limited to some warehouses see only those they are listed on."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return self.name


class Bin(models.Model):
    """货位: a shelf position inside a warehouse."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="bins", verbose_name=_("warehouse")
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["warehouse_id", "code"]
        verbose_name = _("bin")
        verbose_name_plural = _("bins")
        constraints = [models.UniqueConstraint(fields=["warehouse", "code"], name="uniq_bin_code")]

    def __str__(self) -> str:
        return f"{self.warehouse.code}:{self.code}"


class StockLimit(models.Model):
    """安全库存 / 最高库存 of a SKU in a warehouse."""

    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="stock_limits")
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.CASCADE, related_name="+", verbose_name=_("warehouse")
    )
    min_qty = QuantityField(_("minimum stock"), null=True, blank=True, default=None)
    max_qty = QuantityField(_("maximum stock"), null=True, blank=True, default=None)

    class Meta:
        verbose_name = _("stock limit")
        verbose_name_plural = _("stock limits")
        constraints = [
            models.UniqueConstraint(fields=["sku", "warehouse"], name="uniq_stock_limit"),
            models.CheckConstraint(
                condition=Q(min_qty__isnull=True)
                | Q(max_qty__isnull=True)
                | Q(min_qty__lte=F("max_qty")),
                name="stock_limit_min_lte_max",
            ),
            models.CheckConstraint(
                condition=(Q(min_qty__isnull=True) | Q(min_qty__gte=0))
                & (Q(max_qty__isnull=True) | Q(max_qty__gte=0)),
                name="stock_limit_gte_0",
            ),
        ]
