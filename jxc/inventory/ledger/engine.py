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

import datetime as dt
import heapq
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q

from jxc.inventory.choices import MoveReason
from jxc.inventory.ledger import costing
from jxc.inventory.ledger.costing import (
    AVERAGE,
    FIFO,
    ISSUE,
    NEUTRAL,
    RECEIPT,
    REVALUE,
    ZERO,
    CostSpec,
    Layer,
    Piece,
    PoolState,
    Use,
)
from jxc.inventory.ledger.sql import Reader, adapter, insert_returning_ids, placeholders
from jxc.inventory.models import CostLayer, CostPool, LayerUse, StockMove

BIG = 1 << 60

# cost_basis codes (StockMove.cost_basis)
GIVEN_COST = "c"
GIVEN_VALUE = "v"
FROM_ORIGIN = "o"
POOL_COST = "p"
NEUTRAL_PAIR = "n"
REVERSAL = "x"

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


_LAYER_FIELDS = ["id", "move_id", "idx", "date", "base_qty", "base_value", "unit_cost", "remaining"]
_LAYERS = Reader(CostLayer, _LAYER_FIELDS)
_POOL_LAYERS = Reader(CostLayer, ["pool_id", *_LAYER_FIELDS])
_MOVES = Reader(StockMove, list(MOVE_FIELDS))
_NEW_LAYER_FIELDS = [
    "pool_id",
    "move_id",
    "idx",
    "date",
    "base_qty",
    "base_value",
    "unit_cost",
    "remaining",
]


def engine_method(pool_method: str) -> str:
    return FIFO if pool_method == "fifo" else AVERAGE


def layer_key(date: dt.date, move_seq: int, idx: int) -> tuple:
    return (date.toordinal(), move_seq, idx)


@dataclass(eq=False)
class M:
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
    origin_m: M | None = None
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


