"""成本核算: the costing engine as pure functions (DOMAIN.md §5). No database.

:func:`cost_move` values one move against the state of its cost pool and moves the pool on.
The ledger feeds it the moves of a pool in (business date, entry sequence) order — for a new
posting, or again for the later moves after a backdated one — so the whole policy lives here
and is tested without a database.

Methods: ``AVERAGE`` serves 移动加权平均, the provisional cost of 全月一次加权平均 and 个别计价
(each batch its own pool, moving average within it); ``FIFO`` keeps cost layers.

Numbers (jxc.core.numbers, the one home of the shared arithmetic): a move's value is rounded
to the 分 once, half up; unit costs to 10 places and at most 15 significant digits (what
SQLite's REAL keeps, so a state read back from either database equals the state computed in
memory). Arithmetic runs at 60 digits.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from jxc.core.errors import NoCostHistory
from jxc.core.numbers import (
    CONTEXT as _CTX,
)
from jxc.core.numbers import (
    ZERO,
    round_unit_cost,
    share_of,
    unit_cost_of,
    value_of,
)

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


@dataclass
class Layer:
    """A FIFO cost layer: what is left (``qty``) of one receipt. Its remaining value is
    always :func:`layer_value`: it never drifts and is 0 at quantity 0. ``receipt`` is the
    receipt it came from (kept through transfers between warehouse pools, so a purchase
    return against that receipt finds it); ``ref`` is the ledger's handle (a database id);
    ``touched`` marks a changed layer."""

    key: tuple
    base_qty: Decimal
    base_value: Decimal
    qty: Decimal
    unit_cost: Decimal | None = None
    ref: object = None
    touched: bool = False
    receipt: object = None

    def __post_init__(self):
        if self.unit_cost is None:
            self.unit_cost = unit_cost_of(self.base_value, self.base_qty)

    @property
    def value(self) -> Decimal:
        return layer_value(self.base_value, self.qty, self.base_qty)


@dataclass
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


@dataclass(frozen=True)
class Piece:
    """Part of an incoming quantity with its own value: a slice of what an outgoing move
    took out (transfer in, customer return), or a layer to refill (reversal of an issue)."""

    qty: Decimal
    value: Decimal
    layer_key: tuple | None = None
    receipt: object = None  # the receipt the goods came from (a transfer's FIFO slice)


@dataclass(frozen=True)
class CostSpec:
    """One move to value. ``key`` orders the layers it creates; ``prefer`` names layers an
    issue takes first (a reversed receipt's own layers); ``prefer_receipt``: a purchase
    return's receipt, whose layers in this pool (also those that came by transfer) it takes
    first; ``undo`` = (state before, state after) of the move a reversal cancels: when the
    pool is still in the after state the reversal restores the before state exactly."""

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


@dataclass(frozen=True)
class Use:
    """A FIFO layer consumed (qty > 0) or refilled (qty < 0) by a move."""

    layer_key: tuple
    qty: Decimal
    value: Decimal
    receipt: object = None  # the receipt the layer came from


@dataclass
class Costed:
    """The result: the move's signed value, its unit cost, the cost variance (value at its
    own cost − value booked), the layers used and created, and the reference price used."""

    value: Decimal
    unit_cost: Decimal | None
    variance: Decimal = ZERO
    uses: list[Use] = field(default_factory=list)
    new_layers: list[Layer] = field(default_factory=list)
    fallback_used: Decimal | None = None


def cost_move(pool: PoolState, spec: CostSpec) -> Costed:
    """Value one move against ``pool`` and apply it (the pool is changed in place)."""
    undo_ok = spec.undo is not None and pool.snapshot() == spec.undo[1]
    if undo_ok and pool.method == AVERAGE:
        return _undo_average(pool, spec)
    if spec.mode == NEUTRAL:
        result = _neutral(pool, spec)
    elif spec.mode == REVALUE:
        result = _revalue_fifo(pool, spec) if pool.method == FIFO else _revalue_avg(pool, spec)
    elif spec.mode == RECEIPT:
        result = _receipt_fifo(pool, spec) if pool.method == FIFO else _receipt_avg(pool, spec)
    elif spec.mode == ISSUE:
        result = _issue_fifo(pool, spec) if pool.method == FIFO else _issue_avg(pool, spec)
    else:  # pragma: no cover - a programming error
        raise ValueError(f"unknown costing mode {spec.mode!r}")
    if undo_ok and spec.undo is not None:
        before = spec.undo[0]
        if (pool.qty, pool.value) == before[:2]:
            pool.unit_cost = before[2]
    return result


def _current_cost(pool: PoolState, spec: CostSpec) -> tuple[Decimal, Decimal | None]:
    """The cost for a move the pool must price: its unit cost, else the reference price."""
    if pool.unit_cost is not None:
        return pool.unit_cost, None
    if spec.fallback_cost is not None:
        return spec.fallback_cost, spec.fallback_cost
    raise NoCostHistory(sku=spec.sku_label)


def _undo_average(pool: PoolState, spec: CostSpec) -> Costed:
    """A reversal while the pool still stands where the reversed move left it: restore the
    state before that move exactly (quantity, value and the stored unit cost)."""
    assert spec.undo is not None
    qty, value, unit_cost = spec.undo[0]
    out = Costed(value=value - pool.value, unit_cost=None)
    pool.qty, pool.value, pool.unit_cost = qty, value, unit_cost
    out.unit_cost = unit_cost_of(abs(out.value), abs(spec.qty)) if spec.qty else None
    return out


def _neutral(pool: PoolState, spec: CostSpec) -> Costed:
    """Company pool, transfer between its warehouses: out at the pool's rate, in at the
    value that went out; the pool's quantity, value and unit cost end where they were."""
    q = spec.qty
    if q < 0:
        rate = pool.rate()
        fallback = None
        if rate is None:
            rate, fallback = _current_cost(pool, spec)
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


