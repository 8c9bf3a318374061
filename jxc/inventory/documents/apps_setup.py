"""Registration of the warehouse documents, called from InventoryConfig.ready: permission
resources, document types with their number prefixes, and the extra workflow actions."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from jxc.core.permissions import ACTIONS, register_resource
    from jxc.core.services import register_document_type
    from jxc.inventory.documents.choices import DOC_PREFIXES

    for code, label in (
        ("other_receipt", _("Other receipts")),
        ("other_issue", _("Other issues")),
        ("transfer", _("Transfers")),
        ("stock_count", _("Stock counts")),
        ("assembly", _("Assembly and disassembly")),
        ("cost_adjustment", _("Cost adjustments")),
        ("opening_stock", _("Opening stock")),
    ):
        register_resource(code, label)
    # 调拨单: 调入 (receive) and 结案 (close) are permissions of their own.
    ACTIONS.setdefault("receive", _("Receive"))
    ACTIONS.setdefault("close", _("Close"))
    for doc_type, prefix in DOC_PREFIXES.items():
        register_document_type(doc_type, prefix)
