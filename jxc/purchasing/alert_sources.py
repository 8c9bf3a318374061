"""The purchasing breaches behind the 预警规则 (``jxc.approvals.alerts``): an approved order line
past its promised date with quantity still open (采购交期已过), and a posted receipt of the last
``QC_WINDOW_DAYS`` days rejecting more than the QC threshold of what arrived (质检拒收率过高).
Each breach keeps its key while the condition lasts (raised once, resolved when it clears)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jxc.approvals.alerts import Breach, register_alert_source
from jxc.approvals.late_lines import LateOrderLines, detail_url
from jxc.core import selectors as core_selectors
from jxc.core.choices import DocumentStatus
from jxc.purchasing.models import PurchaseOrderLine, PurchaseReceipt

QC_WINDOW_DAYS = 30
_QTY = DecimalField(max_digits=30, decimal_places=8)


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")


# 交期已过: the platform's declared source over this app's order lines
late_order_lines = LateOrderLines(PurchaseOrderLine, "received_qty", "po_line", _lazy(
    "%(number)s %(supplier)s: %(sku)s promised %(date)s, %(open)s not received"
))  # fmt: skip


def qc_threshold(rule) -> Decimal:
    """The rule's threshold (per cent) when it has one, else the company's setting."""
    if rule is not None and rule.threshold is not None:
        return Decimal(rule.threshold)
    return core_selectors.company().qc_reject_alert_percent


def receipts_over_reject_rate(*, threshold: Decimal, since: dt.date, warehouse=None):
    """Posted receipts since ``since`` whose rejected share of what arrived (base units) is
    above ``threshold`` per cent: one aggregate query, with ``arrived`` and ``rejected``."""
    rejected = ExpressionWrapper(F("lines__rejected_qty") * F("lines__factor"), output_field=_QTY)
    qs = (
        PurchaseReceipt.objects.filter(status=DocumentStatus.POSTED, date__gte=since)
        .annotate(accepted=Sum("lines__base_qty"), rejected=Sum(rejected))
        .annotate(
            arrived=ExpressionWrapper(F("accepted") + F("rejected"), output_field=_QTY),
            over=ExpressionWrapper(
                F("rejected") * 100 - (F("accepted") + F("rejected")) * threshold,
                output_field=_QTY,
            ),
        )
        .filter(rejected__gt=0, over__gt=0)
        .select_related("supplier")
        .order_by("date", "id")
    )
    if warehouse:
        qs = qs.filter(warehouse_id=warehouse)
    return qs


def high_reject_receipts(rule) -> Iterable[Breach]:
    """质检拒收率过高: recent posted receipts rejecting more than the threshold."""
    threshold = qc_threshold(rule)
    since = timezone.localdate() - dt.timedelta(days=QC_WINDOW_DAYS)
    for r in receipts_over_reject_rate(
        threshold=threshold, since=since, warehouse=rule.warehouse_id
    )[:500]:
        rate = (r.rejected * 100 / r.arrived).quantize(Decimal("0.1"))
        yield Breach(
            key=f"receipt:{r.pk}",
            title=_(
                "%(number)s %(supplier)s: %(rate)s%% of what arrived rejected (above %(limit)s%%)"
            )
            % {
                "number": r.number,
                "supplier": r.supplier,
                "rate": _n(rate),
                "limit": _n(threshold),
            },
            url=detail_url("web:purchase_receipt_detail", r.pk),
        )


def register() -> None:
    register_alert_source("po_late", late_order_lines)
    register_alert_source("qc_rejects", high_reject_receipts)