def _incoming_value(pool: PoolState, spec: CostSpec) -> tuple[Decimal, Decimal, Decimal | None]:
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
    cost, fallback = _current_cost(pool, spec)
    return value_of(q, cost), cost, fallback


def _receipt_avg(pool: PoolState, spec: CostSpec) -> Costed:
    """Moving average: avg = (value + q·c) / (qty + q). Into a pool at or below zero the
    receipt sets the cost: the pool holds qty after × its cost, the difference is variance."""
    q = spec.qty
    brought, cost, fallback = _incoming_value(pool, spec)
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


def _issue_avg(pool: PoolState, spec: CostSpec) -> Costed:
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
        cost = pool.unit_cost if pool.unit_cost is not None else _current_cost(pool, spec)[0]
        value = pool.value + value_of(-new_qty, cost)
        out = Costed(value=-value, unit_cost=cost)
    else:
        cost, fallback = _current_cost(pool, spec)
        if fallback is not None:
            pool.unit_cost = fallback
        value = value_of(n, cost)
        out = Costed(value=-value, unit_cost=cost, fallback_used=fallback)
    pool.qty = new_qty
    pool.value -= value
    if pool.qty == 0:
        pool.value = ZERO
    return out


def _revalue_avg(pool: PoolState, spec: CostSpec) -> Costed:
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


# --- FIFO ---------------------------------------------------------------------------------


def _open(pool: PoolState, layer: Layer) -> None:
    pool.closed.pop(layer.key, None)
    keys = [x.key for x in pool.layers]
    pool.layers.insert(bisect.bisect(keys, layer.key), layer)


def _receipt_fifo(pool: PoolState, spec: CostSpec) -> Costed:
    """A receipt opens a layer; pieces of an origin open one layer each at their own cost
    (a transfer in keeps the source's layers); a reversal refills the layers it names."""
    q = spec.qty
    brought, cost, fallback = _incoming_value(pool, spec)
    out = Costed(value=brought, unit_cost=cost, fallback_used=fallback)
    if pool.qty < 0:
        new_qty = pool.qty + q
        new_value = value_of(new_qty, cost) if new_qty else ZERO
        out.value = new_value - pool.value
        out.variance = brought - out.value
        if new_qty > 0:
            layer = Layer(
                (*spec.key, 0),
                new_qty,
                new_value,
                new_qty,
                cost,
                touched=True,
                receipt=spec.key[-1] if spec.key else None,
            )
            _open(pool, layer)
            out.new_layers.append(layer)
        pool.qty, pool.value, pool.unit_cost = new_qty, new_value, cost
        return out
    pieces = spec.pieces or (Piece(q, brought),)
    own_receipt = spec.key[-1] if spec.key else None  # the move's entry (its id, in the ledger)
    total = ZERO
    for i, piece in enumerate(pieces):
        target = pool.layer(piece.layer_key) if (spec.refill and piece.layer_key) else None
        if target is not None and target.qty + piece.qty <= target.base_qty:
            before = target.value
            was_open = target.qty > 0
            target.qty += piece.qty
            target.touched = True
            delta = target.value - before
            out.uses.append(Use(target.key, -piece.qty, -delta))
            if not was_open:
                _open(pool, target)
            total += delta
        else:
            # a layer remembers the receipt its goods came from: a transfer's slice keeps
            # its source layer's, anything else is a receipt of its own
            receipt = piece.receipt if piece.receipt is not None else own_receipt
            layer = Layer(
                (*spec.key, i), piece.qty, piece.value, piece.qty, touched=True, receipt=receipt
            )
            _open(pool, layer)
            out.new_layers.append(layer)
            total += piece.value
    pool.unit_cost = cost
    out.value = total
    out.variance = brought - total
    pool.qty += q
    pool.value += total
    return out


