"""Reads of the loans: the ones a user may see, and what is still out per partner."""

from __future__ import annotations

from django.db.models import F, QuerySet

from jxc.core.choices import DocumentStatus
from jxc.inventory import selectors as stock_selectors
from jxc.loans.models import Loan, LoanInLine, LoanOut, LoanOutLine


def loans_for(user, model: type[Loan]) -> QuerySet:
    """借出单 / 借入单 of the user's warehouses."""
    return model._default_manager.select_related(
        "warehouse", "customer", "supplier", "created_by"
    ).filter(warehouse__in=stock_selectors.warehouses_for(user))


def outstanding_lines(user, model: type[Loan], *, customer=None, supplier=None) -> QuerySet:
    """未归还: the lines of posted loans with something still out, by partner, oldest first."""
    line_model = LoanOutLine if model is LoanOut else LoanInLine
    qs = line_model.objects.select_related(
        "document", "document__customer", "document__supplier", "document__warehouse", "sku"
    ).filter(
        document__in=loans_for(user, model).filter(status=DocumentStatus.POSTED),
    )
    if customer is not None:
        qs = qs.filter(document__customer=customer)
    if supplier is not None:
        qs = qs.filter(document__supplier=supplier)
    return qs.filter(returned_qty__lt=F("base_qty")).order_by(
        "document__customer__code",
        "document__supplier__code",
        "document__date",
        "document_id",
        "line_no",
    )
