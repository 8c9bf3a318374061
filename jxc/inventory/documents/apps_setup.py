"""Registration of the warehouse documents, called from InventoryConfig.ready: permission
resources, document types with their number prefixes, and the extra workflow actions."""


def register() -> None:
    from jxc.inventory.documents.choices import (
        ASSEMBLY,
        DISASSEMBLY,
        STOCK_COUNT,
        STOCK_DOCUMENT_TYPES,
        TRANSFER,
    )

    for declared in (*STOCK_DOCUMENT_TYPES, TRANSFER, STOCK_COUNT, ASSEMBLY, DISASSEMBLY):
        declared.register()
