"""The sales breaches behind the 预警规则 (``jxc.approvals.alerts``): an approved order line not
delivered in full past its promised date, a customer whose receivable passes its credit
limit. Each breach keeps its key while the condition lasts (raised once, resolved when it
clears)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jxc.approvals.alerts import Breach, register_alert_source
from jxc.approvals.late_lines import LateOrderLines
from jxc.finance.choices import PartySide
from jxc.finance.models import PartyBalance
from jxc.sales.models import SalesOrderLine

# 交期已过: the platform's declared source over this app's order lines
late_order_lines = LateOrderLines(SalesOrderLine, "delivered_qty", "so_line", _lazy(
    "%(number)s %(customer)s: %(sku)s promised %(date)s, %(open)s not delivered"
))  # fmt: skip


def over_credit(rule) -> Iterable[Breach]:
    """超信用额度: customers whose receivable balance is above their credit limit (> 0)."""
    rows = (
        PartyBalance.objects.filter(
            side=PartySide.RECEIVABLE,
            customer__credit_limit__gt=0,
            balance__gt=F("customer__credit_limit"),
        )
        .select_related("customer")
        .order_by("customer_id")
    )
    for b in rows:
        customer = b.customer
        if customer is None:
            continue
        yield Breach(
            key=f"customer:{b.customer_id}",
            title=_("%(customer)s owes %(owed)s, above its credit limit %(limit)s")
            % {"customer": customer, "owed": b.balance, "limit": customer.credit_limit},
        )


def register() -> None:
    register_alert_source("order_late", late_order_lines)
    register_alert_source("over_credit", over_credit)
