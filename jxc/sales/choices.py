"""The sales documents, declared once (jxc.core.documents.declaration), and their workflows.

报价单: 草稿 → 待审核 → 已审核 (offered), 已完成 when turned into an order.
销售订单: 草稿 → 待审核 → 已审核 (the quantities are reserved); 反审核 releases them while
nothing is delivered; 强制结单 releases what is left; fully delivered, 已完成 by itself.
出库通知单: 草稿 → 已审核 (released to the warehouse) → 已完成 (picking confirmed, short picks
recorded).
销售出库单 / 销售退货单: 草稿 → 待审核 → 已审核 → 已过账 (作废 before posting).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jxc.core.choices import DOCUMENT_WORKFLOW, DocumentStatus
from jxc.core.documents.declaration import DocumentType
from jxc.core.transitions import Transition, Workflow

S = DocumentStatus


class BelowMinPrice(models.TextChoices):
    """What a price below 最低售价 does (销售设置)."""

    REFUSE = "refuse", _("Refuse the line")
    APPROVE = "approve", _("Needs approval by a manager")


QUOTATION_WORKFLOW = Workflow(
    (
        Transition(S.DRAFT, S.SUBMITTED, "submit", _("Submit")),
        Transition(S.SUBMITTED, S.DRAFT, "unapprove", _("Withdraw")),
        Transition(S.SUBMITTED, S.APPROVED, "approve", _("Approve")),
        Transition(S.SUBMITTED, S.DRAFT, "reject", _("Reject"), needs_reason=True),
        Transition(S.APPROVED, S.SUBMITTED, "unapprove", _("Unapprove")),
        Transition(S.APPROVED, S.DONE, "complete", _("Complete"), automatic=True),
        Transition(S.APPROVED, S.CLOSED, "close", _("Close"), needs_reason=True),
        Transition(S.DRAFT, S.VOID, "void", _("Void"), needs_reason=True),
        Transition(S.SUBMITTED, S.VOID, "void", _("Void"), needs_reason=True),
    )
)

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
            pgettext_lazy("sales order", "Force close"),
            needs_reason=True,
        ),
        Transition(S.APPROVED, S.DONE, "complete", _("Complete"), automatic=True),
        Transition(S.DRAFT, S.VOID, "void", _("Void"), needs_reason=True),
        Transition(S.SUBMITTED, S.VOID, "void", _("Void"), needs_reason=True),
    )
)

PICK_WORKFLOW = Workflow(
    (
        Transition(S.DRAFT, S.APPROVED, "approve", pgettext_lazy("pick list", "Release")),
        Transition(S.APPROVED, S.DRAFT, "unapprove", _("Unapprove")),
        Transition(S.APPROVED, S.DONE, "complete", pgettext_lazy("pick list", "Confirm picking")),
        Transition(S.DRAFT, S.VOID, "void", _("Void"), needs_reason=True),
        Transition(S.APPROVED, S.VOID, "void", _("Void"), needs_reason=True),
    )
)

# 销售出库单 / 销售退货单: the platform's steps without 红冲 (a posted delivery is corrected by a
# return).
POSTING_WORKFLOW = Workflow(
    tuple(t for t in DOCUMENT_WORKFLOW.transitions if t.action != "reverse")
)

QUOTATION = DocumentType(
    code="quotation",
    prefix="XSBJ",
    label=pgettext_lazy("document type", "Quotation"),
    plural=_("Quotations"),
    resource="quotation",
    header_fields=("customer", "warehouse", "date", "valid_until", "prices_include_tax"),
    line_fields=("qty", "unit", "price", "tax_rate", "discount", "memo"),
    line_rules={"stock_details": False},
    workflow=QUOTATION_WORKFLOW,
    extra_actions={"close": _("Close")},
)

SALES_ORDER = DocumentType(
    code="sales_order",
    prefix="XSDD",
    label=pgettext_lazy("document type", "Sales order"),
    plural=_("Sales orders"),
    resource="sales_order",
    header_fields=("customer", "warehouse", "date", "prices_include_tax"),
    line_fields=("qty", "unit", "price", "tax_rate", "discount", "promised", "memo"),
    line_rules={"stock_details": False},
    workflow=ORDER_WORKFLOW,
    extra_actions={"close": pgettext_lazy("sales order", "Force close")},
)

PICK_LIST = DocumentType(
    code="sales_pick",
    prefix="CKTZ",
    label=pgettext_lazy("document type", "Pick list"),
    plural=_("Pick lists"),
    resource="sales_pick",
    header_fields=("warehouse", "date"),
    line_fields=("source", "qty", "unit", "bin", "batch", "memo"),
    line_rules={"stock_details": False},
    workflow=PICK_WORKFLOW,
    extra_actions={"complete": pgettext_lazy("pick list", "Confirm picking")},
)

SALES_DELIVERY = DocumentType(
    code="sales_delivery",
    prefix="XSCK",
    label=pgettext_lazy("document type", "Sales delivery"),
    plural=_("Sales deliveries"),
    resource="sales_delivery",
    header_fields=("customer", "warehouse", "date", "prices_include_tax"),
    line_fields=(
        "source",
        "qty",
        "unit",
        "price",
        "tax_rate",
        "discount",
        "bin",
        "batch",
        "serials",
        "memo",
    ),
    workflow=POSTING_WORKFLOW,
)

SALES_RETURN = DocumentType(
    code="sales_return",
    prefix="XSTH",
    label=pgettext_lazy("document type", "Sales return"),
    plural=_("Sales returns"),
    resource="sales_return",
    header_fields=("customer", "warehouse", "date", "prices_include_tax", "reason"),
    line_fields=("source", "qty", "unit", "price", "tax_rate", "bin", "batch", "serials", "memo"),
    line_rules={"incoming": True},
    workflow=POSTING_WORKFLOW,
)


class InvoiceKind(models.TextChoices):
    """增值税专用发票 or 普通发票 (a 销项发票 record)."""

    SPECIAL = "special", _("Special VAT invoice")
    ORDINARY = "ordinary", _("Ordinary VAT invoice")


# 销项发票: a record of an invoice issued to a customer; recorded in one step (登记), 作废 with
# a reason frees what it covered of its deliveries. It never touches the party ledger.
INVOICE_WORKFLOW = Workflow(
    (
        Transition(S.DRAFT, S.POSTED, "post", pgettext_lazy("invoice", "Record"), automatic=True),
        Transition(S.POSTED, S.VOID, "void", _("Void"), needs_reason=True),
    )
)

SALES_INVOICE = DocumentType(
    code="sales_invoice",
    prefix="XXFP",
    label=pgettext_lazy("document type", "Sales invoice"),
    plural=_("Sales invoices"),
    resource="sales_invoice",
    header_fields=("customer", "date", "invoice_number", "kind", "net_amount", "tax_amount"),
    line_fields=(),
    workflow=INVOICE_WORKFLOW,
)

DOCUMENT_TYPES = (QUOTATION, SALES_ORDER, PICK_LIST, SALES_DELIVERY, SALES_RETURN, SALES_INVOICE)
