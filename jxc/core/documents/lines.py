"""Document lines as entered, and their checks (pure: no database).

``LineInput`` is a line as typed in a form, the API or an import; ``SkuFacts`` what the checks
need to know about its SKU (read by the caller); ``line_errors`` reports every problem at once,
keyed ``lines.<i>.<field>``; ``line_fields`` gives the columns every ``DocumentLine`` stores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from jxc.core.fields import (
    MONEY_PLACES,
    QTY_PLACES,
    UNIT_COST_PLACES,
    entry_error,
    fits,
    size_error,
)
from jxc.core.numbers import value_of

ZERO = Decimal(0)
_ONE = Decimal(1)


@dataclass(frozen=True)
class SkuFacts:
    """What the rules need to know about a SKU: its label, tracking, base unit and the
    units it may be entered in (unit id → factor), and which units allow decimals."""

    id: int
    label: str
    tracking: str = "none"
    base_unit_id: int | None = None
    units: Mapping[int, Decimal] = field(default_factory=dict)
    fraction_units: frozenset[int] = frozenset()
    # the company's price decimals: a price or cost typed with more is refused
    price_places: int = UNIT_COST_PLACES
    is_active: bool = True  # an inactive SKU is refused on a new sales line

    @property
    def batch_tracked(self) -> bool:
        return self.tracking == "batch"

    @property
    def serial_tracked(self) -> bool:
        return self.tracking == "serial"


class FactsLater(Protocol):
    """SKU facts read with a new draft's numbering (``jxc.catalog.selectors.sku_facts_later``):
    ``send`` queues the read for the step's next round trip, ``result`` parses its rows."""

    def send(self) -> None: ...

    def result(self) -> Mapping[int, SkuFacts]: ...


@dataclass(frozen=True)
class LineInput:
    """A document line as entered (API, form, import). ``unit`` None = the base unit;
    ``price`` is per entered unit."""

    sku: int
    qty: Decimal = ZERO
    unit: int | None = None
    price: Decimal | None = None
    value_change: Decimal | None = None
    bin: int | None = None
    to_bin: int | None = None
    batch_number: str = ""
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    serials: tuple[str, ...] = ()
    memo: str = ""
    # order lines (采购订单): tax rate and discount in per cent, the promised date
    tax_rate: Decimal | None = None
    discount_rate: Decimal | None = None
    promised_date: dt.date | None = None
    # lines made against another document's line (采购入库单 ← 采购订单): that line's id, and
    # what arrived but was rejected at inspection (in the entered unit) with the reason
    source_line: int | None = None
    rejected_qty: Decimal | None = None
    reject_reason: str = ""
    # the price was filled in (a price list, the last price, a customer's price — turned
    # between 含税 and 不含税 to 10 places), not typed: the company's price decimals limit
    # what a user types, not what the document computed
    price_found: bool = False


def parse_serials(text: str | Iterable[str]) -> tuple[str, ...]:
    """Serial numbers typed one per line, or separated by commas or blanks."""
    if text == "":  # (most lines: none)
        return ()
    if isinstance(text, str):
        parts = text.replace(",", " ").replace("\uff0c", " ").split()
    else:
        parts = [p.strip() for p in text]
    return tuple(p for p in parts if p)


def left_in_unit(line, left: Decimal, base_unit: int | None) -> tuple[Decimal, int | None]:
    """What is left of a source line (``left``, in base units; the line has ``qty`` in
    ``unit_id`` at ``factor``) as the quantity and unit of a new line against it (生成退货单):
    in the source's own unit when all of it is left or it comes out whole there (1 箱), else
    in the base unit."""
    if left == line.base_qty:
        return line.qty, line.unit_id
    if line.factor and (left / line.factor) == (left / line.factor).to_integral_value():
        return left / line.factor, line.unit_id
    return left, base_unit


def base_qty(qty: Decimal, factor: Decimal) -> Decimal:
    """The quantity in the base unit (exact; checked to fit the stored places)."""
    return qty * factor


def line_amount(qty: Decimal, price: Decimal | None) -> Decimal | None:
    """金额 of a line: entered quantity × price per entered unit, to the 分."""
    return None if price is None else value_of(qty, price)


def format_message(text, **params) -> str:
    return str(text) % params if params else str(text)