def _consume(pool: PoolState, layer: Layer, want: Decimal) -> Use:
    take = min(want, layer.qty)
    before = layer.value
    layer.qty -= take
    layer.touched = True
    used = before - layer.value
    if layer.qty == 0:
        pool.layers.remove(layer)
        pool.closed[layer.key] = layer
    return Use(layer.key, take, used, layer.receipt)


def _issue_fifo(pool: PoolState, spec: CostSpec) -> Costed:
    """Oldest layers first (named layers before them); beyond the layers — a pool allowed
    to go negative — at the last cost."""
    n = -spec.qty
    want = n
    uses: list[Use] = []
    for key in spec.prefer:
        layer = pool.layer(key)
        if want == 0:
            break
        if layer is not None and layer.qty > 0:
            use = _consume(pool, layer, want)
            uses.append(use)
            want -= use.qty
    if spec.prefer_receipt is not None:  # the receipt's own layers first, oldest first
        for layer in [x for x in pool.layers if x.receipt == spec.prefer_receipt]:
            if want == 0:
                break
            use = _consume(pool, layer, want)
            uses.append(use)
            want -= use.qty
    while want > 0 and pool.layers:
        use = _consume(pool, pool.layers[0], want)
        uses.append(use)
        want -= use.qty
    total = sum((u.value for u in uses), ZERO)
    fallback = None
    if want > 0:
        cost, fallback = _current_cost(pool, spec)
        if fallback is not None:
            pool.unit_cost = fallback
        total += value_of(want, cost)
    pool.qty -= n
    pool.value -= total
    if pool.qty == 0 and pool.value != 0:  # only after negative stock: no residue stays
        total += pool.value
        pool.value = ZERO
    return Costed(value=-total, unit_cost=unit_cost_of(total, n), uses=uses, fallback_used=fallback)


def _revalue_fifo(pool: PoolState, spec: CostSpec) -> Costed:
    """A FIFO pool is revalued by folding its open layers into one at the new cost."""
    if pool.qty == 0:
        if spec.unit_cost is not None:
            pool.unit_cost = spec.unit_cost
        return Costed(value=ZERO, unit_cost=pool.unit_cost, variance=spec.value or ZERO)
    if spec.unit_cost is not None:
        new_value = value_of(pool.qty, spec.unit_cost)
    else:
        new_value = pool.value + (spec.value or ZERO)
    out = Costed(value=new_value - pool.value, unit_cost=None)
    if pool.qty > 0:
        for layer in list(pool.layers):
            out.uses.append(_consume(pool, layer, layer.qty))
        layer = Layer((*spec.key, 0), pool.qty, new_value, pool.qty, touched=True)
        _open(pool, layer)
        out.new_layers.append(layer)
        pool.unit_cost = layer.unit_cost
    else:
        pool.unit_cost = (
            spec.unit_cost if spec.unit_cost is not None else unit_cost_of(new_value, pool.qty)
        )
    out.unit_cost = pool.unit_cost
    pool.value = new_value
    return out


# --- Slicing an outgoing move for what comes back from it ---------------------------------


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


# --- 全月一次加权平均: month-end settlement -----------------------------------------------------


@dataclass(frozen=True)
class PeriodicMove:
    """A move of the month for settlement, in (date, entry) order. ``kind``: ``in`` keeps
    its own value (receipts, gains, cost adjustments, transfers in from another pool when
    ``source`` is None); ``out`` is re-valued at the month's unit cost (issues); ``xin`` is a
    transfer in from pool ``source`` valued at that pool's settled unit cost (``value`` then
    is a placeholder); ``ret`` is a customer return of a delivery of the month (``source``:
    the delivery's key), a negative issue at the delivery's booked unit after settlement."""

    key: object
    kind: str
    qty: Decimal
    value: Decimal
    source: object = None


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


