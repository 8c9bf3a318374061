"""借出单 (``LoanOut``) and 借入单 (``LoanIn``): the same shape — a warehouse, the partner (a
customer or a supplier), a due date, lines with what has come back (``returned_qty``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jxc.core.choices import DocumentStatus
from jxc.core.documents.models import Document, DocumentLine
from jxc.core.fields import QuantityField, choices_check
from jxc.loans.choices import LOAN_IN, LOAN_OUT


class Loan(Document):
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("warehouse"),
    )
    customer = models.ForeignKey(
        "partners.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    supplier = models.ForeignKey(
        "partners.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supplier"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    reversal_date = models.DateField(_("reversal date"), null=True, blank=True)
    lines: Any  # the concrete type's line rows (related_name="lines")

    class Meta(Document.Meta):
        abstract = True

    @property
    def partner(self):
        return self.customer or self.supplier


def _one_partner(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(customer__isnull=True, supplier__isnull=False)
        | Q(customer__isnull=False, supplier__isnull=True),
        name=name,
    )


def _returned_in_range(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(returned_qty__gte=0, returned_qty__lte=models.F("base_qty")), name=name
    )


class LoanLine(DocumentLine):
    bin = models.ForeignKey(
        "inventory.Bin",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bin"),
    )
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True)
    returned_qty = QuantityField(_("returned"))

    class Meta(DocumentLine.Meta):
        abstract = True

    @property
    def open_qty(self) -> Decimal:
        """Lent (or borrowed) and not back yet, in the base unit."""
        return self.base_qty - self.returned_qty


class LoanOut(Loan):
    """借出单: our goods lent to a customer or supplier; they stay ours, in the warehouse's
    lent-out location, until returned."""

    TYPE = LOAN_OUT

    class Meta(Loan.Meta):
        verbose_name = _("loan out")
        verbose_name_plural = _("loans out")
        constraints = [
            _one_partner("loan_out_one_partner"),
            choices_check("status", DocumentStatus.values, name="loan_out_status_valid"),
        ]


class LoanOutLine(LoanLine):
    document = models.ForeignKey(LoanOut, on_delete=models.CASCADE, related_name="lines")

    class Meta(LoanLine.Meta):
        verbose_name = _("loan out line")
        verbose_name_plural = _("loan out lines")
        constraints = [
            _returned_in_range("loan_out_line_returned_in_range"),
            models.CheckConstraint(
                condition=Q(qty__gt=0, base_qty__gt=0), name="loan_out_line_qty_gt_0"
            ),
        ]


class LoanIn(Loan):
    """借入单: goods borrowed from a partner; held for them, not ours, so not in stock value."""

    TYPE = LOAN_IN

    class Meta(Loan.Meta):
        verbose_name = _("loan in")
        verbose_name_plural = _("loans in")
        constraints = [
            _one_partner("loan_in_one_partner"),
            choices_check("status", DocumentStatus.values, name="loan_in_status_valid"),
        ]


class LoanInLine(LoanLine):
    document = models.ForeignKey(LoanIn, on_delete=models.CASCADE, related_name="lines")

    class Meta(LoanLine.Meta):
        verbose_name = _("loan in line")
        verbose_name_plural = _("loan in lines")
        constraints = [
            _returned_in_range("loan_in_line_returned_in_range"),
            models.CheckConstraint(
                condition=Q(qty__gt=0, base_qty__gt=0), name="loan_in_line_qty_gt_0"
            ),
        ]
