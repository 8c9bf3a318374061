"""What comes back from an outgoing move: slices of what it took out (a transfer in, a
reversal refilling layers) and a customer return's value. Pure, no database."""

from __future__ import annotations

from decimal import Decimal

from jxc.core.numbers import ZERO, share_of, unit_cost_of, value_of
from jxc.inventory.ledger.costing.state import Piece


def pieces_from(
    segments: list[tuple],
    start: Decimal,
    qty: Decimal,
    *,
    keep_layers: bool = False,
) -> tuple[Piece, ...]:
    """The part [start, start + qty) of an outgoing move given as segments
    ``(qty, value, layer key[, receipt])`` (the layers it consumed, then any uncovered rest),
    each part valued by telescoping so that taking everything back returns exactly what
    left; each piece keeps the receipt its layer came from."""
    out: list[Piece] = []
    offset = ZERO
    end = start + qty
    for seg in segments:
        seg_qty, seg_value, key = seg[0], seg[1], seg[2]
        receipt = seg[3] if len(seg) > 3 else None
        lo = max(start, offset) - offset
        hi = min(end, offset + seg_qty) - offset
        if hi > lo:
            value = share_of(seg_value, hi, seg_qty) - share_of(seg_value, lo, seg_qty)
            out.append(Piece(hi - lo, value, key if keep_layers else None, receipt))
        offset += seg_qty
    if offset < end:  # more back than went out (cannot happen through the ledger's checks)
        rest = end - max(offset, start)
        out.append(Piece(rest, ZERO))
    return tuple(out)


def return_value(
    qty: Decimal, line_qty: Decimal, line_value: Decimal, back_qty: Decimal, back_value: Decimal
) -> Decimal:
    """A customer return of ``qty`` of a delivery line that went out as ``line_qty`` /
    ``line_value`` (both positive), of which ``back_qty`` / ``back_value`` came back before:
    ``round(qty × booked unit, 2)`` at the booked unit ``line_value ÷ line_qty``; the return
    that brings the whole line back takes exactly what is left of its value (DOMAIN.md §5)."""
    if back_qty + qty >= line_qty:
        return line_value - back_value
    return value_of(qty, unit_cost_of(line_value, line_qty))
