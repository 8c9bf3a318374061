"""采购 rules, pure (no database): what is still to receive, the quantity to order under a
MOQ and pack multiple, the credit of a return, 费用分摊, 补货建议, 三单匹配. A line's amounts
with VAT and the order's totals are the platform's (``jxc.core.documents.pricing``, the same
arithmetic as sales).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jxc.core.documents.pricing import LineAmounts
from jxc.core.numbers import CONTEXT, ZERO, round_money, round_unit_cost

HUNDRED = Decimal(100)


def order_quantity(needed: Decimal, *, moq: Decimal = ZERO, pack: Decimal = ZERO) -> Decimal:
    """How much to order for ``needed``: at least the MOQ, rounded up to whole packs."""
    if needed <= 0:
        return ZERO
    qty = max(needed, moq)
    if pack > 0:
        packs = CONTEXT.divide(qty, pack).to_integral_value(rounding="ROUND_CEILING")
        qty = packs * pack
    return qty


def line_problems(
    *, price: Decimal | None, tax_rate: Decimal | None, discount_rate: Decimal | None
) -> dict[str, str]:
    """What is wrong with an order line's money fields: field → message key (the service
    words them): a price missing or ≤ 0, a tax rate outside 0–100 %, a discount outside
    0–<100 %."""
    out: dict[str, str] = {}
    if price is None or price <= 0:
        out["price"] = "price"
    if tax_rate is not None and not (0 <= tax_rate <= 100):
        out["tax_rate"] = "tax_rate"
    if discount_rate is not None and not (0 <= discount_rate < 100):
        out["discount_rate"] = "discount_rate"
    return out


def receivable_limit(*, ordered: Decimal, tolerance: Decimal) -> Decimal:
    """The most an order line may take in, in its base unit: what was ordered plus the
    over-receipt tolerance (per cent), exactly."""
    return ordered + CONTEXT.divide(CONTEXT.multiply(ordered, tolerance), HUNDRED)


def over_receipt(
    *, ordered: Decimal, received: Decimal, incoming: Decimal, tolerance: Decimal
) -> Decimal | None:
    """None when ``incoming`` (base unit) fits the order line, else how much more it may still
    take (≥ 0)."""
    limit = receivable_limit(ordered=ordered, tolerance=tolerance)
    if received + incoming <= limit:
        return None
    return max(limit - received, ZERO)


def base_price(price: Decimal, factor: Decimal) -> Decimal:
    """An order's price per its entered unit as the price per base unit (exact)."""
    return CONTEXT.divide(price, factor) if factor else price


def round_price(price: Decimal) -> Decimal:
    """A price kept with 10 places."""
    return round_unit_cost(price)


def returned_share(
    *, net: Decimal, gross: Decimal, received: Decimal, before: Decimal, qty: Decimal
) -> LineAmounts:
    """The credit of returning ``qty`` of a receipt line that took in ``received`` (base
    units) at ``net`` / ``gross``, after ``before`` went back already: the line's amounts
    pro rata, telescoped (round(total × (before + qty) ÷ received) − round(total × before ÷
    received)), so returning everything gives back exactly the line's amounts."""

    def part(total: Decimal) -> Decimal:
        upto = round_money(CONTEXT.divide(CONTEXT.multiply(total, before + qty), received))
        done = round_money(CONTEXT.divide(CONTEXT.multiply(total, before), received))
        return upto - done

    n, g = part(net), part(gross)
    unit = round_unit_cost(CONTEXT.divide(n, qty)) if qty else ZERO
    return LineAmounts(net=n, tax=g - n, gross=g, unit_cost=unit)


def allocate_charge(amount: Decimal, bases: list[Decimal]) -> list[Decimal]:
    """费用分摊: ``amount`` (to the 分) spread over lines in proportion to ``bases`` (value,
    quantity or weight), each share to the 分 and the shares adding up to ``amount`` exactly:
    the cents left after rounding down go to the largest remainders (first line on a tie).
    Empty or all-zero bases: ValueError (the service says which basis is missing)."""
    total = sum(bases, ZERO)
    if total <= 0 or any(b < 0 for b in bases):
        raise ValueError("nothing to allocate by")
    cents = int((amount * 100).to_integral_value())
    exact = [CONTEXT.divide(CONTEXT.multiply(Decimal(cents), b), total) for b in bases]
    floors = [int(e.to_integral_value(rounding="ROUND_FLOOR")) for e in exact]
    left = cents - sum(floors)
    order = sorted(range(len(bases)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(c).scaleb(-2) for c in floors]


def suggested_quantity(
    *,
    target: Decimal,
    projected: Decimal,
    factor: Decimal = Decimal(1),
    moq: Decimal = ZERO,
    pack: Decimal = ZERO,
) -> Decimal:
    """补货建议: what to order of a SKU, in the unit of its price list row (``factor`` base
    units each): ``target`` (the maximum stock, else the minimum) − ``projected`` (available +
    on order + in transit, so what is already ordered counts), rounded up to whole units of
    that unit, then to the MOQ and whole packs. Zero when nothing is short."""
    need = target - projected
    if need <= 0:
        return ZERO
    in_unit = CONTEXT.divide(need, factor) if factor else need
    if in_unit != in_unit.to_integral_value():
        in_unit = in_unit.to_integral_value(rounding="ROUND_CEILING")
    return order_quantity(in_unit, moq=moq, pack=pack)


@dataclass(frozen=True)
class LineMatch:
    """三单匹配 of one order line: why it does not match (None: it matches) and the invoiced
    amount less the amount received."""

    reason: str | None
    received_amount: Decimal
    ordered_amount: Decimal
    difference: Decimal


def match_line(
    *,
    ordered_qty: Decimal,
    received_qty: Decimal,
    invoiced_qty: Decimal,
    invoiced_amount: Decimal,
    unit_price: Decimal,
    tolerance: Decimal = ZERO,
    tolerance_percent: Decimal = ZERO,
) -> LineMatch:
    """Order ↔ receipt ↔ invoice for one order line (base quantities, amounts excl. VAT at the
    order's net price per base unit). Invoiced more than received: beyond what was ordered
    超额开票 (``over_invoiced``), else 未到货 (``not_received``); less: 数量不符
    (``qty_mismatch``); the same quantity at an amount differing from received × price by more
    than the tolerance (the larger of the amount and the per cent of the amount received):
    单价不符 (``price_mismatch``)."""
    received_amount = round_money(received_qty * unit_price)
    ordered_amount = round_money(ordered_qty * unit_price)
    difference = invoiced_amount - received_amount
    allowed = max(tolerance, round_money(abs(received_amount) * tolerance_percent / HUNDRED))
    reason: str | None = None
    if invoiced_qty > received_qty:
        reason = "over_invoiced" if invoiced_qty > ordered_qty else "not_received"
    elif invoiced_qty < received_qty:
        reason = "qty_mismatch"
    elif abs(difference) > allowed:
        reason = "price_mismatch"
    return LineMatch(reason, received_amount, ordered_amount, difference)
