"""销售报价单 and 销售订单 writes: drafts through the document platform (priced for the
customer by ``jxc.sales.drafts``), and the order's steps — 审核 checks credit and 最低售价 and
reserves the open quantities through the ledger's reservation function (all or nothing, every
shortfall listed); 反审核 and 强制结单 release them (ARCHITECTURE.md §4–5)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.utils.translation import gettext as _

from jxc.catalog.models import Sku
from jxc.core.choices import DocumentStatus
from jxc.core.documents.actions import act, take_action, write_fields
from jxc.core.documents.lines import LineInput, plain_number
from jxc.core.errors import InsufficientAvailable, PermissionDenied
from jxc.core.numbers import value_of
from jxc.inventory import services as stock
from jxc.inventory.documents.lifecycle import ensure_warehouses
from jxc.inventory.models import StockBalance
from jxc.sales import drafts, rules, selectors
from jxc.sales.choices import BelowMinPrice as Policy
from jxc.sales.errors import (
    BelowMinPrice,
    CreditLimitExceeded,
    OrderPartlyDelivered,
    StockShort,
)
from jxc.sales.models import (
    LastSalePrice,
    Quotation,
    QuotationLine,
    SalesOrder,
    SalesOrderLine,
)

ZERO = Decimal(0)
CREDIT_APPROVE = "credit.approve"
MIN_PRICE_APPROVE = "min_price.approve"


# --- 报价单 ----------------------------------------------------------------------------------


@transaction.atomic
def create_quotation(
    model: type[Quotation] = Quotation, *, user, lines: Sequence[LineInput], **header: Any
) -> Quotation:
    """新建销售报价单 (a draft): customer, warehouse, date, valid until, lines priced for the
    customer."""
    return drafts.save_draft(model, QuotationLine, user=user, lines=lines, header=header)


@transaction.atomic
def update_quotation(
    doc: Quotation, *, user, lines: Sequence[LineInput] | None = None, **header: Any
) -> Quotation:
    return drafts.save_draft(
        type(doc), QuotationLine, user=user, lines=lines, header=header, doc=doc
    )


@transaction.atomic
def order_from_quotation(quotation: Quotation, *, user, date=None) -> SalesOrder:
    """报价转订单: a draft order with the quotation's lines and prices; the quotation is done."""
    from django.utils import timezone

    if quotation.status != DocumentStatus.APPROVED:
        from jxc.core.errors import InvalidTransition

        raise InvalidTransition(source=quotation.status, target="order")
    lines = [
        LineInput(
            sku=x.sku_id,
            qty=x.qty,
            unit=x.unit_id,
            price=x.price,
            tax_rate=x.tax_rate,
            discount_rate=x.discount_rate,
            memo=x.memo,
            price_found=True,  # the quotation's (perhaps found, to 10 places), not typed
        )
        for x in quotation.lines.order_by("line_no", "id")
    ]
    order = create_sales_order(
        user=user,
        customer=quotation.customer,
        warehouse=quotation.warehouse,
        date=date or max(timezone.localdate(), quotation.date),
        prices_include_tax=quotation.prices_include_tax,
        quotation=quotation,
        memo=quotation.memo,
        lines=lines,
    )
    take_action(quotation, action="complete", user=user, check_permission=False)
    return order


# --- 销售订单 drafts --------------------------------------------------------------------------


@transaction.atomic
def create_sales_order(
    model: type[SalesOrder] = SalesOrder, *, user, lines: Sequence[LineInput], **header: Any
) -> SalesOrder:
    """新建销售订单 (a draft): customer, warehouse, date, prices 含税 or not, lines with unit,
    price (empty: 客户协议价, else the price level's, else 历史单价), VAT rate, discount,
    promised date. A price below 最低售价 is refused when the settings say so
    (``below_min_price``)."""
    return drafts.save_draft(model, SalesOrderLine, user=user, lines=lines, header=header)


@transaction.atomic
def update_sales_order(
    doc: SalesOrder, *, user, lines: Sequence[LineInput] | None = None, **header: Any
) -> SalesOrder:
    """修改草稿."""
    return drafts.save_draft(
        type(doc), SalesOrderLine, user=user, lines=lines, header=header, doc=doc
    )


# --- facts for approval rules and the credit check ---------------------------------------------


def order_facts(doc: SalesOrder) -> dict[str, Any]:
    """What [Approvals] rules see of an order: its amount (价税合计), the largest discount below
    list price, the estimated gross margin, whether the credit limit would be exceeded, the
    customer's tier."""
    lines = list(doc.lines.all())
    costs = selectors.estimated_unit_costs(x.sku_id for x in lines)
    cost = sum((value_of(x.base_qty, costs.get(x.sku_id, ZERO)) for x in lines), ZERO)
    discounts = [
        rules.discount_pct(price=x.price, discount_rate=x.discount_rate, list_price=x.list_price)
        for x in lines
    ]
    customer = doc.customer
    return {
        "amount": doc.total_amount,
        "max_discount_pct": max(discounts, default=ZERO),
        "margin_pct": rules.margin_pct(net=doc.net_amount, cost=cost) if costs else None,
        "credit_exceeded": credit_check(doc)[0],
        "customer_tier": customer.tier,
    }


