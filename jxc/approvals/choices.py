"""Choices of the approvals app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StepMode(models.TextChoices):
    ANY = "any", _("Any one of them")
    ALL = "all", _("All of them")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REOPENED = "reopened", _("Unapproved")


class Decision(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    WITHDRAW = "withdraw", _("Withdrawn")
    UNAPPROVE = "unapprove", _("Unapproved")


class Event(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for my approval")
    APPROVED = "approved", _("My document approved")
    REJECTED = "rejected", _("My document rejected")
    POSTED = "posted", _("My document posted")
    ALERT = "alert", _("Stock alert")


class Channel(models.TextChoices):
    IN_APP = "inapp", _("In the app")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook (JSON)")
    WECOM = "wecom", _("WeCom robot")
    DINGTALK = "dingtalk", _("DingTalk robot")
    FEISHU = "feishu", _("Feishu robot")


# A user chooses these per event; webhooks and robots are the company's endpoints.
USER_CHANNELS = (Channel.IN_APP, Channel.EMAIL)
ENDPOINT_KINDS = (Channel.WEBHOOK, Channel.WECOM, Channel.DINGTALK, Channel.FEISHU)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class AlertKind(models.TextChoices):
    BELOW_MIN = "below_min", _("Below minimum stock")
    ABOVE_MAX = "above_max", _("Above maximum stock")
    NEAR_EXPIRY = "near_expiry", _("Near expiry")
    EXPIRED = "expired", _("Expired")
    NO_MOVEMENT = "no_movement", _("No movement")
    ABNORMAL_MOVE = "abnormal_move", _("Abnormal move")
    OVERDUE_RECEIVABLE = "overdue_receivable", _("Overdue receivable")
    ORDER_PAST_PROMISED = "order_late", _("Order line past its promised date")
    OVER_CREDIT_LIMIT = "over_credit", _("Customer over its credit limit")
    PURCHASE_LATE = "po_late", _("Purchase order line past its promised date")
    QC_REJECTS = "qc_rejects", _("Receipt rejecting more than the QC threshold")
