"""自检: the ledger's projections against the ledger itself (DOMAIN.md §4.2).

``ledger_problems()`` lists every difference: balances and pools ≠ Σ of their moves
(quantity and value), lot balances ≠ their moves, FIFO layers ≠ their pool, value at zero
quantity, reserved above on hand where not allowed, the state stored on a pool's last move ≠
the pool. ``rebuild_balances()`` rewrites the projections from the moves and reports what
it changed. Sums run in the database with exact integers (SQLite stores decimals as REAL).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from jxc.core.fields import split_sum_sql, split_sum_value
from jxc.core.numbers import ZERO, unit_cost_of, value_of
from jxc.inventory.layer_models import CostLayer, LayerUse
from jxc.inventory.ledger.costing.state import layer_value
from jxc.inventory.ledger.run_moves import engine_method
from jxc.inventory.ledger.sql import decimal_sql, to_decimal
from jxc.inventory.models import CostPool, LotBalance, SkuLedger, StockBalance, StockMove

_Q = Decimal("0.000001")


def _sum_sql(column: str, places: int) -> str:
    if connection.vendor == "sqlite":
        # REAL summed as scaled integers, high and low parts apart: never an overflow
        return split_sum_sql(f"CAST(ROUND(({column}) * {10**places}) AS INTEGER)")
    return f"SUM({column})"


def _dec(raw, places: int) -> Decimal:
    if raw is None:
        return ZERO
    if isinstance(raw, int | str):
        return Decimal(split_sum_value(raw)).scaleb(-places)
    return Decimal(raw)


def _sums(group: str, where: str = "") -> dict[tuple, tuple[Decimal, Decimal]]:
    table = StockMove._meta.db_table
    sql = (
        f"SELECT {group}, {_sum_sql('qty', 6)}, {_sum_sql('value', 2)} FROM {table} "
        f"{where} GROUP BY {group}"
    )
    out = {}
    n = group.count(",") + 1
    with connection.cursor() as cur:
        cur.execute(sql)
        for row in cur.fetchall():
            out[tuple(row[:n])] = (_dec(row[n], 6), _dec(row[n + 1], 2))
    return out


def ledger_problems(*, deep: bool = False) -> list[str]:
    """Everything that differs; ``deep`` also replays every pool's stored after-states."""
    problems: list[str] = []
    recosting = set(SkuLedger.objects.filter(recosting=True).values_list("sku_id", flat=True))
    by_balance = _sums("sku_id, warehouse_id")
    by_pool = _sums("pool_id")
    pools = {p.pk: p for p in CostPool.objects.all()}
    company_scope = {p.sku_id for p in pools.values() if p.warehouse_id is None}
    expected_values = _company_values(pools) if company_scope else {}
    for b in StockBalance.objects.all().order_by("sku_id", "warehouse_id"):
        q, v = by_balance.pop((b.sku_id, b.warehouse_id), (ZERO, ZERO))
        where = f"balance sku={b.sku_id} warehouse={b.warehouse_id}"
        if b.on_hand != q:
            problems.append(f"{where}: on_hand {b.on_hand} != moves {q}")
        want = expected_values.get((b.sku_id, b.warehouse_id), v)
        if b.sku_id not in company_scope and b.value != v:
            problems.append(f"{where}: value {b.value} != moves {v}")
        elif b.sku_id in company_scope and b.value != want:
            problems.append(f"{where}: value {b.value} != on hand × pool cost {want}")
        if b.on_hand < 0 and not b.allow_negative:
            problems.append(f"{where}: on_hand {b.on_hand} below zero")
        if b.reserved > max(b.on_hand, ZERO) and not (b.allow_backorder or b.allow_negative):
            problems.append(f"{where}: reserved {b.reserved} above on hand {b.on_hand}")
        if min(b.reserved, b.on_order, b.in_transit) < 0:
            problems.append(f"{where}: a bucket below zero")
    for (sku_id, wh_id), (q, v) in by_balance.items():
        if q or v:
            problems.append(f"balance sku={sku_id} warehouse={wh_id}: missing (moves {q}, {v})")
    last = _last_moves()
    for p in pools.values():
        q, v = by_pool.pop((p.pk,), (ZERO, ZERO))
        where = f"pool {p.pk} (sku={p.sku_id} {p.key or 'company'})"
        if p.qty != q or p.value != v:
            problems.append(f"{where}: {p.qty}/{p.value} != moves {q}/{v}")
        if p.qty == 0 and p.value != 0:
            problems.append(f"{where}: value {p.value} at zero quantity")
        mv = last.get(p.pk)
        if mv is not None and mv.get("beyond"):
            problems.append(f"{where}: move {mv['id']} lies after the pool's last position")
        elif mv is not None and p.sku_id not in recosting:
            if (mv["pool_qty_after"], mv["pool_value_after"]) != (p.qty, p.value):
                problems.append(
                    f"{where}: last move {mv['id']} says {mv['pool_qty_after']}/{mv['pool_value_after']}"
                )
            if mv["pool_unit_cost_after"] != p.unit_cost:
                problems.append(
                    f"{where}: unit cost {p.unit_cost} != last move's {mv['pool_unit_cost_after']}"
                )
            if (p.last_date, p.last_move_id) != (mv["date"], mv["id"]):
                problems.append(
                    f"{where}: last position {p.last_date}/{p.last_move_id} != move {mv['id']}"
                )
    for (pool_id,), (q, v) in by_pool.items():
        problems.append(f"pool {pool_id}: missing (moves {q}, {v})")
    problems += _lot_problems()
    problems += _transfer_problems()
    problems += _layer_problems(pools, recosting)
    if deep:
        problems += _after_state_problems(recosting)
    return problems