def credit_check(doc: SalesOrder) -> tuple[bool, Decimal | None, Decimal]:
    """(exceeded, exposure, limit): open receivables from the party ledger, plus what the
    customer's other approved orders have still to deliver, plus this order, against the
    customer's credit limit — two orders each under the limit do not pass it together. A
    customer without a limit (0) is never over it: nothing is read (exposure None)."""
    customer = doc.customer
    if customer.credit_limit <= 0:
        return False, None, customer.credit_limit
    owed = selectors.open_receivables(customer.pk) + selectors.undelivered_orders(
        customer.pk, besides=doc.pk
    )
    exposure = rules.credit_exposure(open_receivables=owed, order_amount=doc.total_amount)
    exceeded = rules.credit_exceeded(
        limit=customer.credit_limit, open_receivables=owed, order_amount=doc.total_amount
    )
    return exceeded, exposure, customer.credit_limit


# --- the order's steps ---------------------------------------------------------------------------


def _open_by_sku(lines: Sequence[SalesOrderLine]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = defaultdict(Decimal)
    for x in lines:
        out[x.sku_id] += x.open_qty
    return out


def _reserved_by_sku(lines: Sequence[SalesOrderLine]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = defaultdict(Decimal)
    for x in lines:
        out[x.sku_id] += x.reserved_qty
    return out


def reserve_lines(doc: SalesOrder, lines: Sequence[SalesOrderLine], *, backorder: bool) -> None:
    """占用: reserve each SKU's open quantity in the order's warehouse, all SKUs in one call of
    the ledger (locked in id order, checked, written together); every shortfall is listed."""
    wanted = {k: q for k, q in _open_by_sku(lines).items() if q > 0}
    # the order's own rows first: on PostgreSQL the SKUs' rows stay locked from the
    # reservation to COMMIT, shared by every order of those SKUs (a failed reservation
    # rolls all of it back)
    for x in lines:
        x.reserved_qty = x.open_qty
    write_fields(SalesOrderLine, list(lines), ["reserved_qty"])
    try:
        stock.reserve_many(
            [(sku_id, doc.warehouse_id, qty) for sku_id, qty in sorted(wanted.items())],
            allow_backorder=backorder,
        )
    except InsufficientAvailable as exc:
        short = [
            (sku_id, requested - available, available)
            for sku_id, _w, requested, available in exc.params.get("shortfalls", [])
        ]
        names = dict(
            Sku.objects.filter(pk__in=[s for s, _q, _a in short]).values_list("pk", "name")
        )
        text = "; ".join(
            _("%(sku)s short %(short)s (available %(available)s)")
            % {"sku": names.get(s, s), "short": plain_number(q), "available": plain_number(a)}
            for s, q, a in short
        )
        raise StockShort(
            warehouse=str(doc.warehouse),
            shortfalls=text,
            sku=", ".join(str(names.get(s, s)) for s, _q, _a in short),
            available=", ".join(plain_number(a) for _s, _q, a in short),
            requested=", ".join(plain_number(wanted[s]) for s, _q, _a in short),
        ) from exc


def release_lines(doc: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    """释放占用: give back what the lines still hold reserved."""
    for sku_id, qty in sorted(_reserved_by_sku(lines).items()):
        if qty > 0:
            stock.release(sku=sku_id, warehouse=doc.warehouse_id, qty=qty)
    for x in lines:
        x.reserved_qty = ZERO
    write_fields(SalesOrderLine, list(lines), ["reserved_qty"])


def _remember_prices(doc: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    """历史单价: the order's price per customer and SKU (the last line of a SKU wins), written
    in one upsert, in SKU order: two orders of one customer lock its rows in the same order
    (no deadlock between them)."""
    latest = {x.sku_id: x for x in lines if x.unit_id is not None}
    latest = dict(sorted(latest.items()))
    LastSalePrice.objects.bulk_create(
        [
            LastSalePrice(
                customer_id=doc.customer_id,
                sku_id=x.sku_id,
                unit_id=cast(int, x.unit_id),
                price=x.price,
                includes_tax=doc.prices_include_tax,
                date=doc.date,
                source_number=doc.number,
            )
            for x in latest.values()
        ],
        update_conflicts=True,
        unique_fields=["customer", "sku"],
        update_fields=["unit", "price", "includes_tax", "date", "source_number"],
    )


def _ensure_may_approve(locked: SalesOrder, lines: Sequence[SalesOrderLine], user) -> bool:
    """Below 最低售价 (settings: approval) needs ``min_price.approve``; over the credit limit
    needs ``credit.approve`` (a manager; an [Approvals] rule routes such orders to one).
    Returns whether the credit limit is exceeded."""
    if any(x.below_min_price for x in lines):
        if selectors.below_min_policy() == Policy.REFUSE:
            raise BelowMinPrice({"lines": [_("A price is below the lowest sale price.")]})
        if user is not None and not user.has_jxc_perm(MIN_PRICE_APPROVE):
            raise PermissionDenied(perm=MIN_PRICE_APPROVE)
    exceeded, exposure, limit = credit_check(locked)
    if exceeded and user is not None and not user.has_jxc_perm(CREDIT_APPROVE):
        assert exposure is not None  # read whenever there is a limit
        raise CreditLimitExceeded(customer=str(locked.customer), exposure=exposure, limit=limit)
    return exceeded


@transaction.atomic
def submit_sales_order(doc: SalesOrder, *, user) -> SalesOrder:
    """提交: to review; the credit check is recorded on the order (an approval rule may ask
    for a manager when it is exceeded)."""
    from jxc.core.documents.actions import submit

    def check(locked: SalesOrder) -> None:
        exceeded = credit_check(locked)[0]
        if exceeded != locked.credit_exceeded:
            SalesOrder.objects.filter(pk=locked.pk).update(credit_exceeded=exceeded)

    return submit(doc, user=user, check=check)


@transaction.atomic
def approve_sales_order(doc: SalesOrder, *, user) -> SalesOrder:
    """审核: credit and lowest prices checked, then the open quantities are reserved in the
    order's warehouse — all of them or none: short SKUs are listed (库存不足), unless the
    customer takes back orders — and the prices become the customer's 历史单价."""

    def effect(locked: SalesOrder) -> None:
        ensure_warehouses(user, locked.warehouse)
        lines = list(SalesOrderLine.objects.filter(document=locked).order_by("line_no", "id"))
        exceeded = _ensure_may_approve(locked, lines, user)
        backorder = bool(locked.customer.allow_backorder)
        if (exceeded, backorder) != (locked.credit_exceeded, locked.backorder):
            SalesOrder.objects.filter(pk=locked.pk).update(
                credit_exceeded=exceeded, backorder=backorder
            )
        # 历史单价 before the reservation: on PostgreSQL the SKUs' rows are locked from the
        # reservation to COMMIT, so only the status and audit line are written under them
        _remember_prices(locked, lines)
        reserve_lines(locked, lines, backorder=backorder)

    return act(doc, action="approve", user=user, effect=effect)


@transaction.atomic
def unapprove_sales_order(doc: SalesOrder, *, user) -> SalesOrder:
    """反审核 while nothing is delivered: the reservation is released; withdrawing a submitted
    order changes nothing else."""

    def effect(locked: SalesOrder) -> None:
        if locked.status != DocumentStatus.APPROVED:
            return
        lines = list(SalesOrderLine.objects.filter(document=locked))
        if any(x.delivered_qty for x in lines):
            raise OrderPartlyDelivered(number=locked.number)
        release_lines(locked, lines)

    return act(doc, action="unapprove", user=user, effect=effect)


@transaction.atomic
def close_sales_order(doc: SalesOrder, *, user, reason: str) -> SalesOrder:
    """强制结单: nothing more will be delivered; what is still reserved is released."""

    def effect(locked: SalesOrder) -> None:
        release_lines(locked, list(SalesOrderLine.objects.filter(document=locked)))

    return act(doc, action="close", user=user, reason=reason, effect=effect)


def lock_order_lines(ids) -> dict[int, SalesOrderLine]:
    """Order lines read under lock, in id order (PostgreSQL ``FOR UPDATE``)."""
    return {
        x.pk: x
        for x in SalesOrderLine.objects.select_for_update()
        .select_related("document")
        .filter(pk__in=set(ids))
        .order_by("pk")
    }


def add_delivered(
    order_lines: Mapping[int, SalesOrderLine], changes: Sequence[tuple[int, Decimal, Decimal]]
) -> None:
    """Add (line id, delivered, released) to the locked order lines' delivered quantities and
    take what was released off their reservations: summed here in Decimal (SQLite would add
    REALs) and written in one statement."""
    for line_id, delivered, released in changes:
        x = order_lines[line_id]
        x.delivered_qty += delivered
        x.reserved_qty -= released
    write_fields(
        SalesOrderLine,
        [order_lines[i] for i in sorted({c[0] for c in changes})],
        ["delivered_qty", "reserved_qty"],
    )


def complete_if_delivered(order_docs: Iterable[SalesOrder], *, user) -> None:
    """An approved order whose lines are all delivered is 已完成 (its lines read in one
    query; the order itself is read under lock by the action, which refuses one that is no
    longer approved). ``order_docs``: the orders, as read with their locked lines."""
    by_id = {o.pk: o for o in order_docs if o.status == DocumentStatus.APPROVED}
    if not by_id:
        return
    still_open: set[int] = set()
    for doc_id, base_qty, delivered in SalesOrderLine.objects.filter(
        document_id__in=by_id
    ).values_list("document_id", "base_qty", "delivered_qty"):
        if base_qty - delivered > 0:
            still_open.add(doc_id)
    for pk in sorted(by_id.keys() - still_open):
        take_action(by_id[pk], action="complete", user=user, check_permission=False)


def balance_available(sku_id: int, warehouse_id: int) -> Decimal:
    b = StockBalance.objects.filter(sku_id=sku_id, warehouse_id=warehouse_id).first()
    return (b.on_hand - b.reserved) if b else ZERO
