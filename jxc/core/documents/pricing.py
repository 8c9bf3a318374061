"""A priced line's money, pure (no database): the amounts of a line with VAT and a price
turned between 含税 and 不含税 — one arithmetic for every document that sells or buys
(销售 and 采购 drafts, receipts, returns, requisitions).

Amounts of a line (DOMAIN.md §4.5: money to the 分, half up, computed exactly first):
``gross = qty × price × (1 − discount%)`` is what the line's price says. Entered without VAT
(不含税) it is the net amount; entered with VAT (含税) it is the amount payable. The other one
comes from the exact figure, once rounded: net = round(gross ÷ (1 + rate)), with VAT =
round(gross × (1 + rate)). VAT = with VAT − net. So a price typed 不含税 and the same price
typed 含税 (× (1 + rate)) give the same three amounts to the 分, on every rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from jxc.core.numbers import CONTEXT, ZERO, round_money, round_unit_cost

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal  # 不含税金额
    tax: Decimal  # 税额
    gross: Decimal  # 价税合计
    unit_cost: Decimal = ZERO  # net per base unit, 10 places: what a receipt puts into stock


def line_amounts(
    *,
    qty: Decimal,
    price: Decimal,
    tax_rate: Decimal,
    discount_rate: Decimal = ZERO,
    includes_tax: bool,
    factor: Decimal = Decimal(1),
) -> LineAmounts:
    """The amounts of one line: ``qty`` in the entered unit, ``price`` per that unit (with
    VAT when ``includes_tax``), ``tax_rate`` and ``discount_rate`` in per cent, ``factor``
    base units per entered unit (for the unit cost)."""
    keep = CONTEXT.divide(HUNDRED - discount_rate, HUNDRED)
    entered = CONTEXT.multiply(CONTEXT.multiply(qty, price), keep)
    up = CONTEXT.divide(HUNDRED + tax_rate, HUNDRED)
    if includes_tax:
        gross = round_money(entered)
        exact_net = CONTEXT.divide(entered, up)
        net = round_money(exact_net)
    else:
        exact_net = entered
        net = round_money(entered)
        gross = round_money(CONTEXT.multiply(entered, up))
    base = CONTEXT.multiply(qty, factor)
    unit_cost = round_unit_cost(CONTEXT.divide(exact_net, base)) if base else ZERO
    return LineAmounts(net=net, tax=gross - net, gross=gross, unit_cost=unit_cost)


@dataclass(frozen=True)
class Totals:
    net: Decimal
    tax: Decimal
    gross: Decimal


def totals(lines: Iterable[LineAmounts]) -> Totals:
    """合计 of a document: the sums of its lines' amounts (never re-rounded)."""
    net = tax = gross = ZERO
    for x in lines:
        net, tax, gross = net + x.net, tax + x.tax, gross + x.gross
    return Totals(net=net, tax=tax, gross=gross)


def with_tax(price: Decimal, rate: Decimal) -> Decimal:
    """A 不含税 price as the 含税 price (10 places)."""
    return round_unit_cost(CONTEXT.multiply(price, CONTEXT.divide(HUNDRED + rate, HUNDRED)))


def without_tax(price: Decimal, rate: Decimal) -> Decimal:
    """A 含税 price as the 不含税 price (10 places)."""
    return round_unit_cost(CONTEXT.divide(price, CONTEXT.divide(HUNDRED + rate, HUNDRED)))


def as_entered(
    price: Decimal, *, given_with_tax: bool, includes_tax: bool, rate: Decimal
) -> Decimal:
    """A price found somewhere (a price list, the last price, a customer's price; with VAT
    when ``given_with_tax``) as the document enters its prices (含税 when ``includes_tax``)."""
    if given_with_tax == includes_tax:
        return price
    return without_tax(price, rate) if given_with_tax else with_tax(price, rate)