def _last_moves() -> dict[int, dict[str, Any]]:
    """The move at each pool's recorded last position (one query), after checking in one
    more that no move of any pool lies beyond it."""
    mt, pt = StockMove._meta.db_table, CostPool._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT m.pool_id, m.id FROM {mt} m JOIN {pt} p ON m.pool_id = p.id "
            "WHERE p.last_date IS NULL OR m.date > p.last_date "
            "OR (m.date = p.last_date AND m.id > p.last_move_id)"
        )
        beyond = cur.fetchall()
    out: dict[int, dict[str, Any]] = {}
    for pool_id, move_id in beyond:
        out.setdefault(pool_id, {"id": move_id, "beyond": True})
    last_ids = [i for i in CostPool.objects.values_list("last_move_id", flat=True) if i]
    for mv in StockMove.objects.filter(pk__in=last_ids).values(
        "id", "pool_id", "date", "pool_qty_after", "pool_value_after", "pool_unit_cost_after"
    ):
        out.setdefault(mv["pool_id"], dict(mv))
    return out


def _company_values(pools: dict[int, CostPool]) -> dict[tuple, Decimal]:
    rates: dict[tuple, Decimal] = {}
    for p in pools.values():
        if p.warehouse_id is not None:
            continue
        if engine_method(p.method) == "fifo" and p.qty > 0:
            rates[(p.sku_id, p.batch_id)] = unit_cost_of(p.value, p.qty)
        else:
            rates[(p.sku_id, p.batch_id)] = p.unit_cost or ZERO
    lots: dict[tuple, list] = defaultdict(list)
    batched = {s for s, b in rates if b is not None}
    for sku_id, wh_id, batch_id, qty in LotBalance.objects.filter(
        sku_id__in=batched, batch__isnull=False
    ).values_list("sku_id", "warehouse_id", "batch_id", "qty"):
        lots[(sku_id, wh_id)].append((batch_id, qty))
    out = {}
    for sku_id, wh_id, on_hand in StockBalance.objects.values_list(
        "sku_id", "warehouse_id", "on_hand"
    ):
        if (sku_id, None) not in rates and sku_id not in batched:
            continue
        if sku_id in batched:
            parts = lots[(sku_id, wh_id)]
            v = sum((value_of(q, rates.get((sku_id, b), ZERO)) for b, q in parts), ZERO)
            v += value_of(
                on_hand - sum((q for _b, q in parts), ZERO), rates.get((sku_id, None), ZERO)
            )
        else:
            v = value_of(on_hand, rates[(sku_id, None)])
        out[(sku_id, wh_id)] = v
    return out


