"""Reads of sales: the documents a user may see, the price a SKU takes for a customer, what a
warehouse has available and projected for the order grid, a customer's open receivables."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, QuerySet, Sum

from jxc.catalog.models import SkuUnit
from jxc.core.choices import DocumentStatus
from jxc.core.numbers import round_money
from jxc.finance.choices import PartySide
from jxc.finance.models import PartyBalance
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.choices import WarehouseKind
from jxc.inventory.models import StockBalance, Warehouse
from jxc.sales import rules
from jxc.sales.choices import BelowMinPrice
from jxc.sales.models import (
    CustomerPrice,
    LastSalePrice,
    PickList,
    Quotation,
    SalesDelivery,
    SalesInvoice,
    SalesOrder,
    SalesOrderLine,
    SalesReturn,
    SalesSettings,
)

ZERO = Decimal(0)
LEVEL_FIELDS = {
    "retail": "retail_price",
    "wholesale": "wholesale_price",
    "member": "member_price",
    "vip": "vip_price",
}


def settings() -> SalesSettings:
    """销售设置 (made with its defaults on first use)."""
    found = SalesSettings.objects.order_by("id").first()
    return found if found is not None else SalesSettings.objects.create()


def below_min_policy() -> str:
    return settings().below_min_price or BelowMinPrice.REFUSE


# --- documents a user sees -----------------------------------------------------------------


def _scoped(qs: QuerySet, user) -> QuerySet:
    return qs.select_related("customer", "warehouse", "created_by").filter(
        warehouse__in=stock_selectors.warehouses_for(user)
    )


def quotations_for(user) -> QuerySet[Quotation]:
    return _scoped(Quotation.objects.all(), user)


def orders_for(user) -> QuerySet[SalesOrder]:
    return _scoped(SalesOrder.objects.all(), user)


def deliveries_for(user) -> QuerySet[SalesDelivery]:
    return _scoped(SalesDelivery.objects.all(), user)


def returns_for(user) -> QuerySet[SalesReturn]:
    return _scoped(SalesReturn.objects.all(), user)


def pick_lists_for(user) -> QuerySet[PickList]:
    return PickList.objects.select_related("warehouse", "created_by").filter(
        warehouse__in=stock_selectors.warehouses_for(user)
    )


# --- prices ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitPrices:
    """A SKU unit's catalog prices: the customer's level price (list price) and 最低售价."""

    list_price: Decimal
    min_price: Decimal


def unit_prices(pairs: Iterable[tuple[int, int | None]], level: str) -> dict:
    """(SKU, unit) → UnitPrices for a price level (one query). ``unit`` None = the base unit."""
    pairs = list(pairs)
    field = LEVEL_FIELDS.get(level, "retail_price")
    out: dict[tuple[int, int | None], UnitPrices] = {}
    rows = SkuUnit.objects.filter(sku_id__in={s for s, _u in pairs}).values_list(
        "sku_id", "unit_id", "is_base", field, "min_price"
    )
    for sku_id, unit_id, is_base, price, min_price in rows:
        found = UnitPrices(list_price=price, min_price=min_price)
        out[(sku_id, unit_id)] = found
        if is_base:
            out[(sku_id, None)] = found
    return out


def price_candidates(
    customer, pairs: Iterable[tuple[int, int | None]], *, levels: Mapping | None = None
) -> dict:
    """(SKU, unit) → the candidates of price resolution (rules.pick_price): the customer's
    own price, its price level's, the last price sold to it in that unit. Three queries
    (two when ``levels``, the ``unit_prices`` of these SKUs at its level, is given)."""
    pairs = list(pairs)
    skus = {s for s, _u in pairs}
    out: dict[tuple[int, int | None], list[rules.PriceCandidate]] = defaultdict(list)
    own = {
        (p.sku_id, p.unit_id): p
        for p in CustomerPrice.objects.filter(customer=customer, sku_id__in=skus, is_active=True)
    }
    last = {p.sku_id: p for p in LastSalePrice.objects.filter(customer=customer, sku_id__in=skus)}
    if levels is None:
        levels = unit_prices(pairs, customer.price_level)
    for sku, unit in pairs:
        key = (sku, unit)
        if key in own:
            out[key].append(rules.PriceCandidate("customer", own[key].price, own[key].includes_tax))
        if key in levels:
            out[key].append(rules.PriceCandidate("level", levels[key].list_price, True))
        found = last.get(sku)
        if found is not None and found.unit_id == unit:
            out[key].append(rules.PriceCandidate("last", found.price, found.includes_tax))
    return out


@dataclass(frozen=True)
class SalePrice:
    """What a line of this customer, SKU and unit takes (the API's /sales-orders/price)."""

    price: Decimal | None
    includes_tax: bool
    source: str  # customer / level / last / "" (none)
    list_price: Decimal
    min_price: Decimal
    last_price: Decimal | None  # 历史单价


def sale_price(customer, sku_id: int, unit_id: int | None) -> SalePrice:
    key = (sku_id, unit_id)
    candidates = price_candidates(customer, [key]).get(key, [])
    chosen = rules.pick_price(candidates)
    unit = unit_prices([key], customer.price_level).get(key, UnitPrices(ZERO, ZERO))
    last = next((c for c in candidates if c.source == "last"), None)
    return SalePrice(
        price=chosen.price if chosen else None,
        includes_tax=chosen.includes_tax if chosen else True,
        source=chosen.source if chosen else "",
        list_price=unit.list_price,
        min_price=unit.min_price,
        last_price=last.price if last else None,
    )


def estimated_unit_costs(sku_ids: Iterable[int]) -> dict[int, Decimal]:
    """SKU → stock value ÷ quantity over all warehouses (an estimate for margin facts)."""
    out: dict[int, Decimal] = {}
    rows = (
        StockBalance.objects.filter(sku_id__in=set(sku_ids), on_hand__gt=0)
        .values("sku_id")
        .annotate(q=Sum("on_hand"), v=Sum("value"))
    )
    for row in rows:
        if row["q"]:
            out[row["sku_id"]] = rules.unit_of(row["v"] or ZERO, row["q"])
    return out


# --- availability (the order grid) ------------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    warehouse_id: int
    warehouse: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal  # on hand − reserved
    on_order: Decimal
    in_transit: Decimal
    projected: Decimal  # available + on order + in transit


def availability(*, sku_id: int, user) -> list[Availability]:
    """可用量 and 预计可用 of a SKU in every warehouse the user sees (one query)."""
    warehouses = stock_selectors.warehouses_for(user).exclude(kind=WarehouseKind.LENT)
    rows = StockBalance.objects.filter(sku_id=sku_id, warehouse__in=warehouses).select_related(
        "warehouse"
    )
    out = []
    for b in rows.order_by("warehouse__code"):
        avail = b.on_hand - b.reserved
        out.append(
            Availability(
                warehouse_id=b.warehouse_id,
                warehouse=str(b.warehouse),
                on_hand=b.on_hand,
                reserved=b.reserved,
                available=avail,
                on_order=b.on_order,
                in_transit=b.in_transit,
                projected=avail + b.on_order + b.in_transit,
            )
        )
    return out


# --- receivables ------------------------------------------------------------------------------


def open_receivables(customer_id: int) -> Decimal:
    """应收余额 of a customer from the party ledger (what it owes, net of receipts)."""
    found = (
        PartyBalance.objects.filter(side=PartySide.RECEIVABLE, customer_id=customer_id)
        .values_list("balance", flat=True)
        .first()
    )
    return found if found is not None else ZERO


def undelivered_orders(customer_id: int, *, besides: int | None = None) -> Decimal:
    """What the customer's approved orders (but ``besides``) still have to deliver, 价税合计
    of each line's open part: the credit those orders have taken before any 出库 turns them
    into receivables. The lines' own amounts are shared by quantity, each to the 分."""
    rows = SalesOrderLine.objects.filter(
        document__customer_id=customer_id,
        document__status=DocumentStatus.APPROVED,
        delivered_qty__lt=F("base_qty"),
    )
    if besides is not None:
        rows = rows.exclude(document_id=besides)
    total = ZERO
    for gross, base, delivered in rows.values_list("gross_amount", "base_qty", "delivered_qty"):
        total += gross if not delivered else round_money(gross * (base - delivered) / base)
    return total


def open_order_lines(order_ids: Iterable[int]) -> QuerySet[SalesOrderLine]:
    return SalesOrderLine.objects.filter(
        document_id__in=set(order_ids), document__status=DocumentStatus.APPROVED
    ).select_related("document", "sku", "unit")


def order_downstream(order) -> list[str]:
    """The numbers of deliveries and pick lists (not void) made from an order's lines."""
    found = set(
        SalesDelivery.objects.filter(lines__source_line__document=order)
        .exclude(status=DocumentStatus.VOID)
        .values_list("number", flat=True)
    )
    found |= set(
        PickList.objects.filter(lines__source_line__document=order)
        .exclude(status=DocumentStatus.VOID)
        .values_list("number", flat=True)
    )
    return sorted(found)


def delivery_downstream(delivery) -> list[str]:
    return sorted(
        set(
            SalesReturn.objects.filter(lines__source_line__document=delivery)
            .exclude(status=DocumentStatus.VOID)
            .values_list("number", flat=True)
        )
    )


def reservation_problems() -> list[str]:
    """已占用自检: per SKU and warehouse, Σ reserved on approved order lines = the balance's
    reserved (the ledger's reservation function is only called by orders)."""
    on_orders: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for sku, wh, qty in (
        SalesOrderLine.objects.filter(reserved_qty__gt=0)
        .values_list("sku_id", "document__warehouse_id")
        .annotate(q=Sum("reserved_qty"))
        .values_list("sku_id", "document__warehouse_id", "q")
    ):
        on_orders[(sku, wh)] += qty
    problems = []
    not_approved = SalesOrderLine.objects.filter(reserved_qty__gt=0).exclude(
        document__status=DocumentStatus.APPROVED
    )
    for number in not_approved.values_list("document__number", flat=True).distinct()[:50]:
        problems.append(f"{number}: holds a reservation but is not approved")
    balances = {
        (b.sku_id, b.warehouse_id): b.reserved
        for b in StockBalance.objects.filter(reserved__gt=0).only(
            "sku_id", "warehouse_id", "reserved"
        )
    }
    for key in sorted(set(on_orders) | set(balances)):
        if on_orders.get(key, ZERO) != balances.get(key, ZERO):
            problems.append(
                f"SKU {key[0]} warehouse {key[1]}: orders reserve {on_orders.get(key, ZERO)}, "
                f"the balance {balances.get(key, ZERO)}"
            )
    return problems


# --- 销项发票: what is not invoiced yet ---------------------------------------------------------


@dataclass(frozen=True)
class Uninvoiced:
    """A posted delivery (or return: ``uninvoiced`` < 0) not invoiced in full."""

    kind: str  # "delivery" / "return"
    id: int
    number: str
    date: dt.date
    customer_id: int
    customer: str
    total_amount: Decimal
    invoiced_amount: Decimal
    uninvoiced: Decimal


def uninvoiced_documents(user, *, customer_id: int | None = None) -> list[Uninvoiced]:
    """未开票出库单: the posted deliveries (and returns, negative) of the user's warehouses whose
    价税合计 is not covered by 销项发票 yet, by customer, oldest first (two queries)."""
    out = []
    for kind, qs, sign in (
        ("delivery", deliveries_for(user), 1),
        ("return", returns_for(user), -1),
    ):
        qs = qs.filter(status=DocumentStatus.POSTED, invoiced_amount__lt=F("total_amount"))
        if customer_id is not None:
            qs = qs.filter(customer_id=customer_id)
        for d in qs.order_by():
            out.append(
                Uninvoiced(
                    kind=kind,
                    id=d.pk,
                    number=d.number,
                    date=d.date,
                    customer_id=d.customer_id,
                    customer=str(d.customer),
                    total_amount=d.total_amount * sign,
                    invoiced_amount=d.invoiced_amount * sign,
                    uninvoiced=(d.total_amount - d.invoiced_amount) * sign,
                )
            )
    out.sort(key=lambda r: (r.customer, r.customer_id, r.date, r.kind, r.number))
    return out


def uninvoiced_by_customer(rows: Iterable[Uninvoiced]) -> list[dict]:
    """The rows grouped per customer with the customer's total not invoiced."""
    groups: dict[int, dict] = {}
    for r in rows:
        group = groups.setdefault(
            r.customer_id,
            {"customer_id": r.customer_id, "customer": r.customer, "uninvoiced": ZERO, "rows": []},
        )
        group["uninvoiced"] += r.uninvoiced
        group["rows"].append(r)
    return list(groups.values())


def invoices_for(user) -> QuerySet[SalesInvoice]:
    """销项发票 the user may see: an invoice has no warehouse of its own, it is where the
    deliveries and returns it covers are — a user kept to some warehouses sees the invoices
    all of whose documents are in them (one outside would show that warehouse's sales)."""
    qs = SalesInvoice.objects.select_related("customer", "created_by")
    if user is None or user.is_superuser or user.all_warehouses:
        return qs
    outside = Warehouse.objects.exclude(pk__in=stock_selectors.warehouses_for(user).values("pk"))
    return qs.exclude(links__delivery__warehouse__in=outside).exclude(
        links__sales_return__warehouse__in=outside
    )
