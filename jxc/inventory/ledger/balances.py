"""Balances after a posting: quantities, buckets and values of the touched (SKU, warehouse)
rows, and under the company pool the warehouses' values at the pool's unit cost."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from jxc.core.numbers import ZERO, value_of
from jxc.inventory.ledger.pools import POOLS, rate_of
from jxc.inventory.ledger.posting_lines import PostingLine
from jxc.inventory.ledger.run_moves import RunMove
from jxc.inventory.ledger.sql import Reader, placeholders
from jxc.inventory.ledger.sql_writes import Writes
from jxc.inventory.models import CostPool, LotBalance, StockBalance

BALANCE_VALUES = Reader(StockBalance, ["id", "sku_id", "warehouse_id", "on_hand", "value"])


def company_rates(pools: dict[int, CostPool]) -> dict[int, Decimal] | None:
    """Unit cost per SKU of the company pools in ``pools`` (None when a batch pool is among
    them: then the warehouses' values are recomputed in full)."""
    rates = {}
    for p in pools.values():
        if p.warehouse_id is not None or p.batch_id is not None:
            return None
        rates[p.sku_id] = rate_of(p)
    return rates


# what a posting writes back to its balance rows: the buckets (and the backorder flag) only
# when one of them changed — each column written is a value to convert and bind per row
_QUANTITY_VALUE = ["on_hand", "value", "last_date"]
_WITH_BUCKETS = [*_QUANTITY_VALUE, "reserved", "on_order", "in_transit", "allow_backorder"]


def write_balance_values(
    changed: list[RunMove],
    items: list[PostingLine],
    balances: dict,
    scope: str,
    *,
    pools: dict,
    rates_before: dict | None = None,
    writes: Writes | None = None,
    others: Iterable | None = None,
) -> None:
    """Apply new moves (quantities, buckets, values) and re-valued moves (value changes) to
    the balance rows; under the company pool recompute the warehouses' values. With
    ``writes`` the updates join the caller's writes (sent by the caller). ``others``: the
    SKUs' balance rows in the other warehouses, locked and read with ``balances`` (company
    pool; None: read them here when needed)."""
    own = writes is None
    writes = writes or Writes()
    # per balance row: quantity, value, reserved, on order, in transit given back, last date
    delta: dict[tuple, list] = {}
    for it in items:
        key = (it.sku_id, it.warehouse_id)
        d = delta.get(key)
        if d is None:
            delta[key] = [
                it.qty,
                it.m.value,  # type: ignore[union-attr]
                it.release_reserved,
                it.receive_on_order,
                it.receive_in_transit,
                it.date,
            ]
            continue
        d[0] += it.qty
        d[1] += it.m.value  # type: ignore[union-attr]
        d[2] += it.release_reserved
        d[3] += it.receive_on_order
        d[4] += it.receive_in_transit
        if it.date > d[5]:
            d[5] = it.date
    for m in changed:
        key = (m.sku_id, m.warehouse_id)
        d = delta.get(key)
        if d is None:
            d = delta[key] = [ZERO, ZERO, ZERO, ZERO, ZERO, None]
        d[1] += m.value - m.db[1]  # type: ignore[index]
    rows = []
    buckets = False  # a reservation, order or transfer bucket changed: written too
    for key, (q, v, rel, rec_order, rec_transit, last) in delta.items():
        b = balances.get(key)
        if b is None:
            b = balances[key] = StockBalance.objects.get(sku_id=key[0], warehouse_id=key[1])
        b.on_hand += q
        b.value += v
        if rel:  # (never below zero)
            b.reserved = max(b.reserved - rel, ZERO)
            buckets = True
        if rec_order:
            b.on_order = max(b.on_order - rec_order, ZERO)
            buckets = True
        if rec_transit:
            b.in_transit = max(b.in_transit - rec_transit, ZERO)
            buckets = True
        if last is not None and (b.last_date is None or last > b.last_date):
            b.last_date = last
        if b.allow_backorder and b.reserved <= b.on_hand:
            b.allow_backorder = False
            buckets = True
        rows.append(b)
    rates = company_rates(pools) if scope != "warehouse" and rates_before is not None else None
    moved: set = set()
    if rates is not None:
        # company pool: the touched warehouses are valued here; the others only when the
        # pool's unit cost moved (a receipt): from ``others``, else refresh_company_values
        for b in rows:
            b.value = value_of(b.on_hand, rates.get(b.sku_id, ZERO))
        moved = {k for k, r in rates.items() if rates_before.get(k) != r}  # type: ignore[union-attr]
        if moved and others is not None:
            for b in others:
                if b.sku_id in moved:
                    new = value_of(b.on_hand, rates.get(b.sku_id, ZERO))
                    if new != b.value:
                        b.value = new
                        rows.append(b)  # written with the touched rows, unchanged but value
            moved = set()
    writes.update_rows(StockBalance, rows, _WITH_BUCKETS if buckets else _QUANTITY_VALUE)
    if scope != "warehouse":
        if rates is None:
            writes.send()  # the refresh reads the balances and lots just written
            refresh_company_values({k[0] for k in delta}, pools=pools, writes=writes)
        elif moved:
            writes.send()
            refresh_company_values(moved, pools=pools, skip={b.pk for b in rows}, writes=writes)
    if own:
        writes.send()


def refresh_company_values(
    sku_ids,
    *,
    pools: dict[int, CostPool] | None = None,
    skip: set | None = None,
    writes: Writes | None = None,
) -> None:
    """Company pool: a warehouse's stock value is its quantity × the pool's unit cost, to the
    分 (batch pools: per batch); so no warehouse shows value at zero quantity."""
    sku_ids = sorted(set(sku_ids))
    if not sku_ids:
        return
    pool_rows = [p for p in (pools or {}).values() if p.sku_id in sku_ids]
    known = {p.pk for p in pool_rows}
    if skip is None:  # with ``skip`` the caller holds every pool of these SKUs
        pool_rows += [
            p
            for p in POOLS.rows(f"sku_id IN ({placeholders(len(sku_ids))})", sku_ids)
            if p.pk not in known
        ]
    rates: dict[tuple, Decimal] = {}
    batched: set[int] = set()
    for p in pool_rows:
        if p.warehouse_id is not None:
            continue
        rate = rate_of(p)
        rates[(p.sku_id, p.batch_id)] = rate
        if p.batch_id is not None:
            batched.add(p.sku_id)
    per_batch: dict[tuple, list] = defaultdict(list)
    if batched:
        for sku_id, wh_id, batch_id, qty in LotBalance.objects.filter(
            sku_id__in=batched, batch__isnull=False
        ).values_list("sku_id", "warehouse_id", "batch_id", "qty"):
            per_batch[(sku_id, wh_id)].append((batch_id, qty))
    updates = []
    for b in BALANCE_VALUES.rows(f"sku_id IN ({placeholders(len(sku_ids))})", sku_ids):
        b_id, sku_id, wh_id, on_hand, value = b.pk, b.sku_id, b.warehouse_id, b.on_hand, b.value
        if skip and b_id in skip:
            continue
        if sku_id in batched:
            new = sum(
                (
                    value_of(q, rates.get((sku_id, bt), ZERO))
                    for bt, q in per_batch[(sku_id, wh_id)]
                ),
                ZERO,
            )
            rest = on_hand - sum((q for _bt, q in per_batch[(sku_id, wh_id)]), ZERO)
            new += value_of(rest, rates.get((sku_id, None), ZERO))
        else:
            new = value_of(on_hand, rates.get((sku_id, None), ZERO))
        if new != value:
            updates.append((new, b_id))
    own = writes is None
    writes = writes or Writes()
    writes.update(StockBalance, ["value"], [list(u) for u in updates])
    if own:
        writes.send()
