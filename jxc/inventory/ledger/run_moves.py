"""The moves and pool cursors a costing run works on, and the reads that place a move in
its pool's history (ledger position = (date, seq); see :mod:`jxc.inventory.ledger.engine`).
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from jxc.core.numbers import ZERO
from jxc.inventory.choices import CostBasis
from jxc.inventory.ledger.costing.state import AVERAGE, FIFO, Layer, PoolState, Use
from jxc.inventory.ledger.sql import Reader
from jxc.inventory.models import CostPool, StockMove

# new moves valued at their pool's cost or their own: no origin, no reversal
PLAIN_BASES = frozenset({CostBasis.POOL_COST, CostBasis.GIVEN_COST, CostBasis.GIVEN_VALUE})
LEDGER_ORDER = operator.attrgetter("date", "seq")  # a run move's position

BIG = 1 << 60

MOVE_FIELDS = (
    "id",
    "date",
    "pool_id",
    "sku_id",
    "warehouse_id",
    "qty",
    "reason",
    "cost_basis",
    "unit_cost",
    "value",
    "variance",
    "origin_id",
    "reverses_id",
    "pool_qty_after",
    "pool_value_after",
    "pool_unit_cost_after",
)

_MOVES = Reader(StockMove, list(MOVE_FIELDS))


def engine_method(pool_method: str) -> str:
    return FIFO if pool_method == "fifo" else AVERAGE


def layer_key(date: dt.date, move_seq: int, idx: int) -> tuple:
    return (date.toordinal(), move_seq, idx)


@dataclass(eq=False, slots=True)
class RunMove:
    """A move in a costing run: an existing one (``id``) or a new one (``new``)."""

    id: int | None
    date: dt.date
    seq: int
    pool_id: int
    sku_id: int
    warehouse_id: int
    qty: Decimal
    reason: str
    basis: str
    unit_cost: Decimal | None = None
    value: Decimal = ZERO
    variance: Decimal = ZERO
    origin_id: int | None = None
    reverses_id: int | None = None
    origin_m: RunMove | None = None
    given: Decimal | None = None
    new: bool = False
    after: tuple | None = None
    db: tuple | None = None  # (unit_cost, value, variance, after) as stored
    uses: list[Use] | None = None
    new_layers: list[Layer] = field(default_factory=list)
    processed: bool = False
    fallback_used: Decimal | None = None
    gen: int = -1

    @property
    def pos(self) -> tuple:
        return (self.date, self.seq)

    @property
    def key(self) -> tuple:
        return (self.date.toordinal(), self.seq)

    @property
    def changed(self) -> bool:
        return self.new or self.db != (self.unit_cost, self.value, self.variance, self.after)


def run_move_from_row(row: dict) -> RunMove:
    after = (row["pool_qty_after"], row["pool_value_after"], row["pool_unit_cost_after"])
    m = RunMove(
        id=row["id"],
        date=row["date"],
        seq=row["id"],
        pool_id=row["pool_id"],
        sku_id=row["sku_id"],
        warehouse_id=row["warehouse_id"],
        qty=row["qty"],
        reason=row["reason"],
        basis=row["cost_basis"],
        unit_cost=row["unit_cost"],
        value=row["value"],
        variance=row["variance"],
        origin_id=row["origin_id"],
        reverses_id=row["reverses_id"],
        after=after,
    )
    m.db = (m.unit_cost, m.value, m.variance, after)
    if m.basis == CostBasis.GIVEN_COST:
        m.given = m.unit_cost
    elif m.basis == CostBasis.GIVEN_VALUE:
        m.given = m.value + m.variance
    return m


@dataclass(eq=False, slots=True)
class Cursor:
    pool: CostPool
    start: tuple
    state: PoolState
    start_state: tuple
    gen: int
    processed: list[RunMove] = field(default_factory=list)
    replayed_ids: list[int] = field(default_factory=list)
    layer_ids: dict = field(default_factory=dict)  # key -> CostLayer id (pre-existing)
    detached: bool = False
    layers_pending: bool = False


def later_moves(pool_id: int, start: tuple) -> list[dict]:
    """The moves of a pool at or after ``start``, in ledger order (plain SQL: a replay reads
    a thousand of them inside the posting)."""
    d, s = start
    if connection.vendor == "sqlite":
        d = d.isoformat()
    return _MOVES.values(
        f"pool_id = %s AND ({_MOVES.q('date')} > %s OR ({_MOVES.q('date')} = %s AND id >= %s))",
        [pool_id, d, d, min(s, BIG - 1)],
        suffix=f" ORDER BY pool_id, {_MOVES.q('date')}, id",
    )


def is_appending(pool: CostPool, start: tuple) -> bool:
    """True when no move of the pool lies at or after ``start`` (the pool's recorded last
    position says so; a pool without one — new, or bulk-loaded — is asked)."""
    if pool.last_date is not None:
        return start > (pool.last_date, pool.last_move_id or 0)
    if getattr(pool, "fresh", False):  # created by this posting (pools.pools_for)
        return True
    return not moves_from(StockMove.objects.filter(pool_id=pool.pk), start).exists()


def moves_from(qs, pos: tuple):
    d, s = pos
    return qs.filter(Q(date__gt=d) | Q(date=d, id__gte=s))


def moves_before(qs, pos: tuple):
    d, s = pos
    return qs.filter(Q(date__lt=d) | Q(date=d, id__lt=s))


def chunks(items: list, size: int = 900):
    for i in range(0, len(items), size):
        yield items[i : i + size]
