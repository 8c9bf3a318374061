from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK = "bank", _("Bank")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")


class PartySide(models.TextChoices):
    """Which book of the party ledger: what we owe a supplier, or what a customer owes us."""

    PAYABLE = "payable", _("Payable")
    RECEIVABLE = "receivable", _("Receivable")


class EntryKind(models.TextChoices):
    """What made a party entry: a goods document (receipt, return, delivery), money (payment,
    prepayment, refund) or an opening balance."""

    DOCUMENT = "document", _("Document")
    PAYMENT = "payment", _("Payment")
    OPENING = "opening", _("Opening balance")
