"""全月一次加权平均: month-end settlement of one pool, and the unit costs of pools that feed
each other by transfers in one month (one exact linear system). Pure, no database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from jxc.core.numbers import CONTEXT as _CTX
from jxc.core.numbers import ZERO, round_unit_cost, unit_cost_of, value_of
from jxc.inventory.ledger.costing.returns import return_value


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
