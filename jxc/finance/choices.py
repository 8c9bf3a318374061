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


def _payment_type():
    """付款单, declared once: numbering FK…, permissions ``supplier_payment.*``. Recorded and
    posted in one step (money already left the account); corrected by 红冲 (not yet)."""
    from django.utils.translation import pgettext_lazy

    from jxc.core.choices import DocumentStatus
    from jxc.core.documents.declaration import DocumentType
    from jxc.core.transitions import Transition, Workflow

    S = DocumentStatus
    return DocumentType(
        code="supplier_payment",
        prefix="FK",
        label=pgettext_lazy("document type", "Supplier payment"),
        plural=_("Supplier payments"),
        resource="supplier_payment",
        workflow=Workflow((Transition(S.DRAFT, S.POSTED, "post", _("Post"), automatic=True),)),
    )


SUPPLIER_PAYMENT = _payment_type()
