"""The open cost layers of FIFO pools, read by the costing run (:mod:`.engine`) and, with
the posting's locks, by the writer: only the oldest ones an issue can take (a window
function over the remaining quantities, SQLite ≥ 3.25)."""

from __future__ import annotations

from collections import defaultdict

from jxc.core.statements import fetch
from jxc.inventory.layer_models import CostLayer
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
    where = f"pool_id IN ({placeholders(len(pool_ids))}) AND {LAYERS.q('remaining')} > 0"
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


def open_layers_sql(limits: dict[tuple[int, str], int]) -> tuple[str, list]:
    """The open layers of the FIFO pools (SKU id, pool key) of ``limits``, the oldest ones
    of each until what lies before a layer reaches its limit (as :func:`open_layers_of`),
    by the pools' keys: read with the posting's locks, before the pools' ids are known.
    Rows: the pool's (SKU id, key), then the pool id and the layer's fields."""
    skus = sorted({k[0] for k in limits})
    keys = sorted({k[1] for k in limits})
    shape = (len(skus), len(keys), len(limits))
    sql = _OPEN_LAYERS_SQL.get(shape)
    if sql is None:
        sql = _OPEN_LAYERS_SQL[shape] = _open_layers_text(*shape)
    params = [*skus, *keys, "fifo", *(v for (sku, key), n in limits.items() for v in (sku, key, n))]
    return sql, params


_OPEN_LAYERS_SQL: dict[tuple[int, int, int], str] = {}  # per shape: the text is built once


def _open_layers_text(skus: int, keys: int, limits: int) -> str:
    from jxc.inventory.ledger.pools import POOLS

    q = LAYERS.q
    pools = f"{POOLS.table} p"
    # partitioned by the pool's (SKU, key), unique like its id: the pools come in that
    # order from their unique index and each pool's layers in date order from the open-layer
    # index, so SQLite needs no sort for the window
    before = (
        f"SUM(c.{q('remaining')}) OVER (PARTITION BY p.sku_id, p.{POOLS.q('key')} "
        f"ORDER BY c.{q('date')}, "
        f"c.{q('move_id')}, c.{q('idx')} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
    )
    cases = " ".join(
        "WHEN l.p_sku = %s AND l.p_key = %s THEN l.before_qty < %s" for _ in range(limits)
    )
    return (
        f"SELECT l.p_sku, l.p_key, {POOLLAYERS.columns} FROM (SELECT c.*, p.sku_id AS p_sku, "
        f"p.{POOLS.q('key')} AS p_key, {before} AS before_qty FROM {LAYERS.table} c "
        f"JOIN {pools} ON p.id = c.pool_id WHERE p.sku_id IN ({placeholders(skus)}) "
        f"AND p.{POOLS.q('key')} IN ({placeholders(keys)}) AND p.method = %s "
        f"AND c.{q('remaining')} > 0) AS l "
        f"WHERE l.before_qty IS NULL OR CASE {cases} ELSE FALSE END"
    )


def parse_open_layers(raws: list[tuple]) -> dict[tuple[int, str], list[dict]]:
    """The rows of :func:`open_layers_sql` by the pool's (SKU id, key)."""
    names, converted = POOLLAYERS.names, POOLLAYERS.converted
    out: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for raw in raws:
        out[(raw[0], raw[1])].append(dict(zip(names, converted(raw[2:]), strict=True)))
    return out
