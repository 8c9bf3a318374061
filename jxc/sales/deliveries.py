"""销售出库单 writes: drafts against approved order lines of one customer and warehouse (several
orders allowed) or without an order (a counter sale: the price typed), and posting — the goods
out at cost through the ledger's writer (named bin / batch, else 先到期先出), the reservation
released in the same row update, 销售成本 kept per line, the order lines' delivered quantities,
and the receivable through the party ledger's writer (ARCHITECTURE.md §4 posting shape)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog.selectors import sku_facts
from jxc.core.choices import DocumentStatus
from jxc.core.documents.actions import act, raise_if, write_fields
from jxc.core.documents.at_once import take_actions
from jxc.core.documents.lines import LineInput, parse_serials
from jxc.core.documents.linked import LinkedCheck, LinkedSource, check_linked, merge_free
from jxc.core.documents.lots import Lot, issue_lots
from jxc.core.documents.services import create_document, update_document
from jxc.core.errors import ValidationFailed
from jxc.finance import party_ledger
from jxc.finance.rules import PartyLine, due_date_for
from jxc.inventory import services as stock
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents.lifecycle import (
    available_lots,
    batches_by_number,
    bin_errors,
    ensure_warehouses,
)
from jxc.inventory.ledger.types import StockLine
from jxc.sales import drafts, orders, rules, selectors
from jxc.sales.errors import CreditLimitExceeded, OverDelivery
from jxc.sales.models import SalesDelivery, SalesDeliveryLine, SalesOrder, SalesOrderLine

ZERO = Decimal(0)


def _take(x: LineInput, order_line: SalesOrderLine, factor: Decimal) -> LineInput:
    """A line against an order line takes its unit, VAT, discount and its price per this
    line's unit."""
    price = order_line.price
    if factor != order_line.factor and order_line.factor:
        price = rules.unit_of(price * factor, order_line.factor)
    return dataclasses.replace(
        x,
        unit=x.unit if x.unit is not None else order_line.unit_id,
        price=price,
        tax_rate=order_line.tax_rate,
        discount_rate=order_line.discount_rate,
    )


ORDER_LINE = LinkedSource(
    line_model=SalesOrderLine,
    statuses=(DocumentStatus.APPROVED,),
    partner="customer",
    open_qty=lambda line, _ctx: line.base_qty - line.delivered_qty,
    missing=gettext_lazy("Select a line of an approved sales order."),
    mismatch=gettext_lazy(
        "%(number)s is not an approved order of this customer from this warehouse."
    ),
    other_sku=gettext_lazy("The SKU is not the one ordered on %(number)s."),
    too_much=gettext_lazy("At most %(left)s more of %(number)s line %(line)s can be delivered."),
    over_error=OverDelivery,
    take=_take,
)


def _checked(
    lines: Sequence[LineInput],
    header: Mapping[str, Any],
    found: Mapping[int, SalesOrderLine] | None = None,
    facts: Mapping[int, Any] | None = None,
    catalog: Mapping[tuple[int, int | None], Any] | None = None,
) -> LinkedCheck:
    """Lines against order lines take the order line's unit, price, rate and discount; free
    lines (no order) are priced like an order line. Errors; over-delivery errors apart.
    ``found`` (the order lines), ``facts`` and ``catalog`` when the caller has read them."""
    if facts is None:
        facts = sku_facts(x.sku for x in lines)
    check = check_linked(ORDER_LINE, lines, header, facts=facts, found=found)
    if check.free:
        priced, free_errors, below = drafts.priced_lines(
            [lines[i] for i in check.free], header, facts=facts, catalog=catalog
        )
        merge_free(check, priced, {**free_errors, **below})
    check.errors.update(bin_errors(check.lines, header["warehouse"]))
    return check


def _errors(user, header, lines, found=None, facts=None, catalog=None):
    errors = drafts.header_errors(user, header)
    check = _checked(lines, header, found, facts, catalog)
    errors.update(check.errors)
    ORDER_LINE.raise_over(errors, check.over)
    return check.lines, errors


def _write_amounts(doc: SalesDelivery) -> SalesDelivery:
    return drafts.write_amounts(doc, SalesDeliveryLine, customer_level=doc.customer.price_level)


@transaction.atomic
def create_sales_delivery(
    model: type[SalesDelivery] = SalesDelivery,
    *,
    user,
    lines: Sequence[LineInput],
    order_lines: Mapping[int, SalesOrderLine] | None = None,
    **header: Any,
) -> SalesDelivery:
    """新建销售出库单 (a draft): customer, warehouse, date; lines against approved order lines
    of that customer and warehouse (their price, VAT and discount) or free lines priced for
    the customer; bin, batch and serial numbers when known (else 先到期先出 at posting). More
    than an order line has open is refused (``over_delivery``). ``order_lines``: the order
    lines the lines name (with their orders), when the caller has just read them."""
    header.setdefault("memo", "")
    header.setdefault("prices_include_tax", True)
    facts = sku_facts(x.sku for x in lines)
    # the unit prices of every unit of the SKUs: free lines are priced from them, every line
    # takes its list price from them
    catalog = selectors.unit_prices(
        [(x.sku, x.unit) for x in lines], header["customer"].price_level
    )
    lines, errors = _errors(user, header, lines, found=order_lines, facts=facts, catalog=catalog)
    found = None
    if not errors:
        found = drafts.precomputed_amounts(
            lines,
            facts,
            includes_tax=bool(header["prices_include_tax"]),
            catalog=catalog,
            line_model=SalesDeliveryLine,
        )
    if found is not None:
        values, totals = found
        return create_document(
            model,
            user=user,
            header={**header, **totals},
            lines=lines,
            facts=facts,
            errors=errors,
            line_values=values,
        )
    doc = create_document(model, user=user, header=header, lines=lines, facts=facts, errors=errors)
    return _write_amounts(doc)


