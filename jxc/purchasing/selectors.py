"""Reads of purchasing: the orders a user may see, the price a supplier charges for a SKU on a
date (price list, else the last price paid)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from jxc.inventory import selectors as stock_selectors
from jxc.purchasing.models import (
    LandedCost,
    LastPurchasePrice,
    PurchaseOrder,
    PurchaseReceipt,
    PurchaseRequisition,
    PurchaseReturn,
    SupplierPrice,
)


def orders_for(user) -> QuerySet[PurchaseOrder]:
    """采购订单 of the user's warehouses."""
    return PurchaseOrder.objects.select_related("supplier", "warehouse", "created_by").filter(
        warehouse__in=stock_selectors.warehouses_for(user)
    )


def receipts_for(user) -> QuerySet[PurchaseReceipt]:
    """采购入库单 of the user's warehouses."""
    return PurchaseReceipt.objects.select_related("supplier", "warehouse", "created_by").filter(
        warehouse__in=stock_selectors.warehouses_for(user)
    )


def returns_for(user) -> QuerySet[PurchaseReturn]:
    """采购退货单 of the user's warehouses."""
    return PurchaseReturn.objects.select_related("supplier", "warehouse", "created_by").filter(
        warehouse__in=stock_selectors.warehouses_for(user)
    )


def landed_costs_for(user) -> QuerySet[LandedCost]:
    """费用分摊单 (every user who may see them sees them all: a charge is no warehouse's)."""
    return LandedCost.objects.select_related("supplier", "created_by")


def requisitions_for(user) -> QuerySet[PurchaseRequisition]:
    """采购申请 of the user's warehouses."""
    return PurchaseRequisition.objects.select_related("warehouse", "created_by").filter(
        warehouse__in=stock_selectors.warehouses_for(user)
    )


def search_supplier_prices(*, supplier=None, sku=None, q: str = "") -> QuerySet[SupplierPrice]:
    qs = SupplierPrice.objects.select_related("supplier", "sku", "unit")
    if supplier is not None:
        qs = qs.filter(supplier=supplier)
    if sku is not None:
        qs = qs.filter(sku=sku)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(sku__code__icontains=q) | Q(sku__name__icontains=q) | Q(supplier__name__icontains=q)
        )
    return qs.order_by("supplier__code", "sku__code", "-valid_from")


@dataclass(frozen=True)
class Quote:
    """The price to propose on an order line, and where it came from."""

    price: Decimal
    includes_tax: bool
    tax_rate: Decimal
    unit_id: int
    source: str  # "price_list" or "last_price"
    moq: Decimal = Decimal(0)
    pack_multiple: Decimal = Decimal(0)


def quotes(supplier_id: int, pairs: Iterable[tuple[int, int | None]], day: dt.date) -> dict:
    """(SKU, unit) → Quote for one supplier on ``day``: the price list entry valid that day
    for that unit (the latest ``valid_from``), else the last price paid when it was in that
    unit. Two queries, whatever the number of lines."""
    pairs = list(pairs)
    skus = {s for s, _u in pairs}
    out: dict[tuple[int, int | None], Quote] = {}
    listed = (
        SupplierPrice.objects.filter(
            supplier_id=supplier_id, sku_id__in=skus, valid_from__lte=day, is_active=True
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("sku_id", "unit_id", "-valid_from")
    )
    for p in listed:
        out.setdefault(
            (p.sku_id, p.unit_id),
            Quote(
                p.price, p.includes_tax, p.tax_rate, p.unit_id, "price_list", p.moq, p.pack_multiple
            ),
        )
    for last in LastPurchasePrice.objects.filter(supplier_id=supplier_id, sku_id__in=skus):
        out.setdefault(
            (last.sku_id, last.unit_id),
            Quote(last.price, last.includes_tax, last.tax_rate, last.unit_id, "last_price"),
        )
    return out


def last_prices(*, supplier=None, sku=None) -> QuerySet[LastPurchasePrice]:
    """最近进价, newest first."""
    qs = LastPurchasePrice.objects.select_related("supplier", "sku", "unit")
    if supplier is not None:
        qs = qs.filter(supplier=supplier)
    if sku is not None:
        qs = qs.filter(sku=sku)
    return qs.order_by("-date", "-id")


def receipts_of_order(order) -> list[str]:
    """The numbers of the receipts (not void) made against an order's lines."""
    from jxc.core.choices import DocumentStatus

    return sorted(
        set(
            PurchaseReceipt.objects.filter(lines__source_line__document=order)
            .exclude(status=DocumentStatus.VOID)
            .values_list("number", flat=True)
        )
    )