def _transfer_problems() -> list[str]:
    """A transfer carries value, it does not make or lose it: once everything sent has
    arrived, the transfers-in bring exactly what the out took (into a pool below zero part
    of it is booked as the in's cost variance, DOMAIN.md §5 negative stock)."""
    t = StockMove._meta.db_table
    q, v = _sum_sql("i.qty", 6), _sum_sql("i.value + i.variance", 2)
    sql = (
        f"SELECT o.id, {decimal_sql('o.qty')}, {decimal_sql('o.value')}, {q}, {v} "
        f"FROM {t} o JOIN {t} i ON i.origin_id = o.id "
        "WHERE o.reason = 'transfer_out' AND o.reverses_id IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM " + t + " r WHERE r.reverses_id = o.id) "
        "AND NOT EXISTS (SELECT 1 FROM " + t + " r WHERE r.reverses_id = i.id) "
        "GROUP BY o.id, o.qty, o.value"
    )
    problems = []
    with connection.cursor() as cur:
        cur.execute(sql)
        for out_id, out_qty, out_value, in_qty, in_value in cur.fetchall():
            out_qty = to_decimal(out_qty, 6) or ZERO
            out_value = to_decimal(out_value, 2) or ZERO
            in_qty, in_value = _dec(in_qty, 6), _dec(in_value, 2)
            if in_qty == -out_qty and in_value != -out_value:
                problems.append(
                    f"transfer out {out_id}: took {-out_value}, its transfers in brought {in_value}"
                )
    return problems


def _lot_problems() -> list[str]:
    problems = []
    sums = _sums(
        "sku_id, warehouse_id, bin_id, batch_id", "WHERE bin_id IS NOT NULL OR batch_id IS NOT NULL"
    )
    for lot in LotBalance.objects.all():
        q, _v = sums.pop((lot.sku_id, lot.warehouse_id, lot.bin_id, lot.batch_id), (ZERO, ZERO))
        where = f"lot sku={lot.sku_id} warehouse={lot.warehouse_id} {lot.key}"
        if lot.qty != q:
            problems.append(f"{where}: {lot.qty} != moves {q}")
        if lot.qty < 0:
            problems.append(f"{where}: below zero")
    for key, (q, _v) in sums.items():
        if q:
            problems.append(f"lot {key}: missing (moves {q})")
    return problems


def _layer_problems(pools: dict[int, CostPool], recosting: set[int]) -> list[str]:
    problems = []
    layers: dict[int, list[CostLayer]] = defaultdict(list)
    for layer in CostLayer.objects.all():
        layers[layer.pool_id].append(layer)
    used: dict[int, Decimal] = defaultdict(Decimal)
    for layer_id, qty in LayerUse.objects.values_list("layer_id", "qty"):
        used[layer_id] += qty
    for p in pools.values():
        if engine_method(p.method) != "fifo" or p.sku_id in recosting:
            continue
        mine = layers.get(p.pk, [])
        for layer in mine:
            if layer.remaining != layer.base_qty - used.get(layer.pk, ZERO):
                problems.append(
                    f"layer {layer.pk}: remaining {layer.remaining} != base − used "
                    f"{layer.base_qty - used.get(layer.pk, ZERO)}"
                )
        if p.qty >= 0:
            q = sum((x.remaining for x in mine), ZERO)
            v = sum((layer_value(x.base_value, x.remaining, x.base_qty) for x in mine), ZERO)
            if q != p.qty or v != p.value:
                problems.append(f"pool {p.pk}: layers hold {q}/{v}, pool {p.qty}/{p.value}")
    return problems


def _after_state_problems(recosting: set[int]) -> list[str]:
    """Every move's stored pool quantity and value after it = the running sums."""
    problems = []
    running: dict[int, list] = defaultdict(lambda: [ZERO, ZERO])
    for mid, pool_id, sku_id, q, v, qa, va in StockMove.objects.order_by("date", "id").values_list(
        "id", "pool_id", "sku_id", "qty", "value", "pool_qty_after", "pool_value_after"
    ):
        r = running[pool_id]
        r[0] += q
        r[1] += v
        if sku_id not in recosting and (r[0], r[1]) != (qa, va):
            problems.append(f"move {mid}: after {qa}/{va} != running {r[0]}/{r[1]}")
    return problems


