"""Notifications: decided inside the business transaction, sent after it commits by the
background worker (django-tasks, database backend).

``after_commit(event, request, users=…)`` schedules ``dispatch``: one in-app ``Notification``
per user who keeps it on, one e-mail ``Delivery`` per user who turned e-mail on and has an
address, one ``Delivery`` per active endpoint (webhook / robot) subscribed to the event. Each
delivery is tried at once and, when it fails, again after 1, 2, 4, 8 … minutes
(``MAX_ATTEMPTS`` in all); every attempt is on the delivery log. Nothing here can roll back or
block the business action: scheduling failures are logged, sending happens after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from jxc.approvals import channels
from jxc.approvals.choices import Channel, DeliveryStatus, Event
from jxc.approvals.models import (
    ApprovalRequest,
    ChannelPreference,
    Delivery,
    Endpoint,
    Notification,
)
from jxc.core.models import User

logger = logging.getLogger("jxc.approvals")

MAX_ATTEMPTS = 5
BACKOFF = dt.timedelta(minutes=1)  # 1, 2, 4, 8 … minutes between attempts

DEFAULT_ON: dict[str, bool] = {Channel.IN_APP.value: True, Channel.EMAIL.value: False}


def after_commit(
    event: str,
    req: ApprovalRequest,
    *,
    users: Iterable[int | None],
    actor: Any = None,
    comment: str = "",
) -> None:
    """Schedule the notification of an approval event for when the transaction commits."""
    ids = sorted({u for u in users if u})
    data = {
        "event": event,
        "request": req.pk,
        "users": ids,
        "actor": str(actor) if actor is not None else "",
        "comment": comment,
    }
    transaction.on_commit(lambda: _enqueue(data))


def _enqueue(data: dict[str, Any]) -> None:
    try:
        dispatch_task.enqueue(data)
    except Exception:  # never block the business action
        logger.exception("could not schedule notification %s", data.get("event"))


def message_for(event: str, req: ApprovalRequest, *, actor: str, comment: str) -> channels.Message:
    """The words of an approval event (in the site's language)."""
    with override(settings.LANGUAGE_CODE):
        subject = req.summary or req.number
        titles: dict[str, str] = {
            Event.SUBMITTED: _("Waiting for your approval: %(doc)s"),
            Event.APPROVED: _("Approved: %(doc)s"),
            Event.REJECTED: _("Rejected: %(doc)s"),
            Event.POSTED: _("Posted: %(doc)s"),
        }
        title = str(titles.get(event, "%(doc)s")) % {"doc": subject}
        parts = []
        if actor:
            parts.append(_("By %(user)s.") % {"user": actor})
        if req.amount is not None:
            parts.append(_("Amount: %(amount)s") % {"amount": req.amount})
        if comment:
            parts.append(_("Comment: %(comment)s") % {"comment": comment})
    return channels.Message(
        event=event,
        title=title,
        body="\n".join(parts),
        url=absolute(req.url),
        data={
            "doc_type": req.doc_type,
            "doc_id": req.doc_id,
            "number": req.number,
            "round": req.round,
            "step": req.step,
            "status": req.status,
            "amount": str(req.amount) if req.amount is not None else None,
        },
    )


def absolute(path: str) -> str:
    base = getattr(settings, "JXC_SITE_URL", "")
    return f"{base}{path}" if path and base and path.startswith("/") else path


def channels_of(user_ids: Iterable[int], event: str) -> dict[int, set[str]]:
    """Each user's channels for the event (no preference row: in-app on, e-mail off)."""
    ids = list(user_ids)
    chosen = {u: {c for c, on in DEFAULT_ON.items() if on} for u in ids}
    for user_id, channel, enabled in ChannelPreference.objects.filter(
        user_id__in=ids, event=event
    ).values_list("user_id", "channel", "enabled"):
        (chosen[user_id].add if enabled else chosen[user_id].discard)(channel)
    return chosen


def fan_out(
    event: str,
    message: channels.Message,
    user_ids: Iterable[int],
    endpoints: Iterable[Endpoint] | None = None,
) -> list[Delivery]:
    """In-app notifications now; deliveries (e-mail, endpoints) recorded, to be sent."""
    ids = list(user_ids)
    wanted = channels_of(ids, event)
    users = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}
    made: list[Delivery] = []
    for user_id, chosen in wanted.items():
        user = users.get(user_id)
        if user is None:
            continue
        if Channel.IN_APP in chosen:
            Notification.objects.create(
                user=user,
                event=event,
                title=message.title[:200],
                body=message.body[:1000],
                url=message.url[:200],
            )
        if Channel.EMAIL in chosen and user.email:
            made.append(
                Delivery.objects.create(
                    channel=Channel.EMAIL,
                    event=event,
                    target=user.email,
                    user=user,
                    subject=message.title[:200],
                    payload={"title": message.title, "body": message.body, "url": message.url},
                )
            )
    if endpoints is None:
        endpoints = [e for e in Endpoint.objects.filter(active=True) if event in (e.events or [])]
    for ep in endpoints:
        made.append(
            Delivery.objects.create(
                channel=ep.kind,
                event=event,
                target=ep.url,
                endpoint=ep,
                subject=message.title[:200],
                payload=channels.payload_for(ep.kind, message),
            )
        )
    return made


