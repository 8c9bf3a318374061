"""Pure rules of the 调拨单 (no database): the out lines of a shipment, the one-step
transfer, the in lines of a receipt (or the return of what never arrived) taken slice by
slice from what was shipped, and the checks of a receipt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jxc.core.documents.lines import format_message, plain_number
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents.rules import PostLine, lots_out
from jxc.inventory.ledger.types import StockLine

ZERO = Decimal(0)


def transfer_out_lines(*, source: int, date: dt.date, lines: Sequence[PostLine]) -> list[StockLine]:
    """Ship: every lot out of the source warehouse (调出)."""
    return lots_out(warehouse=source, date=date, lines=lines, reason=MoveReason.TRANSFER_OUT)


def one_step_transfer_lines(
    *,
    source: int,
    target: int,
    date: dt.date,
    lines: Sequence[PostLine],
    to_bins: Mapping[int, int | None],
) -> list[StockLine]:
    """同一地点的调拨: out of the source and into the target in one posting; each in line
    names its out line (``origin_line``) so it arrives at exactly the value that left."""
    outs = transfer_out_lines(source=source, date=date, lines=lines)
    ins = [
        StockLine(
            sku=o.sku,
            warehouse=target,
            qty=-o.qty,
            reason=MoveReason.TRANSFER_IN,
            date=date,
            bin=to_bins.get(o.source_line or 0),
            batch=o.batch,
            serials=o.serials,
            entered_qty=-o.qty,
            source_line=o.source_line,
            origin_line=i,
        )
        for i, o in enumerate(outs)
    ]
    return outs + ins


@dataclass(frozen=True)
class ShippedSlice:
    """One posted transfer-out move of a line: how much left, how much of it has come back
    in already (received or returned), its batch and serials."""

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
    """调入 (or the return of what never arrived): ``quantities`` per transfer line are
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
class TransferLineState:
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
    states: Sequence[TransferLineState], quantities: Mapping[int, Decimal]
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