@transaction.atomic
def rebuild_balances(*, apply: bool = True) -> list[str]:
    """Rebuild on-hand and value of balances, pools and lots, and FIFO layer remainders,
    from the moves; return one line per row changed (reservation buckets are kept: the
    documents own them). ``apply=False`` only reports."""
    from jxc.inventory.ledger.balances import refresh_company_values

    changes: list[str] = []
    by_balance = _sums("sku_id, warehouse_id")
    by_pool = _sums("pool_id")
    last = _last_moves()
    for p in CostPool.objects.select_for_update().all() if apply else CostPool.objects.all():
        q, v = by_pool.get((p.pk,), (ZERO, ZERO))
        mv = last.get(p.pk)
        uc = mv["pool_unit_cost_after"] if mv and not mv.get("beyond") else p.unit_cost
        if (p.qty, p.value, p.unit_cost) != (q, v, uc):
            changes.append(f"pool {p.pk}: {p.qty}/{p.value}/{p.unit_cost} -> {q}/{v}/{uc}")
            if apply:
                CostPool.objects.filter(pk=p.pk).update(qty=q, value=v, unit_cost=uc)
    company_skus = set()
    for b in StockBalance.objects.all():
        q, v = by_balance.pop((b.sku_id, b.warehouse_id), (ZERO, ZERO))
        if CostPool.objects.filter(sku_id=b.sku_id, warehouse__isnull=True).exists():
            company_skus.add(b.sku_id)
            v = b.value
        if (b.on_hand, b.value) != (q, v):
            changes.append(
                f"balance sku={b.sku_id} warehouse={b.warehouse_id}: {b.on_hand}/{b.value} -> {q}/{v}"
            )
            if apply:
                StockBalance.objects.filter(pk=b.pk).update(
                    on_hand=q, value=v, allow_negative=b.allow_negative or q < 0
                )
    for (sku_id, wh_id), (q, v) in by_balance.items():
        changes.append(f"balance sku={sku_id} warehouse={wh_id}: missing -> {q}/{v}")
        if apply:
            StockBalance.objects.create(
                sku_id=sku_id, warehouse_id=wh_id, on_hand=q, value=v, allow_negative=q < 0
            )
    lots = _sums(
        "sku_id, warehouse_id, bin_id, batch_id", "WHERE bin_id IS NOT NULL OR batch_id IS NOT NULL"
    )
    for lot in LotBalance.objects.all():
        q, _v = lots.pop((lot.sku_id, lot.warehouse_id, lot.bin_id, lot.batch_id), (ZERO, ZERO))
        if lot.qty != q:
            changes.append(
                f"lot sku={lot.sku_id} warehouse={lot.warehouse_id} {lot.key}: {lot.qty} -> {q}"
            )
            if apply:
                LotBalance.objects.filter(pk=lot.pk).update(qty=q)
    for (sku_id, wh_id, bin_id, batch_id), (q, _v) in lots.items():
        key = f"{bin_id or 0}-{batch_id or 0}"
        changes.append(f"lot sku={sku_id} warehouse={wh_id} {key}: missing -> {q}")
        if apply:
            LotBalance.objects.create(
                sku_id=sku_id, warehouse_id=wh_id, bin_id=bin_id, batch_id=batch_id, key=key, qty=q
            )
    used: dict[int, Decimal] = defaultdict(Decimal)
    for layer_id, qty in LayerUse.objects.values_list("layer_id", "qty"):
        used[layer_id] += qty
    for layer in CostLayer.objects.all():
        want = layer.base_qty - used.get(layer.pk, ZERO)
        if layer.remaining != want:
            changes.append(f"layer {layer.pk}: {layer.remaining} -> {want}")
            if apply:
                CostLayer.objects.filter(pk=layer.pk).update(remaining=want, is_open=want > 0)
    if apply and company_skus:
        before = dict(
            StockBalance.objects.filter(sku_id__in=company_skus).values_list("id", "value")
        )
        refresh_company_values(company_skus)
        for b_id, value in StockBalance.objects.filter(sku_id__in=company_skus).values_list(
            "id", "value"
        ):
            if before.get(b_id) != value:
                changes.append(f"balance {b_id}: value {before.get(b_id)} -> {value}")
    return changes
