"""Bulk-built stock ledger for benchmarks: SKUs, warehouses, cost pools, a year of moves,
balances — consistent (every balance and pool equals the sum of its moves; moving-average
values as the costing policy computes them) but written with ``executemany`` instead of the
posting services, so a million moves take seconds, not hours.

Not for tests: tests reach posted states through the real services (STYLE.md). Benchmarks
only need a realistic, consistent ledger to read from.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")
UC = Decimal("1e-10")

# (reason, sign, weight): what a month of a shop's ledger looks like.
INCOMING = [("purchase_receipt", 30), ("sales_return", 2), ("count_gain", 1), ("other_receipt", 1)]
OUTGOING = [("sales_delivery", 55), ("purchase_return", 1), ("count_loss", 1), ("other_issue", 2)]
TRANSFER_SHARE = 0.07


def _money(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _uc(x: Decimal) -> Decimal:
    return x.quantize(UC, rounding=ROUND_HALF_UP)


@dataclass
class Pool:
    id: int
    qty: Decimal = ZERO
    value: Decimal = ZERO
    unit_cost: Decimal | None = None
    last: tuple | None = None  # (date, move id) of the pool's last move (CostPool.last_*)


@dataclass
class Built:
    sku_ids: list[int]
    warehouse_ids: list[int]
    first_month: tuple[int, int]
    months: int
    moves: int


def _months(first: tuple[int, int], n: int) -> list[tuple[int, int]]:
    from jxc.core.periods import months_from

    return months_from(*first, n)


def _month_days(y: int, m: int) -> int:
    from jxc.core.periods import month_bounds

    return month_bounds(y, m)[1].day


def build(
    *,
    skus: int,
    moves: int,
    warehouses: int = 3,
    first_month: tuple[int, int] = (2025, 1),
    months: int = 12,
    seed: int = 7,
) -> Built:
    """Create ``skus`` SKUs in ``warehouses`` warehouses and ``moves`` stock moves spread over
    ``months`` months (opening stock on the first day)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from jxc.catalog.models import Category, Product, Sku, Unit
    from jxc.inventory.models import CostPool, StockBalance, StockMove, Warehouse

    rng = random.Random(seed)
    with transaction.atomic():
        unit = Unit.objects.create(name="个-bench")
        cat = Category.objects.create(code="BENCH", name="基准")
        Category.objects.filter(pk=cat.pk).update(path=f"/{cat.pk}/")
        whs = [
            Warehouse.objects.create(code=f"B{i:02d}", name=f"基准仓{i}")
            for i in range(1, warehouses + 1)
        ]
        products = Product.objects.bulk_create(
            [
                Product(code=f"BP{i:06d}", name=f"基准商品{i}", base_unit=unit, category=cat)
                for i in range(skus)
            ],
            batch_size=2000,
        )
        sku_rows = Sku.objects.bulk_create(
            [Sku(product=p, code=f"BS{i:06d}", name=p.name) for i, p in enumerate(products)],
            batch_size=2000,
        )
        sku_ids = [s.pk for s in sku_rows]
        pools_made = CostPool.objects.bulk_create(
            [CostPool(sku_id=s, key="", method="moving_average") for s in sku_ids],
            batch_size=2000,
        )
    pools = {s: Pool(id=p.pk) for s, p in zip(sku_ids, pools_made, strict=True)}
    wh_ids = [w.pk for w in whs]
    on_hand: dict[tuple[int, int], Decimal] = {}
    last_date: dict[tuple[int, int], dt.date] = {}
    base_cost = {s: Decimal(rng.randint(100, 20000)) / 100 for s in sku_ids}

    table = StockMove._meta.db_table
    cols = [
        "id",
        "date",
        "sku_id",
        "warehouse_id",
        "pool_id",
        "qty",
        "unit_cost",
        "value",
        "variance",
        "cost_basis",
        "reason",
        "source_kind",
        "source_id",
        "source_number",
        "pool_qty_after",
        "pool_value_after",
        "pool_unit_cost_after",
        "created_at",
    ]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in cols)}) "
        f"VALUES ({', '.join(['%s'] * len(cols))})"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    adapt_date = connection.ops.adapt_datefield_value
    # after any moves other benchmarks left in the same database
    next_id = (StockMove.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    doc = 0

    def move(day, sku, wh, qty, value, reason, unit_cost=None):
        nonlocal next_id
        pool = pools[sku]
        pool.qty += qty
        pool.value += value
        if qty > 0 and unit_cost is not None and pool.qty > 0:
            pool.unit_cost = _uc(pool.value / pool.qty)
        pool.last = (day, next_id)
        key = (sku, wh)
        on_hand[key] = on_hand.get(key, ZERO) + qty
        last_date[key] = day
        row = (
            next_id,
            adapt_date(day),
            sku,
            wh,
            pool.id,
            qty,
            unit_cost,
            value,
            ZERO,
            "c" if unit_cost is not None else "n" if reason.startswith("transfer") else "p",
            reason,
            "bench",
            doc,
            f"BENCH-{doc:07d}",
            pool.qty,
            pool.value,
            pool.unit_cost,
            now,
        )
        next_id += 1
        return row

    def receive(day, sku, wh, qty, reason):
        cost = _uc(base_cost[sku] * Decimal(rng.randint(90, 110)) / 100)
        return move(day, sku, wh, qty, _money(qty * cost), reason, cost)

    def issue(day, sku, wh, qty, reason):
        pool = pools[sku]
        value = pool.value if qty == pool.qty else _money(qty * (pool.unit_cost or ZERO))
        return move(day, sku, wh, -qty, -value, reason)

    month_list = _months(first_month, months)
    opening_day = dt.date(*first_month, 1)
    per_month = max((moves - skus) // months, 0)
    total = 0
    in_weights = [w for _r, w in INCOMING]
    out_weights = [w for _r, w in OUTGOING]
    with transaction.atomic(), connection.cursor() as cur:
        # Opening stock: every SKU in its first warehouse.
        batch = []
        for s in sku_ids:
            doc += 1
            batch.append(
                receive(opening_day, s, wh_ids[0], Decimal(rng.randint(50, 200)), "opening")
            )
        cur.executemany(sql, batch)
        total += len(batch)
        for y, m in month_list:
            days = _month_days(y, m)
            plan = sorted(
                (rng.randint(1, days), rng.choice(sku_ids), rng.random()) for _ in range(per_month)
            )
            batch = []
            for d, s, kind in plan:
                day = dt.date(y, m, d)
                doc += 1
                wh = rng.choice(wh_ids)
                held = on_hand.get((s, wh), ZERO)
                if kind < TRANSFER_SHARE and len(wh_ids) > 1:
                    src = max(wh_ids, key=lambda w, s=s: on_hand.get((s, w), ZERO))
                    dst = rng.choice([w for w in wh_ids if w != src])
                    qty = min(on_hand.get((s, src), ZERO), Decimal(rng.randint(1, 20)))
                    if qty > 0:
                        out = issue(day, s, src, qty, "transfer_out")
                        batch.append(out)
                        batch.append(
                            move(day, s, dst, qty, -out[7], "transfer_in")
                        )  # at the out value
                        continue
                if kind < 0.45 or held <= 0:
                    reason = rng.choices([r for r, _w in INCOMING], in_weights)[0]
                    batch.append(receive(day, s, wh, Decimal(rng.randint(5, 60)), reason))
                else:
                    reason = rng.choices([r for r, _w in OUTGOING], out_weights)[0]
                    qty = min(held, Decimal(rng.randint(1, 30)))
                    batch.append(issue(day, s, wh, qty, reason))
            cur.executemany(sql, batch)
            total += len(batch)
        # explicit ids: move the id sequence past them (PostgreSQL; SQLite needs nothing)
        from django.core.management.color import no_style

        for stmt in connection.ops.sequence_reset_sql(no_style(), [StockMove]):
            cur.execute(stmt)

    with transaction.atomic():
        StockBalance.objects.bulk_create(
            [
                StockBalance(
                    sku_id=s,
                    warehouse_id=w,
                    on_hand=q,
                    value=_money(q * (pools[s].unit_cost or ZERO)),
                    last_date=last_date[(s, w)],
                )
                for (s, w), q in on_hand.items()
            ],
            batch_size=2000,
        )
        CostPool.objects.bulk_update(
            [
                CostPool(
                    id=p.id,
                    qty=p.qty,
                    value=p.value,
                    unit_cost=p.unit_cost,
                    last_date=p.last[0] if p.last else None,
                    last_move_id=p.last[1] if p.last else None,
                )
                for p in pools.values()
            ],
            ["qty", "value", "unit_cost", "last_date", "last_move_id"],
            batch_size=1000,
        )
    return Built(
        sku_ids=sku_ids,
        warehouse_ids=wh_ids,
        first_month=first_month,
        months=months,
        moves=total,
    )