def line_errors(
    lines: Sequence[LineInput],
    facts: Mapping[int, SkuFacts],
    *,
    incoming: bool,
    needs_price: bool = False,
    cost_adjustment: bool = False,
    allow_no_batch_out: bool = True,
    stock_details: bool = True,
) -> dict[str, list[str]]:
    """Every problem of the lines at once, keyed ``lines.<i>.<field>`` (0-based ``i``).
    ``stock_details`` False: an order, which names no batch and no serial numbers."""
    errors: dict[str, list[str]] = {}

    def add(i: int, name: str, text, **params) -> None:
        errors.setdefault(f"lines.{i}.{name}", []).append(format_message(text, **params))

    if not lines:
        errors["lines"] = [str(_("Add at least one line."))]
        return errors
    seen_serials: dict[tuple[int, str], int] = {}
    for i, line in enumerate(lines):
        sku = facts.get(line.sku)
        if sku is None:
            add(i, "sku", _("Select a valid SKU."))
            continue
        factor = _ONE
        if line.unit is not None and line.unit != sku.base_unit_id:
            if line.unit not in sku.units:
                add(i, "unit", _("%(sku)s is not kept in this unit."), sku=sku.label)
            else:
                factor = sku.units[line.unit]
        unit_id = line.unit if line.unit is not None else sku.base_unit_id
        if cost_adjustment:
            _cost_adjustment_errors(i, line, add, price_places=sku.price_places)
            continue
        if line.qty is None or line.qty <= 0:
            add(i, "qty", _("Enter a quantity above zero."))
            continue
        if unit_id not in sku.fraction_units and line.qty != line.qty.to_integral_value():
            add(i, "qty", _("%(sku)s is counted in whole units."), sku=sku.label)
        qty = base_qty(line.qty, factor)
        # in the base unit (factor 1) the base quantity is the quantity, digit for digit, once
        # the quantity fits: its check would say the same again
        if (
            error := size_error(line.qty, QTY_PLACES)
            or (size_error(qty, QTY_PLACES) if factor is not _ONE else None)
        ) is not None:
            add(i, "qty", error)
            continue
        if line.price is not None and line.price < 0:
            add(i, "price", _("A cost cannot be below zero."))
        elif line.price is not None and (
            error := entry_error(
                line.price,
                UNIT_COST_PLACES,
                at_most=None if line.price_found else sku.price_places,
            )
        ):
            add(i, "price", error)
        elif line.price is not None and not fits(value_of(qty, line.price), MONEY_PLACES):
            # each factor in bounds, the product not: the move's value would not fit
            add(i, "price", size_error(value_of(qty, line.price), MONEY_PLACES))
        if needs_price and line.price is None:
            add(i, "price", _("Enter the unit cost."))
        if not stock_details:
            continue
        if sku.batch_tracked and not line.batch_number.strip():
            if incoming or not allow_no_batch_out:
                add(
                    i,
                    "batch_number",
                    _("%(sku)s is tracked by batch: enter the batch."),
                    sku=sku.label,
                )
        if line.production_date and line.expiry_date and line.expiry_date < line.production_date:
            add(i, "expiry_date", _("The expiry date is before the production date."))
        if sku.serial_tracked:
            if len(line.serials) != qty:
                add(
                    i,
                    "serials",
                    _("Enter one serial number per unit (%(qty)s)."),
                    qty=plain_number(qty),
                )
            for s in line.serials:
                key = (line.sku, s)
                if key in seen_serials:
                    add(i, "serials", _("Serial number %(serial)s appears twice."), serial=s)
                seen_serials[key] = i
        elif line.serials:
            add(i, "serials", _("%(sku)s has no serial numbers."), sku=sku.label)
    return errors


def _cost_adjustment_errors(
    i: int, line: LineInput, add, *, price_places: int = UNIT_COST_PLACES
) -> None:
    has_cost = line.price is not None
    has_value = line.value_change is not None
    if has_cost == has_value:
        add(i, "price", _("Enter either the new unit cost or the value change."))
    elif has_cost and line.price is not None and line.price < 0:
        add(i, "price", _("A cost cannot be below zero."))
    elif line.price is not None and (
        error := entry_error(line.price, UNIT_COST_PLACES, at_most=price_places)
    ):
        add(i, "price", error)
    elif line.value_change is not None and (error := size_error(line.value_change, MONEY_PLACES)):
        add(i, "value_change", error)
    elif has_value and line.value_change == 0:
        add(i, "value_change", _("Enter a value change other than zero."))


def plain_number(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def line_fields(line: LineInput, facts: SkuFacts, index: int) -> dict[str, Any]:
    """The common line columns: what was typed, the unit's factor, the base quantity."""
    unit = line.unit if line.unit is not None else facts.base_unit_id
    factor = facts.units.get(unit, Decimal(1)) if unit is not None else Decimal(1)
    return {
        "line_no": index + 1,
        "sku_id": line.sku,
        "unit_id": unit,
        "factor": factor,
        "qty": line.qty,
        "base_qty": line.qty * factor,
        "memo": line.memo[:200],
    }
