"""Goods on their way (在途), pure (no database): what a receipt brings in (or the return of
what never arrived), taken slice by slice from what was shipped so each unit arrives at the
value it left with; a shipped line's state; the checks of a receipt. The services are in
``jxc.inventory.documents.in_transit``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jxc.core.documents.lines import format_message, plain_number
from jxc.inventory.choices import MoveReason
from jxc.inventory.ledger.types import StockLine

ZERO = Decimal(0)


@dataclass(frozen=True)
class ShippedSlice:
    """One posted out move of a line: how much left, how much of it has come back in already
    (received or returned), its batch and serials."""

    move: int
    line: int
    sku: int
    qty: Decimal
    done: Decimal = ZERO
    batch: int | None = None
    serials: tuple[str, ...] = ()

    @property
    def open(self) -> Decimal:
        return self.qty - self.done


def arrival_lines(
    *,
    warehouse: int,
    date: dt.date,
    slices: Sequence[ShippedSlice],
    quantities: Mapping[int, Decimal],
    bins: Mapping[int, int | None],
    reason: str = MoveReason.TRANSFER_IN,
    from_transit: bool = True,
) -> list[StockLine]:
    """调入 (or the return of what never arrived): ``quantities`` per document line are
    taken from that line's shipped slices in order, each in line at the value its slice
    left with (``origin``). Serials arrive in the order they were shipped."""
    out: list[StockLine] = []
    by_line: dict[int, list[ShippedSlice]] = {}
    for x in slices:
        by_line.setdefault(x.line, []).append(x)
    for line_id, qty in quantities.items():
        want = qty
        for s in by_line.get(line_id, ()):
            if want <= 0:
                break
            take = min(want, s.open)
            if take <= 0:
                continue
            done = int(s.done) if s.serials else 0
            serials = s.serials[done : done + int(take)] if s.serials else ()
            out.append(
                StockLine(
                    sku=s.sku,
                    warehouse=warehouse,
                    qty=take,
                    reason=reason,
                    date=date,
                    bin=bins.get(line_id),
                    batch=s.batch,
                    serials=serials,
                    origin=s.move,
                    entered_qty=take,
                    source_line=line_id,
                    receive_in_transit=take if from_transit else ZERO,
                )
            )
            want -= take
    return out


@dataclass(frozen=True)
class LineInTransit:
    """A shipped line: what left, what arrived, went back or was written off."""

    line: int
    label: str
    shipped: Decimal
    received: Decimal
    returned: Decimal = ZERO
    lost: Decimal = ZERO

    @property
    def open(self) -> Decimal:
        return self.shipped - self.received - self.returned - self.lost

    @property
    def difference(self) -> Decimal:
        """调拨差异: shipped − received (what did not arrive, open or settled)."""
        return self.shipped - self.received


def receipt_errors(
    states: Sequence[LineInTransit], quantities: Mapping[int, Decimal]
) -> dict[str, list[str]]:
    """A receipt may take at most what is still in transit, and must take something."""
    errors: dict[str, list[str]] = {}
    by_line = {s.line: s for s in states}
    if not any(q > 0 for q in quantities.values()):
        errors["lines"] = [str(_("Enter a received quantity on at least one line."))]
    for line_id, qty in quantities.items():
        state = by_line.get(line_id)
        if state is None:
            errors.setdefault("lines", []).append(str(_("Unknown transfer line.")))
        elif qty < 0:
            errors[f"lines.{line_id}.qty"] = [str(_("A quantity cannot be below zero."))]
        elif qty > state.open:
            errors[f"lines.{line_id}.qty"] = [
                format_message(
                    _("%(sku)s: %(requested)s received but only %(open)s is still in transit."),
                    sku=state.label,
                    requested=plain_number(qty),
                    open=plain_number(state.open),
                )
            ]
    return errors
