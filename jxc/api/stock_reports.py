"""Stock views and reports, and 月结, through the API (reads over jxc.reports.selectors;
the period close over jxc.core.periods). Always within the user's warehouse scope; cost
figures (``value``, ``unit_cost`` at any depth) are absent for users without ``cost.view``.

    GET  /stock/balances                 即时库存 (filters, totals, pages)
    GET  /stock/balances/{sku_id}/lots   the batches and bins that hold a SKU
    GET  /stock/moves                    库存流水 (with ``sku_id``: running balance per row)
    GET  /stock/at-date                  库存查询(按日期)
    GET  /stock/recost-jobs              成本重算任务 (background re-costing and its progress)

收发存汇总, 库存预警 and 月结: jxc.api.stock_summary.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Schema

from jxc.api.common.errors import Router
from jxc.api.common.permissions import get_or_404, requires
from jxc.catalog.models import Category, Sku
from jxc.core.errors import ValidationFailed
from jxc.core.visibility import Cost
from jxc.inventory.selectors import warehouses_for
from jxc.reports import selectors

router = Router(tags=["stock reports"])

MAX_PAGE = 500


class PageQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE)


class ScopeQuery(PageQuery):
    warehouse_id: int | None = None
    category_id: int | None = None
    q: str = Field("", max_length=80, description="code, name, barcode or pinyin initials")


def _scope(request: HttpRequest, query: ScopeQuery) -> dict[str, Any]:
    """Warehouse and category of a query, refusing ids the user cannot see (422)."""
    out: dict[str, Any] = {"warehouse": None, "category": None, "q": query.q}
    if query.warehouse_id is not None:
        out["warehouse"] = warehouses_for(request.user).filter(pk=query.warehouse_id).first()
        if out["warehouse"] is None:
            raise ValidationFailed({"warehouse_id": [gettext("Select a valid choice.")]})
    if query.category_id is not None:
        out["category"] = Category.objects.filter(pk=query.category_id).first()
        if out["category"] is None:
            raise ValidationFailed({"category_id": [gettext("Select a valid choice.")]})
    return out


def _page(items: list, query: PageQuery) -> tuple[list, int]:
    start = (query.page - 1) * query.page_size
    return items[start : start + query.page_size], len(items)


def _fig(qty: Decimal, value: Decimal) -> dict[str, Any]:
    return {"qty": qty, "value": value, "unit_cost": selectors.unit_cost_of(qty, value)}


def _sku(sku) -> dict[str, Any]:
    return {"sku_id": sku.id, "sku_code": sku.code, "sku_name": sku.label, "unit": sku.unit}


def _sku_model(sku: Sku) -> dict[str, Any]:
    unit = sku.product.base_unit.name if sku.product_id else ""
    return {"sku_id": sku.pk, "sku_code": sku.code, "sku_name": str(sku), "unit": unit}


def _wh(warehouse) -> dict[str, Any]:
    if warehouse is None:
        return {"warehouse_id": None, "warehouse_code": None, "warehouse_name": None}
    return {
        "warehouse_id": warehouse.pk,
        "warehouse_code": warehouse.code,
        "warehouse_name": warehouse.name,
    }


class FigureOut(Schema):
    qty: Decimal
    value: Decimal | None = Cost(None)
    unit_cost: Decimal | None = Cost(None)


# --- 即时库存 --------------------------------------------------------------------------------


class BalanceQuery(ScopeQuery):
    nonzero: bool = True


class BalanceOut(Schema):
    sku_id: int
    sku_code: str
    sku_name: str
    unit: str
    warehouse_id: int
    warehouse_code: str
    warehouse_name: str
    on_hand: Decimal
    reserved: Decimal
    on_order: Decimal
    in_transit: Decimal
    available: Decimal
    value: Decimal | None = Cost(None)
    unit_cost: Decimal | None = Cost(None)
    recosting: bool


class BalanceTotals(Schema):
    on_hand: Decimal
    reserved: Decimal
    on_order: Decimal
    in_transit: Decimal
    available: Decimal
    value: Decimal | None = Cost(None)


class BalancePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[BalanceOut]
    totals: BalanceTotals


@router.get("/stock/balances", response=BalancePage)
@requires("stock.view")
def stock_balances(request, query: Query[BalanceQuery]):  # type: ignore[type-arg]
    """即时库存: on hand, reserved, on order, in transit, available and value per SKU ×
    warehouse."""
    qs = selectors.stock_balances(
        user=request.user, nonzero=query.nonzero, **_scope(request, query)
    )
    start = (query.page - 1) * query.page_size
    items = [
        {
            **_sku_model(b.sku),
            **_wh(b.warehouse),
            "on_hand": b.on_hand,
            "reserved": b.reserved,
            "on_order": b.on_order,
            "in_transit": b.in_transit,
            "available": b.available_qty,
            "value": b.value,
            "unit_cost": selectors.unit_cost_of(b.on_hand, b.value),
            "recosting": b.recosting,
        }
        for b in qs[start : start + query.page_size]
    ]
    return {
        "count": qs.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": items,
        "totals": selectors.balance_totals(qs),
    }


class LotOut(Schema):
    warehouse_id: int
    warehouse_code: str
    bin_id: int | None
    bin_code: str | None
    batch_id: int | None
    batch_number: str | None
    production_date: dt.date | None
    expiry_date: dt.date | None
    qty: Decimal


@router.get("/stock/balances/{sku_id}/lots", response=list[LotOut])
@requires("stock.view")
def stock_lots(request, sku_id: int, warehouse_id: int | None = None):
    """The batches and bins holding a SKU (drill-down of 即时库存)."""
    sku = get_or_404(Sku.objects.all(), sku_id)
    warehouse = None
    if warehouse_id is not None:
        warehouse = get_or_404(warehouses_for(request.user), warehouse_id)
    return [
        {
            "warehouse_id": lot.warehouse_id,
            "warehouse_code": lot.warehouse.code,
            "bin_id": lot.bin_id,
            "bin_code": lot.bin.code if lot.bin else None,
            "batch_id": lot.batch_id,
            "batch_number": lot.batch.number if lot.batch else None,
            "production_date": lot.batch.production_date if lot.batch else None,
            "expiry_date": lot.batch.expiry_date if lot.batch else None,
            "qty": lot.qty,
        }
        for lot in selectors.lot_balances(user=request.user, sku=sku, warehouse=warehouse)
    ]


# --- 库存流水 --------------------------------------------------------------------------------


class MoveQuery(ScopeQuery):
    sku_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    reason: str = ""
    document: str = Field("", max_length=40)


class BalanceAfter(Schema):
    qty: Decimal
    value: Decimal | None = Cost(None)


class MoveOut(Schema):
    id: int
    date: dt.date
    sku_id: int
    sku_code: str
    sku_name: str
    unit: str
    warehouse_id: int
    warehouse_code: str
    warehouse_name: str
    reason: str
    reason_label: str
    qty: Decimal
    unit_cost: Decimal | None = Cost(None)
    value: Decimal | None = Cost(None)
    batch_number: str | None
    bin_code: str | None
    source_kind: str
    source_id: int
    source_number: str
    reverses_id: int | None
    balance: BalanceAfter | None = None
    recosting: bool = Field(False, description="成本重算中: the SKU's costs are being updated")


class MovePage(Schema):
    count: int
    page: int
    page_size: int
    opening: BalanceAfter | None = None
    closing: BalanceAfter | None = None
    items: list[MoveOut]


def _move(m, balance=None, recosting: bool = False) -> dict[str, Any]:
    return {
        "id": m.pk,
        "date": m.date,
        **_sku_model(m.sku),
        **_wh(m.warehouse),
        "reason": m.reason,
        "reason_label": str(m.get_reason_display()),
        "qty": m.qty,
        "unit_cost": m.unit_cost,
        "value": m.value,
        "batch_number": m.batch.number if m.batch else None,
        "bin_code": m.bin.code if m.bin else None,
        "source_kind": m.source_kind,
        "source_id": m.source_id,
        "source_number": m.source_number,
        "reverses_id": m.reverses_id,
        "balance": balance,
        "recosting": recosting,
    }


@router.get("/stock/moves", response=MovePage)
@requires("stock.view")
def stock_moves(request, query: Query[MoveQuery]):  # type: ignore[type-arg]
    """库存流水, oldest first; with ``sku_id`` each row carries the balance after it
    (``balance``) and the page the period's ``opening`` / ``closing``."""
    scope = _scope(request, query)
    if query.start and query.end and query.end < query.start:
        raise ValidationFailed({"end": [gettext("The end date is before the start date.")]})
    if query.sku_id is not None:
        sku = get_or_404(Sku.objects.all(), query.sku_id)
        led = selectors.sku_ledger(
            user=request.user,
            sku=sku,
            warehouse=scope["warehouse"],
            start=query.start,
            end=query.end,
            reason=query.reason,
            document=query.document,
        )
        rows, count = _page(led.rows, query)
        recosting = bool(selectors.recosting_skus([sku.pk]))
        return {
            "count": count,
            "page": query.page,
            "page_size": query.page_size,
            "opening": {"qty": led.opening.qty, "value": led.opening.value},
            "closing": {"qty": led.closing.qty, "value": led.closing.value},
            "items": [
                _move(r.move, {"qty": r.balance_qty, "value": r.balance_value}, recosting)
                for r in rows
            ],
        }
    qs = selectors.stock_moves(
        user=request.user,
        start=query.start,
        end=query.end,
        reason=query.reason,
        document=query.document,
        **scope,
    )
    start = (query.page - 1) * query.page_size
    moves = list(qs[start : start + query.page_size])
    flagged = selectors.recosting_skus({m.sku_id for m in moves})
    return {
        "count": qs.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": [_move(m, recosting=m.sku_id in flagged) for m in moves],
    }


