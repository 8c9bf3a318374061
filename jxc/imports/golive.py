"""开账: the last step of moving in. The opening date is locked — nothing can be dated before
it (the document date guard and the period lock read it: ``jxc.core.documents.actions``) —
and the opening balance sheet is what the imports brought in: stock value, receivables,
payables and cash."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from jxc.core.errors import PermissionDenied, ValidationFailed
from jxc.core.models import Company
from jxc.core.selectors import company
from jxc.core.services import record_audit
from jxc.finance.choices import PartySide
from jxc.finance.models import Account, PartyBalance
from jxc.inventory.models import StockBalance, StockMove

ZERO = Decimal(0)


@dataclass(frozen=True)
class OpeningBalanceSheet:
    """期初资产负债概览: what the company starts with."""

    stock_value: Decimal
    receivables: Decimal
    payables: Decimal
    cash: Decimal

    @property
    def net(self) -> Decimal:
        return self.stock_value + self.receivables + self.cash - self.payables


def opening_balance_sheet() -> OpeningBalanceSheet:
    def total(qs, field: str) -> Decimal:
        return qs.aggregate(s=Sum(field))["s"] or ZERO

    return OpeningBalanceSheet(
        stock_value=total(StockBalance.objects.all(), "value"),
        receivables=total(PartyBalance.objects.filter(side=PartySide.RECEIVABLE), "balance"),
        payables=total(PartyBalance.objects.filter(side=PartySide.PAYABLE), "balance"),
        cash=total(Account.objects.filter(is_active=True), "opening_balance"),
    )


@transaction.atomic
def open_books(*, user, date: dt.date) -> Company:
    """开账: lock the opening date. Refused once the books are open, and when stock has
    moved before the date (the opening stock must not lie before the books start)."""
    if user is not None and not user.has_jxc_perm("company.edit"):
        raise PermissionDenied(perm="company.edit")
    current = Company.objects.select_for_update().get(pk=company().pk)
    if current.opening_date is not None:
        raise ValidationFailed(
            {"date": [_("The books were opened on %(date)s.") % {"date": current.opening_date}]}
        )
    if StockMove.objects.filter(date__lt=date).exists():
        raise ValidationFailed({"date": [_("Stock has moved before this date.")]})
    current.opening_date = date
    current.save(update_fields=["opening_date"])
    record_audit(
        user=user, obj=current, action="update", changes={"opening_date": [None, str(date)]}
    )
    return current