@transaction.atomic
def update_sales_delivery(
    doc: SalesDelivery, *, user, lines: Sequence[LineInput] | None = None, **header: Any
) -> SalesDelivery:
    """修改草稿."""
    merged = {k: getattr(doc, k) for k in ("warehouse", "customer", "date", "prices_include_tax")}
    merged.update(header)
    if lines is not None:
        lines, errors = _errors(user, merged, lines)
    else:
        errors = drafts.header_errors(user, merged)
    doc = update_document(
        doc,
        user=user,
        header=header,
        lines=lines,
        facts=sku_facts(x.sku for x in lines or []),
        errors=errors,
    )
    return _write_amounts(doc)


def open_lines_input(order_lines: Sequence[SalesOrderLine]) -> list[LineInput]:
    """What is still open on order lines, in the order's unit where whole, else the base unit."""
    out = []
    for x in order_lines:
        if x.open_qty <= 0:
            continue
        whole = x.open_qty / x.factor
        unit, qty = (x.unit_id, whole) if whole == whole.to_integral_value() else (None, x.open_qty)
        out.append(LineInput(sku=x.sku_id, qty=qty, unit=unit, source_line=x.pk))
    return out


@transaction.atomic
def deliver_orders(
    sales_orders: Sequence[SalesOrder], *, user, date=None, memo: str = ""
) -> SalesDelivery:
    """生成出库单: a draft delivery of everything still open on these approved orders (one
    customer, one warehouse)."""
    first = sales_orders[0]
    # the orders' lines with their orders as they are now, once: what is open, and what
    # the draft's check reads of them
    order_lines = list(
        SalesOrderLine.objects.select_related("document")
        .filter(document_id__in={o.pk for o in sales_orders})
        .order_by("line_no", "id")
    )
    lines: list[LineInput] = []
    for order in sales_orders:
        lines += open_lines_input([x for x in order_lines if x.document_id == order.pk])
    return create_sales_delivery(
        order_lines={x.pk: x for x in order_lines},
        user=user,
        customer=first.customer,
        warehouse=first.warehouse,
        date=date or max(timezone.localdate(), max(o.date for o in sales_orders)),
        prices_include_tax=first.prices_include_tax,
        memo=memo,
        lines=lines,
    )


def _lots(locked: SalesDelivery, lines) -> list[tuple[Lot, ...]]:
    """The lots each line takes: the bin / batch it names, else 先到期先出."""
    known = batches_by_number((x.sku_id, x.batch_number) for x in lines)
    pool = available_lots(locked.warehouse_id, {x.sku_id for x in lines})
    out = []
    for x in lines:
        batch_id = known.get((x.sku_id, x.batch_number.strip()))
        if x.batch_number.strip() and batch_id is None:
            raise ValidationFailed(
                {f"lines.{x.line_no - 1}.batch_number": [_("There is no such batch of this SKU.")]}
            )
        out.append(
            issue_lots(
                qty=x.base_qty,
                sku_id=x.sku_id,
                bin_id=x.bin_id,
                batch_id=batch_id,
                serials=parse_serials(x.serials),
                pool=pool,
            )
        )
    return out


def _as_input(x: SalesDeliveryLine) -> LineInput:
    return LineInput(
        sku=x.sku_id,
        qty=x.qty,
        unit=x.unit_id,
        price=x.price,
        tax_rate=x.tax_rate,
        discount_rate=x.discount_rate,
        source_line=x.source_line_id,
        bin=x.bin_id,
    )


def stock_lines(locked: SalesDelivery, lines, release: Mapping[int, Decimal]) -> list[StockLine]:
    """The ledger lines of a delivery: each line out of its lots; the first lot of a line
    releases what the line fulfils of its order line's reservation."""
    out = []
    for x, lots in zip(lines, _lots(locked, lines), strict=True):
        rel = release.get(x.pk, ZERO)
        for lot in lots:
            out.append(
                StockLine(
                    sku=x.sku_id,
                    warehouse=locked.warehouse_id,
                    qty=-lot.qty,
                    reason=MoveReason.SALES_DELIVERY,
                    date=locked.date,
                    bin=lot.bin,
                    batch=lot.batch,
                    entered_qty=x.qty,
                    entered_unit=x.unit_id,
                    source_line=x.pk,
                    serials=lot.serials,
                    release_reserved=rel,
                )
            )
            rel = ZERO
    return out


