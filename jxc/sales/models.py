"""销售: customer prices, the last price sold per customer and SKU, the sales settings, and the
documents 报价单, 销售订单, 出库通知单, 销售出库单 and 销售退货单 with their lines.

Sale prices and amounts are not cost figures; what a line cost (unit cost, 销售成本) and its
gross profit are (hidden without ``cost.view``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jxc.core.documents.models import Document, DocumentLine
from jxc.core.fields import MoneyField, QuantityField, UnitCostField, choices_check
from jxc.core.visibility import COST, mark
from jxc.sales.choices import (
    PICK_LIST,
    QUOTATION,
    SALES_DELIVERY,
    SALES_ORDER,
    SALES_RETURN,
    BelowMinPrice,
)

ZERO = Decimal(0)


def _rate(verbose_name, **kw) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, **kw)


def _fk(to: str, verbose_name, **kw) -> models.ForeignKey:
    return models.ForeignKey(
        to, on_delete=models.PROTECT, related_name="+", verbose_name=verbose_name, **kw
    )


class SalesSettings(models.Model):
    """销售设置 (one row): what a price below 最低售价 does."""

    below_min_price = models.CharField(
        _("price below the lowest sale price"),
        max_length=10,
        choices=BelowMinPrice.choices,
        default=BelowMinPrice.REFUSE,
    )

    class Meta:
        verbose_name = _("sales settings")
        verbose_name_plural = _("sales settings")
        constraints = [
            choices_check("below_min_price", BelowMinPrice.values, name="sales_below_min_valid")
        ]


class CustomerPrice(models.Model):
    """客户协议价: what one customer pays for a SKU in a unit (first in price resolution)."""

    customer = _fk("partners.Customer", _("customer"))
    sku = _fk("catalog.Sku", _("SKU"))
    unit = _fk("catalog.Unit", _("unit"))
    price = UnitCostField(_("price"))
    includes_tax = models.BooleanField(_("price includes VAT"), default=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["customer_id", "sku_id", "unit_id"]
        verbose_name = _("customer price")
        verbose_name_plural = _("customer prices")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "sku", "unit"], name="customer_price_unique"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="customer_price_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.sku} {self.unit}"


class LastSalePrice(models.Model):
    """历史单价: the price of the last approved order line per customer and SKU."""

    customer = _fk("partners.Customer", _("customer"))
    sku = _fk("catalog.Sku", _("SKU"))
    unit = _fk("catalog.Unit", _("unit"))
    price = UnitCostField(_("last price"))
    includes_tax = models.BooleanField(default=True)
    date = models.DateField(_("business date"))
    source_number = models.CharField(_("document"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("last sale price")
        verbose_name_plural = _("last sale prices")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "sku"], name="last_sale_price_one_per_pair"
            ),
        ]


class SalesHeader(Document):
    """What the customer-facing documents share: customer, warehouse, prices 含税 or not and
    the three totals."""

    customer = _fk("partners.Customer", _("customer"))
    warehouse = _fk("inventory.Warehouse", _("warehouse"))
    prices_include_tax = models.BooleanField(_("prices include VAT"), default=True)
    net_amount = MoneyField(_("amount excl. VAT"))
    tax_amount = MoneyField(_("VAT"))
    total_amount = MoneyField(_("total incl. VAT"))
    lines: Any

    class Meta(Document.Meta):
        abstract = True


class PricedLine(DocumentLine):
    """A line with a sale price per entered unit, VAT rate, discount and its amounts."""

    price = UnitCostField(_("price"))
    list_price = UnitCostField(_("list price"))
    tax_rate = _rate(_("VAT rate %"), default=Decimal(13))
    discount_rate = _rate(_("discount %"), default=ZERO)
    net_amount = MoneyField(_("amount excl. VAT"))
    tax_amount = MoneyField(_("VAT"))
    gross_amount = MoneyField(_("total incl. VAT"))

    class Meta(DocumentLine.Meta):
        abstract = True


def _line_checks(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(qty__gt=0, price__gte=0), name=f"{prefix}_qty_price"),
        models.CheckConstraint(
            condition=Q(tax_rate__gte=0, tax_rate__lte=100), name=f"{prefix}_tax_rate"
        ),
        models.CheckConstraint(
            condition=Q(discount_rate__gte=0, discount_rate__lt=100), name=f"{prefix}_discount"
        ),
    ]


# --- 报价单 ------------------------------------------------------------------------------


class Quotation(SalesHeader):
    """销售报价单: prices offered to a customer, valid until a date; optional before an order."""

    TYPE = QUOTATION
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta(SalesHeader.Meta):
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")


class QuotationLine(PricedLine):
    document = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="lines")

    class Meta(PricedLine.Meta):
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")
        constraints = _line_checks("quote_line")


# --- 销售订单 ----------------------------------------------------------------------------


class SalesOrder(SalesHeader):
    """销售订单: what a customer ordered from which warehouse; approved, its open quantities
    are reserved (已占用)."""

    TYPE = SALES_ORDER
    quotation = models.ForeignKey(
        Quotation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("quotation"),
    )
    credit_exceeded = models.BooleanField(_("over the credit limit"), default=False)
    backorder = models.BooleanField(_("back order"), default=False)
    cost_amount = mark(MoneyField(_("estimated cost")), COST)

    class Meta(SalesHeader.Meta):
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        indexes = [models.Index(fields=["customer", "date"], name="so_customer_date_idx")]


class SalesOrderLine(PricedLine):
    document = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    promised_date = models.DateField(_("promised date"), null=True, blank=True)
    min_price = UnitCostField(_("lowest sale price"))
    unit_cost = mark(UnitCostField(_("unit cost")), COST)  # estimate when approved
    reserved_qty = QuantityField(_("reserved"))
    delivered_qty = QuantityField(_("delivered"))

    class Meta(PricedLine.Meta):
        verbose_name = _("sales order line")
        verbose_name_plural = _("sales order lines")
        constraints = [
            *_line_checks("so_line"),
            models.CheckConstraint(
                condition=Q(reserved_qty__gte=0, delivered_qty__gte=0), name="so_line_buckets_gte_0"
            ),
        ]

    @property
    def open_qty(self) -> Decimal:
        """Ordered and not delivered yet, in the base unit."""
        return max(self.base_qty - self.delivered_qty, ZERO)

    @property
    def below_min_price(self) -> bool:
        return bool(self.min_price) and self.price < self.min_price


# --- 出库通知单 --------------------------------------------------------------------------


class PickList(Document):
    """出库通知单 / 拣货单: what the warehouse picks for approved orders (several orders
    allowed), line by bin and batch (先到期先出); picking is confirmed by scanning."""

    TYPE = PICK_LIST
    warehouse = _fk("inventory.Warehouse", _("warehouse"))
    lines: Any

    class Meta(Document.Meta):
        verbose_name = _("pick list")
        verbose_name_plural = _("pick lists")


class PickListLine(DocumentLine):
    """``qty`` to pick of an order line from a bin and batch; ``picked_qty`` confirmed by
    scanning (base unit); short = qty − picked when the list is confirmed."""

    document = models.ForeignKey(PickList, on_delete=models.CASCADE, related_name="lines")
    source_line = models.ForeignKey(
        SalesOrderLine,
        on_delete=models.PROTECT,
        related_name="pick_lines",
        verbose_name=_("order line"),
    )
    bin = _fk("inventory.Bin", _("bin"), null=True, blank=True)
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    picked_qty = QuantityField(_("picked"))
    short_qty = QuantityField(_("short"))

    class Meta(DocumentLine.Meta):
        verbose_name = _("pick list line")
        verbose_name_plural = _("pick list lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(qty__gt=0, picked_qty__gte=0, short_qty__gte=0),
                name="pick_line_qty",
            )
        ]


# --- 销售出库单 --------------------------------------------------------------------------


class SalesDelivery(SalesHeader):
    """销售出库单: what left the warehouse for a customer, against approved order lines (or
    without an order: a counter sale); posted, the goods go out at cost, the reservation is
    released, the cost of goods sold is kept per line and the amount becomes a receivable."""

    TYPE = SALES_DELIVERY
    cost_amount = mark(MoneyField(_("cost of goods sold")), COST)
    due_date = models.DateField(_("payment due date"), null=True, blank=True)
    pick_list = models.ForeignKey(
        PickList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("pick list"),
    )

    # 已开票: Σ of the live 销项发票 covering it (jxc.sales.invoices); never above 价税合计
    invoiced_amount = MoneyField(_("invoiced"))

    class Meta(SalesHeader.Meta):
        verbose_name = _("sales delivery")
        verbose_name_plural = _("sales deliveries")
        indexes = [models.Index(fields=["customer", "date"], name="sd_customer_date_idx")]
        constraints = [
            *Document.Meta.constraints,
            models.CheckConstraint(
                condition=Q(invoiced_amount__gte=0, invoiced_amount__lte=F("total_amount")),
                name="sd_invoiced_within",
            ),
        ]

    @property
    def gross_profit(self) -> Decimal:
        return self.net_amount - self.cost_amount


class SalesDeliveryLine(PricedLine):
    document = models.ForeignKey(SalesDelivery, on_delete=models.CASCADE, related_name="lines")
    source_line = models.ForeignKey(
        SalesOrderLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delivery_lines",
        verbose_name=_("order line"),
    )
    bin = _fk("inventory.Bin", _("bin"), null=True, blank=True)
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True)
    serials = models.TextField(_("serial numbers"), blank=True)
    unit_cost = mark(UnitCostField(_("unit cost")), COST)
    cost_amount = mark(MoneyField(_("cost of goods sold")), COST)
    # 已退货: sent back by the customer (a 借出单's 已归还 is the same word in English)
    returned_qty = QuantityField(pgettext_lazy("sales delivery", "returned"))

    class Meta(PricedLine.Meta):
        verbose_name = _("sales delivery line")
        verbose_name_plural = _("sales delivery lines")
        constraints = [
            *_line_checks("sd_line"),
            models.CheckConstraint(
                condition=Q(returned_qty__gte=0, returned_qty__lte=F("base_qty")),
                name="sd_line_returned_within",
            ),
        ]

    @property
    def gross_profit(self) -> Decimal:
        """毛利 of the line: amount excl. VAT − cost of goods sold."""
        return self.net_amount - self.cost_amount

    @property
    def source_label(self) -> str:
        line = self.source_line
        return f"{line.document.number} #{line.line_no}" if line is not None else ""


# --- 销售退货单 --------------------------------------------------------------------------


class SalesReturn(SalesHeader):
    """销售退货单: goods back from a customer into a warehouse (or its 次品 bin), at the cost
    they left with; posted, the receivable is reduced. An exchange (换货) posts a new delivery
    with it."""

    TYPE = SALES_RETURN
    reason = models.CharField(_("return reason"), max_length=200, blank=True)
    cost_amount = mark(MoneyField(_("cost returned")), COST)
    exchange = models.ForeignKey(
        SalesDelivery,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exchange delivery"),
    )

    # 已开票 (as a positive figure): what 销项发票 took of it as a negative amount
    invoiced_amount = MoneyField(_("invoiced"))

    class Meta(SalesHeader.Meta):
        verbose_name = _("sales return")
        verbose_name_plural = _("sales returns")
        constraints = [
            *Document.Meta.constraints,
            models.CheckConstraint(
                condition=Q(invoiced_amount__gte=0, invoiced_amount__lte=F("total_amount")),
                name="sr_invoiced_within",
            ),
        ]


class SalesReturnLine(PricedLine):
    document = models.ForeignKey(SalesReturn, on_delete=models.CASCADE, related_name="lines")
    source_line = models.ForeignKey(
        SalesDeliveryLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_lines",
        verbose_name=_("delivery line"),
    )
    bin = _fk("inventory.Bin", _("bin"), null=True, blank=True)
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True)
    serials = models.TextField(_("serial numbers"), blank=True)
    unit_cost = mark(UnitCostField(_("unit cost")), COST)
    cost_amount = mark(MoneyField(_("cost returned")), COST)

    class Meta(PricedLine.Meta):
        verbose_name = _("sales return line")
        verbose_name_plural = _("sales return lines")
        constraints = _line_checks("sr_line")

    @property
    def source_label(self) -> str:
        line = self.source_line
        return f"{line.document.number} #{line.line_no}" if line is not None else ""


from jxc.sales.invoice_models import SalesInvoice, SalesInvoiceLink  # noqa: E402, F401
