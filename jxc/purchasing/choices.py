"""采购订单, declared once, and its workflow: 草稿 → 待审核 → 已审核 (the ordered quantities are
on order); 反审核 while nothing is received; 强制结单 closes the rest and releases it; fully
received, the order is 已完成 by itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jxc.core.choices import DOCUMENT_WORKFLOW, DocumentStatus
from jxc.core.documents.declaration import DocumentType
from jxc.core.transitions import Transition, Workflow

S = DocumentStatus

ORDER_WORKFLOW = Workflow(
    (
        Transition(S.DRAFT, S.SUBMITTED, "submit", _("Submit")),
        Transition(S.SUBMITTED, S.DRAFT, "unapprove", _("Withdraw")),
        Transition(S.SUBMITTED, S.APPROVED, "approve", _("Approve")),
        Transition(S.SUBMITTED, S.DRAFT, "reject", _("Reject"), needs_reason=True),
        Transition(S.APPROVED, S.SUBMITTED, "unapprove", _("Unapprove")),
        Transition(
            S.APPROVED,
            S.CLOSED,
            "close",
            pgettext_lazy("purchase order", "Force close"),
            needs_reason=True,
        ),
        Transition(S.APPROVED, S.DONE, "complete", _("Complete"), automatic=True),
        Transition(S.DRAFT, S.VOID, "void", _("Void"), needs_reason=True),
        Transition(S.SUBMITTED, S.VOID, "void", _("Void"), needs_reason=True),
    )
)

PURCHASE_ORDER = DocumentType(
    code="purchase_order",
    prefix="CGDD",
    label=pgettext_lazy("document type", "Purchase order"),
    plural=_("Purchase orders"),
    resource="purchase_order",
    header_fields=("supplier", "warehouse", "date", "prices_include_tax"),
    line_fields=("qty", "unit", "price", "tax_rate", "discount", "promised", "memo"),
    line_rules={"stock_details": False},  # an order names no batch or serial numbers
    workflow=ORDER_WORKFLOW,
    extra_actions={"close": pgettext_lazy("purchase order", "Force close")},
)

# 采购入库单: 草稿 → 待审核 → 已审核 → 已过账 (作废 before posting). 红冲 comes with the
# receipt's reversal of the payable and the order's received quantities (not yet).
RECEIPT_WORKFLOW = Workflow(
    tuple(t for t in DOCUMENT_WORKFLOW.transitions if t.action != "reverse")
)

PURCHASE_RECEIPT = DocumentType(
    code="purchase_receipt",
    prefix="CGRK",
    label=pgettext_lazy("document type", "Purchase receipt"),
    plural=_("Purchase receipts"),
    resource="purchase_receipt",
    header_fields=("supplier", "warehouse", "date"),
    line_fields=(
        "source",
        "qty",
        "unit",
        "rejected",
        "reject_reason",
        "bin",
        "batch",
        "production",
        "expiry",
        "serials",
        "memo",
    ),
    line_rules={"incoming": True},
    workflow=RECEIPT_WORKFLOW,
    labels="base_qty",  # the accepted goods, in base units
)

# 采购退货单: 草稿 → 待审核 → 已审核 → 已过账 (作废 before posting): goods back to the supplier,
# out of stock at the policy cost, the credit taken off what we owe; 红冲 (with a reason) puts
# all of it back (jxc.purchasing.reversals).
RETURN_WORKFLOW = DOCUMENT_WORKFLOW

PURCHASE_RETURN = DocumentType(
    code="purchase_return",
    prefix="CGTH",
    label=pgettext_lazy("document type", "Purchase return"),
    plural=_("Purchase returns"),
    resource="purchase_return",
    header_fields=("supplier", "warehouse", "date", "prices_include_tax", "reason"),
    line_fields=("source", "qty", "unit", "price", "tax_rate", "bin", "batch", "serials", "memo"),
    line_rules={},
    workflow=RETURN_WORKFLOW,
)


class ChargeKind(models.TextChoices):
    """What a landed cost is for."""

    FREIGHT = "freight", _("Freight")
    DUTY = "duty", _("Duty")
    OTHER = "other", _("Other charge")


class AllocationMethod(models.TextChoices):
    """How a landed cost is spread over the receipt lines."""

    VALUE = "value", _("By value")
    QUANTITY = "quantity", _("By quantity")
    WEIGHT = "weight", _("By weight")


# 费用分摊单: 草稿 → 待审核 → 已审核 → 已过账 (作废 before posting), 红冲 after.
LANDED_COST = DocumentType(
    code="landed_cost",
    prefix="FYFT",
    label=pgettext_lazy("document type", "Landed cost"),
    plural=_("Landed costs"),
    resource="landed_cost",
    header_fields=("supplier", "date", "charge_kind", "method", "amount", "tax_amount"),
    line_fields=("source", "qty", "unit", "memo"),
    line_rules={"stock_details": False},
    workflow=DOCUMENT_WORKFLOW,
)

# 采购申请: 草稿 → 待审核 → 已审核 (by the [Approvals] rules); 生成采购订单 turns the approved
# lines into orders, one per chosen supplier, and the requisition is 已完成; 关闭 with a reason.
REQUISITION_WORKFLOW = Workflow(
    (
        Transition(S.DRAFT, S.SUBMITTED, "submit", _("Submit")),
        Transition(S.SUBMITTED, S.DRAFT, "unapprove", _("Withdraw")),
        Transition(S.SUBMITTED, S.APPROVED, "approve", _("Approve")),
        Transition(S.SUBMITTED, S.DRAFT, "reject", _("Reject"), needs_reason=True),
        Transition(S.APPROVED, S.SUBMITTED, "unapprove", _("Unapprove")),
        Transition(S.APPROVED, S.CLOSED, "close", _("Close"), needs_reason=True),
        Transition(S.APPROVED, S.DONE, "complete", _("Complete"), automatic=True),
        Transition(S.DRAFT, S.VOID, "void", _("Void"), needs_reason=True),
        Transition(S.SUBMITTED, S.VOID, "void", _("Void"), needs_reason=True),
    )
)

PURCHASE_REQUISITION = DocumentType(
    code="purchase_requisition",
    prefix="CGSQ",
    label=pgettext_lazy("document type", "Purchase requisition"),
    plural=_("Purchase requisitions"),
    resource="purchase_requisition",
    header_fields=("warehouse", "date", "needed_by"),
    line_fields=("qty", "unit", "memo"),
    line_rules={"stock_details": False},
    workflow=REQUISITION_WORKFLOW,
    extra_actions={"close": _("Close")},
)

# 进项发票: a record of the supplier's VAT invoice (草稿 → 待审核 → 已审核 → 已过账 = registered,
# 作废 before). It writes nothing to the stock or the party ledger: the receipt made the payable.
PURCHASE_INVOICE = DocumentType(
    code="purchase_invoice",
    prefix="JXFP",
    label=pgettext_lazy("document type", "Supplier invoice"),
    plural=_("Supplier invoices"),
    resource="purchase_invoice",
    header_fields=("supplier", "invoice_number", "date", "amount", "tax_amount"),
    line_fields=("source", "qty", "value", "memo"),
    line_rules={"stock_details": False},
    workflow=RECEIPT_WORKFLOW,
)


class MismatchReason(models.TextChoices):
    """Why an order line's invoices do not match what was ordered and received (三单匹配)."""

    QTY = "qty_mismatch", _("Quantity differs")
    PRICE = "price_mismatch", _("Price differs")
    NOT_RECEIVED = "not_received", _("Not received")
    OVER_INVOICED = "over_invoiced", _("Invoiced over the order")
