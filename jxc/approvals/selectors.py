"""Reads of the approvals app: the to-do inbox (待我审批, 我提交的, 预警), counts for the top
bar, notifications, the delivery log."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from jxc.approvals.choices import RequestStatus
from jxc.approvals.models import (
    Alert,
    ApprovalRequest,
    ApprovalRule,
    Delivery,
    Notification,
)


def waiting_for_me(user: Any) -> QuerySet[ApprovalRequest]:
    """待我审批: pending requests whose current step names this user (not yet decided)."""
    return (
        ApprovalRequest.objects.filter(status=RequestStatus.PENDING, waiting_for=user)
        .select_related("submitted_by")
        .order_by("submitted_at", "id")
    )


def submitted_by_me(user: Any) -> QuerySet[ApprovalRequest]:
    """我提交的: my requests, the pending ones first."""
    return ApprovalRequest.objects.filter(submitted_by=user).order_by("-submitted_at", "-id")


def alerts_for(user: Any) -> QuerySet[Alert]:
    """预警: open alerts of the rules that tell this user (by name or role)."""
    role_ids = list(user.roles.values_list("pk", flat=True))
    return (
        Alert.objects.filter(resolved_at__isnull=True)
        .filter(Q(rule__notify_users=user) | Q(rule__notify_role_id__in=role_ids))
        .select_related("rule")
        .distinct()
        .order_by("-raised_at", "-id")
    )


def notifications(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def todo_count(user: Any) -> int:
    """The top bar's 待办 badge: waiting for my approval + open alerts for me."""
    return waiting_for_me(user).count() + alerts_for(user).count()


def rules() -> QuerySet[ApprovalRule]:
    return ApprovalRule.objects.select_related("warehouse", "requester_role").prefetch_related(
        "steps__role", "steps__users"
    )


def deliveries() -> QuerySet[Delivery]:
    return Delivery.objects.select_related("endpoint", "user").order_by("-created_at", "-id")


def request_for(doc_type: str, doc_id: int) -> ApprovalRequest | None:
    """The latest approval round of a document."""
    return (
        ApprovalRequest.objects.filter(doc_type=doc_type, doc_id=doc_id).order_by("-round").first()
    )