@transaction.atomic
def post_sales_delivery(doc: SalesDelivery, *, user) -> SalesDelivery:
    """销售出库过账: take the goods out of stock at cost, release what they fulfil of the
    orders' reservations, keep each line's 销售成本 (its gross profit = amount excl. VAT −
    cost), add them to the order lines' delivered quantities (an order fully delivered is
    已完成) and record what the customer owes (due after its payment terms)."""
    effect, touched = _posting(doc, user=user, credit=True)
    doc = act(doc, action="post", user=user, effect=effect)
    orders.complete_if_delivered(touched.values(), user=user)
    return doc


def _ensure_credit(locked: SalesDelivery, lines: Sequence[SalesDeliveryLine], user) -> None:
    """What is delivered without an order takes credit no order approval checked: with the
    customer's receivables and its approved orders still to deliver it may not pass the
    credit limit (0: none) unless the user may approve that (``credit.approve``). Lines
    against an order were checked when it was approved (their amount moves from the order
    into the receivables)."""
    limit = locked.customer.credit_limit
    unordered = sum((x.gross_amount for x in lines if not x.source_line_id), ZERO)
    if limit <= 0 or unordered <= 0 or user is None or user.has_jxc_perm(orders.CREDIT_APPROVE):
        return
    exposure = (
        selectors.open_receivables(locked.customer_id)
        + selectors.undelivered_orders(locked.customer_id)
        + unordered
    )
    if exposure > limit:
        raise CreditLimitExceeded(customer=str(locked.customer), exposure=exposure, limit=limit)


@transaction.atomic
def submit_and_post_sales_delivery(doc: SalesDelivery, *, user) -> SalesDelivery:
    """保存并过账 of a draft (the counter sale): 提交 → 审核 → 过账 in one transaction, each
    step checked and audited as on its own (``take_actions``: one lock read, one status
    write), the posting as ``post_sales_delivery`` — but paid on the spot, so without its
    credit check. An approval rule that holds the delivery stops it before 审核 (returned
    已提交)."""
    effect, touched = _posting(doc, user=user, credit=False)
    doc = take_actions(
        doc, actions=("submit", "approve", "post"), user=user, effects={"post": effect}
    )
    orders.complete_if_delivered(touched.values(), user=user)
    return doc


def _posting(doc: SalesDelivery, *, user, credit: bool) -> tuple[Any, dict[int, SalesOrder]]:
    """The posting's effect on the locked delivery, and the orders it delivered against
    (filled in by the effect: those it completes are checked after); ``credit``: check what
    goes out without an order against the customer's credit limit."""
    touched: dict[int, SalesOrder] = {}

    def effect(locked: SalesDelivery) -> None:
        ensure_warehouses(user, locked.warehouse)
        lines = list(SalesDeliveryLine.objects.filter(document=locked).order_by("line_no", "id"))
        if credit:
            _ensure_credit(locked, lines, user)
        linked = [x.source_line_id for x in lines if x.source_line_id]
        order_lines = orders.lock_order_lines(linked) if linked else {}
        header = {
            "customer": locked.customer,
            "warehouse": locked.warehouse,
            "prices_include_tax": locked.prices_include_tax,
        }
        # the draft's checks again on the order lines as they are now (locked): another
        # delivery may have been posted since, or the order closed
        _lines, problems = _errors(
            user, header, [_as_input(x) for x in lines if x.source_line_id], order_lines
        )
        raise_if(problems)
        release: dict[int, Decimal] = {}
        left = {k: o.reserved_qty for k, o in order_lines.items()}
        for x in lines:
            if x.source_line_id:
                off = min(left[x.source_line_id], x.base_qty)
                left[x.source_line_id] -= off
                release[x.pk] = off
        moves = stock.record_moves(
            stock_lines(locked, lines, release), source=locked.ref(), user=user
        )
        cost: dict[int, Decimal] = defaultdict(Decimal)
        for m in moves:
            cost[m.source_line] += -m.value
        for x in lines:
            x.cost_amount = cost[x.pk]
            x.unit_cost = rules.unit_of(x.cost_amount, x.base_qty)
        write_fields(SalesDeliveryLine, lines, ["cost_amount", "unit_cost"])
        orders.add_delivered(
            order_lines,
            [(x.source_line_id, x.base_qty, release[x.pk]) for x in lines if x.source_line_id],
        )
        touched.update((o.document_id, o.document) for o in order_lines.values())
        due = due_date_for(locked.date, locked.customer.payment_terms_days)
        if locked.total_amount:
            party_ledger.record_party_entries(
                [
                    PartyLine(
                        side="receivable",
                        partner_id=locked.customer_id,
                        amount=locked.total_amount,
                        date=locked.date,
                        due_date=due,
                    )
                ],
                source=locked.ref(),
                user=user,
            )
        locked.due_date = due
        locked.cost_amount = sum(cost.values(), ZERO)
        SalesDelivery.objects.filter(pk=locked.pk).update(
            due_date=due, cost_amount=locked.cost_amount
        )
        doc.due_date, doc.cost_amount = due, locked.cost_amount

    return effect, touched
