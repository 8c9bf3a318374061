"""Pure rules of the 组装单 / 拆卸单 (no database): components from the kit definition,
the out and in lines, and sharing a kit's value among its components to the 分."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from jxc.core.documents.lots import Lot
from jxc.core.numbers import round_money
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents.rules import PostLine, lots_out
from jxc.inventory.ledger.types import StockLine

ZERO = Decimal(0)


def component_quantities(
    components: Sequence[tuple[int, Decimal]], kits: Decimal
) -> list[tuple[int, Decimal]]:
    """BOM × number of kits: (component SKU, total base quantity)."""
    return [(sku, per_kit * kits) for sku, per_kit in components]


def assembly_out_lines(
    *, warehouse: int, date: dt.date, lines: Sequence[PostLine]
) -> list[StockLine]:
    """组装: every component out at its cost."""
    return lots_out(warehouse=warehouse, date=date, lines=lines, reason=MoveReason.ASSEMBLY_OUT)


def kit_in_line(
    *,
    kit: int,
    warehouse: int,
    date: dt.date,
    qty: Decimal,
    component_values: Iterable[Decimal],
    bin: int | None = None,
    batch: int | None = None,
) -> StockLine:
    """The kit comes in at the sum of what its components went out with."""
    value = -sum(component_values, ZERO)
    return StockLine(
        sku=kit,
        warehouse=warehouse,
        qty=qty,
        reason=MoveReason.ASSEMBLY_IN,
        date=date,
        bin=bin,
        batch=batch,
        value=value,
        entered_qty=qty,
    )


def kit_out_line(
    *, kit: int, warehouse: int, date: dt.date, qty: Decimal, lot: Lot | None = None
) -> StockLine:
    """拆卸: the kit out at its cost."""
    return StockLine(
        sku=kit,
        warehouse=warehouse,
        qty=-qty,
        reason=MoveReason.ASSEMBLY_OUT,
        date=date,
        bin=lot.bin if lot else None,
        batch=lot.batch if lot else None,
        entered_qty=qty,
    )


def split_value(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Share ``total`` by ``weights`` to the 分; the shares add up to ``total`` exactly
    (the rest of the rounding goes to the last share). Equal shares without weights."""
    if not weights:
        return []
    w = [max(x, ZERO) for x in weights]
    whole = sum(w, ZERO)
    if whole == 0:
        w = [Decimal(1)] * len(weights)
        whole = Decimal(len(weights))
    shares: list[Decimal] = []
    running = ZERO
    acc = ZERO
    for weight in w:
        acc += weight
        cumulative = round_money(total * acc / whole)
        shares.append(cumulative - running)
        running = cumulative
    return shares


def component_in_lines(
    *,
    warehouse: int,
    date: dt.date,
    lines: Sequence[PostLine],
    kit_value: Decimal,
    weights: Sequence[Decimal],
) -> list[StockLine]:
    """拆卸: components back in, sharing the kit's value by ``weights`` (their current cost
    × quantity), so the components together carry exactly what the kit went out with."""
    shares = split_value(kit_value, weights)
    out = []
    for line, share in zip(lines, shares, strict=True):
        lot = line.lots[0] if line.lots else Lot(qty=line.base_qty)
        out.append(
            StockLine(
                sku=line.sku,
                warehouse=warehouse,
                qty=line.base_qty,
                reason=MoveReason.ASSEMBLY_IN,
                date=date,
                bin=lot.bin,
                batch=lot.batch,
                value=share,
                entered_qty=line.qty,
                entered_unit=line.unit,
                source_line=line.id,
            )
        )
    return out
