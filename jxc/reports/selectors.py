"""Reads for stock reports (ARCHITECTURE.md §2: reports only read). One import for the edges:

即时库存         stock_balances, balance_totals, lot_balances
库存流水         stock_moves, sku_ledger
库存查询(按日期) stock_at_date
收发存汇总       movement_summary
库存预警         below_min, above_max, expired_lots, near_expiry_lots, no_movement,
                 alert_counts
月结             period_overview, can_reopen_period
成本重算任务     recost_jobs, recosting_jobs_by_sku, recosting_skus
"""

from jxc.inventory.selectors import recosting_skus
from jxc.reports.alerts import (
    NEAR_EXPIRY_DAYS,
    NO_MOVEMENT_DAYS,
    above_max,
    alert_counts,
    below_min,
    expired_lots,
    near_expiry_lots,
    no_movement,
)
from jxc.reports.periods import MonthStatus, PeriodOverview, can_reopen_period, period_overview
from jxc.reports.recosting import RecostJobRow, RecostSku, recost_jobs, recosting_jobs_by_sku
from jxc.reports.stock import (
    LedgerView,
    SkuInfo,
    StockAtDateRow,
    balance_totals,
    is_incoming,
    lot_balances,
    scoped_warehouse_ids,
    sku_ledger,
    stock_at_date,
    stock_balances,
    stock_moves,
    totals_of,
    unit_cost_of,
)
from jxc.reports.summary import Figure, MovementSummary, SummaryRow, movement_summary

__all__ = [
    "NEAR_EXPIRY_DAYS",
    "NO_MOVEMENT_DAYS",
    "Figure",
    "LedgerView",
    "MonthStatus",
    "MovementSummary",
    "PeriodOverview",
    "RecostJobRow",
    "RecostSku",
    "SkuInfo",
    "StockAtDateRow",
    "SummaryRow",
    "above_max",
    "alert_counts",
    "balance_totals",
    "below_min",
    "can_reopen_period",
    "expired_lots",
    "is_incoming",
    "lot_balances",
    "movement_summary",
    "near_expiry_lots",
    "no_movement",
    "period_overview",
    "recost_jobs",
    "recosting_jobs_by_sku",
    "recosting_skus",
    "scoped_warehouse_ids",
    "sku_ledger",
    "stock_at_date",
    "stock_balances",
    "stock_moves",
    "totals_of",
    "unit_cost_of",
]
