"""仓库单据: the warehouse documents that post through the stock ledger.

其他入库 / 其他出库, 成本调整, 期初库存 (one ``StockDocument`` table, a proxy per kind),
调拨单 (``Transfer``), 盘点单 (``StockCount``), 组装单 / 拆卸单 (``Assembly`` with a ``Kit``).
Each document's stock lines come from a pure rule (``rules``, ``count_rules``); the services
(one module per document, re-exported by ``services``) hand them to the one ledger writer
inside ``jxc.core.documents.take_action``.
"""
