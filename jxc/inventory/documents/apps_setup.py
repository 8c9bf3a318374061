"""Registration of the warehouse documents, called from InventoryConfig.ready: permission
resources, document types with their number prefixes, and the extra workflow actions."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from jxc.core.permissions import register_resource
    from jxc.core.services import register_document_type
    from jxc.inventory.documents.choices import DOC_PREFIXES, STOCK_DOCUMENT_TYPES, TRANSFER

    for declared in (*STOCK_DOCUMENT_TYPES, TRANSFER):
        declared.register()
    for code, label in (
        ("stock_count", _("Stock counts")),
        ("assembly", _("Assembly and disassembly")),
    ):
        register_resource(code, label)
    from django.utils.translation import pgettext_lazy

    from jxc.inventory.documents.choices import AssemblyKind

    labels = {
        **dict(AssemblyKind.choices),
        "stock_count": pgettext_lazy("document type", "Stock count"),
    }
    for doc_type, prefix in DOC_PREFIXES.items():
        register_document_type(doc_type, prefix, label=labels.get(doc_type))
