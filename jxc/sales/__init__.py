"""销售: customer prices, 报价单 → 销售订单 (credit check, approval, reservation), 出库通知单
(pick lists by FEFO), 销售出库单 (stock out at cost, COGS, receivable) and 销售退货/换货."""
