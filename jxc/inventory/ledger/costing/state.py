"""What the costing rules work on: a cost pool's state with its FIFO layers, one move to
value (:class:`CostSpec`) and the result (:class:`Costed`). Pure, no database."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from jxc.core.numbers import ZERO, share_of, unit_cost_of

AVERAGE = "average"
FIFO = "fifo"


# How a move is valued (the ledger derives it from the move's reason and links).
RECEIPT = "receipt"  # incoming: pieces of an origin, a given value or cost, or the pool's cost
ISSUE = "issue"  # outgoing at the pool's cost (average, or FIFO layers)
REVALUE = "revalue"  # quantity 0: a new unit cost, or a value change, for what the pool holds
NEUTRAL = "neutral"  # a company-pool transfer pair: qty and value out and back, cost unchanged


def layer_value(base_value: Decimal, remaining: Decimal, base_qty: Decimal) -> Decimal:
    """What is left of a FIFO layer: its value less what was taken from it, where taking
    ``t`` of it so far is worth ``round(base value × t / base qty, 2)`` (DOMAIN.md §5: each
    share is rounded from the taken side, half up, and the layer empties to exactly its
    value)."""
    return base_value - share_of(base_value, base_qty - remaining, base_qty)


@dataclass(slots=True)
class Layer:
    """A FIFO cost layer: what is left (``qty``) of one receipt. Its remaining value is
    always :func:`layer_value`: it never drifts and is 0 at quantity 0. ``receipt`` is the
    receipt it came from (kept through transfers between warehouse pools, so a purchase
    return against that receipt finds it); ``ref`` is the ledger's handle (a database id);
    ``touched`` marks a changed layer; ``stored_open``: the ledger's row was open when read
    (its open flag changes only when the layer empties or refills)."""

    key: tuple
    base_qty: Decimal
    base_value: Decimal
    qty: Decimal
    unit_cost: Decimal | None = None
    ref: object = None
    touched: bool = False
    receipt: object = None
    stored_open: bool = True

    def __post_init__(self):
        if self.unit_cost is None:
            self.unit_cost = unit_cost_of(self.base_value, self.base_qty)

    @property
    def value(self) -> Decimal:
        return layer_value(self.base_value, self.qty, self.base_qty)


@dataclass(slots=True)
class PoolState:
    """A cost pool: quantity, value, the stored unit cost (moving average, or FIFO's last
    cost; ``None`` until the pool has any cost history) and, for FIFO, its open layers
    oldest first plus emptied layers that a reversal or a linked return may refill."""

    method: str = AVERAGE
    qty: Decimal = ZERO
    value: Decimal = ZERO
    unit_cost: Decimal | None = None
    layers: list[Layer] = field(default_factory=list)
    closed: dict[tuple, Layer] = field(default_factory=dict)

    def snapshot(self) -> tuple:
        return (self.qty, self.value, self.unit_cost)

    def rate(self) -> Decimal | None:
        """The unit cost a warehouse's stock (company pool) and a transfer are valued at."""
        if self.method == FIFO and self.qty > 0:
            return unit_cost_of(self.value, self.qty)
        return self.unit_cost

    def layer(self, key: tuple) -> Layer | None:
        found = self.closed.get(key)
        if found is not None:
            return found
        i = bisect.bisect_left([x.key for x in self.layers], key)
        if i < len(self.layers) and self.layers[i].key == key:
            return self.layers[i]
        return None


class Piece(NamedTuple):
    """Part of an incoming quantity with its own value: a slice of what an outgoing move
    took out (transfer in, customer return), or a layer to refill (reversal of an issue)."""

    qty: Decimal
    value: Decimal
    layer_key: tuple | None = None
    receipt: object = None  # the receipt the goods came from (a transfer's FIFO slice)


class CostSpec(NamedTuple):
    """One move to value. ``key`` orders the layers it creates; ``prefer`` names layers an
    issue takes first (a reversed receipt's own layers); ``prefer_receipt``: a purchase
    return's receipt, whose layers in this pool (also those that came by transfer) it takes
    first; ``undo`` = (state before, state after) of the move a reversal cancels: when the
    pool is still in the after state the reversal restores the before state exactly.
    Immutable: a named tuple (one is made per move valued; a frozen dataclass sets each of
    its twelve fields through ``object.__setattr__``)."""

    mode: str
    qty: Decimal
    key: tuple = ()
    value: Decimal | None = None
    unit_cost: Decimal | None = None
    pieces: tuple[Piece, ...] = ()
    refill: bool = False
    prefer: tuple[tuple, ...] = ()
    prefer_receipt: object = None
    fallback_cost: Decimal | None = None
    undo: tuple[tuple, tuple] | None = None
    sku_label: str = ""


class Use(NamedTuple):
    """A FIFO layer consumed (qty > 0) or refilled (qty < 0) by a move."""

    layer_key: tuple
    qty: Decimal
    value: Decimal
    receipt: object = None  # the receipt the layer came from


@dataclass(slots=True)
class Costed:
    """The result: the move's signed value, its unit cost, the cost variance (value at its
    own cost − value booked), the layers used and created, and the reference price used."""

    value: Decimal
    unit_cost: Decimal | None
    variance: Decimal = ZERO
    uses: list[Use] = field(default_factory=list)
    new_layers: list[Layer] = field(default_factory=list)
    fallback_used: Decimal | None = None
