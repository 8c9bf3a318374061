from django.db import models
from django.utils.translation import gettext_lazy as _


class WarehouseKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Warehouse")
    STORE = "store", _("Store")
    # 借出仓: where goods lent to a partner sit (still ours, valued, apart from the warehouse)
    LENT = "lent", _("Lent out")


class MoveReason(models.TextChoices):
    """Why stock moved (typed, so reports group by it and rules check the sign)."""

    OPENING = "opening", _("Opening stock")
    PURCHASE_RECEIPT = "purchase_receipt", _("Purchase receipt")
    PURCHASE_RETURN = "purchase_return", _("Purchase return")
    SALES_DELIVERY = "sales_delivery", _("Sales delivery")
    SALES_RETURN = "sales_return", _("Sales return")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    COUNT_GAIN = "count_gain", _("Count gain")
    COUNT_LOSS = "count_loss", _("Count loss")
    OTHER_RECEIPT = "other_receipt", _("Other receipt")
    OTHER_ISSUE = "other_issue", _("Other issue")
    ASSEMBLY_IN = "assembly_in", _("Assembly in")
    ASSEMBLY_OUT = "assembly_out", _("Assembly out")
    COST_ADJUSTMENT = "cost_adjustment", _("Cost adjustment")


R = MoveReason


class CostBasis(models.TextChoices):
    """How the ledger values a move, and values it again on re-costing (StockMove.cost_basis)."""

    GIVEN_COST = "c", _("Given unit cost")
    GIVEN_VALUE = "v", _("Given value")  # value + variance is what was given
    FROM_ORIGIN = "o", _("Cost of the origin move")
    POOL_COST = "p", _("Cost of the pool")
    NEUTRAL_PAIR = "n", _("Transfer pair inside one pool")
    REVERSAL = "x", _("Reversal of the reversed move")


# The sign each reason's quantity must have (a reversal carries the opposite sign).
INCOMING_REASONS = frozenset(
    {
        R.OPENING,
        R.PURCHASE_RECEIPT,
        R.SALES_RETURN,
        R.TRANSFER_IN,
        R.COUNT_GAIN,
        R.OTHER_RECEIPT,
        R.ASSEMBLY_IN,
    }
)
OUTGOING_REASONS = frozenset(
    {
        R.PURCHASE_RETURN,
        R.SALES_DELIVERY,
        R.TRANSFER_OUT,
        R.COUNT_LOSS,
        R.OTHER_ISSUE,
        R.ASSEMBLY_OUT,
    }
)
VALUE_ONLY_REASONS = frozenset({R.COST_ADJUSTMENT})
TRANSFER_REASONS = frozenset({R.TRANSFER_OUT, R.TRANSFER_IN})
# Incoming reasons whose value is the value of the outgoing move they name (``origin``).
ORIGIN_VALUED_REASONS = frozenset({R.SALES_RETURN, R.TRANSFER_IN})
# What each origin-valued reason may name as its origin.
ORIGIN_REASONS = {
    R.SALES_RETURN: frozenset({R.SALES_DELIVERY}),
    R.TRANSFER_IN: frozenset({R.TRANSFER_OUT}),
    R.PURCHASE_RETURN: frozenset({R.PURCHASE_RECEIPT, R.OPENING}),
}
