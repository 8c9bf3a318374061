"""先进先出: cost layers opened by receipts, consumed oldest first by issues, refilled by
reversals, folded into one by a revaluation. Pure, no database."""

from __future__ import annotations

import bisect
from decimal import Decimal

from jxc.core.numbers import ZERO, share_of, unit_cost_of, value_of
from jxc.inventory.ledger.costing.prices import current_cost, incoming_value
from jxc.inventory.ledger.costing.state import Costed, CostSpec, Layer, Piece, PoolState, Use


def _open(pool: PoolState, layer: Layer) -> None:
    pool.closed.pop(layer.key, None)
    keys = [x.key for x in pool.layers]
    pool.layers.insert(bisect.bisect(keys, layer.key), layer)


def receipt_fifo(pool: PoolState, spec: CostSpec) -> Costed:
    """A receipt opens a layer; pieces of an origin open one layer each at their own cost
    (a transfer in keeps the source's layers); a reversal refills the layers it names."""
    q = spec.qty
    brought, cost, fallback = incoming_value(pool, spec)
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
    """Take up to ``want`` of the layer. What it is worth: the layer's value before less its
    value after (:func:`layer_value`), i.e. the share of all taken after less the share taken
    before — each share worked out once."""
    qty = layer.qty
    take = want if want < qty else qty
    left = qty - take
    base_qty, base_value = layer.base_qty, layer.base_value
    used = share_of(base_value, base_qty - left, base_qty) - share_of(
        base_value, base_qty - qty, base_qty
    )
    layer.qty = left
    layer.touched = True
    if not left:
        pool.layers.remove(layer)
        pool.closed[layer.key] = layer
    return Use(layer.key, take, used, layer.receipt)


def issue_fifo(pool: PoolState, spec: CostSpec) -> Costed:
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
        cost, fallback = current_cost(pool, spec)
        if fallback is not None:
            pool.unit_cost = fallback
        total += value_of(want, cost)
    pool.qty -= n
    pool.value -= total
    if pool.qty == 0 and pool.value != 0:  # only after negative stock: no residue stays
        total += pool.value
        pool.value = ZERO
    return Costed(value=-total, unit_cost=unit_cost_of(total, n), uses=uses, fallback_used=fallback)


def revalue_fifo(pool: PoolState, spec: CostSpec) -> Costed:
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
