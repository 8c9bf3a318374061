"""全月一次加权平均: settling a month (DOMAIN.md §5, "periodic").

During the month issues carry a provisional cost (the moving average). Closing the month
sets, per pool, ``unit = (opening value + receipts value) / (opening qty + receipts qty)``,
re-values every outgoing move of the month at ``qty × unit`` (to the 分) and leaves the
pool holding what was available less what was issued; a pool that ends the month empty
gives the residue to the month's last outgoing move. Under per-warehouse pools a transfer
carries the source's settled unit cost: the pools of a SKU that feed each other in the
month are solved as one linear system. The moves after the month are then re-costed from
the settled month-end (their provisional costs start from it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from jxc.core.documents.calendar import lock_date
from jxc.core.numbers import ZERO, unit_cost_of, value_of
from jxc.core.periods import month_bounds
from jxc.inventory.choices import CostBasis, MoveReason
from jxc.inventory.ledger.costing.settlement import (
    PeriodicMove,
    settle_periodic,
    solve_periodic_units,
)
from jxc.inventory.ledger.locks import lock_skus
from jxc.inventory.ledger.run_moves import MOVE_FIELDS, RunMove, run_move_from_row
from jxc.inventory.ledger.run_writes import update_move_values
from jxc.inventory.models import CostPool, StockMove

PERIODIC = "periodic_average"


@transaction.atomic
def settle_periodic_average(*, year: int, month: int) -> int:
    """月末一次加权平均: settle every periodic-average pool with moves in the month; returns
    how many moves were re-valued (the month's and the later ones re-costed from it)."""
    from jxc.core import selectors as core_selectors
    from jxc.inventory.ledger.balances import write_balance_values
    from jxc.inventory.ledger.writer import replay_pools

    first, last = month_bounds(year, month)
    closed_until = lock_date()
    pool_ids = set(
        StockMove.objects.filter(
            date__gte=first, date__lte=last, pool__method=PERIODIC
        ).values_list("pool_id", flat=True)
    )
    if not pool_ids:
        return 0
    sku_ids = sorted(set(CostPool.objects.filter(pk__in=pool_ids).values_list("sku_id", flat=True)))
    lock_skus(sku_ids)  # then read the pools: no posting changes them from here on
    pools = {p.pk: p for p in CostPool.objects.filter(pk__in=pool_ids)}
    scope = core_selectors.company().cost_scope
    changed_total = 0
    for sku_id in sku_ids:
        mine = {pid: p for pid, p in pools.items() if p.sku_id == sku_id}
        changed = _settle_sku(mine, first, last)
        update_move_values(changed, closed_until)
        for p in mine.values():
            if p.last_date is not None and p.last_date <= last:
                p.qty, p.value, p.unit_cost = _month_end(p.pk, last)
                CostPool.objects.filter(pk=p.pk).update(
                    qty=p.qty, value=p.value, unit_cost=p.unit_cost
                )
        write_balance_values(changed, [], {}, scope, pools=mine)
        changed_total += len(changed)
        after = {pid: (last + dt.timedelta(days=1), 0) for pid in mine}
        later = StockMove.objects.filter(pool_id__in=list(mine), date__gt=last)
        starts = {pid: pos for pid, pos in after.items() if later.filter(pool_id=pid).exists()}
        if starts:
            changed_total += replay_pools(starts, sku_ids=[sku_id])
    return changed_total


def _month_end(pool_id: int, last: dt.date) -> tuple:
    mv = (
        StockMove.objects.filter(pool_id=pool_id, date__lte=last)
        .order_by("-date", "-id")
        .values_list("pool_qty_after", "pool_value_after", "pool_unit_cost_after")
        .first()
    )
    return mv or (ZERO, ZERO, None)


def _opening(pool_id: int, first: dt.date) -> tuple:
    mv = (
        StockMove.objects.filter(pool_id=pool_id, date__lt=first)
        .order_by("-date", "-id")
        .values_list("pool_qty_after", "pool_value_after", "pool_unit_cost_after")
        .first()
    )
    return mv or (ZERO, ZERO, None)


def _settle_sku(pools: dict[int, CostPool], first: dt.date, last: dt.date) -> list[RunMove]:
    rows = (
        StockMove.objects.filter(pool_id__in=list(pools), date__gte=first, date__lte=last)
        .order_by("date", "id")
        .values(*MOVE_FIELDS)
    )
    moves = [run_move_from_row(r) for r in rows]
    by_id = {m.id: m for m in moves}
    by_pool: dict[int, list[RunMove]] = defaultdict(list)
    for m in moves:
        by_pool[m.pool_id].append(m)
    kinds: dict[int, str] = {}
    sources: dict[int, int] = {}  # xin move id -> source pool id
    feeds: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    after: dict[int, set[int]] = defaultdict(set)  # pool -> pools settled before it
    for m in moves:
        kinds[m.id] = _kind(m, by_id)  # type: ignore[index]
        if kinds[m.id] == "xin":  # type: ignore[index]
            src = by_id[m.origin_id].pool_id  # type: ignore[index]
            sources[m.id] = src  # type: ignore[index]
            feeds[m.pool_id][src] += m.qty
            after[m.pool_id].add(src)
        elif kinds[m.id] == "ret":  # type: ignore[index]
            after[m.pool_id].add(by_id[m.origin_id].pool_id)  # type: ignore[index]
    openings = {pid: _opening(pid, first) for pid in pools}
    system = {}
    for pid in pools:
        q, v = openings[pid][0], openings[pid][1]
        for m in by_pool[pid]:
            if kinds[m.id] == "in":  # type: ignore[index]
                q += m.qty
                v += m.value
        system[pid] = (q, v, dict(feeds[pid]))
    units = solve_periodic_units(system)
    cyclic = _in_cycles(list(pools), feeds)
    # Every outgoing move at its pool's settled unit first, so a transfer in takes the value
    # its source sends even inside a cycle; then each pool ties its month (the residue of a
    # pool that ends empty goes to its last issue). A residue moved onto a transfer out
    # changes what its destination received: go round again until nothing moves (a residue
    # is at most a few 分, so this settles in a pass or two).
    settled: dict = {
        m.id: value_of(m.qty, units[m.pool_id])
        for m in moves
        if kinds[m.id] == "out"  # type: ignore[index]
    }
    order = _sources_first(list(pools), after)
    results: dict = {}
    for _round in range(len(order) + 2):
        before = dict(settled)
        for pid in order:
            plist = [
                PeriodicMove(m.id, kinds[m.id], m.qty, m.value, m.origin_id)  # type: ignore[index]
                for m in by_pool[pid]
                if kinds[m.id] in ("in", "out", "xin", "ret")  # type: ignore[index]
            ]
            src_values = {
                mid: -settled[by_id[mid].origin_id]  # type: ignore[index]
                for mid in sources
                if by_id[mid].pool_id == pid and by_id[mid].origin_id in settled
            }
            # deliveries of another pool that customer returns here come back from
            lines = {
                m.origin_id: (-by_id[m.origin_id].qty, -settled[m.origin_id])  # type: ignore[index]
                for m in by_pool[pid]
                if kinds[m.id] == "ret" and m.origin_id in settled  # type: ignore[index]
            }
            # DOMAIN.md §5: each transfer's value is rounded to the 分 and the target's month
            # unit is built from that booked value; only pools in a cycle of transfers take
            # the unit of the solved system (theirs depend on each other)
            results[pid] = settle_periodic(
                openings[pid][0],
                openings[pid][1],
                plist,
                source_values=src_values,
                unit=units[pid] if pid in cyclic else None,
                lines=lines,
            )
            settled.update(results[pid].values)
        if settled == before:
            break
    for pid in order:
        result = results[pid]
        unit = result.unit_cost
        for m in by_pool[pid]:
            kind = kinds[m.id]  # type: ignore[index]
            if kind in ("out", "xin"):
                m.value = result.values[m.id]
                m.unit_cost = unit
            elif kind == "ret":  # back at the delivery's booked unit after settlement
                m.value = result.values[m.id]
                line = by_id[m.origin_id]  # type: ignore[index]
                line_value = -settled.get(line.id, line.value)
                m.unit_cost = unit_cost_of(line_value, -line.qty)
            elif kind == "pair_out":
                m.value = value_of(m.qty, unit) if m.qty != 0 else ZERO
                settled[m.id] = m.value  # type: ignore[index]
                m.unit_cost = unit
            elif kind == "pair_in":
                out = by_id.get(m.origin_id) or by_id.get(m.reverses_id)
                m.value = -settled.get(out.id, m.value) if out is not None else m.value  # type: ignore[union-attr,arg-type]
                m.unit_cost = unit
        q, v = openings[pid][0], openings[pid][1]
        for m in by_pool[pid]:
            q += m.qty
            v += m.value
            if m.basis == CostBasis.REVERSAL and by_id.get(m.reverses_id) is not None:
                m.variance = -by_id[m.reverses_id].value - m.value  # type: ignore[index]
            m.after = (q, v, unit)
        if q == 0 and v != 0:  # cannot happen: settle_periodic leaves an empty pool at 0
            raise AssertionError(f"pool {pid} ends the month empty with value {v}")
    return [m for m in moves if m.changed]


def _kind(m: RunMove, month: dict) -> str:
    """How a move takes part in the settlement (see costing.settlement.PeriodicMove)."""
    if m.basis == CostBasis.NEUTRAL_PAIR:
        return "pair_out" if m.qty < 0 else "pair_in"
    if m.basis == CostBasis.REVERSAL:
        orig = month.get(m.reverses_id)
        if orig is not None and orig.basis == CostBasis.NEUTRAL_PAIR:
            return "pair_in" if m.qty > 0 else "pair_out"
        if m.qty > 0:
            # an issue reversed: back at the month's cost when the issue is of this month
            return "out" if orig is not None else "in"
        return "in"  # a receipt reversed: it takes out what the receipt brought
    if m.qty < 0:
        return "out"
    if m.qty > 0 and m.basis == CostBasis.FROM_ORIGIN and m.origin_id in month:
        if m.reason == MoveReason.SALES_RETURN:
            # a return of this month's delivery: a negative issue at the delivery's booked
            # unit after settlement (also into another warehouse's pool)
            return "ret"
        return "xin"
    return "in"


def _in_cycles(pool_ids: list[int], feeds: dict) -> set[int]:
    """The pools that reach themselves through the month's transfers."""
    out = set()
    for start in pool_ids:
        seen: set[int] = set()
        todo = list(feeds.get(start, {}))
        while todo:
            p = todo.pop()
            if p == start:
                out.add(start)
                break
            if p in seen:
                continue
            seen.add(p)
            todo.extend(feeds.get(p, {}))
    return out


def _sources_first(pool_ids: list[int], feeds: dict) -> list[int]:
    """Pools in an order where a transfer's source is settled before its destination
    (a cycle keeps its members in id order: their units come from the solved system)."""
    order: list[int] = []
    seen: set[int] = set()
    visiting: set[int] = set()

    def visit(p: int) -> None:
        if p in seen or p in visiting:
            return
        visiting.add(p)
        for src in sorted(feeds.get(p, {})):
            if src in pool_ids:
                visit(src)
        visiting.discard(p)
        seen.add(p)
        order.append(p)

    for p in sorted(pool_ids):
        visit(p)
    return order
