"""Pure rules of the warehouse documents (no database): line checks, unit conversion, and
the stock lines each document hands to the ledger writer.

The services read what the rules need (``SkuFacts``, the lots an issue takes, the moves a
transfer shipped) and pass plain values in; everything here is exhaustively testable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jxc.core.documents.lots import Lot, make_lot
from jxc.core.numbers import round_unit_cost
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents.choices import (
    INCOMING_KINDS,
    KIND_MOVE_REASON,
    REASONS_FOR_KIND,
    StockDocumentKind,
)
from jxc.inventory.ledger.types import StockLine, stock_line

ZERO = Decimal(0)

K = StockDocumentKind


# --- line checks ------------------------------------------------------------------------


def header_errors(kind: str, *, reason: str) -> dict[str, list[str]]:
    """其他入库 / 其他出库 need a reason that fits the direction."""
    allowed = REASONS_FOR_KIND.get(kind)
    if allowed is None:
        return {}
    if reason not in allowed:
        return {"reason": [str(_("Select a reason that fits this document."))]}
    return {}


# --- posting: what a line does to stock ---------------------------------------------------


@dataclass(frozen=True)
class PostLine:
    """A saved line ready to post: its id and what was typed, and the lots it takes or
    fills (an issue may take several lots: 先到期先出)."""

    id: int
    sku: int
    qty: Decimal  # entered
    base_qty: Decimal
    unit: int | None = None
    price: Decimal | None = None
    factor: Decimal = Decimal(1)
    value_change: Decimal | None = None
    lots: tuple[Lot, ...] = ()


def post_line(
    *,
    id: int,
    sku: int,
    qty: Decimal,
    base_qty: Decimal,
    unit: int | None,
    price: Decimal | None,
    factor: Decimal,
    value_change: Decimal | None,
    lots: tuple[Lot, ...],
) -> PostLine:
    """``PostLine(…)`` of every field without the frozen dataclass's ``__init__`` (an
    ``object.__setattr__`` per field): the same instance at a third of the cost."""
    made = _new(PostLine)
    made.__dict__.update(
        id=id,
        sku=sku,
        qty=qty,
        base_qty=base_qty,
        unit=unit,
        price=price,
        factor=factor,
        value_change=value_change,
        lots=lots,
    )
    return made


_new = object.__new__


def lots_out(
    *, warehouse: int, date: dt.date, lines: Sequence[PostLine], reason: str
) -> list[StockLine]:
    """Every lot each line takes leaves the warehouse at its cost (调出, 组装's components,
    …): one ledger line per lot, naming the document line."""
    out = []
    for line in lines:
        for lot in line.lots or (Lot(qty=line.base_qty),):
            out.append(
                stock_line(
                    sku=line.sku,
                    warehouse=warehouse,
                    qty=-lot.qty,
                    reason=reason,
                    date=date,
                    bin=lot.bin,
                    batch=lot.batch,
                    serials=lot.serials,
                    entered_qty=lot.qty,
                    source_line=line.id,
                )
            )
    return out


def one_step_lines(
    *,
    source: int,
    target: int,
    date: dt.date,
    lines: Sequence[PostLine],
    to_bins: Mapping[int, int | None],
    out_reason: str = MoveReason.TRANSFER_OUT,
    in_reason: str = MoveReason.TRANSFER_IN,
) -> list[StockLine]:
    """Out of one place and into another in one posting (同一地点的调拨, 借出 into the
    lent-out location and its 归还): every lot out, and each in line naming its out line
    (``origin_line``) so it arrives at exactly the value that left."""
    outs = lots_out(warehouse=source, date=date, lines=lines, reason=out_reason)
    ins = [
        stock_line(
            sku=o.sku,
            warehouse=target,
            qty=-o.qty,
            reason=in_reason,
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


def stock_lines_for_document(
    kind: str, *, warehouse: int, date: dt.date, lines: Sequence[PostLine]
) -> list[StockLine]:
    """其他入库 / 其他出库 / 成本调整 / 期初库存 → ledger lines, one per lot."""
    reason = KIND_MOVE_REASON[StockDocumentKind(kind)]
    adjust = kind == K.COST_ADJUSTMENT
    incoming = kind in INCOMING_KINDS
    out: list[StockLine] = []
    for line in lines:
        lots = line.lots or (make_lot(line.base_qty),)
        split = len(lots) > 1
        # each move made once with its figures (no copy per kind)
        unit_cost = value = None
        if adjust:
            if line.price is not None:
                unit_cost = round_unit_cost(line.price / line.factor)
            else:
                value = line.value_change
        elif incoming and line.price is not None:
            # DOMAIN.md §5: an incoming move's unit cost is the cost as entered (per base
            # unit), not its rounded value ÷ quantity; the ledger values it round(q × c)
            unit_cost = round_unit_cost(line.price / line.factor)
        for lot in lots:
            out.append(
                stock_line(
                    sku=line.sku,
                    warehouse=warehouse,
                    qty=ZERO if adjust else lot.qty if incoming else -lot.qty,
                    reason=reason,
                    date=date,
                    bin=lot.bin,
                    batch=lot.batch,
                    source_line=line.id,
                    serials=lot.serials,
                    entered_qty=None if adjust else lot.qty if split else line.qty,
                    entered_unit=None if split else line.unit,
                    unit_cost=unit_cost,
                    value=value,
                )
            )
    return out
