"""Kinds, reasons and workflows of the warehouse documents (transitions as data)."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jxc.core.choices import DOCUMENT_WORKFLOW, DocumentStatus
from jxc.core.documents.declaration import DocumentType
from jxc.core.transitions import Transition, Workflow
from jxc.inventory.choices import MoveReason


class StockDocumentKind(models.TextChoices):
    OTHER_RECEIPT = "other_receipt", _("Other receipt")
    OTHER_ISSUE = "other_issue", _("Other issue")
    COST_ADJUSTMENT = "cost_adjustment", _("Cost adjustment")
    OPENING = "opening_stock", _("Opening stock")


K = StockDocumentKind

# The ledger reason each kind posts with.
KIND_MOVE_REASON = {
    K.OTHER_RECEIPT: MoveReason.OTHER_RECEIPT,
    K.OTHER_ISSUE: MoveReason.OTHER_ISSUE,
    K.COST_ADJUSTMENT: MoveReason.COST_ADJUSTMENT,
    K.OPENING: MoveReason.OPENING,
}
INCOMING_KINDS = frozenset({K.OTHER_RECEIPT, K.OPENING})


class OtherReason(models.TextChoices):
    """Why goods came in or went out outside purchasing and sales."""

    GIFT = "gift", _("Gift")
    SAMPLE = "sample", _("Sample")
    INTERNAL_USE = "internal_use", _("Internal use")
    DAMAGE = "damage", _("Damage / loss")
    SURPLUS = "surplus", _("Surplus")
    OTHER = "other", _("Other")


# Which reasons fit which direction (报损 only out, 报溢 only in, 领用 only out).
REASONS_FOR_KIND: dict[str, tuple[str, ...]] = {
    K.OTHER_RECEIPT: (OtherReason.GIFT, OtherReason.SAMPLE, OtherReason.SURPLUS, OtherReason.OTHER),
    K.OTHER_ISSUE: (
        OtherReason.GIFT,
        OtherReason.SAMPLE,
        OtherReason.INTERNAL_USE,
        OtherReason.DAMAGE,
        OtherReason.OTHER,
    ),
}


class AssemblyKind(models.TextChoices):
    ASSEMBLY = "assembly", _("Assembly")
    DISASSEMBLY = "disassembly", _("Disassembly")


class TransferDifference(models.TextChoices):
    """What happens to what was shipped but never arrived when a transfer is closed."""

    RETURN = "return", _("Back into the source warehouse")
    WRITE_OFF = "write_off", _("Written off as a transit loss")


S = DocumentStatus


# 调拨单: post = ship (out of A, 调拨在途 at B); receive (partly, repeatedly) at B; close
# settles what never arrived; 红冲 while in transit or after.
def _relabel(action: str, label) -> tuple[Transition, ...]:
    return tuple(
        Transition(t.source, t.target, t.action, label, t.needs_reason) if t.action == action else t
        for t in DOCUMENT_WORKFLOW.transitions
    )


TRANSFER_WORKFLOW = Workflow(
    (
        *_relabel("post", _("Ship")),
        Transition(S.POSTED, S.POSTED, "receive", _("Receive")),
        Transition(S.POSTED, S.DONE, "close", _("Close")),
        Transition(S.DONE, S.REVERSED, "reverse", _("Reverse"), needs_reason=True),
    )
)

# 盘点单: counting happens in the draft; post = confirm (posts 盘盈 / 盘亏).
COUNT_WORKFLOW = Workflow(_relabel("post", _("Confirm count")))

# Status words that read better for a transfer than the generic ones.
TRANSFER_STATUS_LABELS: dict[str, Any] = {
    S.POSTED: pgettext_lazy("transfer status", "In transit"),
    S.DONE: pgettext_lazy("transfer status", "Received"),
}

# 调拨单, declared on the document platform; 调入 (receive) and 结案 (close) are permissions
# of their own.
TRANSFER = DocumentType(
    code="transfer",
    prefix="DBD",
    label=pgettext_lazy("document type", "Transfer"),
    plural=_("Transfers"),
    resource="transfer",
    header_fields=("from_warehouse", "to_warehouse", "date", "one_step"),
    line_fields=("qty", "unit", "bin", "to_bin", "batch", "serials", "memo"),
    workflow=TRANSFER_WORKFLOW,
    extra_actions={"receive": _("Receive"), "close": _("Close")},
    labels="base_qty",  # the goods moved get their tags at the receiving store
    line_figures={
        "received_qty": pgettext_lazy("transfer status", "Received"),
        "returned_qty": _("returned to source"),
        "lost_qty": _("transit loss"),
        "open_qty": _("In transit"),
        "difference": _("Difference"),
    },
)

# 盘点单: declared for its numbering, permissions and screen; its sheets are made (not typed)
# and counted by its own services (counts.py, count_entry.py) and API.
STOCK_COUNT = DocumentType(
    code="stock_count",
    prefix="PDD",
    label=pgettext_lazy("document type", "Stock count"),
    plural=_("Stock counts"),
    resource="stock_count",
    header_fields=("warehouse", "date", "category", "blind", "uncounted_as_zero"),
    line_fields=("bin", "batch", "memo"),
    workflow=COUNT_WORKFLOW,
    labels="counted_qty",  # goods found without a tag are labelled after the count
)

# 组装单 / 拆卸单: one table (``Assembly.kind``); a row follows the declaration of its kind
# (``Assembly.declared``): numbered per kind, a 拆卸单's components checked as coming in.
_ASSEMBLY_HEADER = ("kind", "warehouse", "date", "kit_sku", "qty", "kit_bin", "kit_batch_number")
ASSEMBLY = DocumentType(
    code=AssemblyKind.ASSEMBLY.value,
    prefix="ZZD",
    label=AssemblyKind.ASSEMBLY.label,
    plural=_("Assembly and disassembly"),
    resource="assembly",
    header_fields=_ASSEMBLY_HEADER,
    line_fields=("qty", "unit", "bin", "batch", "memo"),
)
DISASSEMBLY = DocumentType(
    code=AssemblyKind.DISASSEMBLY.value,
    prefix="CXD",
    label=AssemblyKind.DISASSEMBLY.label,
    plural=_("Assembly and disassembly"),
    resource="assembly",
    header_fields=_ASSEMBLY_HEADER,
    line_fields=("qty", "unit", "bin", "batch", "memo"),
    line_rules={"incoming": True},
)


# 其他入库 / 其他出库 / 成本调整 / 期初库存, declared on the document platform (one table,
# StockDocument, a proxy per kind names its declaration as TYPE).
_RECEIPT_LINES = ("qty", "unit", "price", "bin", "batch", "production", "expiry", "serials", "memo")
OTHER_RECEIPT = DocumentType(
    code=K.OTHER_RECEIPT.value,
    prefix="QTRK",
    label=K.OTHER_RECEIPT.label,
    plural=_("Other receipts"),
    resource="other_receipt",
    header_fields=("warehouse", "date", "reason"),
    line_fields=_RECEIPT_LINES,
    line_rules={"incoming": True},
    labels="base_qty",
)
OTHER_ISSUE = DocumentType(
    code=K.OTHER_ISSUE.value,
    prefix="QTCK",
    label=K.OTHER_ISSUE.label,
    plural=_("Other issues"),
    resource="other_issue",
    header_fields=("warehouse", "date", "reason"),
    line_fields=("qty", "unit", "bin", "batch", "serials", "memo"),
)
COST_ADJUSTMENT = DocumentType(
    code=K.COST_ADJUSTMENT.value,
    prefix="CBTZ",
    label=K.COST_ADJUSTMENT.label,
    plural=_("Cost adjustments"),
    resource="cost_adjustment",
    header_fields=("warehouse", "date"),
    line_fields=("price", "value", "batch", "memo"),
    line_rules={"cost_adjustment": True},
)
OPENING_STOCK = DocumentType(
    code=K.OPENING.value,
    prefix="QCKC",
    label=K.OPENING.label,
    plural=_("Opening stock"),
    resource="opening_stock",
    header_fields=("warehouse", "date"),
    line_fields=_RECEIPT_LINES,
    line_rules={"incoming": True, "needs_price": True},
    labels="base_qty",  # a shop tags its whole stock at go-live
)
STOCK_DOCUMENT_TYPES = (OTHER_RECEIPT, OTHER_ISSUE, COST_ADJUSTMENT, OPENING_STOCK)