@dataclass
class Settlement:
    unit_cost: Decimal
    values: dict  # move key -> settled value (out and xin moves)
    closing_qty: Decimal
    closing_value: Decimal


def settle_periodic(
    opening_qty: Decimal,
    opening_value: Decimal,
    moves: list[PeriodicMove],
    *,
    source_values: dict | None = None,
    unit: Decimal | None = None,
    lines: dict | None = None,
) -> Settlement:
    """全月一次加权平均 of one pool: unit = (opening value + receipts value) / (opening qty +
    receipts qty); every outgoing move is re-valued at qty × unit to the 分; the ending value
    is what was available less what was issued, and when the month ends empty the residue
    goes to its last outgoing move. ``source_values`` gives the settled values of transfers
    in (``xin``) by key; ``unit`` overrides the computed unit (from a solved system).
    ``lines`` gives the settled (qty, value) of the deliveries customer returns (``ret``)
    come back from, by the delivery's key, when the delivery is not among ``moves``."""
    source_values = source_values or {}
    lines = dict(lines or {})
    values: dict = {}
    in_qty, in_value = opening_qty, opening_value
    for m in moves:
        if m.kind == "in":
            in_qty += m.qty
            in_value += m.value
        elif m.kind == "xin":
            v = source_values.get(m.key, m.value)
            values[m.key] = v
            in_qty += m.qty
            in_value += v
    if unit is None:
        unit = unit_cost_of(in_value, in_qty) if in_qty > 0 else ZERO
    closing_qty, closing_value = in_qty, in_value
    for m in moves:
        if m.kind == "out":
            v = value_of(m.qty, unit)
            values[m.key] = v
            closing_qty += m.qty
            closing_value += v
    back: dict = {}
    for m in moves:
        if m.kind == "ret":
            if m.source in values:
                line = (-_out_qty(moves, m.source), -values[m.source])
            else:
                line = lines.get(m.source, (m.qty, m.value))
            bq, bv = back.get(m.source, (ZERO, ZERO))
            v = return_value(m.qty, line[0], line[1], bq, bv)
            back[m.source] = (bq + m.qty, bv + v)
            values[m.key] = v
            closing_qty += m.qty
            closing_value += v
    if closing_qty == 0 and closing_value != 0:
        last = next((m for m in reversed(moves) if m.kind == "out" and m.qty < 0), None)
        if last is not None:
            values[last.key] -= closing_value
            closing_value = ZERO
    return Settlement(unit, values, closing_qty, closing_value)


def _out_qty(moves: list[PeriodicMove], key: object) -> Decimal:
    return next(m.qty for m in moves if m.key == key)


def solve_periodic_units(pools: dict) -> dict:
    """Unit costs of pools that feed each other by transfers in one month, as one linear
    system (exact fractions): for every pool p,
    ``unit_p · (Q_p + Σ t_qp) = V_p + Σ t_qp · unit_q`` where ``Q_p, V_p`` are its opening
    plus own receipts and ``t_qp`` the quantity transferred from q to p.

    ``pools``: key -> (Q, V, {source key: qty}). Returns key -> unit cost (10 places)."""
    keys = list(pools)
    index = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    a = [[Fraction(0)] * n for _ in range(n)]
    b = [Fraction(0)] * n
    for k, (q, v, feeds) in pools.items():
        i = index[k]
        total = Fraction(q) + sum((Fraction(t) for t in feeds.values()), Fraction(0))
        a[i][i] += total
        b[i] = Fraction(v)
        for src, t in feeds.items():
            if src in index:
                a[i][index[src]] -= Fraction(t)
            # a source outside the system brings nothing priced here
    for i in range(n):  # Gauss-Jordan; a row of zeros is a pool with nothing available
        pivot = next((r for r in range(i, n) if a[r][i] != 0), None)
        if pivot is None:
            continue
        a[i], a[pivot] = a[pivot], a[i]
        b[i], b[pivot] = b[pivot], b[i]
        for r in range(n):
            if r != i and a[r][i] != 0:
                f = a[r][i] / a[i][i]
                a[r] = [x - f * y for x, y in zip(a[r], a[i], strict=True)]
                b[r] -= f * b[i]
    out = {}
    for k in keys:
        i = index[k]
        unit = b[i] / a[i][i] if a[i][i] != 0 else Fraction(0)
        out[k] = round_unit_cost(_CTX.divide(Decimal(unit.numerator), Decimal(unit.denominator)))
    return out
