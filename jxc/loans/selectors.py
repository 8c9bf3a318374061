"""Reads of the loans: what is still out per partner (the loans a user may see are
``documents_for``, the platform's)."""

from __future__ import annotations

from django.db.models import F, QuerySet

from jxc.core.choices import DocumentStatus
from jxc.inventory.documents.selectors import documents_for
from jxc.loans.models import Loan, LoanInLine, LoanOut, LoanOutLine


def outstanding_lines(user, model: type[Loan], *, customer=None, supplier=None) -> QuerySet:
    """未归还: the lines of posted loans with something still out, by partner, oldest first."""
    line_model = LoanOutLine if model is LoanOut else LoanInLine
    qs = line_model.objects.select_related(
        "document", "document__customer", "document__supplier", "document__warehouse", "sku"
    ).filter(
        document__in=documents_for(user, model).filter(status=DocumentStatus.POSTED),
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