# --- 库存查询(按日期) ---------------------------------------------------------------------------


class AtDateQuery(ScopeQuery):
    date: dt.date
    by_warehouse: bool = True


class AtDateOut(Schema):
    sku_id: int
    sku_code: str
    sku_name: str
    unit: str
    warehouse_id: int | None
    warehouse_code: str | None
    warehouse_name: str | None
    qty: Decimal
    value: Decimal | None = Cost(None)
    unit_cost: Decimal | None = Cost(None)


class AtDatePage(Schema):
    date: dt.date
    count: int
    page: int
    page_size: int
    items: list[AtDateOut]
    totals: FigureOut


@router.get("/stock/at-date", response=AtDatePage)
@requires("stock.view")
def stock_at_date(request, query: Query[AtDateQuery]):  # type: ignore[type-arg]
    """库存查询(按日期): quantity and value per SKU (× warehouse) at the end of ``date``."""
    rows = selectors.stock_at_date(
        user=request.user, day=query.date, by_warehouse=query.by_warehouse, **_scope(request, query)
    )
    totals = selectors.totals_of(rows, "qty", "value")
    page, count = _page(rows, query)
    return {
        "date": query.date,
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "items": [{**_sku(r.sku), **_wh(r.warehouse), **_fig(r.qty, r.value)} for r in page],
        "totals": _fig(totals["qty"], totals["value"]),
    }