def m_from_row(row: dict) -> M:
    after = (row["pool_qty_after"], row["pool_value_after"], row["pool_unit_cost_after"])
    m = M(
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
    if m.basis == GIVEN_COST:
        m.given = m.unit_cost
    elif m.basis == GIVEN_VALUE:
        m.given = m.value + m.variance
    return m


@dataclass(eq=False)
class Cursor:
    pool: CostPool
    start: tuple
    state: PoolState
    start_state: tuple
    gen: int
    processed: list[M] = field(default_factory=list)
    replayed_ids: list[int] = field(default_factory=list)
    layer_ids: dict = field(default_factory=dict)  # key -> CostLayer id (pre-existing)
    detached: bool = False
    layers_pending: bool = False


class Run:
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
        self.mem: dict[int, M] = {}
        self.new: list[M] = []
        self.new_by_pool: dict[int, list[M]] = defaultdict(list)
        self.new_by_origin: dict[int, list[M]] = defaultdict(list)  # origin move id -> new
        self.heap: list = []
        self.tick = itertools.count()
        self.gens = itertools.count()
        self._dependants: dict[int, list[tuple]] = {}
        self._uses_db: dict[int, list[tuple]] = {}
        self._layers_db: dict[int, list[tuple]] = {}
        self._reversals_db: dict[int, list[tuple]] = {}  # origin -> its dependants' reversals
        self.replayed = 0
        self.detached: set[int] = set()
        self._open_layers: dict[int, list[dict]] = {}  # pool id -> open layer rows, read ahead

    # --- setting up -----------------------------------------------------------------------

    def add_new(self, moves: list[M]) -> None:
        """New moves, grouped by pool; each pool replays from its first new move."""
        self.new.extend(moves)
        by_pool: dict[int, list[M]] = defaultdict(list)
        for m in moves:
            by_pool[m.pool_id].append(m)
            self.new_by_pool[m.pool_id].append(m)
            if m.origin_id:
                self.new_by_origin[m.origin_id].append(m)
        self._read_origins(moves)
        for pool_id, ms in by_pool.items():
            first = min(m.pos for m in ms)
            self.open_cursor(pool_id, first, detached=pool_id in self.detached)

    def later_count(self, pool_id: int, start: tuple) -> int:
        """How many existing moves a replay of the pool from ``start`` would re-value."""
        pool = self.pools[pool_id]
        if _appending(pool, start):
            return 0
        return _after(StockMove.objects.filter(pool_id=pool_id), start).count()

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
        appending = _appending(pool, start)
        later: list[M] = []
        if appending or (detached and method == FIFO):
            state = PoolState(method, pool.qty, pool.value, pool.unit_cost)
        else:
            prev = (
                _before(StockMove.objects.filter(pool_id=pool_id), start)
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
                    m = self.mem[row["id"]] = m_from_row(row)
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

    def _load_layers(self, cursor: Cursor, later_ids: list[int]) -> None:
        """FIFO state at the cursor's start: today's open layers, with what the later moves
        consumed given back and the layers they created taken away."""
        pool_id = cursor.pool.pk
        cursor.layers_pending = False
        rows: dict[int, dict[str, Any]] = {r["id"]: r for r in self._open_layer_rows(pool_id)}
        later = set(later_ids)
        given_back: dict[int, Decimal] = defaultdict(Decimal)
        if later:
            for chunk in _chunks(later_ids):
                for use in LayerUse.objects.filter(move_id__in=chunk).values("layer_id", "qty"):
                    given_back[use["layer_id"]] += use["qty"]
            missing = [i for i in given_back if i not in rows]
            for chunk in _chunks(missing):
                for found in _LAYERS.values(f"id IN ({placeholders(len(chunk))})", chunk):
                    rows[found["id"]] = found
        for layer_id, r in rows.items():
            if r["move_id"] in later:
                continue  # created by a move that is replayed: it is made again
            key = layer_key(r["date"], r["move_id"], r["idx"])
            layer = Layer(
                key,
                r["base_qty"],
                r["base_value"],
                r["remaining"] + given_back.get(layer_id, ZERO),
                r["unit_cost"],
                ref=layer_id,
                touched=layer_id in given_back,
            )
            cursor.layer_ids[key] = layer_id
            if layer.qty > 0:
                cursor.state.layers.append(layer)
            else:
                cursor.state.closed[key] = layer
        cursor.state.layers.sort(key=lambda x: x.key)

    def _open_layer_rows(self, pool_id: int) -> list[dict]:
        """Today's open layers of a pool. The first pool that needs them reads them for every
        pool of the run still waiting for its layers with an issue (or a reversal) among its
        new moves, in one query: nothing is written before the run ends, so what is read
        ahead is what each pool would read itself."""
        rows = self._open_layers.pop(pool_id, None)
        if rows is not None:
            return rows
        wanted = {
            m.pool_id
            for m in self.new
            if m.pool_id != pool_id and (m.qty <= 0 or m.basis == REVERSAL)
        }
        waiting = [p for p in wanted if (c := self.cursors.get(p)) is not None and c.layers_pending]
        ids = [pool_id, *sorted(waiting)]
        found: dict[int, list[dict]] = {p: [] for p in ids}
        for chunk in _chunks(ids):
            where = f"pool_id IN ({placeholders(len(chunk))}) AND {_LAYERS.q('remaining')} > 0"
            for r in _POOL_LAYERS.values(where, chunk):
                found[r.pop("pool_id")].append(r)
        rows = found.pop(pool_id)
        self._open_layers.update(found)
        return rows

    def _ensure_layers(self, cursor: Cursor, keys) -> None:
        """Bring emptied layers a reversal refills into the state (they are not loaded)."""
        if cursor.layers_pending:
            self._load_layers(cursor, [])
        missing = [k for k in keys if k is not None and cursor.state.layer(k) is None]
        if not missing:
            return
        q = Q()
        for k in missing:
            q |= Q(move_id=k[1], idx=k[2])
        for r in CostLayer.objects.filter(q, pool_id=cursor.pool.pk).values(
            "id", "move_id", "idx", "date", "base_qty", "base_value", "unit_cost", "remaining"
        ):
            key = layer_key(r["date"], r["move_id"], r["idx"])
            layer = Layer(
                key, r["base_qty"], r["base_value"], r["remaining"], r["unit_cost"], ref=r["id"]
            )
            cursor.layer_ids[key] = r["id"]
            if layer.qty > 0:  # pragma: no cover - open layers are loaded already
                cursor.state.layers.append(layer)
                cursor.state.layers.sort(key=lambda x: x.key)
            else:
                cursor.state.closed[key] = layer

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

    def _cost(self, cursor: Cursor, m: M) -> None:
        spec = self._spec(cursor, m)
        if cursor.layers_pending and (spec.mode in (ISSUE, REVALUE) or spec.refill):
            self._load_layers(cursor, [])
        result = costing.cost_move(cursor.state, spec)
        m.value = result.value
        m.unit_cost = result.unit_cost
        m.variance = result.variance
        m.fallback_used = result.fallback_used
        if m.basis == REVERSAL:
            orig = self.move(m.reverses_id)
            m.variance = -orig.value - m.value
        m.uses = result.uses
        m.new_layers = result.new_layers
        st = cursor.state
        m.after = (st.qty, st.value, st.unit_cost)

    def _spec(self, cursor: Cursor, m: M) -> CostSpec:
        q = m.qty
        key = m.key
        # the reference price is read only for a pool without cost history
        fb = self.fallback.get(m.sku_id) if cursor.state.unit_cost is None else None
        label = self.labels.get(m.sku_id, str(m.sku_id))
        basis = m.basis
        if basis == NEUTRAL_PAIR:
            if q < 0:
                return CostSpec(NEUTRAL, q, key=key, fallback_cost=fb, sku_label=label)
            origin = m.origin_m or self.move(m.origin_id)
            return CostSpec(
                NEUTRAL,
                q,
                pieces=(Piece(q, -origin.value),),
                key=key,
                fallback_cost=fb,
                sku_label=label,
            )
        if basis == REVERSAL:
            orig = self.move(m.reverses_id)
            undo = self._undo(orig)
            if orig.basis == NEUTRAL_PAIR:
                if q > 0:
                    return CostSpec(
                        NEUTRAL,
                        q,
                        pieces=(Piece(q, -orig.value),),
                        key=key,
                        fallback_cost=fb,
                        sku_label=label,
                    )
                return CostSpec(
                    NEUTRAL, q, value=orig.value, key=key, fallback_cost=fb, sku_label=label
                )
            if orig.qty > 0:
                prefer = self._created_layer_keys(orig)
                return CostSpec(
                    ISSUE, q, prefer=prefer, undo=undo, key=key, fallback_cost=fb, sku_label=label
                )
            if orig.qty < 0:
                segments = self.segments(orig)
                pieces = costing.pieces_from(segments, ZERO, -orig.qty, keep_layers=True)
                self._ensure_layers(cursor, [p.layer_key for p in pieces])
                return CostSpec(
                    RECEIPT,
                    q,
                    pieces=pieces,
                    refill=True,
                    undo=undo,
                    key=key,
                    fallback_cost=fb,
                    sku_label=label,
                )
            return CostSpec(
                REVALUE, q, value=-orig.value, undo=undo, key=key, fallback_cost=fb, sku_label=label
            )
        if q == 0:
            if basis == GIVEN_COST:
                return CostSpec(
                    REVALUE, q, unit_cost=m.given, key=key, fallback_cost=fb, sku_label=label
                )
            return CostSpec(
                REVALUE, q, value=m.given or ZERO, key=key, fallback_cost=fb, sku_label=label
            )
        if q > 0:
            if basis == FROM_ORIGIN:
                origin = m.origin_m or self.move(m.origin_id)
                start = self._returned_before(origin, m)
                if m.reason == MoveReason.SALES_RETURN:
                    # DOMAIN.md §5: a customer return comes back at the unit cost the
                    # delivery line left with (its value over its quantity), not by the
                    # FIFO slices it consumed; telescoping keeps partial returns exact.
                    segments = [(-origin.qty, -origin.value, None)]
                else:  # a transfer in carries the exact layers the transfer out took
                    segments = self.segments(origin)
                pieces = costing.pieces_from(segments, start, q)
                return CostSpec(
                    RECEIPT, q, pieces=pieces, key=key, fallback_cost=fb, sku_label=label
                )
            if basis == GIVEN_COST:
                return CostSpec(
                    RECEIPT, q, unit_cost=m.given, key=key, fallback_cost=fb, sku_label=label
                )
            if basis == GIVEN_VALUE:
                return CostSpec(
                    RECEIPT, q, value=m.given, key=key, fallback_cost=fb, sku_label=label
                )
            return CostSpec(RECEIPT, q, key=key, fallback_cost=fb, sku_label=label)
        preferred: tuple = ()
        if basis == FROM_ORIGIN and (m.origin_m is not None or m.origin_id is not None):
            origin = m.origin_m or self.move(m.origin_id)
            preferred = self._created_layer_keys(origin)
        return CostSpec(ISSUE, q, prefer=preferred, key=key, fallback_cost=fb, sku_label=label)

    # --- looking things up ----------------------------------------------------------------

    def move(self, move_id: int | None) -> M:
        assert move_id is not None
        m = self.mem.get(move_id)
        if m is None:
            row = StockMove.objects.filter(pk=move_id).values(*MOVE_FIELDS).get()
            m = self.mem[move_id] = m_from_row(row)
        return m

    def _read_origins(self, moves: list[M]) -> None:
        """The existing moves new moves take their cost from, and the moves that already
        take theirs from them, read in a few queries instead of two per line (what
        :meth:`move` and :meth:`dependants` would read one by one: nothing is written during
        a run)."""
        ids = sorted({m.origin_id for m in moves if m.origin_id and m.origin_id not in self.mem})
        if not ids:
            return
        wanted = [i for i in ids if i not in self._dependants]
        for chunk in _chunks(wanted):
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
        for chunk in _chunks(todo):
            for row in _MOVES.values(f"id IN ({placeholders(len(chunk))})", chunk):
                self.mem[row["id"]] = m_from_row(row)

    def _undo(self, orig: M) -> tuple | None:
        """(state before, state after) of the move a reversal cancels."""
        if orig.after is None:
            return None
        after = orig.after
        before_uc = self._unit_cost_before(orig)
        before = (after[0] - orig.qty, after[1] - orig.value, before_uc)
        return (before, after)

    def _unit_cost_before(self, orig: M) -> Decimal | None:
        cursor = self.cursors.get(orig.pool_id)
        if cursor is not None and orig.processed and orig in cursor.processed:
            i = cursor.processed.index(orig)
            return cursor.processed[i - 1].after[2] if i else cursor.start_state[2]  # type: ignore[index]
        prev = (
            _before(StockMove.objects.filter(pool_id=orig.pool_id), orig.pos)
            .order_by("-date", "-id")
            .values_list("pool_unit_cost_after", flat=True)
            .first()
        )
        return prev

    def segments(self, o: M) -> list[tuple]:
        """What an outgoing move took out, as (qty, value, layer key) pieces."""
        n, total = -o.qty, -o.value
        pool = self.pools.get(o.pool_id)
        if pool is None:
            pool = self.pools[o.pool_id] = CostPool.objects.get(pk=o.pool_id)
        if engine_method(pool.method) != FIFO:
            return [(n, total, None)]
        if o.processed or o.new:
            uses = [(u.qty, u.value, u.layer_key) for u in (o.uses or []) if u.qty > 0]
        else:
            uses = self._db_uses(o.id)  # type: ignore[arg-type]
        segs: list[tuple] = list(uses)
        rest_q = n - sum((s[0] for s in segs), ZERO)
        rest_v = total - sum((s[1] for s in segs), ZERO)
        if rest_q > 0:
            segs.append((rest_q, rest_v, None))
        elif rest_v and segs:
            q0, v0, k0 = segs[-1]
            segs[-1] = (q0, v0 + rest_v, k0)
        return segs

    def _db_uses(self, move_id: int) -> list[tuple]:
        found = self._uses_db.get(move_id)
        if found is None:
            found = [
                (
                    u["qty"],
                    u["value"],
                    layer_key(u["layer__date"], u["layer__move_id"], u["layer__idx"]),
                )
                for u in LayerUse.objects.filter(move_id=move_id, qty__gt=0)
                .order_by("id")
                .values("qty", "value", "layer__date", "layer__move_id", "layer__idx")
            ]
            self._uses_db[move_id] = found
        return found

    def _created_layer_keys(self, o: M) -> tuple:
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

    def dependants(self, o: M) -> list[tuple]:
        """(id, pool id, date) of the posted moves that take their cost from ``o``."""
        found = self._dependants.get(o.id)  # type: ignore[arg-type]
        if found is None:
            found = list(
                StockMove.objects.filter(origin_id=o.id).values_list("id", "pool_id", "date")
            )
            self._dependants[o.id] = found  # type: ignore[index]
        return found

    def _returned_before(self, origin: M, m: M) -> Decimal:
        """How much of ``origin`` came back before ``m`` (earlier returns net of their
        reversals): ``m`` takes the next slice."""
        total = ZERO
        linked: list[M] = []
        if origin.id is not None:
            for dep_id, _pool, _date in self.dependants(origin):
                linked.append(self.move(dep_id))
        if origin.new:
            linked += [x for x in self.new if x.origin_m is origin]
        else:
            # (a new move's origin_m is itself new: an existing origin is named by id)
            linked += self.new_by_origin.get(origin.id, [])  # type: ignore[arg-type]
        seen = set()
        for x in linked:
            if x is m or id(x) in seen or x.pos >= m.pos:
                continue
            seen.add(id(x))
            total += x.qty
        ids = [x.id for x in linked if x.id is not None]
        if ids:  # (new moves have no reversals yet)
            # the posted dependants of an origin are fixed during a run: read their reversals
            # once per origin, not once per line taking a slice of it
            key = origin.id if origin.id is not None else -id(origin)
            found = self._reversals_db.get(key)
            if found is None:
                found = self._reversals_db[key] = list(
                    StockMove.objects.filter(reverses_id__in=ids).values_list("id", "date", "qty")
                )
            for rid, rdate, rqty in found:
                if (rdate, rid) < m.pos:
                    total += rqty
        return total

    # --- writing --------------------------------------------------------------------------

    def changed_existing(self) -> list[M]:
        return [m for c in self.cursors.values() for m in c.processed if not m.new and m.changed]

    def write_existing(self, lock_date: dt.date | None) -> None:
        """Re-valued moves: one statement per row, sent as one batch."""
        update_move_values(self.changed_existing(), lock_date)

    def write_layers(self, ids: dict[int, int]) -> None:
        """FIFO layers and uses of every processed move. ``ids`` maps a new move's seq to
        its id. All pools at once: the replayed moves' rows go first, then one INSERT of the
        new layers (in pool order, so each gets the id it would get pool by pool), one batch
        of remaining quantities and one of uses."""

        def real(seq: int) -> int:
            return ids[seq] if seq >= BIG else seq

        cursors = [c for c in self.cursors.values() if c.state.method == FIFO and not c.detached]
        for cursor in cursors:
            replayed = cursor.replayed_ids
            if replayed:
                for chunk in _chunks(replayed):
                    LayerUse.objects.filter(move_id__in=chunk).delete()
                for chunk in _chunks(replayed):
                    CostLayer.objects.filter(move_id__in=chunk).delete()
        new_rows: list[list] = []  # _NEW_LAYER_FIELDS
        updates: list[tuple] = []
        for cursor in cursors:
            layers = {x.key: x for x in cursor.state.layers}
            layers.update(cursor.state.closed)
            created = [x for m in cursor.processed for x in m.new_layers]
            created_keys = {x.key for x in created}
            pool_id = cursor.pool.pk
            new_rows.extend(
                [
                    pool_id,
                    real(x.key[1]),
                    x.key[2],
                    dt.date.fromordinal(x.key[0]),
                    x.base_qty,
                    x.base_value,
                    x.unit_cost or ZERO,
                    x.qty,
                ]
                for x in created
            )
            updates.extend(
                (x.qty, x.ref)
                for x in layers.values()
                if x.touched and x.key not in created_keys and x.ref is not None
            )
        layer_ids = insert_returning_ids(CostLayer, _NEW_LAYER_FIELDS, new_rows)
        new_ids = {
            (r[0], r[3].toordinal(), r[1], r[2]): pk
            for r, pk in zip(new_rows, layer_ids, strict=True)
        }
        if updates:
            with connection.cursor() as cur:
                cur.executemany(
                    f"UPDATE {CostLayer._meta.db_table} SET remaining = %s WHERE id = %s",
                    updates,
                )
        uses: list[list] = []
        a_move, a_layer, a_qty, a_value = (
            adapter(LayerUse._meta.get_field(c)) for c in ("move_id", "layer_id", "qty", "value")
        )
        for cursor in cursors:
            pool_id = cursor.pool.pk
            known = cursor.layer_ids
            for m in cursor.processed:
                if not m.uses:
                    continue
                move_id = m.id if m.id is not None else ids[m.seq]
                for u in m.uses:
                    k = (u.layer_key[0], real(u.layer_key[1]), u.layer_key[2])
                    layer_id = new_ids.get((pool_id, *k))
                    if layer_id is None:
                        layer_id = known[k]
                    uses.append(
                        [a_move(move_id), a_layer(layer_id), a_qty(u.qty), a_value(u.value)]
                    )
        if uses:
            with connection.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO {LayerUse._meta.db_table} (move_id, layer_id, qty, value) "
                    "VALUES (%s, %s, %s, %s)",
                    uses,
                )


def update_move_values(rows: list[M], lock_date: dt.date | None) -> None:
    """Write re-valued moves (value, unit cost, variance, pool state after); never one
    dated inside a closed month."""
    if not rows:
        return
    if lock_date is not None and any(m.date <= lock_date for m in rows):
        from jxc.core.errors import PeriodClosed

        raise PeriodClosed(date=min(m.date for m in rows).isoformat())
    table = StockMove._meta.db_table
    params = [
        (m.unit_cost, m.value, m.variance, m.after[0], m.after[1], m.after[2], m.id)  # type: ignore[index]
        for m in rows
    ]
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            # SQLite runs in-process: a prepared statement per row costs microseconds
            cur.executemany(
                f"UPDATE {table} SET unit_cost = %s, value = %s, variance = %s, "
                "pool_qty_after = %s, pool_value_after = %s, pool_unit_cost_after = %s "
                "WHERE id = %s",
                params,
            )
            return
        # PostgreSQL: one statement with seven arrays instead of a round trip per row
        cols = list(zip(*params, strict=True))
        cur.execute(
            f"UPDATE {table} AS m SET unit_cost = v.uc, value = v.val, variance = v.var, "
            "pool_qty_after = v.qa, pool_value_after = v.va, pool_unit_cost_after = v.uca "
            "FROM unnest(%s::numeric[], %s::numeric[], %s::numeric[], %s::numeric[], "
            "%s::numeric[], %s::numeric[], %s::bigint[]) AS v(uc, val, var, qa, va, uca, id) "
            "WHERE m.id = v.id",
            [list(c) for c in cols],
        )


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


def _appending(pool: CostPool, start: tuple) -> bool:
    """True when no move of the pool lies at or after ``start`` (the pool's recorded last
    position says so; a pool without one — new, or bulk-loaded — is asked)."""
    if pool.last_date is not None:
        return start > (pool.last_date, pool.last_move_id or 0)
    if getattr(pool, "fresh", False):  # created by this posting (ledger._pools_for)
        return True
    return not _after(StockMove.objects.filter(pool_id=pool.pk), start).exists()


def _after(qs, pos: tuple):
    d, s = pos
    return qs.filter(Q(date__gt=d) | Q(date=d, id__gte=s))


def _before(qs, pos: tuple):
    d, s = pos
    return qs.filter(Q(date__lt=d) | Q(date=d, id__lt=s))


def _chunks(items: list, size: int = 900):
    for i in range(0, len(items), size):
        yield items[i : i + size]
