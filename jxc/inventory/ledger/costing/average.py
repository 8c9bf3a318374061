"""移动加权平均 (also the provisional cost of 全月一次加权平均 and 个别计价 within a batch's
pool), a company-pool transfer pair, and the exact undo of a reversal. Pure, no database."""

from __future__ import annotations

from jxc.core.numbers import ZERO, unit_cost_of, value_of
from jxc.inventory.ledger.costing.prices import current_cost, incoming_value
from jxc.inventory.ledger.costing.state import Costed, CostSpec, PoolState


def undo_average(pool: PoolState, spec: CostSpec) -> Costed:
    """A reversal while the pool still stands where the reversed move left it: restore the
    state before that move exactly (quantity, value and the stored unit cost)."""
    assert spec.undo is not None
    qty, value, unit_cost = spec.undo[0]
    out = Costed(value=value - pool.value, unit_cost=None)
    pool.qty, pool.value, pool.unit_cost = qty, value, unit_cost
    out.unit_cost = unit_cost_of(abs(out.value), abs(spec.qty)) if spec.qty else None
    return out


def neutral(pool: PoolState, spec: CostSpec) -> Costed:
    """Company pool, transfer between its warehouses: out at the pool's rate, in at the
    value that went out; the pool's quantity, value and unit cost end where they were."""
    q = spec.qty
    if q < 0:
        rate = pool.rate()
        fallback = None
        if rate is None:
            rate, fallback = current_cost(pool, spec)
        if spec.value is not None:  # reversing a transfer in: exactly what it brought
            value = spec.value
        elif -q == pool.qty:
            value = pool.value
        else:
            value = value_of(-q, rate)
        pool.qty += q
        pool.value -= value
        return Costed(value=-value, unit_cost=rate, fallback_used=fallback)
    value = sum((p.value for p in spec.pieces), ZERO) if spec.pieces else (spec.value or ZERO)
    pool.qty += q
    pool.value += value
    return Costed(value=value, unit_cost=unit_cost_of(value, q))


def receipt_avg(pool: PoolState, spec: CostSpec) -> Costed:
    """Moving average: avg = (value + q·c) / (qty + q). Into a pool at or below zero the
    receipt sets the cost: the pool holds qty after × its cost, the difference is variance."""
    q = spec.qty
    brought, cost, fallback = incoming_value(pool, spec)
    out = Costed(value=brought, unit_cost=cost, fallback_used=fallback)
    new_qty = pool.qty + q
    if pool.qty > 0:
        pool.value += brought
        pool.unit_cost = unit_cost_of(pool.value, new_qty)
    elif pool.qty == 0:
        pool.value = brought
        pool.unit_cost = cost
    else:
        new_value = value_of(new_qty, cost)
        out.value = new_value - pool.value
        out.variance = brought - out.value
        pool.value = new_value
        pool.unit_cost = cost
    pool.qty = new_qty
    return out


def issue_avg(pool: PoolState, spec: CostSpec) -> Costed:
    """Out at round(q × avg); the average stays. The move that empties the pool takes all
    the value it holds."""
    n = -spec.qty
    new_qty = pool.qty - n
    if new_qty == 0 and pool.qty > 0:
        value = pool.value
        out = Costed(value=-value, unit_cost=pool.unit_cost)
    elif new_qty < 0 < pool.qty:
        # from positive to negative: the part that empties the pool takes its whole value,
        # the rest goes out at round(rest × avg)
        cost = pool.unit_cost if pool.unit_cost is not None else current_cost(pool, spec)[0]
        value = pool.value + value_of(-new_qty, cost)
        out = Costed(value=-value, unit_cost=cost)
    else:
        cost, fallback = current_cost(pool, spec)
        if fallback is not None:
            pool.unit_cost = fallback
        value = value_of(n, cost)
        out = Costed(value=-value, unit_cost=cost, fallback_used=fallback)
    pool.qty = new_qty
    pool.value -= value
    if pool.qty == 0:
        pool.value = ZERO
    return out


def revalue_avg(pool: PoolState, spec: CostSpec) -> Costed:
    """成本调整: a new unit cost (the pool holds qty × it) or a value change."""
    if pool.qty == 0:
        # Nothing to revalue: a new unit cost becomes the pool's cost for what comes next.
        if spec.unit_cost is not None:
            pool.unit_cost = spec.unit_cost
        return Costed(value=ZERO, unit_cost=pool.unit_cost, variance=spec.value or ZERO)
    if spec.unit_cost is not None:
        new_value = value_of(pool.qty, spec.unit_cost)
        pool.unit_cost = spec.unit_cost
    else:
        new_value = pool.value + (spec.value or ZERO)
        pool.unit_cost = unit_cost_of(new_value, pool.qty)
    out = Costed(value=new_value - pool.value, unit_cost=pool.unit_cost)
    pool.value = new_value
    return out
