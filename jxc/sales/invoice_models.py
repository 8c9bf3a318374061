"""销项发票 records: an invoice issued to a customer, covering posted deliveries of that customer
(and returns, negative). A record only: the receivable was made by the deliveries, so an
invoice never touches the party ledger (docs/sales.md)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jxc.core.choices import DocumentStatus
from jxc.core.documents.models import Document
from jxc.core.fields import MoneyField, bounds_check, choices_check
from jxc.sales.choices import SALES_INVOICE, InvoiceKind

# 价税合计 = 金额 + 税额, checked within half a fen: the amounts have two places, so on
# PostgreSQL this is equality; SQLite adds its decimal columns as binary floats, where
# 766.67 + 99.67 is 866.3399999999999, not 866.34 (an exact = refused right invoices)
_SUM = F("net_amount") + F("tax_amount")
_HALF_FEN = models.Value(Decimal("0.005"))


class SalesInvoice(Document):
    """销项发票: number (ours, XXFP…) and the invoice's own 发票号码, kind, 金额 (excl. VAT),
    税额 and 价税合计; ``links`` name what it covers. 作废 frees what it covered."""

    TYPE = SALES_INVOICE
    customer = models.ForeignKey(
        "partners.Customer", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    invoice_number = models.CharField(_("invoice number"), max_length=40)
    kind = models.CharField(
        _("invoice kind"), max_length=10, choices=InvoiceKind.choices, default=InvoiceKind.SPECIAL
    )
    net_amount = MoneyField(_("amount excl. VAT"))
    tax_amount = MoneyField(_("VAT"))
    total_amount = MoneyField(_("total incl. VAT"))

    class Meta(Document.Meta):
        verbose_name = _("sales invoice")
        verbose_name_plural = _("sales invoices")
        indexes = [models.Index(fields=["customer", "date"], name="si_customer_date_idx")]
        constraints = [
            *Document.Meta.constraints,
            choices_check("kind", InvoiceKind.values, name="sales_invoice_kind_valid"),
            models.CheckConstraint(
                condition=Q(net_amount__gt=0, tax_amount__gte=0)
                & Q(total_amount__gt=_SUM - _HALF_FEN, total_amount__lt=_SUM + _HALF_FEN),
                name="sales_invoice_amounts",
            ),
            bounds_check(
                name="sales_invoice_in_bounds", money=["net_amount", "tax_amount", "total_amount"]
            ),
            # one live record per 发票号码 (a voided record may be entered again)
            models.UniqueConstraint(
                fields=["invoice_number"],
                condition=~Q(status=DocumentStatus.VOID),
                name="sales_invoice_number_once",
            ),
        ]


class SalesInvoiceLink(models.Model):
    """What an invoice covers of one document: part or all of a posted delivery's 价税合计
    (``amount`` > 0), or of a posted return (< 0)."""

    invoice = models.ForeignKey(SalesInvoice, on_delete=models.CASCADE, related_name="links")
    delivery = models.ForeignKey(
        "sales.SalesDelivery",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_links",
        verbose_name=_("sales delivery"),
    )
    sales_return = models.ForeignKey(
        "sales.SalesReturn",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_links",
        verbose_name=_("sales return"),
    )
    amount = MoneyField(_("amount invoiced"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("invoiced document")
        verbose_name_plural = _("invoiced documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(delivery__isnull=False, sales_return__isnull=True, amount__gt=0)
                | Q(delivery__isnull=True, sales_return__isnull=False, amount__lt=0),
                name="sales_invoice_link_one_document",
            ),
            bounds_check(name="sales_invoice_link_in_bounds", money=["amount"]),
        ]

    @property
    def document(self):
        return self.delivery if self.delivery_id else self.sales_return
