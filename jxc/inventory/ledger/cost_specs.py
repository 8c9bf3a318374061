"""What a move's cost basis asks of the costing rules: each move of a run, with what it
refers to (its origin, the move it reverses, earlier returns of the same origin), turned into
a :class:`~jxc.inventory.ledger.costing.state.CostSpec` for
:func:`~jxc.inventory.ledger.costing.valuation.cost_move`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from jxc.core.numbers import ZERO, unit_cost_of
from jxc.inventory.choices import CostBasis, MoveReason
from jxc.inventory.ledger.costing.returns import pieces_from, return_value
from jxc.inventory.ledger.costing.state import ISSUE, NEUTRAL, RECEIPT, REVALUE, CostSpec, Piece
from jxc.inventory.ledger.run_moves import Cursor, RunMove, moves_before
from jxc.inventory.models import StockMove

if TYPE_CHECKING:
    from jxc.inventory.ledger.engine import Run


def cost_spec(run: Run, cursor: Cursor, m: RunMove) -> CostSpec:
    q = m.qty
    key = m.key
    # the reference price is read only for a pool without cost history
    fb = run.fallback.get(m.sku_id) if cursor.state.unit_cost is None else None
    label = run.labels.get(m.sku_id, str(m.sku_id))
    basis = m.basis
    if basis == CostBasis.NEUTRAL_PAIR:
        if q < 0:
            return CostSpec(NEUTRAL, q, key=key, fallback_cost=fb, sku_label=label)
        origin = m.origin_m or run.move(m.origin_id)
        return CostSpec(
            NEUTRAL,
            q,
            pieces=(Piece(q, -origin.value),),
            key=key,
            fallback_cost=fb,
            sku_label=label,
        )
    if basis == CostBasis.REVERSAL:
        orig = run.move(m.reverses_id)
        undo = _undo(run, orig)
        if orig.basis == CostBasis.NEUTRAL_PAIR:
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
            prefer = run.created_layer_keys(orig)
            return CostSpec(
                ISSUE, q, prefer=prefer, undo=undo, key=key, fallback_cost=fb, sku_label=label
            )
        if orig.qty < 0:
            segments = run.segments(orig)
            pieces = pieces_from(segments, ZERO, -orig.qty, keep_layers=True)
            run.ensure_layers(cursor, [p.layer_key for p in pieces])
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
        if basis == CostBasis.GIVEN_COST:
            return CostSpec(
                REVALUE, q, unit_cost=m.given, key=key, fallback_cost=fb, sku_label=label
            )
        return CostSpec(
            REVALUE, q, value=m.given or ZERO, key=key, fallback_cost=fb, sku_label=label
        )
    if q > 0:
        if basis == CostBasis.FROM_ORIGIN:
            origin = m.origin_m or run.move(m.origin_id)
            start, start_value = returned_before(run, origin, m)
            booked = None
            if m.reason == MoveReason.SALES_RETURN:
                # DOMAIN.md §5: a customer return comes back at the unit cost the
                # delivery line left with (its value over its quantity), not by the
                # FIFO slices it consumed: round(q × that unit), and the return that
                # brings the whole line back takes exactly what is left of its value.
                booked = unit_cost_of(-origin.value, -origin.qty)
                value = return_value(q, -origin.qty, -origin.value, start, start_value)
                pieces = (Piece(q, value),)
            else:  # a transfer in carries the exact layers the transfer out took
                pieces = pieces_from(run.segments(origin), start, q)
            return CostSpec(
                RECEIPT,
                q,
                pieces=pieces,
                unit_cost=booked,
                key=key,
                fallback_cost=fb,
                sku_label=label,
            )
        if basis == CostBasis.GIVEN_COST:
            return CostSpec(
                RECEIPT, q, unit_cost=m.given, key=key, fallback_cost=fb, sku_label=label
            )
        if basis == CostBasis.GIVEN_VALUE:
            return CostSpec(RECEIPT, q, value=m.given, key=key, fallback_cost=fb, sku_label=label)
        return CostSpec(RECEIPT, q, key=key, fallback_cost=fb, sku_label=label)
    receipt = None
    if basis == CostBasis.FROM_ORIGIN and (m.origin_m is not None or m.origin_id is not None):
        # a return to the supplier: first the receipt's own layers in this pool, also those
        # that came here by transfer (DOMAIN.md §5)
        origin = m.origin_m or run.move(m.origin_id)
        receipt = origin.seq
    return CostSpec(ISSUE, q, prefer_receipt=receipt, key=key, fallback_cost=fb, sku_label=label)


def _undo(run: Run, orig: RunMove) -> tuple | None:
    """(state before, state after) of the move a reversal cancels."""
    if orig.after is None:
        return None
    after = orig.after
    before_uc = _unit_cost_before(run, orig)
    before = (after[0] - orig.qty, after[1] - orig.value, before_uc)
    return (before, after)


def _unit_cost_before(run: Run, orig: RunMove) -> Decimal | None:
    cursor = run.cursors.get(orig.pool_id)
    if cursor is not None and orig.processed and orig in cursor.processed:
        i = cursor.processed.index(orig)
        return cursor.processed[i - 1].after[2] if i else cursor.start_state[2]  # type: ignore[index]
    prev = (
        moves_before(StockMove.objects.filter(pool_id=orig.pool_id), orig.pos)
        .order_by("-date", "-id")
        .values_list("pool_unit_cost_after", flat=True)
        .first()
    )
    return prev


def returned_before(run: Run, origin: RunMove, m: RunMove) -> tuple[Decimal, Decimal]:
    """How much of ``origin`` came back before ``m`` (earlier returns net of their
    reversals), quantity and value: ``m`` takes the next slice."""
    total = ZERO
    total_value = ZERO
    by_id: dict[int, RunMove] = {}
    linked: list[RunMove] = []
    if origin.id is not None:
        for dep_id, _pool, _date in run.dependants(origin):
            linked.append(run.move(dep_id))
    if origin.new:
        linked += [x for x in run.new if x.origin_m is origin]
    else:
        # (a new move's origin_m is itself new: an existing origin is named by id)
        linked += run.new_by_origin.get(origin.id, [])  # type: ignore[arg-type]
    seen = set()
    for x in linked:
        if x is m or id(x) in seen or x.pos >= m.pos:
            continue
        seen.add(id(x))
        total += x.qty
        total_value += x.value
        if x.id is not None:
            by_id[x.id] = x
    ids = [x.id for x in linked if x.id is not None]
    if ids:  # (new moves have no reversals yet)
        # the posted dependants of an origin are fixed during a run: read their reversals
        # once per origin, not once per line taking a slice of it
        key = origin.id if origin.id is not None else -id(origin)
        found = run.reversals_db.get(key)
        if found is None:
            found = run.reversals_db[key] = list(
                StockMove.objects.filter(reverses_id__in=ids).values_list(
                    "id", "date", "qty", "reverses_id"
                )
            )
        for rid, rdate, rqty, reversed_id in found:
            if (rdate, rid) < m.pos:
                total += rqty
                undone = by_id.get(reversed_id)
                if undone is not None:  # a reversal takes out what the return brought
                    total_value -= undone.value
    return total, total_value
