"""采购: supplier price list, 采购订单 (on order when approved), receipts and what we owe
(docs/purchasing.md)."""
