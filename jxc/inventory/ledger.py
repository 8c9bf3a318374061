"""库存流水 writer: the only code that changes stock moves, balances, cost pools and layers.

Public entry points are re-exported by jxc.inventory.services (call them from there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from jxc.core.documents import SourceRef
from jxc.inventory.ledger_types import StockLine
from jxc.inventory.models import Batch, StockBalance, StockMove


def record_moves(lines: Sequence[StockLine], *, source: SourceRef, user) -> list[StockMove]:
    """过账到库存流水: post the stock lines of one document, all or nothing."""
    raise NotImplementedError


def reverse_moves(
    *, source: SourceRef, user, date: dt.date, reason: str = "", reversal: SourceRef | None = None
) -> list[StockMove]:
    """红冲: post the exact opposite of every move of ``source``."""
    raise NotImplementedError


def reserve(*, sku, warehouse, qty: Decimal, allow_backorder: bool = False) -> StockBalance:
    """占用: reserve ``qty`` for a sales order if that much is available."""
    raise NotImplementedError


def release(*, sku, warehouse, qty: Decimal) -> StockBalance:
    """释放占用: give back ``qty`` of a reservation."""
    raise NotImplementedError


def record_on_order(*, sku, warehouse, qty: Decimal) -> StockBalance:
    """在途 (approved purchase quantity not yet received): change by a signed ``qty``."""
    raise NotImplementedError


def record_in_transit(*, sku, warehouse, qty: Decimal) -> StockBalance:
    """调拨在途 into ``warehouse``: change by a signed ``qty``."""
    raise NotImplementedError


def ensure_batch(
    *,
    sku,
    number: str,
    production_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
) -> Batch:
    """The batch of a SKU with this number, created on first receipt."""
    raise NotImplementedError
