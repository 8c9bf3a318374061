from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    prepayment, refund), a discount or 抹零 given with a payment, or an opening balance."""

    DOCUMENT = "document", _("Document")
    PAYMENT = "payment", _("Payment")
    OPENING = "opening", _("Opening balance")
    # Given up, not paid: a cash discount (折扣) and rounding off the small change (抹零).
    # Each is its own entry beside the money, so the books tie: the account holds what was
    # paid, the partner's book drops by paid + discount + 抹零.
    DISCOUNT = "discount", _("Discount")
    WRITE_OFF = "write_off", _("Rounding off")


def _payment_type(code: str, prefix: str, label, plural):
    """付款单 / 收款单, declared once: numbering, permissions ``<code>.*``. Recorded and posted
    in one step (the money already moved); corrected by 红冲 (``payments.reverse_payment``),
    with a reason."""
    from jxc.core.choices import DocumentStatus
    from jxc.core.documents.declaration import DocumentType
    from jxc.core.transitions import Transition, Workflow

    S = DocumentStatus
    return DocumentType(
        code=code,
        prefix=prefix,
        label=label,
        plural=plural,
        resource=code,
        workflow=Workflow(
            (
                Transition(S.DRAFT, S.POSTED, "post", _("Post"), automatic=True),
                Transition(S.POSTED, S.REVERSED, "reverse", _("Reverse"), needs_reason=True),
            )
        ),
    )


SUPPLIER_PAYMENT = _payment_type(
    "supplier_payment",
    "FK",
    pgettext_lazy("document type", "Supplier payment"),
    _("Supplier payments"),
)
CUSTOMER_PAYMENT = _payment_type(
    "customer_payment",
    "SK",
    pgettext_lazy("document type", "Customer receipt"),
    _("Customer receipts"),
)
