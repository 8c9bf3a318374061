"""收发存汇总, 库存预警 and 月结 through the API (reads over jxc.reports.selectors; the period
close over jxc.core.periods). Cost figures (``value``, ``unit_cost``) are absent for users
without ``cost.view``.

    GET  /stock/movement-summary         收发存汇总 (``year``+``month`` or ``start``/``end``)
    GET  /stock/alerts                   库存预警 (four lists and their counts)
    GET  /periods                        月结 status of recent months, what blocks the next
    POST /periods/close                  结账 {year, month}
    POST /periods/reopen                 反结账 of the last closed month {reason} (owner)
"""

import datetime as dt
from collections.abc import Container
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from ninja import Field, Query, Schema

from jxc.api.common.errors import Router
from jxc.api.common.permissions import get_or_404, requires
from jxc.api.stock_reports import FigureOut, ScopeQuery, _page, _scope, _sku, _sku_model, _wh
from jxc.core import periods
from jxc.core.errors import PermissionDenied, ValidationFailed
from jxc.core.visibility import Cost
from jxc.inventory.selectors import warehouses_for
from jxc.reports import selectors

router = Router(tags=["stock reports"])


# --- 收发存汇总 ------------------------------------------------------------------------------


class SummaryQuery(ScopeQuery):
    start: dt.date | None = Field(None, description="first day (default: first day of month)")
    end: dt.date | None = Field(None, description="last day (default: last day of month)")
    year: int | None = Field(None, ge=2000, le=2100)
    month: int | None = Field(None, ge=1, le=12)
    by_warehouse: bool = True


class SummaryRowOut(Schema):
    sku_id: int | None
    sku_code: str | None
    sku_name: str | None
    unit: str | None
    warehouse_id: int | None
    warehouse_code: str | None
    warehouse_name: str | None
    opening: FigureOut
    receipts: dict[str, FigureOut]
    issues: dict[str, FigureOut]
    received: FigureOut
    issued: FigureOut
    cost_difference: Decimal | None = Cost(
        None,
        description="成本差异: by warehouse under company costing, the change of the "
        "warehouse's value caused by the pool's unit cost moving; opening + received − "
        "issued + cost_difference = closing",
    )
    closing: FigureOut
    recosting: bool = Field(False, description="成本重算中: the SKU's costs are being updated")


class SummaryPage(Schema):
    start: dt.date
    end: dt.date
    receipt_reasons: list[str]
    issue_reasons: list[str]
    count: int
    page: int
    page_size: int
    items: list[SummaryRowOut]
    totals: SummaryRowOut


def summary_period(query: SummaryQuery) -> tuple[dt.date, dt.date]:
    """The days a summary covers: ``start``/``end``, or a whole ``year``-``month``."""
    if query.year is not None and query.month is not None:
        start, end = periods.month_bounds(query.year, query.month)
        return query.start or start, query.end or end
    if query.start is None or query.end is None:
        raise ValidationFailed(
            {"start": [gettext("Give a start and end date, or a year and month.")]}
        )
    if query.end < query.start:
        raise ValidationFailed({"end": [gettext("The end date is before the start date.")]})
    return query.start, query.end


def _summary_row(r, recosting: Container[int] = ()) -> dict[str, Any]:
    head = (
        _sku(r.sku) if r.sku else {"sku_id": None, "sku_code": None, "sku_name": None, "unit": None}
    )
    return {
        **head,
        **_wh(r.warehouse),
        "opening": r.opening.as_dict(),
        "receipts": {k: f.as_dict() for k, f in r.receipts.items()},
        "issues": {k: f.as_dict() for k, f in r.issues.items()},
        "received": r.received.as_dict(),
        "issued": r.issued.as_dict(),
        "cost_difference": r.cost_difference,
        "closing": r.closing.as_dict(),
        "recosting": r.sku is not None and r.sku.id in recosting,
    }


@router.get("/stock/movement-summary", response=SummaryPage)
@requires("report.view")
def movement_summary(request, query: Query[SummaryQuery]):  # type: ignore[type-arg]
    """收发存汇总: opening, receipts and issues by reason, closing — per SKU (× warehouse).
    期初 + 入 − 出 ± 成本差异 = 期末 holds to the 分 on every row and in ``totals`` (by
    warehouse under company costing a warehouse is valued at the pool's unit cost)."""
    start, end = summary_period(query)
    s = selectors.movement_summary(
        user=request.user,
        start=start,
        end=end,
        by_warehouse=query.by_warehouse,
        **_scope(request, query),
    )
    page, count = _page(s.rows, query)
    flagged = selectors.recosting_skus({r.sku.id for r in page if r.sku is not None})
    return {
        "start": start,
        "end": end,
        "receipt_reasons": s.receipt_reasons,
        "issue_reasons": s.issue_reasons,
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "items": [_summary_row(r, flagged) for r in page],
        "totals": _summary_row(s.totals),
    }


# --- 库存预警 --------------------------------------------------------------------------------


class AlertQuery(Schema):
    warehouse_id: int | None = None
    near_expiry_days: int = Field(selectors.NEAR_EXPIRY_DAYS, ge=0, le=3650)
    no_movement_days: int = Field(selectors.NO_MOVEMENT_DAYS, ge=1, le=3650)
    limit: int = Field(200, ge=1, le=1000)


