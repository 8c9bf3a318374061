"""Typed errors of sales, each with a stable ``code`` (the API's) and a Chinese message."""

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import DomainError, InsufficientAvailable, ValidationFailed


class StockShort(InsufficientAvailable):
    """库存不足: approving an order would reserve more than is available (the customer takes
    no back orders). ``shortfalls`` lists each SKU with what is available and what is short."""

    code = "insufficient_available"
    default_message = _("Not enough stock available in %(warehouse)s: %(shortfalls)s")


class CreditLimitExceeded(DomainError):
    """超信用额度: open receivables plus this order pass the customer's credit limit and no
    approval rule took the order (a manager approves with ``credit.approve``)."""

    code = "credit_limit_exceeded"
    http_status = 409
    default_message = _(
        "%(customer)s would owe %(exposure)s, above the credit limit %(limit)s: a manager must "
        "approve the order."
    )


class BelowMinPrice(ValidationFailed):
    """低于最低售价: refused by the sales settings, or waiting for a manager's approval."""

    code = "below_min_price"
    default_message = _("A price is below the lowest sale price.")


class OverDelivery(ValidationFailed):
    """A delivery takes more than an order line has open (or reserved)."""

    code = "over_delivery"
    default_message = _("More than ordered would be delivered. Please correct the quantities.")


class OverReturn(ValidationFailed):
    """A return takes back more than the delivery line has left to return."""

    code = "over_return"
    default_message = _("More than delivered would be returned. Please correct the quantities.")


class DeliveryNotPosted(DomainError):
    """生成退货单 from a delivery that is not posted: no goods have left with it."""

    code = "delivery_not_posted"
    http_status = 409
    default_message = _("%(number)s is not posted: only goods that left can be returned.")


class NothingToReturn(DomainError):
    """生成退货单 from a posted delivery whose every line has come back already."""

    code = "nothing_to_return"
    http_status = 409
    default_message = _("Nothing is left to return of %(number)s: everything came back already.")


class OrderPartlyDelivered(DomainError):
    code = "order_partly_delivered"
    http_status = 409
    default_message = _("%(number)s cannot be unapproved: part of it has been delivered already.")


class NotOnPickList(DomainError):
    """A scanned code names nothing left to pick on the list."""

    code = "not_on_pick_list"
    http_status = 409
    default_message = _("%(code)s is not on %(number)s, or is picked in full already.")


class OverInvoiced(ValidationFailed):
    """A 销项发票 for more than the documents it names have not been invoiced yet."""

    code = "over_invoiced"
    default_message = _(
        "The invoice is for more than the chosen documents have left to invoice. Please "
        "correct the amounts."
    )
