"""Writing what a costing run found: re-valued moves, and the FIFO layers and layer uses of
every move it processed (new ones created, replayed ones made again)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import connection

from jxc.core.numbers import ZERO
from jxc.inventory.layer_models import CostLayer, LayerUse
from jxc.inventory.ledger.costing.state import FIFO
from jxc.inventory.ledger.run_moves import BIG, RunMove, chunks
from jxc.inventory.ledger.sql_writes import BY_ID, Writes, insert_returning_ids
from jxc.inventory.models import StockMove

if TYPE_CHECKING:
    from jxc.inventory.ledger.engine import Run

NEW_LAYER_FIELDS = [
    "pool_id",
    "move_id",
    "idx",
    "date",
    "base_qty",
    "base_value",
    "unit_cost",
    "remaining",
    "receipt_id",
    "is_open",
]


def write_layers(run: Run, ids: dict[int, int], writes: Writes) -> None:
    """FIFO layers and uses of every processed move. ``ids`` maps a new move's seq to
    its id. All pools at once: the replayed moves' rows go first, then one INSERT of the
    new layers (in pool order, so each gets the id it would get pool by pool), one batch
    of remaining quantities (a second of layers that empty or refill: their open flag too)
    and one of uses."""

    def real(seq: int) -> int:
        return ids[seq] if seq >= BIG else seq

    cursors = [c for c in run.cursors.values() if c.state.method == FIFO and not c.detached]
    for cursor in cursors:
        replayed = cursor.replayed_ids
        if replayed:
            for chunk in chunks(replayed):
                LayerUse.objects.filter(move_id__in=chunk).delete()
            for chunk in chunks(replayed):
                CostLayer.objects.filter(move_id__in=chunk).delete()
    new_rows: list[list] = []  # NEW_LAYER_FIELDS
    updates: list[list] = []  # remaining, id: layers open before and after
    flips: list[list] = []  # remaining, is_open, id: layers emptied or refilled
    for cursor in cursors:
        state = cursor.state
        created = [x for m in cursor.processed for x in m.new_layers]
        if created:
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
                    None if x.receipt is None else real(x.receipt),  # type: ignore[arg-type]
                    x.qty > 0,
                ]
                for x in created
            )
        # the existing layers changed (a layer made by this run has no id: it is inserted);
        # one that stays open: its remaining quantity only, which no index reads
        for x in state.layers:
            if x.touched and x.ref is not None:
                if x.stored_open:
                    updates.append([x.qty, x.ref])
                else:  # refilled
                    flips.append([x.qty, True, x.ref])
        for x in state.closed.values():
            if x.touched and x.ref is not None:
                flips.append([x.qty, False, x.ref])
    uses: list[list] = []  # move, layer id (or None), qty, value; new layer's key or None
    if new_rows:
        made = {(r[0], r[3].toordinal(), r[1], r[2]) for r in new_rows}
        for cursor in cursors:
            pool_id = cursor.pool.pk
            known = cursor.layer_ids
            for m in cursor.processed:
                if not m.uses:
                    continue
                move_id = m.id if m.id is not None else ids[m.seq]
                for u in m.uses:
                    k = (pool_id, u.layer_key[0], real(u.layer_key[1]), u.layer_key[2])
                    if k in made:
                        uses.append([move_id, None, u.qty, u.value, k])
                    else:
                        uses.append([move_id, known[k[1:]], u.qty, u.value, None])
    else:  # no layer made: every use is of an existing layer, named by its key
        for cursor in cursors:
            known = cursor.layer_ids
            for m in cursor.processed:
                if m.uses:
                    move_id = m.id if m.id is not None else ids[m.seq]
                    uses.extend([move_id, known[u.layer_key], u.qty, u.value] for u in m.uses)
    if any(row[1] is None for row in uses):  # an issue from a layer made by this posting
        layer_ids = insert_returning_ids(CostLayer, NEW_LAYER_FIELDS, new_rows)
        new_ids = {
            (r[0], r[3].toordinal(), r[1], r[2]): pk
            for r, pk in zip(new_rows, layer_ids, strict=True)
        }
        for row in uses:
            key = row.pop()
            if key is not None:
                row[1] = new_ids[key]
    else:  # nobody needs the new layers' ids: they go with the other writes
        writes.insert(CostLayer, NEW_LAYER_FIELDS, new_rows)
        if new_rows:
            for row in uses:
                del row[4]
    writes.update(CostLayer, ["remaining"], updates)
    writes.update(CostLayer, ["remaining", "is_open"], flips)
    writes.insert(LayerUse, ["move_id", "layer_id", "qty", "value"], uses)


def refuse_closed(rows: list[RunMove], lock_date: dt.date | None) -> None:
    """A re-valued move dated inside a closed month is refused (PeriodClosed)."""
    if rows and lock_date is not None and any(m.date <= lock_date for m in rows):
        from jxc.core.errors import PeriodClosed

        raise PeriodClosed(date=min(m.date for m in rows).isoformat())


def update_move_values(rows: list[RunMove], lock_date: dt.date | None) -> None:
    """Write re-valued moves (value, unit cost, variance, pool state after); never one
    dated inside a closed month."""
    if not rows:
        return
    refuse_closed(rows, lock_date)
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
            f"WHERE m.id = {BY_ID}",
            [list(c) for c in cols],
        )