class AlertOut(Schema):
    sku_id: int
    sku_code: str
    sku_name: str
    unit: str
    warehouse_id: int
    warehouse_code: str
    warehouse_name: str
    on_hand: Decimal
    min_qty: Decimal | None = None
    max_qty: Decimal | None = None
    shortage: Decimal | None = None
    excess: Decimal | None = None
    batch_number: str | None = None
    expiry_date: dt.date | None = None
    last_move: dt.date | None = None
    value: Decimal | None = Cost(None)


class AlertsOut(Schema):
    counts: dict[str, int]
    below_min: list[AlertOut]
    above_max: list[AlertOut]
    expired: list[AlertOut] = Field(description="已过期: batches in stock past their expiry")
    near_expiry: list[AlertOut]
    no_movement: list[AlertOut]


@router.get("/stock/alerts", response=AlertsOut)
@requires("stock.view")
def stock_alerts(request, query: Query[AlertQuery]):  # type: ignore[type-arg]
    """库存预警: below the minimum, above the maximum, expired, near expiry (within
    ``near_expiry_days``, not yet expired), no movement for ``no_movement_days`` — at most
    ``limit`` rows each."""
    warehouse = None
    if query.warehouse_id is not None:
        warehouse = get_or_404(warehouses_for(request.user), query.warehouse_id)
    user, n = request.user, query.limit
    lists = {
        "below_min": selectors.below_min(user=user, warehouse=warehouse),
        "above_max": selectors.above_max(user=user, warehouse=warehouse),
        "expired": selectors.expired_lots(user=user, warehouse=warehouse),
        "near_expiry": selectors.near_expiry_lots(
            user=user, days=query.near_expiry_days, warehouse=warehouse
        ),
        "no_movement": selectors.no_movement(
            user=user, days=query.no_movement_days, warehouse=warehouse
        ),
    }
    out: dict[str, Any] = {"counts": {k: qs.count() for k, qs in lists.items()}}
    out["below_min"] = [
        {
            **_sku_model(x.sku),
            **_wh(x.warehouse),
            "on_hand": x.on_hand,
            "min_qty": x.min_qty,
            "max_qty": x.max_qty,
            "shortage": x.shortage,
        }
        for x in lists["below_min"][:n]
    ]
    out["above_max"] = [
        {
            **_sku_model(x.sku),
            **_wh(x.warehouse),
            "on_hand": x.on_hand,
            "min_qty": x.min_qty,
            "max_qty": x.max_qty,
            "excess": x.excess,
        }
        for x in lists["above_max"][:n]
    ]
    for code in ("expired", "near_expiry"):
        out[code] = [
            {
                **_sku_model(x.sku),
                **_wh(x.warehouse),
                "on_hand": x.qty,
                "batch_number": x.batch.number,
                "expiry_date": x.batch.expiry_date,
            }
            for x in lists[code][:n]
        ]
    out["no_movement"] = [
        {
            **_sku_model(x.sku),
            **_wh(x.warehouse),
            "on_hand": x.on_hand,
            "last_move": x.last_move,
            "value": x.value,
        }
        for x in lists["no_movement"][:n]
    ]
    return out


# --- 月结 -------------------------------------------------------------------------------------


class MonthOut(Schema):
    year: int
    month: int
    closed: bool
    closed_at: dt.datetime | None
    closed_by: str | None
    snapshot_rows: int | None


class PeriodsOut(Schema):
    months: list[MonthOut]
    last_closed: str | None
    next_to_close: str | None
    problems: list[str]
    can_reopen: bool


class PeriodCloseIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    month: int = Field(..., ge=1, le=12)


class ReopenIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class ClosedOut(Schema):
    year: int
    month: int
    closed_at: dt.datetime | None = None


@router.get("/periods", response=PeriodsOut)
@requires("period.view")
def period_status(request, months: int = Query(12, ge=1, le=60)):  # type: ignore[type-arg]
    """月结 status of recent months (newest first), the month to close next and what stops it."""
    o = selectors.period_overview(months=months)
    return {
        "months": [
            {
                "year": m.year,
                "month": m.month,
                "closed": m.closed is not None,
                "closed_at": m.closed.closed_at if m.closed else None,
                "closed_by": str(m.closed.closed_by) if m.closed and m.closed.closed_by else None,
                "snapshot_rows": m.snapshot_rows,
            }
            for m in o.months
        ],
        "last_closed": str(o.last_closed) if o.last_closed else None,
        "next_to_close": f"{o.next_to_close[0]}-{o.next_to_close[1]:02d}"
        if o.next_to_close
        else None,
        "problems": o.problems,
        "can_reopen": selectors.can_reopen_period(request.user),
    }


@router.post("/periods/close", response=ClosedOut)
@requires("period.post")
def close_period(request, payload: PeriodCloseIn):
    """结账: close a month (409 ``period_not_ready`` with every problem when it cannot)."""
    return periods.close_period(year=payload.year, month=payload.month, user=request.user)


@router.post("/periods/reopen", response=ClosedOut)
@requires("period.reverse")
def reopen_period(request, payload: ReopenIn):
    """反结账: reopen the last closed month, with a reason (the owner's action; audited)."""
    if not selectors.can_reopen_period(request.user):
        raise PermissionDenied()
    return periods.reopen_period(user=request.user, reason=payload.reason)
