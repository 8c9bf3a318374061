"""The sales breaches behind the 预警规则 (``jxc.approvals.alerts``): an approved order line not
delivered in full past its promised date, a customer whose receivable passes its credit
limit. Each breach keeps its key while the condition lasts (raised once, resolved when it
clears)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.approvals.alerts import Breach, register_alert_source
from jxc.core.choices import DocumentStatus
from jxc.finance.choices import PartySide
from jxc.finance.models import PartyBalance
from jxc.sales.models import SalesOrderLine


def late_order_lines(rule) -> Iterable[Breach]:
    """交期已过: approved order lines with a promised date before today, not fully delivered."""
    lines = (
        SalesOrderLine.objects.filter(
            document__status=DocumentStatus.APPROVED,
            promised_date__lt=timezone.localdate(),
            delivered_qty__lt=F("base_qty"),
        )
        .select_related("document__customer", "sku")
        .order_by("promised_date", "id")
    )
    if rule.warehouse_id:
        lines = lines.filter(document__warehouse_id=rule.warehouse_id)
    for x in lines[:500]:
        yield Breach(
            key=f"so_line:{x.pk}",
            title=_("%(number)s %(customer)s: %(sku)s promised %(date)s, %(open)s not delivered")
            % {
                "number": x.document.number,
                "customer": x.document.customer,
                "sku": x.sku,
                "date": x.promised_date.isoformat() if x.promised_date else "",
                "open": format(x.open_qty.normalize(), "f"),
            },
        )


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
