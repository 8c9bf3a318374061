"""Valuing one move: :func:`cost_move` applies the rule of the pool's method (and the exact
undo of a reversal) to the pool's state. Pure, no database."""

from __future__ import annotations

from jxc.inventory.ledger.costing import average, fifo
from jxc.inventory.ledger.costing.state import (
    AVERAGE,
    FIFO,
    ISSUE,
    NEUTRAL,
    RECEIPT,
    REVALUE,
    Costed,
    CostSpec,
    PoolState,
)


def cost_move(pool: PoolState, spec: CostSpec) -> Costed:
    """Value one move against ``pool`` and apply it (the pool is changed in place)."""
    undo_ok = spec.undo is not None and pool.snapshot() == spec.undo[1]
    if undo_ok and pool.method == AVERAGE:
        return average.undo_average(pool, spec)
    if spec.mode == NEUTRAL:
        result = average.neutral(pool, spec)
    elif spec.mode == REVALUE:
        result = (
            fifo.revalue_fifo(pool, spec)
            if pool.method == FIFO
            else average.revalue_avg(pool, spec)
        )
    elif spec.mode == RECEIPT:
        result = (
            fifo.receipt_fifo(pool, spec)
            if pool.method == FIFO
            else average.receipt_avg(pool, spec)
        )
    elif spec.mode == ISSUE:
        result = (
            fifo.issue_fifo(pool, spec) if pool.method == FIFO else average.issue_avg(pool, spec)
        )
    else:  # pragma: no cover - a programming error
        raise ValueError(f"unknown costing mode {spec.mode!r}")
    if undo_ok and spec.undo is not None:
        before = spec.undo[0]
        if (pool.qty, pool.value) == before[:2]:
            pool.unit_cost = before[2]
    return result