# --- 成本重算任务 ----------------------------------------------------------------------------


class RecostSkuOut(Schema):
    sku_id: int
    sku_code: str
    sku_name: str


class RecostJobOut(Schema):
    id: int
    status: str = Field(description="pending, running, done or failed")
    status_label: str
    active: bool = Field(description="waiting or running: its SKUs show 成本重算中")
    sku_ids: list[int]
    skus: list[RecostSkuOut] = Field(description="the first SKUs of the job, with code and name")
    done: int = Field(description="moves re-valued so far")
    total: int = Field(description="moves to re-value (estimated until the job is done)")
    percent: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str
    source: str = Field(description="number of the backdated document that caused it")


class RecostJobQuery(Schema):
    active: bool = Field(False, description="only jobs waiting or running")
    limit: int = Field(50, ge=1, le=MAX_PAGE)


@router.get("/stock/recost-jobs", response=list[RecostJobOut])
@requires("stock.view")
def recost_jobs(request, query: Query[RecostJobQuery]):  # type: ignore[type-arg]
    """成本重算任务, newest first: a backdated posting with more later moves than the posting
    re-costs itself leaves them to a background job; until it is done its SKUs report
    ``recosting: true``."""
    return [
        {
            "id": j.id,
            "status": j.status,
            "status_label": j.status_label,
            "active": j.active,
            "sku_ids": j.sku_ids,
            "skus": [{"sku_id": s.id, "sku_code": s.code, "sku_name": s.name} for s in j.skus],
            "done": j.done,
            "total": j.total,
            "percent": j.percent,
            "created_at": j.created_at,
            "started_at": j.started_at,
            "finished_at": j.finished_at,
            "error": j.error,
            "source": j.source,
        }
        for j in selectors.recost_jobs(active_only=query.active, limit=query.limit)
    ]
