"""采购's own refusals, each with a stable code (the API answers them as JSON; the web shows
the message in Chinese)."""

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError, ValidationFailed


class ReturnExceedsReceived(ValidationFailed):
    """A return takes back more of a receipt line than was received, less what went back."""

    code = "return_exceeds_received"
    default_message = _("More would be returned than was received. Please correct the quantities.")


class NothingToOrder(DomainError):
    """生成采购订单 with no approved requisition line left to order."""

    code = "nothing_to_order"
    http_status = 409
    default_message = _("No approved line of %(number)s is left to order.")


class SupplierMissing(ValidationFailed):
    """A requisition line turned into an order needs its supplier."""

    code = "supplier_missing"
    default_message = _("Choose the supplier of every line to order.")


class DuplicateInvoiceNumber(ValidationFailed):
    """The supplier's invoice number is already recorded (a voided record frees it)."""

    code = "duplicate_invoice_number"
    default_message = _("This invoice number of the supplier is already recorded.")


class InvoiceTotalDiffers(ValidationFailed):
    """The invoice's amount excl. VAT is not the sum of its lines."""

    code = "invoice_total_differs"
    default_message = _("The invoice amount differs from the sum of its lines.")