def dispatch(data: dict[str, Any]) -> list[int]:
    """The worker's part of ``after_commit``: notifications and deliveries, then sending."""
    req = ApprovalRequest.objects.filter(pk=data["request"]).first()
    if req is None:
        return []
    message = message_for(
        data["event"], req, actor=data.get("actor", ""), comment=data.get("comment", "")
    )
    made = fan_out(data["event"], message, data["users"])
    for d in made:
        deliver(d.pk)
    return [d.pk for d in made]


def deliver(delivery_id: int) -> Delivery:
    """One attempt; on failure the next is scheduled with exponential backoff."""
    d = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    if d.status != DeliveryStatus.PENDING:
        return d
    d.attempts += 1
    try:
        if d.channel == Channel.EMAIL:
            channels.send_email(
                d.target,
                channels.Message(
                    event=d.event,
                    title=d.payload.get("title", d.subject),
                    body=d.payload.get("body", ""),
                    url=d.payload.get("url", ""),
                ),
            )
            d.response_code = None
        else:
            secret = d.endpoint.secret if d.endpoint is not None else ""
            d.response_code = channels.post_json(
                d.target,
                d.payload,
                secret=secret if d.channel == Channel.WEBHOOK else "",
                event=d.event,
            )
    except Exception as exc:  # any failure: logged on the delivery, retried later
        code = getattr(exc, "code", None)
        d.response_code = code if isinstance(code, int) and 0 < code < 1000 else None
        d.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if d.attempts >= MAX_ATTEMPTS:
            d.status, d.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            d.next_attempt_at = timezone.now() + BACKOFF * (2 ** (d.attempts - 1))
        d.save()
        if d.status == DeliveryStatus.PENDING:
            _schedule_retry(d)
        return d
    d.status, d.sent_at, d.next_attempt_at, d.last_error = (
        DeliveryStatus.SENT,
        timezone.now(),
        None,
        "",
    )
    d.save()
    return d


def _schedule_retry(d: Delivery) -> None:
    try:
        deliver_task.using(run_after=d.next_attempt_at).enqueue(d.pk)
    except Exception:
        logger.exception("could not schedule the retry of delivery %s", d.pk)


def retry_due(now: dt.datetime | None = None) -> int:
    """Try every pending delivery whose time has come (the scheduled sweep; also catches a
    retry whose task was lost)."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:500]
    )
    for pk in due:
        deliver(pk)
    return len(due)


def resend(delivery: Delivery) -> Delivery:
    """重发 from the delivery log: a failed delivery gets new attempts."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None
    )
    return deliver(delivery.pk)


@task()
def dispatch_task(data: dict[str, Any]) -> list[int]:
    return dispatch(data)


@task()
def deliver_task(delivery_id: int) -> str:
    return deliver(delivery_id).status
