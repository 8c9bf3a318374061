"""The prices a pool gives a move: the cost it prices an outgoing move at (its unit cost,
else the reference price) and what an incoming move brings. Pure, no database."""

from __future__ import annotations

from decimal import Decimal

from jxc.core.errors import NoCostHistory
from jxc.core.numbers import ZERO, unit_cost_of, value_of
from jxc.inventory.ledger.costing.state import CostSpec, PoolState


def current_cost(pool: PoolState, spec: CostSpec) -> tuple[Decimal, Decimal | None]:
    """The cost for a move the pool must price: its unit cost, else the reference price."""
    if pool.unit_cost is not None:
        return pool.unit_cost, None
    if spec.fallback_cost is not None:
        return spec.fallback_cost, spec.fallback_cost
    raise NoCostHistory(sku=spec.sku_label)


def incoming_value(pool: PoolState, spec: CostSpec) -> tuple[Decimal, Decimal, Decimal | None]:
    """(value, unit cost, reference price used) of what an incoming move brings."""
    q = spec.qty
    if spec.pieces:
        value = sum((p.value for p in spec.pieces), ZERO)
        # a customer return names the delivery's booked unit cost; a transfer in is its
        # value ÷ its quantity
        unit = spec.unit_cost if spec.unit_cost is not None else unit_cost_of(value, q)
        return value, unit, None
    if spec.value is not None:
        return spec.value, unit_cost_of(spec.value, q), None
    if spec.unit_cost is not None:
        return value_of(q, spec.unit_cost), spec.unit_cost, None
    cost, fallback = current_cost(pool, spec)
    return value_of(q, cost), cost, fallback
