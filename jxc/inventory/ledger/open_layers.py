"""The open cost layers of FIFO pools, read by the costing run (:mod:`.engine`): only the
oldest ones an issue can take (a window function over the remaining quantities, SQLite ≥
3.25); and, with the posting's locks, by the writer: each pool's oldest open layer."""

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


# a posting issuing from more pools than this reads their layers in the run (by pool id)
HEAD_READ_MAX = 64


def head_layers_sql(keys: list[tuple[int, str]]) -> tuple[str, list] | None:
    """The oldest open layer of each FIFO pool (SKU id, pool key) of ``keys``, read with the
    posting's locks, before the pools' ids are known: one probe of the pool's unique index
    and one of the open-layer index per pool — no window over the layers, no temporary
    b-tree. An issue its pool's oldest layer covers needs no other (:meth:`Run._seeded_layers`);
    any other pool reads its open layers in the run (:func:`open_layers_of`). Rows: the
    pool's (SKU id, key), then the pool id and the layer's fields. None for more than
    :data:`HEAD_READ_MAX` pools."""
    n = len(keys)
    if not n or n > HEAD_READ_MAX:
        return None
    sql = _HEAD_SQL.get(n)
    if sql is None:
        sql = _HEAD_SQL[n] = _head_layers_text(n)
    params: list = [v for key in keys for v in key]
    params.append("fifo")
    return sql, params


_HEAD_SQL: dict[int, str] = {}  # per number of pools: the text is built once


def _head_layers_text(n: int) -> str:
    # (SKU, key) pairs joined by OR: one probe of the unique index each; IN lists of the SKUs
    # and keys would be built into temporary b-trees and probe their cross product
    pairs = " OR ".join([_HEAD_PAIR] * n)
    return f"{_HEAD_SELECT} WHERE ({pairs}) AND p.method = %s"


def _head_parts() -> tuple[str, str]:
    """The head read's text but its (SKU, key) pairs: built once, with the module's readers
    (the layers' columns as :data:`POOLLAYERS` selects them, qualified by the join's alias)."""
    q, key = LAYERS.q, POOLS.q("key")
    columns = re.sub(r'"(\w+)"', r'c."\1"', POOLLAYERS.columns)
    oldest = (
        f"SELECT o.id FROM {LAYERS.table} o WHERE o.pool_id = p.id AND o.{q('is_open')} "
        f"ORDER BY o.{q('date')}, o.{q('move_id')}, o.{q('idx')} LIMIT 1"
    )
    select = (
        f"SELECT p.sku_id, p.{key}, {columns} FROM {POOLS.table} p "
        f"JOIN {LAYERS.table} c ON c.id = ({oldest})"
    )
    return select, f"(p.sku_id = %s AND p.{key} = %s)"


_HEAD_SELECT, _HEAD_PAIR = _head_parts()


def parse_head_layers(raws: list[tuple]) -> dict[tuple[int, str], Layer]:
    """The rows of :func:`head_layers_sql` as layers, by the pool's (SKU id, key)."""
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
