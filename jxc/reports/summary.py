"""收发存汇总 (movement summary): per SKU (× warehouse) for a period — opening, receipts by
type, issues by type, closing — quantity, unit cost and value.

Computed in the database: the opening is the last month-end snapshot plus the moves up to the
day before the start (one GROUP BY), the period is one GROUP BY (SKU, warehouse, reason) over
the period's moves. All sums are exact, so 期初 + 入 − 出 = 期末 holds to the 分 on every row
and in the totals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from jxc.core.fields import MONEY_PLACES, QTY_PLACES
from jxc.inventory.choices import MoveReason
from jxc.inventory.models import StockSnapshotPeriod, Warehouse
from jxc.inventory.snapshots import (
    ZERO,
    exact,
    positions_at,
    qty_sum,
    scoped_moves,
    snapshot_before,
    value_sum,
)
from jxc.reports.stock import (
    SkuInfo,
    is_incoming,
    scoped_warehouse_ids,
    sku_filter,
    sku_info,
    unit_cost_of,
)

__all__ = ["Figure", "MovementSummary", "SummaryRow", "movement_summary"]

REASON_ORDER = [r.value for r in MoveReason]


@dataclass
class Figure:
    """A quantity and its value (单价 derived)."""

    qty: Decimal = ZERO
    value: Decimal = ZERO

    @property
    def unit_cost(self) -> Decimal | None:
        return unit_cost_of(self.qty, self.value)

    def add(self, qty: Decimal, value: Decimal) -> None:
        self.qty += qty
        self.value += value

    def as_dict(self) -> dict[str, Decimal | None]:
        return {"qty": self.qty, "value": self.value, "unit_cost": self.unit_cost}


@dataclass
class SummaryRow:
    sku: SkuInfo | None
    warehouse: Warehouse | None
    opening: Figure = field(default_factory=Figure)
    receipts: dict[str, Figure] = field(default_factory=dict)
    issues: dict[str, Figure] = field(default_factory=dict)
    received: Figure = field(default_factory=Figure)
    issued: Figure = field(default_factory=Figure)
    closing: Figure = field(default_factory=Figure)

    def add_move(self, reason: str, qty: Decimal, value: Decimal) -> None:
        """Receipts add as signed; issues are shown positive (a 红冲 keeps its reason's
        column, with the opposite sign)."""
        if is_incoming(reason):
            self.receipts.setdefault(reason, Figure()).add(qty, value)
            self.received.add(qty, value)
        else:
            self.issues.setdefault(reason, Figure()).add(-qty, -value)
            self.issued.add(-qty, -value)

    def finish(self) -> None:
        self.closing = Figure(
            self.opening.qty + self.received.qty - self.issued.qty,
            self.opening.value + self.received.value - self.issued.value,
        )


@dataclass
class MovementSummary:
    start: dt.date
    end: dt.date
    by_warehouse: bool
    rows: list[SummaryRow]
    totals: SummaryRow
    receipt_reasons: list[str]
    issue_reasons: list[str]
    snapshot: StockSnapshotPeriod | None


def movement_summary(
    *,
    user,
    start: dt.date,
    end: dt.date,
    warehouse=None,
    category=None,
    q: str = "",
    by_warehouse: bool = True,
    use_snapshots: bool = True,
) -> MovementSummary:
    """收发存汇总 of ``start`` … ``end`` (both included) in the user's warehouses.

    ``use_snapshots=False`` sums the opening over the whole ledger (to prove both agree)."""
    wh_ids = scoped_warehouse_ids(user, warehouse)
    skus = sku_filter(category=category, q=q)
    day_before = start - dt.timedelta(days=1)
    snapshot = snapshot_before(day_before) if use_snapshots else None
    opening = positions_at(day_before, skus=skus, warehouses=wh_ids, use_snapshots=use_snapshots)

    rows: dict[tuple[int, int], SummaryRow] = {}

    def row_of(sku_id: int, wh_id: int) -> SummaryRow:
        key = (sku_id, wh_id if by_warehouse else 0)
        found = rows.get(key)
        if found is None:
            found = rows[key] = SummaryRow(sku=None, warehouse=None)
        return found

    for (sku_id, wh_id), p in opening.items():
        row_of(sku_id, wh_id).opening.add(p.qty, p.value)
    period = (
        scoped_moves(skus=skus, warehouses=wh_ids)
        .filter(date__gte=start, date__lte=end)
        .values_list("sku_id", "warehouse_id", "reason")
        .annotate(q=qty_sum(), v=value_sum())
    )
    seen: set[str] = set()
    for sku_id, wh_id, reason, q_raw, v_raw in period:
        row_of(sku_id, wh_id).add_move(reason, exact(q_raw, QTY_PLACES), exact(v_raw, MONEY_PLACES))
        seen.add(reason)

    info = sku_info(skus, (s for s, _w in rows))
    warehouses = Warehouse.objects.in_bulk(wh_ids) if by_warehouse else {}
    totals = SummaryRow(sku=None, warehouse=None)
    out: list[SummaryRow] = []
    for (sku_id, wh_id), row in rows.items():
        row.finish()
        row.sku = info.get(sku_id)
        row.warehouse = warehouses.get(wh_id)
        totals.opening.add(row.opening.qty, row.opening.value)
        for reason, f in row.receipts.items():
            totals.receipts.setdefault(reason, Figure()).add(f.qty, f.value)
        for reason, f in row.issues.items():
            totals.issues.setdefault(reason, Figure()).add(f.qty, f.value)
        totals.received.add(row.received.qty, row.received.value)
        totals.issued.add(row.issued.qty, row.issued.value)
        out.append(row)
    totals.finish()
    out.sort(key=lambda r: (r.sku.code if r.sku else "", r.warehouse.code if r.warehouse else ""))
    return MovementSummary(
        start=start,
        end=end,
        by_warehouse=by_warehouse,
        rows=out,
        totals=totals,
        receipt_reasons=[r for r in REASON_ORDER if r in seen and is_incoming(r)],
        issue_reasons=[r for r in REASON_ORDER if r in seen and not is_incoming(r)],
        snapshot=snapshot,
    )
