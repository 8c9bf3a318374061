"""Cost pools: which pool each line's cost comes from (created on first use), how each new
move is valued (its cost basis), 参考进价 for a pool without cost history, and the pools'
state written back after a run."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from jxc.catalog.models import SkuUnit
from jxc.core.numbers import ZERO, unit_cost_of
from jxc.inventory.choices import CostBasis
from jxc.inventory.ledger.posting_lines import PostingLine
from jxc.inventory.ledger.run_moves import engine_method
from jxc.inventory.ledger.sql import Reader, placeholders
from jxc.inventory.ledger.sql_writes import Writes, update_rows
from jxc.inventory.models import CostPool, StockMove

if TYPE_CHECKING:
    from jxc.inventory.ledger.engine import Run

CHUNK = 900
POOLS = Reader(
    CostPool,
    [
        "id",
        "sku_id",
        "key",
        "warehouse_id",
        "batch_id",
        "method",
        "qty",
        "value",
        "unit_cost",
        "last_date",
        "last_move_id",
    ],
)


def set_bases(items: list[PostingLine], origins: dict, scope: str) -> None:
    """How each new move is valued (StockMove.cost_basis)."""
    for it in items:
        if it.basis == CostBasis.REVERSAL:
            continue
        if it.origin_line is not None:
            out = items[it.origin_line]
            same_pool = scope != "warehouse" or out.warehouse_id == it.warehouse_id
            if same_pool and out.date == it.date and out.batch_id == it.batch_id:
                it.basis = out.basis = CostBasis.NEUTRAL_PAIR
            else:
                it.basis = CostBasis.FROM_ORIGIN
        elif it.origin_id is not None:
            it.basis = CostBasis.FROM_ORIGIN
        elif it.qty >= 0 and it.unit_cost is not None:
            it.basis = CostBasis.GIVEN_COST
        elif it.qty >= 0 and it.value is not None:
            it.basis = CostBasis.GIVEN_VALUE
        else:
            it.basis = CostBasis.POOL_COST


def pool_key(
    scope: str, method: str, tracking: str, it: PostingLine
) -> tuple[str, int | None, int | None]:
    key, wh, batch = "", None, None
    if scope == "warehouse":
        key, wh = f"w{it.warehouse_id}", it.warehouse_id
    if method == "specific" and tracking == "batch" and it.batch_id is not None:
        key, batch = f"{key}b{it.batch_id}", it.batch_id
    return key, wh, batch


def candidate_pool_keys(items: list[PostingLine]) -> tuple[set[str], set[tuple[int, str]]]:
    """Every key the lines' pools may have, whatever the company's pool scope and method
    (read with the locks, before the settings are known), and each line's own (SKU id, key)
    pairs of them."""
    keys = {""}
    pairs = set()
    for it in items:
        sku, wh = it.sku_id, f"w{it.warehouse_id}"
        keys.add(wh)
        pairs.add((sku, ""))
        pairs.add((sku, wh))
        if it.batch_id is not None:
            batch = (f"b{it.batch_id}", f"{wh}b{it.batch_id}")
            keys.update(batch)
            pairs.update(((sku, batch[0]), (sku, batch[1])))
    return keys, pairs


def pools_for(
    items: list[PostingLine], company, skus: dict, *, known: list[CostPool] | None = None
) -> dict[int, CostPool]:
    """The cost pool of every line, created on first use (under the SKU's ledger lock).
    ``known``: pools read under the lock already (read_for_posting), used when they are
    all there."""
    wanted: dict[tuple, tuple] = {}
    todo = []  # (line, its pool's (SKU id, key))
    scope, method = company.cost_scope, company.costing_method
    for it in items:
        if it.pool_id is not None:
            continue
        key, wh, batch = pool_key(scope, method, skus[it.sku_id]["product__tracking"], it)
        wanted[(it.sku_id, key)] = (wh, batch)
        todo.append((it, (it.sku_id, key)))
    known_ids = [it.pool_id for it in items if it.pool_id is not None]
    found: dict[tuple, CostPool] = {}
    if known is not None and not known_ids:
        found = {(p.sku_id, p.key): p for p in known if (p.sku_id, p.key) in wanted}
    if len(found) < len(wanted) or known_ids:
        found = {(p.sku_id, p.key): p for p in pools_by_key(known_ids, wanted)}
    missing = [k for k in wanted if k not in found]
    if missing:
        CostPool.objects.bulk_create(
            [
                CostPool(
                    sku_id=sku_id,
                    key=key,
                    warehouse_id=wanted[(sku_id, key)][0],
                    batch_id=wanted[(sku_id, key)][1],
                    method=company.costing_method,
                )
                for sku_id, key in missing
            ]
        )
        found = {(p.sku_id, p.key): p for p in pools_by_key(known_ids, wanted)}
        for k in missing:
            found[k].fresh = True  # type: ignore[attr-defined]  # no moves: the run need not ask
    by_id = {p.pk: p for p in found.values()}
    for it, k in todo:
        it.pool_id = found[k].pk
    return by_id


def pools_by_key(pool_ids: list[int], wanted) -> list[CostPool]:
    """The pools with these ids or (SKU, key) pairs: one IN query per key and chunk, not one
    OR term per pair (SQLite refuses expression trees deeper than 1,000)."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for sku_id, key in wanted:
        by_key[key].append(sku_id)
    rows: list[CostPool] = []
    for i in range(0, len(pool_ids), CHUNK):
        chunk = pool_ids[i : i + CHUNK]
        rows += POOLS.rows(f"id IN ({placeholders(len(chunk))})", chunk)
    for key, sku_ids in by_key.items():
        for i in range(0, len(sku_ids), CHUNK):
            chunk = sku_ids[i : i + CHUNK]
            rows += POOLS.rows(
                f"{POOLS.q('key')} = %s AND sku_id IN ({placeholders(len(chunk))})",
                [key, *chunk],
            )
    return rows


class ReferencePrices:
    """参考进价 per SKU, read only when a pool without cost history needs one."""

    def __init__(self, sku_ids: list[int]):
        self.sku_ids = sku_ids
        self.prices: dict[int, Decimal | None] | None = None

    def get(self, sku_id: int) -> Decimal | None:
        if self.prices is None:
            self.prices = reference_prices(self.sku_ids)
        return self.prices.get(sku_id)


def reference_prices(sku_ids: list[int]) -> dict[int, Decimal | None]:
    """参考进价 per base unit: the cost of a SKU that was never received (None: no price;
    0 is a price — free goods are valued at 0)."""
    return {
        sku_id: price
        for sku_id, price in SkuUnit.objects.filter(sku_id__in=sku_ids, is_base=True).values_list(
            "sku_id", "purchase_price"
        )
    }


def write_pools(
    run: Run, items: list[PostingLine], moves: list[StockMove], writes: Writes | None = None
) -> None:
    last: dict[int, tuple] = {}
    for it, mv in zip(items, moves, strict=True):
        pos = (mv.date, mv.id)
        known = last.get(it.pool_id)  # type: ignore[arg-type]
        if known is None or pos > known:
            last[it.pool_id] = pos  # type: ignore[index]
    changed = []
    for pool_id, cursor in run.cursors.items():
        pool = run.pools[pool_id]
        if cursor.detached:
            ms = [it.m for it in items if it.pool_id == pool_id]
            qty = pool.qty + sum((m.qty for m in ms), ZERO)  # type: ignore[union-attr]
            value = pool.value + sum((m.value for m in ms), ZERO)  # type: ignore[union-attr]
            if qty == 0 and value != 0:  # keep the pool clean until the re-costing runs
                fix = next(mv for it, mv in zip(items, moves, strict=True) if it.pool_id == pool_id)
                fix.value -= value
                StockMove.objects.filter(pk=fix.pk).update(value=fix.value)
                value = ZERO
            pool.qty, pool.value = qty, value
            if pool.unit_cost is None:
                pool.unit_cost = cursor.state.unit_cost
        else:
            st = cursor.state
            pool.qty, pool.value, pool.unit_cost = st.qty, st.value, st.unit_cost
        # the pool's last position: its recorded one, the new moves', and (a replay runs to
        # the end of the pool) the last re-valued move's
        best = last.get(pool_id)
        if cursor.processed:
            m = cursor.processed[-1]
            if m.id is not None and (best is None or (m.date, m.id) > best):
                best = (m.date, m.id)
        if pool.last_date is not None:
            recorded = (pool.last_date, pool.last_move_id or 0)
            if best is None or recorded > best:
                best = recorded
        if best is not None:
            pool.last_date, pool.last_move_id = best
        changed.append(pool)
    fields = ["qty", "value", "unit_cost", "last_date", "last_move_id"]
    if writes is None:
        update_rows(CostPool, changed, fields)
    else:
        writes.update_rows(CostPool, changed, fields)


def rate_of(pool: CostPool) -> Decimal:
    if engine_method(pool.method) == "fifo" and pool.qty > 0:
        return unit_cost_of(pool.value, pool.qty)
    return pool.unit_cost or ZERO
