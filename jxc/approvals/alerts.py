"""预警: alert rules checked by a scheduled task; each breach is raised once (an ``Alert`` and
its notifications) and stays open until the condition clears, then it is resolved — a new
breach after that is raised again.

What a breach is comes from the apps that know the data: ``register_alert_source(kind, fn)``
with ``fn(rule) → [Breach(key, title, url)]`` (reports registers the stock ones; purchasing and
sales will register a PO or a delivery past its promised date, an overdue receivable).

The task ``scan_alerts_task`` checks every active rule, sends what is due on the delivery log,
and queues itself again ``INTERVAL`` later; the worker queues the first one when it starts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from jxc.approvals import channels, notify
from jxc.approvals.choices import Event
from jxc.approvals.models import Alert, AlertRule
from jxc.core.models import User

logger = logging.getLogger("jxc.approvals")

INTERVAL = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Breach:
    key: str  # stable while the same condition lasts (e.g. "sku:12:wh:3")
    title: str
    url: str = ""


Source = Callable[[AlertRule], Iterable[Breach]]
_SOURCES: dict[str, Source] = {}


def register_alert_source(kind: str, source: Source) -> None:
    _SOURCES[kind] = source


def _recipients(rule: AlertRule) -> list[int]:
    ids = set(rule.notify_users.filter(is_active=True).values_list("pk", flat=True))
    if rule.notify_role_id:
        ids |= set(
            User.objects.filter(roles=rule.notify_role_id, is_active=True).values_list(
                "pk", flat=True
            )
        )
    return sorted(ids)


def check_rule(rule: AlertRule, *, now: dt.datetime | None = None) -> tuple[int, int]:
    """Raise the new breaches of one rule and resolve the cleared ones: (raised, resolved)."""
    source = _SOURCES.get(rule.kind)
    if source is None:
        return 0, 0
    now = now or timezone.now()
    found = {b.key[:100]: b for b in source(rule)}
    raised: list[Alert] = []
    with transaction.atomic():
        open_ = {
            a.key: a
            for a in Alert.objects.select_for_update().filter(rule=rule, resolved_at__isnull=True)
        }
        gone = [a.pk for k, a in open_.items() if k not in found]
        Alert.objects.filter(pk__in=gone).update(resolved_at=now)
        for key, b in found.items():
            if key not in open_:
                raised.append(
                    Alert.objects.create(rule=rule, key=key, title=b.title[:200], url=b.url[:200])
                )
    if raised:
        _tell(rule, raised)
    return len(raised), len(gone)


def _tell(rule: AlertRule, raised: list[Alert]) -> None:
    """One message per rule and scan, listing its new breaches (a robot group is not spammed
    with one message per SKU)."""
    shown = raised[:20]
    body = "\n".join(f"- {a.title}" for a in shown)
    if len(raised) > len(shown):
        body += f"\n… +{len(raised) - len(shown)}"
    message = channels.Message(
        event=Event.ALERT,
        title=f"{rule.name}（{len(raised)}）",
        body=body,
        url=notify.absolute(shown[0].url) if len(shown) == 1 else "",
        data={"rule": rule.name, "kind": rule.kind, "keys": [a.key for a in raised]},
    )
    try:
        made = notify.fan_out(
            Event.ALERT,
            message,
            _recipients(rule),
            endpoints=list(rule.endpoints.filter(active=True)),
        )
        for d in made:
            notify.deliver(d.pk)
    except Exception:  # a channel never stops the scan
        logger.exception("alert notification of rule %s failed", rule.pk)


def scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Check every active alert rule; send the deliveries that are due."""
    raised = resolved = 0
    for rule in AlertRule.objects.filter(active=True).order_by("pk"):
        try:
            r, c = check_rule(rule, now=now)
        except Exception:
            logger.exception("alert rule %s failed", rule.pk)
            continue
        raised, resolved = raised + r, resolved + c
    retried = notify.retry_due(now)
    return {"raised": raised, "resolved": resolved, "retried": retried}


@task()
def scan_alerts_task() -> dict[str, int]:
    try:
        return scan()
    finally:
        schedule(timezone.now() + INTERVAL)


def schedule(when: dt.datetime | None = None) -> None:
    try:
        scan_alerts_task.using(run_after=when).enqueue()
    except Exception:
        logger.exception("could not schedule the alert scan")


def ensure_scheduled() -> bool:
    """Queue the scan unless one is already waiting (the worker calls this when it starts)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=scan_alerts_task.module_path, status__in=("READY", "RUNNING")
    ).exists()
    if not waiting:
        schedule()
    return not waiting
