"""采购订单 e-mailed to the supplier: the order's PDF attached, sent over SMTP (the ``JXC_SMTP_*``
settings of docs/approvals.md), recorded in the order's audit log (who, to whom, when). The PDF is
made by the print mechanism at the edge (it is what the sender sees printed) and handed in."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from jxc.core.choices import DocumentStatus
from jxc.core.documents.actions import ensure_perm
from jxc.core.errors import EmailFailed, InvalidTransition, ValidationFailed
from jxc.core.services import record_audit
from jxc.purchasing.models import PurchaseOrder

# An order goes to the supplier once it is approved (and may be sent again later).
SENDABLE = (DocumentStatus.APPROVED, DocumentStatus.DONE, DocumentStatus.CLOSED)


def supplier_email(order: PurchaseOrder) -> str:
    """Where the order goes by default: the first of the supplier's contacts with an e-mail."""
    contact = (
        order.supplier.contacts.exclude(email="").order_by("id").values_list("email", flat=True)
    )
    return contact.first() or ""


def email_purchase_order(
    order: PurchaseOrder, *, user, to: str, pdf: bytes, message: str = ""
) -> None:
    """发送采购订单: e-mail the approved order's PDF to ``to``; refused for an order not approved
    yet (``invalid_transition``), a wrong address (``validation_failed``) and an SMTP failure
    (``email_failed``: nothing recorded). Sent, the audit log says so."""
    ensure_perm(user, "purchase_order", "email")
    if order.status not in SENDABLE:
        raise InvalidTransition(source=order.get_status_display(), target=_("Sent"))
    to = (to or "").strip()
    try:
        validate_email(to)
    except ValidationError:
        raise ValidationFailed({"to": [_("Enter a valid e-mail address.")]}) from None
    from jxc.core.selectors import company

    name = company().name
    subject = _("Purchase order %(number)s from %(company)s") % {
        "number": order.number,
        "company": name,
    }
    body = message.strip() or _(
        "Hello,\n\nplease find our purchase order %(number)s attached.\n\n%(company)s"
    ) % {"number": order.number, "company": name}
    mail = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    mail.attach(f"{order.number}.pdf", pdf, "application/pdf")
    try:
        mail.send(fail_silently=False)
    except (OSError, smtplib.SMTPException) as exc:
        raise EmailFailed(reason=str(exc) or type(exc).__name__) from exc
    record_audit(
        user=user,
        obj=order,
        action="email",
        changes={"to": to, "attachment": f"{order.number}.pdf"},
    )
