"""销售 rules, pure (no database): a part of a line's amounts, the price a line takes,
discount and margin of an order, the credit check, what a reservation is short of, how much a
delivery or return line may still take. A line's amounts with VAT are the platform's
(``jxc.core.documents.pricing``, the same arithmetic as purchasing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jxc.core.documents import pricing
from jxc.core.documents.pricing import LineAmounts
from jxc.core.numbers import CONTEXT, ZERO, round_money, round_to, round_unit_cost

HUNDRED = Decimal(100)


def share(amounts: LineAmounts, part: Decimal, whole: Decimal) -> LineAmounts:
    """The amounts of ``part`` of a line of ``whole`` (base units): net and gross each
    proportional, rounded once; the line's whole quantity takes exactly its amounts."""
    if part == whole:
        return amounts
    net = round_money(CONTEXT.divide(CONTEXT.multiply(amounts.net, part), whole))
    gross = round_money(CONTEXT.divide(CONTEXT.multiply(amounts.gross, part), whole))
    return LineAmounts(net=net, tax=gross - net, gross=gross)


# --- prices ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceCandidate:
    """A price a SKU could take for a customer, per the line's unit, and where it comes from:
    ``customer`` (客户协议价), ``level`` (the customer's price level), ``last`` (历史单价)."""

    source: str
    price: Decimal
    includes_tax: bool = True


SOURCES = ("customer", "level", "last")


def pick_price(candidates: Sequence[PriceCandidate]) -> PriceCandidate | None:
    """Price resolution: the customer's own price, else its price level's (a level price of
    0 means "not set"), else the last price sold to the customer."""
    by_source = {c.source: c for c in candidates}
    for source in SOURCES:
        c = by_source.get(source)
        if c is None:
            continue
        if source == "level" and c.price <= 0:
            continue
        return c
    return None


def as_entered(c: PriceCandidate, *, includes_tax: bool, rate: Decimal) -> Decimal:
    """A candidate's price turned into the document's 含税 / 不含税."""
    return pricing.as_entered(
        c.price, given_with_tax=c.includes_tax, includes_tax=includes_tax, rate=rate
    )


def effective_price(price: Decimal, discount_rate: Decimal) -> Decimal:
    """The price after the line's discount (10 places)."""
    return round_unit_cost(
        CONTEXT.multiply(price, CONTEXT.divide(HUNDRED - discount_rate, HUNDRED))
    )


def below_min(*, price: Decimal, discount_rate: Decimal, min_price: Decimal) -> bool:
    """A line sells below 最低售价 (0: no lowest price) after its discount."""
    return min_price > 0 and effective_price(price, discount_rate) < min_price


def discount_pct(*, price: Decimal, discount_rate: Decimal, list_price: Decimal) -> Decimal:
    """How far below its list price a line sells, in per cent (0 when at or above it, or
    when there is no list price)."""
    if list_price <= 0:
        return ZERO
    eff = effective_price(price, discount_rate)
    if eff >= list_price:
        return ZERO
    return round_to(CONTEXT.divide(CONTEXT.multiply(list_price - eff, HUNDRED), list_price), 2)


def margin_pct(*, net: Decimal, cost: Decimal) -> Decimal | None:
    """毛利率: (net − cost) ÷ net in per cent; None without a sales amount."""
    if net <= 0:
        return None
    return round_to(CONTEXT.divide(CONTEXT.multiply(net - cost, HUNDRED), net), 2)


# --- credit ---------------------------------------------------------------------------------


def credit_exposure(*, open_receivables: Decimal, order_amount: Decimal) -> Decimal:
    return open_receivables + order_amount


def credit_exceeded(*, limit: Decimal, open_receivables: Decimal, order_amount: Decimal) -> bool:
    """Open receivables plus this order pass the credit limit (0: no limit)."""
    return (
        limit > 0
        and credit_exposure(open_receivables=open_receivables, order_amount=order_amount) > limit
    )


# --- quantities -----------------------------------------------------------------------------


def shortfalls(
    wanted: Mapping[int, Decimal], available: Mapping[int, Decimal]
) -> dict[int, Decimal]:
    """SKU → how much is missing to reserve ``wanted`` out of ``available`` (only those short)."""
    out: dict[int, Decimal] = {}
    for sku, qty in wanted.items():
        have = max(available.get(sku, ZERO), ZERO)
        if qty > have:
            out[sku] = qty - have
    return out


def over_quantity(*, limit: Decimal, done: Decimal, incoming: Decimal) -> Decimal | None:
    """None when ``incoming`` fits in ``limit − done``, else what may still be taken (≥ 0)."""
    if done + incoming <= limit:
        return None
    return max(limit - done, ZERO)


def unit_of(value: Decimal, qty: Decimal) -> Decimal:
    """value ÷ quantity (10 places; 0 at quantity 0)."""
    return round_unit_cost(CONTEXT.divide(value, qty)) if qty else ZERO


# 发票税额 may differ from the documents' VAT by rounding only: the tax system accepts up to
# ¥1.27 on an invoice (金税: 0.06 per line, at most 1.27 in all); more is a typing mistake.
INVOICE_TAX_TOLERANCE = Decimal("1.27")


def invoice_tax(shares: Sequence[Decimal], documents: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """The VAT an invoice's ``shares`` of documents carry: each share (价税合计; a return's
    negative) × that document's 税额 ÷ its 价税合计 (``documents``: (tax, total) each), to the
    分."""
    exact = sum(
        (
            share * tax / total
            for share, (tax, total) in zip(shares, documents, strict=True)
            if total
        ),
        ZERO,
    )
    return round_money(exact)


def invoice_allocation(total: Decimal, opens: Sequence[Decimal]) -> list[Decimal] | None:
    """What a 销项发票 of ``total`` (价税合计) covers of each document, given what each has not
    invoiced yet (a delivery > 0, a return < 0): every return in full, then the deliveries in
    the order given, the last one covered in part. None when the total is above what the
    documents have open together (or the returns leave nothing to invoice)."""
    returned = sum((o for o in opens if o < 0), ZERO)
    left = total - returned  # the deliveries carry the invoice and what the returns take off
    if total <= 0 or left > sum((o for o in opens if o > 0), ZERO):
        return None
    out = []
    for o in opens:
        if o < 0:
            out.append(o)
        else:
            take = min(o, max(left, ZERO))
            left -= take
            out.append(take)
    return out
