"""商品资料: units, categories, brands, products (SPU) and their SKUs, units and barcodes."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jxc.catalog.choices import Tracking
from jxc.core.fields import FactorField, QuantityField, UnitCostField, choices_check
from jxc.core.visibility import COST, mark


class Unit(models.Model):
    """计量单位 (个, 箱, kg)."""

    name = models.CharField(_("name"), max_length=20, unique=True)
    allow_fraction = models.BooleanField(_("allows decimals"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """商品分类, a tree."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    path = models.CharField(max_length=500, editable=False, default="", db_index=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["path", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1 if self.path else 0


class Brand(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """商品 (SPU): what is sold. A product without variants has one SKU."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    mnemonic = models.CharField(_("mnemonic code"), max_length=40, blank=True, db_index=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("category")
    )
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("brand")
    )
    base_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("base unit"))
    tracking = models.CharField(
        _("tracking"), max_length=10, choices=Tracking.choices, default=Tracking.NONE
    )
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    attribute1 = models.CharField(_("variant attribute 1"), max_length=20, blank=True)
    attribute2 = models.CharField(_("variant attribute 2"), max_length=20, blank=True)
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [choices_check("tracking", Tracking.values, name="product_tracking_valid")]

    def __str__(self) -> str:
        return self.name


class Sku(models.Model):
    """规格 (SKU): one sellable variant; stock and prices are per SKU."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="skus", verbose_name=_("product")
    )
    code = models.CharField(_("SKU code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    spec = models.CharField(_("specification"), max_length=80, blank=True)
    value1 = models.CharField(_("attribute value 1"), max_length=30, blank=True)
    value2 = models.CharField(_("attribute value 2"), max_length=30, blank=True)
    mnemonic = models.CharField(_("mnemonic code"), max_length=40, blank=True, db_index=True)
    image = models.ImageField(_("image"), upload_to="skus/", blank=True)
    # 重量 (kg per base unit): what 费用分摊 by weight spreads a charge by
    weight = QuantityField(_("weight (kg)"), validators=[MinValueValidator(0)])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        constraints = [
            models.UniqueConstraint(fields=["product", "value1", "value2"], name="uniq_sku_variant")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.spec}".strip()


class SkuUnit(models.Model):
    """A unit a SKU is bought or sold in: the base unit (factor 1) or 1 箱 = 12 个.

    Prices are per this unit. ``factor`` is how many base units one of this unit holds.
    """

    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"))
    factor = FactorField(_("conversion factor"), validators=[MinValueValidator(0)])
    is_base = models.BooleanField(_("base unit"), default=False)
    # 参考进价: what a SKU that was never received is costed at (DOMAIN.md §5, "no cost
    # history"); 0 is a price (free goods), None is no price at all (the issue is refused)
    purchase_price = mark(
        UnitCostField(
            _("reference purchase price"),
            validators=[MinValueValidator(0)],
            null=True,
            blank=True,
            default=None,
        ),
        COST,
    )
    retail_price = UnitCostField(_("retail price"), validators=[MinValueValidator(0)])
    wholesale_price = UnitCostField(_("wholesale price"), validators=[MinValueValidator(0)])
    member_price = UnitCostField(_("member price"), validators=[MinValueValidator(0)])
    vip_price = UnitCostField(_("VIP price"), validators=[MinValueValidator(0)])
    min_price = UnitCostField(_("lowest sale price"), validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["sku_id", "factor", "id"]
        verbose_name = _("SKU unit")
        verbose_name_plural = _("SKU units")
        constraints = [
            models.UniqueConstraint(fields=["sku", "unit"], name="uniq_sku_unit"),
            models.UniqueConstraint(
                fields=["sku"], condition=Q(is_base=True), name="uniq_sku_base_unit"
            ),
            models.CheckConstraint(condition=Q(factor__gt=0), name="sku_unit_factor_gt_0"),
            models.CheckConstraint(
                condition=Q(
                    purchase_price__gte=0,
                    retail_price__gte=0,
                    wholesale_price__gte=0,
                    member_price__gte=0,
                    vip_price__gte=0,
                    min_price__gte=0,
                ),
                name="sku_unit_prices_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}"


class Barcode(models.Model):
    """条码, kept as text so leading zeros survive; unique across the system."""

    code = models.CharField(_("barcode"), max_length=64, unique=True)
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="barcodes")
    sku_unit = models.ForeignKey(
        SkuUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="barcodes"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("barcode")
        verbose_name_plural = _("barcodes")

    def __str__(self) -> str:
        return self.code
