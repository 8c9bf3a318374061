"""The stock breaches behind the 预警规则 (``jxc.approvals.alerts``): below the minimum, above
the maximum, near expiry, expired, no movement, abnormal moves (a count variance or a cost
adjustment above the rule's value). Each breach has a key that stays the same while the
condition lasts, so it is raised once and resolved when it clears."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.approvals.alerts import Breach, register_alert_source
from jxc.approvals.models import AlertRule
from jxc.inventory.choices import MoveReason
from jxc.inventory.models import StockMove
from jxc.reports import alerts

ABNORMAL_WINDOW_DAYS = 7
ABNORMAL_REASONS = (MoveReason.COUNT_GAIN, MoveReason.COUNT_LOSS, MoveReason.COST_ADJUSTMENT)


def _page() -> str:
    try:
        return reverse("web:stock_alerts")
    except NoReverseMatch:
        return ""


def _days(rule: AlertRule, default: int) -> int:
    return int(rule.threshold) if rule.threshold is not None else default


def below_min(rule: AlertRule) -> Iterable[Breach]:
    for x in alerts.below_min(user=None, warehouse=rule.warehouse_id).prefetch_related(None):
        yield Breach(
            key=f"sku:{x.sku_id}:wh:{x.warehouse_id}",
            title=_("%(sku)s in %(warehouse)s: %(qty)s, below the minimum %(min)s")
            % {"sku": x.sku, "warehouse": x.warehouse, "qty": _n(x.on_hand), "min": _n(x.min_qty)},
            url=_page(),
        )


def above_max(rule: AlertRule) -> Iterable[Breach]:
    for x in alerts.above_max(user=None, warehouse=rule.warehouse_id).prefetch_related(None):
        yield Breach(
            key=f"sku:{x.sku_id}:wh:{x.warehouse_id}",
            title=_("%(sku)s in %(warehouse)s: %(qty)s, above the maximum %(max)s")
            % {"sku": x.sku, "warehouse": x.warehouse, "qty": _n(x.on_hand), "max": _n(x.max_qty)},
            url=_page(),
        )


def _lots(lots: Iterable, *, expired: bool) -> Iterable[Breach]:
    for lot in lots:
        batch = lot.batch
        expiry = batch.expiry_date if batch is not None else None
        if expiry is None:
            continue
        yield Breach(
            key=f"lot:{lot.pk}",
            title=(
                _("%(sku)s batch %(batch)s in %(warehouse)s expired %(date)s")
                if expired
                else _("%(sku)s batch %(batch)s in %(warehouse)s expires %(date)s")
            )
            % {
                "sku": lot.sku,
                "batch": batch.number if batch is not None else "",
                "warehouse": lot.warehouse,
                "date": expiry.isoformat(),
            },
            url=_page(),
        )


def near_expiry(rule: AlertRule) -> Iterable[Breach]:
    """临期: in stock, expiring within the rule's days (today included), not yet expired."""
    days = _days(rule, alerts.NEAR_EXPIRY_DAYS)
    lots = alerts.near_expiry_lots(user=None, days=days, warehouse=rule.warehouse_id)
    return _lots(lots, expired=False)


def expired(rule: AlertRule) -> Iterable[Breach]:
    """已过期: in stock past its expiry date (its own kind, never 临期)."""
    return _lots(alerts.expired_lots(user=None, warehouse=rule.warehouse_id), expired=True)


def no_movement(rule: AlertRule) -> Iterable[Breach]:
    days = _days(rule, alerts.NO_MOVEMENT_DAYS)
    idle = alerts.no_movement(user=None, days=days, warehouse=rule.warehouse_id)
    for x in idle.prefetch_related(None):  # the title names the SKU, not its unit
        yield Breach(
            key=f"sku:{x.sku_id}:wh:{x.warehouse_id}",
            title=_("%(sku)s in %(warehouse)s has not moved since %(date)s")
            % {
                "sku": x.sku,
                "warehouse": x.warehouse,
                "date": x.last_move.isoformat() if x.last_move else "—",
            },
            url=_page(),
        )


def abnormal_moves(rule: AlertRule) -> Iterable[Breach]:
    """盘盈/盘亏 or 成本调整 moves of the last days whose value exceeds the threshold."""
    limit = rule.threshold if rule.threshold is not None else Decimal(0)
    since = timezone.localdate() - dt.timedelta(days=ABNORMAL_WINDOW_DAYS)
    moves = StockMove.objects.filter(reason__in=ABNORMAL_REASONS, date__gte=since).filter(
        Q(value__gt=limit) | Q(value__lt=-limit)
    )
    if rule.warehouse_id:
        moves = moves.filter(warehouse_id=rule.warehouse_id)
    for m in moves.select_related("sku", "warehouse").order_by("id")[:200]:
        yield Breach(
            key=f"move:{m.pk}",
            title=_("%(doc)s: %(sku)s in %(warehouse)s, value %(value)s")
            % {"doc": m.source_number, "sku": m.sku, "warehouse": m.warehouse, "value": m.value},
        )


def overdue_receivables(rule: AlertRule) -> Iterable[Breach]:
    """逾期应收: a customer whose deliveries are open past their due date by more than the
    rule's days (default 0), one breach per customer while anything of it stays overdue."""
    from jxc.finance.selectors import overdue_receivables as overdue
    from jxc.partners.models import Customer

    days = _days(rule, 0)
    rows = overdue(as_of=timezone.localdate(), min_days=days)
    names = dict(
        Customer.objects.filter(pk__in=[r["customer_id"] for r in rows]).values_list("pk", "name")
    )
    try:
        url = reverse("web:customer_payment_open_items")
    except NoReverseMatch:
        url = ""
    for r in rows:
        yield Breach(
            key=f"customer:{r['customer_id']}",
            title=_("%(customer)s: %(amount)s overdue since %(date)s")
            % {
                "customer": names.get(r["customer_id"], r["customer_id"]),
                "amount": f"{r['open']:,.2f}",
                "date": r["oldest"].isoformat(),
            },
            url=f"{url}?partner={r['customer_id']}" if url else "",
        )


def _n(value) -> str:
    return format(value.normalize(), "f") if value is not None else ""


def register() -> None:
    register_alert_source("below_min", below_min)
    register_alert_source("above_max", above_max)
    register_alert_source("near_expiry", near_expiry)
    register_alert_source("expired", expired)
    register_alert_source("no_movement", no_movement)
    register_alert_source("abnormal_move", abnormal_moves)
    register_alert_source("overdue_receivable", overdue_receivables)
