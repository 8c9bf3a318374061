"""The costing run behind the ledger writer (bounded re-costing, ARCHITECTURE.md §3).

A run values new moves and, when they are backdated, re-values the later moves of the
affected pools. Each pool gets a *cursor*: the pool's state just before the first position
it must replay (read from the ``pool_*_after`` fields of the move before it — never replayed
from the beginning) and the pool's moves from there on. All cursors' moves are processed in
one global (date, entry) order, so a transfer-out is valued before the transfer-in that
takes its value; when a re-valued move feeds a pool not in the run yet (a transfer in, a
customer return in another warehouse), that pool joins the run from the dependant's
position. Nothing is written until the end (:meth:`Run.write`).

Positions are (date, seq): seq is the move id; new moves get ``BIG + line index`` so they
sort after every existing move of their date, as their ids will.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from jxc.core.numbers import ZERO
from jxc.inventory.choices import CostBasis
from jxc.inventory.layer_models import CostLayer, LayerUse
from jxc.inventory.ledger.cost_specs import cost_spec
from jxc.inventory.ledger.costing.state import FIFO, ISSUE, REVALUE, Layer, PoolState
from jxc.inventory.ledger.costing.valuation import cost_move
from jxc.inventory.ledger.run_layers import RunLayers
from jxc.inventory.ledger.run_moves import (
    LEDGER_ORDER,
    MOVE_FIELDS,
    Cursor,
    RunMove,
    chunks,
    engine_method,
    is_appending,
    later_moves,
    layer_key,
    moves_before,
    moves_from,
    run_move_from_row,
)
from jxc.inventory.ledger.run_writes import update_move_values, write_layers
from jxc.inventory.ledger.sql import Reader, placeholders
from jxc.inventory.ledger.sql_writes import Writes
from jxc.inventory.models import CostPool, StockMove

if TYPE_CHECKING:
    import datetime as dt

_MOVES = Reader(StockMove, list(MOVE_FIELDS))


class Run(RunLayers):
    """One costing run over some pools of some SKUs (their ledger rows are locked)."""

    def __init__(
        self,
        *,
        pools: dict[int, CostPool],
        cross_pool: bool,
        fallback: Any,  # .get(sku_id) -> reference price or None
        labels: dict[int, str],
    ):
        self.pools = pools
        self.cross_pool = cross_pool  # dependants may sit in other pools (per-warehouse)
        self.fallback = fallback
        self.labels = labels
        self.cursors: dict[int, Cursor] = {}
        self.mem: dict[int, RunMove] = {}
        self.new: list[RunMove] = []
        self.new_by_pool: dict[int, list[RunMove]] = defaultdict(list)
        self.new_by_origin: dict[int, list[RunMove]] = defaultdict(list)  # origin move id -> new
        self.heap: list = []
        self.tick = itertools.count()
        self.gens = itertools.count()
        self._dependants: dict[int, list[tuple]] = {}
        self._uses_db: dict[int, list[tuple]] = {}
        self._layers_db: dict[int, list[tuple]] = {}
        self.reversals_db: dict[int, list[tuple]] = {}  # origin -> its dependants' reversals
        self.replayed = 0
        self.appended = False  # valued by append(): no existing move re-valued
        self.detached: set[int] = set()
        self._open_layers: dict[int, list[dict]] = {}  # pool id -> open layer rows, read ahead
        # pool id -> its oldest open layer (none: no open layer), read with the posting's
        # locks (seed_open_layers)
        self._seeded: dict[int, list[Layer]] = {}

    # --- setting up -----------------------------------------------------------------------

    def add_new(self, moves: list[RunMove]) -> None:
        """New moves, grouped by pool; each pool replays from its first new move."""
        self.new.extend(moves)
        by_pool: dict[int, list[RunMove]] = defaultdict(list)
        for m in moves:
            by_pool[m.pool_id].append(m)
            self.new_by_pool[m.pool_id].append(m)
            if m.origin_id:
                self.new_by_origin[m.origin_id].append(m)
        self._read_origins(moves)
        for pool_id, ms in by_pool.items():
            first = min(m.pos for m in ms)
            self.open_cursor(pool_id, first, detached=pool_id in self.detached)

    def append(self, moves: list[RunMove]) -> None:
        """Value new moves that only append to their pools (none dated before a pool's last
        move) and take no cost from another move (:data:`PLAIN_BASES`): what :meth:`add_new`
        and :meth:`run` do for them, without the replay machinery — each pool's moves in
        ledger order through the same costing rules."""
        self.appended = True
        self.new.extend(moves)
        by_pool = self.new_by_pool
        for m in moves:
            by_pool[m.pool_id].append(m)
        gen = next(self.gens)
        cursors = self.cursors
        for pool_id, ms in by_pool.items():
            pool = self.pools[pool_id]
            method = engine_method(pool.method)
            state = PoolState(method, pool.qty, pool.value, pool.unit_cost)
            cursor = cursors[pool_id] = Cursor(
                pool, min(m.pos for m in ms), state, state.snapshot(), gen
            )
            cursor.layers_pending = method == FIFO  # loaded when an issue needs them
        for pool_id, ms in by_pool.items():
            cursor = cursors[pool_id]
            if len(ms) > 1:
                ms = sorted(ms, key=LEDGER_ORDER)
            for m in ms:
                m.gen = gen
                self._cost(cursor, m)
                cursor.processed.append(m)
                m.processed = True

    def later_count(self, pool_id: int, start: tuple) -> int:
        """How many existing moves a replay of the pool from ``start`` would re-value."""
        pool = self.pools[pool_id]
        if is_appending(pool, start):
            return 0
        return moves_from(StockMove.objects.filter(pool_id=pool_id), start).count()

    def open_cursor(self, pool_id: int, start: tuple, *, detached: bool = False) -> Cursor:
        """Replay ``pool_id`` from ``start``. ``detached``: value only the new moves (at the
        state before ``start``; FIFO at today's layers) and leave the later moves to a
        background re-costing."""
        old = self.cursors.get(pool_id)
        if old is not None and old.start <= start:
            return old
        pool = self.pools.get(pool_id)
        if pool is None:
            pool = self.pools[pool_id] = CostPool.objects.get(pk=pool_id)
        gen = next(self.gens)
        method = engine_method(pool.method)
        appending = is_appending(pool, start)
        later: list[RunMove] = []
        if appending or (detached and method == FIFO):
            state = PoolState(method, pool.qty, pool.value, pool.unit_cost)
        else:
            prev = (
                moves_before(StockMove.objects.filter(pool_id=pool_id), start)
                .order_by("-date", "-id")
                .values("pool_qty_after", "pool_value_after", "pool_unit_cost_after")
                .first()
            )
            if prev is None:
                state = PoolState(method)
            else:
                state = PoolState(
                    method,
                    prev["pool_qty_after"],
                    prev["pool_value_after"],
                    prev["pool_unit_cost_after"],
                )
            rows = [] if detached else later_moves(pool_id, start)
            for row in rows:
                m = self.mem.get(row["id"])
                if m is None:
                    m = self.mem[row["id"]] = run_move_from_row(row)
                else:  # a pool restarted from an earlier position: forget the first pass
                    m.unit_cost, m.value, m.variance, m.after = m.db  # type: ignore[misc]
                    m.uses, m.new_layers, m.processed = None, [], False
                later.append(m)
        cursor = Cursor(pool, start, state, state.snapshot(), gen, detached=detached)
        if method == FIFO and not later:
            cursor.layers_pending = True  # an appended receipt needs no layers: load on demand
        elif method == FIFO:
            self._load_layers(cursor, [m.id for m in later if m.id is not None])
        cursor.replayed_ids = [m.id for m in later if m.id is not None]
        self.replayed += len(later) - (len(old.replayed_ids) if old else 0)
        self.cursors[pool_id] = cursor
        for m in later + self.new_by_pool.get(pool_id, []):
            m.gen = gen
            m.processed = False
            heapq.heappush(self.heap, (m.date, m.seq, next(self.tick), m))
        return cursor

    # --- running --------------------------------------------------------------------------

    def run(self) -> None:
        while self.heap:
            _d, _s, _t, m = heapq.heappop(self.heap)
            cursor = self.cursors[m.pool_id]
            if m.gen != cursor.gen or m.processed:
                continue
            self._cost(cursor, m)
            cursor.processed.append(m)
            m.processed = True
            if self.cross_pool and not m.new and m.qty < 0 and m.changed:
                for dep_id, dep_pool, dep_date in self.dependants(m):
                    if dep_pool != m.pool_id:
                        cur = self.cursors.get(dep_pool)
                        if cur is None or cur.start > (dep_date, dep_id):
                            self.open_cursor(dep_pool, (dep_date, dep_id))

    def _cost(self, cursor: Cursor, m: RunMove) -> None:
        spec = cost_spec(self, cursor, m)
        if cursor.layers_pending and (spec.mode in (ISSUE, REVALUE) or spec.refill):
            self._load_layers(cursor, [])
        result = cost_move(cursor.state, spec)
        m.value = result.value
        m.unit_cost = result.unit_cost
        m.variance = result.variance
        m.fallback_used = result.fallback_used
        if m.basis == CostBasis.REVERSAL:
            orig = self.move(m.reverses_id)
            m.variance = -orig.value - m.value
        m.uses = result.uses
        m.new_layers = result.new_layers
        st = cursor.state
        m.after = (st.qty, st.value, st.unit_cost)

    # --- looking things up ----------------------------------------------------------------

    def move(self, move_id: int | None) -> RunMove:
        assert move_id is not None
        m = self.mem.get(move_id)
        if m is None:
            row = StockMove.objects.filter(pk=move_id).values(*MOVE_FIELDS).get()
            m = self.mem[move_id] = run_move_from_row(row)
        return m

    def _read_origins(self, moves: list[RunMove]) -> None:
        """The existing moves new moves take their cost from, and the moves that already
        take theirs from them, read in a few queries instead of two per line (what
        :meth:`move` and :meth:`dependants` would read one by one: nothing is written during
        a run)."""
        ids = sorted({m.origin_id for m in moves if m.origin_id and m.origin_id not in self.mem})
        if not ids:
            return
        wanted = [i for i in ids if i not in self._dependants]
        for chunk in chunks(wanted):
            found: dict[int, list[tuple]] = {i: [] for i in chunk}
            for origin_id, dep_id, dep_pool, dep_date in (
                StockMove.objects.filter(origin_id__in=chunk)
                .values_list("origin_id", "id", "pool_id", "date")
                .order_by("date", "id")
            ):
                found[origin_id].append((dep_id, dep_pool, dep_date))
            self._dependants.update(found)
        reads = set(ids)
        for i in ids:
            reads.update(d[0] for d in self._dependants.get(i, ()))
        todo = sorted(i for i in reads if i not in self.mem)
        for chunk in chunks(todo):
            for row in _MOVES.values(f"id IN ({placeholders(len(chunk))})", chunk):
                self.mem[row["id"]] = run_move_from_row(row)

    def segments(self, o: RunMove) -> list[tuple]:
        """What an outgoing move took out, as (qty, value, layer key, receipt) pieces."""
        n, total = -o.qty, -o.value
        pool = self.pools.get(o.pool_id)
        if pool is None:
            pool = self.pools[o.pool_id] = CostPool.objects.get(pk=o.pool_id)
        if engine_method(pool.method) != FIFO:
            return [(n, total, None)]
        if o.processed or o.new:
            uses = [(u.qty, u.value, u.layer_key, u.receipt) for u in (o.uses or []) if u.qty > 0]
        else:
            uses = self._db_uses(o.id)  # type: ignore[arg-type]
        segs: list[tuple] = list(uses)
        rest_q = n - sum((s[0] for s in segs), ZERO)
        rest_v = total - sum((s[1] for s in segs), ZERO)
        if rest_q > 0:
            segs.append((rest_q, rest_v, None, None))
        elif rest_v and segs:
            q0, v0, k0, r0 = segs[-1]
            segs[-1] = (q0, v0 + rest_v, k0, r0)
        return segs

    def _db_uses(self, move_id: int) -> list[tuple]:
        found = self._uses_db.get(move_id)
        if found is None:
            found = [
                (
                    u["qty"],
                    u["value"],
                    layer_key(u["layer__date"], u["layer__move_id"], u["layer__idx"]),
                    u["layer__receipt_id"],
                )
                for u in LayerUse.objects.filter(move_id=move_id, qty__gt=0)
                .order_by("id")
                .values(
                    "qty",
                    "value",
                    "layer__date",
                    "layer__move_id",
                    "layer__idx",
                    "layer__receipt_id",
                )
            ]
            self._uses_db[move_id] = found
        return found

    def created_layer_keys(self, o: RunMove) -> tuple:
        if o.processed or o.new:
            return tuple(x.key for x in o.new_layers)
        found = self._layers_db.get(o.id)  # type: ignore[arg-type]
        if found is None:
            found = [
                layer_key(r["date"], r["move_id"], r["idx"])
                for r in CostLayer.objects.filter(move_id=o.id).values("date", "move_id", "idx")
            ]
            self._layers_db[o.id] = found  # type: ignore[index]
        return tuple(found)

    def dependants(self, o: RunMove) -> list[tuple]:
        """(id, pool id, date) of the posted moves that take their cost from ``o``."""
        found = self._dependants.get(o.id)  # type: ignore[arg-type]
        if found is None:
            found = list(
                StockMove.objects.filter(origin_id=o.id).values_list("id", "pool_id", "date")
            )
            self._dependants[o.id] = found  # type: ignore[index]
        return found

    # --- writing --------------------------------------------------------------------------

    def changed_existing(self) -> list[RunMove]:
        if self.appended:  # only new moves were valued
            return []
        return [m for c in self.cursors.values() for m in c.processed if not m.new and m.changed]

    def write_existing(self, lock_date: dt.date | None) -> None:
        """Re-valued moves: one statement per row, sent as one batch."""
        update_move_values(self.changed_existing(), lock_date)

    def write_layers(self, ids: dict[int, int], writes: Writes) -> None:
        """FIFO layers and uses of every processed move (``ids``: new move seq → id)."""
        write_layers(self, ids, writes)
