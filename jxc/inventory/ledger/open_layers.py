"""The open cost layers of FIFO pools, read by the costing run (:mod:`.engine`): only the
oldest ones an issue can take (a window function over the remaining quantities, SQLite ≥
3.25); and, with the posting's locks and its pools, by the writer: each FIFO pool's oldest
open layer."""

from __future__ import annotations

import re

from jxc.core.statements import fetch
from jxc.inventory.layer_models import CostLayer
from jxc.inventory.ledger.costing.state import Layer
from jxc.inventory.ledger.pools import POOLS
from jxc.inventory.ledger.sql import Reader, placeholders

LAYER_FIELDS = [
    "id",
    "move_id",
    "idx",
    "date",
    "base_qty",
    "base_value",
    "unit_cost",
    "remaining",
    "receipt_id",
]
LAYERS = Reader(CostLayer, LAYER_FIELDS)
POOLLAYERS = Reader(CostLayer, ["pool_id", *LAYER_FIELDS])


def open_layers_of(pool_ids: list[int], limits: dict[int, int]) -> list[dict]:
    """The open layers of the pools; of a pool in ``limits`` only the oldest ones until what
    lies before a layer (its running sum of remaining quantities, oldest first) reaches the
    limit — enough for issues of up to the limit (a window function, SQLite ≥ 3.25)."""
    where = f"pool_id IN ({placeholders(len(pool_ids))}) AND {LAYERS.q('is_open')}"
    if not limits:
        return POOLLAYERS.values(where, pool_ids)
    q = LAYERS.q
    before = (
        f"SUM({q('remaining')}) OVER (PARTITION BY pool_id ORDER BY {q('date')}, "
        f"{q('move_id')}, {q('idx')} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
    )
    cases = " ".join("WHEN %s THEN l.before_qty < %s" for _ in limits)
    sql = (
        f"SELECT {POOLLAYERS.columns} FROM (SELECT *, {before} AS before_qty "
        f"FROM {LAYERS.table} WHERE {where}) AS l "
        f"WHERE l.before_qty IS NULL OR CASE l.pool_id {cases} ELSE TRUE END"
    )
    params = [*pool_ids, *(v for p, n in limits.items() for v in (p, n))]
    names, converted = POOLLAYERS.names, POOLLAYERS.converted
    return [dict(zip(names, converted(raw), strict=True)) for raw in fetch(sql, params)]


# a posting issuing from more SKUs than this reads its pools' layers in the run (by pool id)
HEAD_READ_MAX = 64


def pools_with_heads_text(pool_columns: str, where: str) -> str:
    """The pools read of a posting with FIFO issues (:func:`.locks.read_for_posting`): each
    pool's row, then — a FIFO pool's — its oldest open layer (None: it has none), read with
    the posting's locks, before the pools' ids are known: one probe of the open-layer index
    and one of the layers' primary key per FIFO pool, no window over the layers, no
    temporary b-tree, and no statement of its own. An issue its pool's oldest layer covers
    needs no other (:meth:`Run._seeded_layers`); any other pool reads its open layers in the
    run (:func:`open_layers_of`). ``pool_columns`` and ``where`` name the pools' columns as
    ``p.``; the layer's columns follow the pool's as :data:`POOLLAYERS` selects them."""
    return f"SELECT {pool_columns}, {_HEAD_COLUMNS} FROM {POOLS.table} p {_HEAD_JOIN} WHERE {where}"


def _head_parts() -> tuple[str, str]:
    """The layer's columns and the join of the pools read with heads, built once with the
    module's readers (qualified by the join's alias)."""
    q = LAYERS.q
    columns = re.sub(r'"(\w+)"', r'c."\1"', POOLLAYERS.columns)
    oldest = (
        f"SELECT o.id FROM {LAYERS.table} o WHERE o.pool_id = p.id AND o.{q('is_open')} "
        f"ORDER BY o.{q('date')}, o.{q('move_id')}, o.{q('idx')} LIMIT 1"
    )
    return columns, f"LEFT JOIN {LAYERS.table} c ON p.method = 'fifo' AND c.id = ({oldest})"


_HEAD_COLUMNS, _HEAD_JOIN = _head_parts()


def parse_head_layers(raws: list[tuple]) -> dict[tuple[int, str], Layer]:
    """The heads of :func:`pools_with_heads_text` as layers, by the pool's (SKU id, key):
    rows of the pool's SKU id and key, then the layer's columns."""
    converted = POOLLAYERS.converted
    out: dict[tuple[int, str], Layer] = {}
    for raw in raws:
        _pool, ref, move_id, idx, date, base_qty, base_value, cost, qty, receipt = converted(
            raw[2:]
        )
        out[(raw[0], raw[1])] = Layer(
            (date.toordinal(), move_id, idx),  # layer_key
            base_qty,
            base_value,
            qty,
            cost,
            ref=ref,
            receipt=receipt,
        )
    return out
