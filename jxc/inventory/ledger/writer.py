"""库存流水 writer: the only code that adds stock moves and changes balances, cost pools and
layers (ARCHITECTURE.md §3, DOMAIN.md §4–5). Call it through jxc.inventory.services.

Posting shape: check the lines (pure) → refuse closed periods → lock the SKUs' ledger rows,
then the balance rows in (SKU, warehouse) order → refuse negative stock, now and at every
later date when backdated → value the moves (and re-value later ones: ledger_engine) →
write moves, layers, pools, balances, lots and serials. All in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Sku, SkuUnit
from jxc.core import selectors as core_selectors
from jxc.core.documents import SourceRef, lock_date
from jxc.core.errors import (
    AlreadyReversed,
    InsufficientAvailable,
    InsufficientStock,
    InvalidStockLine,
    NothingToReverse,
    PeriodClosed,
    ReversalBlocked,
)
from jxc.inventory import rules
from jxc.inventory.ledger.costing import ZERO, money_of, unit_cost_of
from jxc.inventory.ledger.engine import (
    BIG,
    FROM_ORIGIN,
    GIVEN_COST,
    GIVEN_VALUE,
    NEUTRAL_PAIR,
    POOL_COST,
    REVERSAL,
    M,
    Run,
    engine_method,
)
from jxc.inventory.ledger.locks import lock_balances, lock_skus
from jxc.inventory.ledger.sql import (
    Reader,
    adapter,
    fetch,
    insert_returning_ids,
    placeholders,
)
from jxc.inventory.ledger.types import StockLine, id_of
from jxc.inventory.models import (
    Batch,
    CostPool,
    LotBalance,
    SerialNumber,
    SkuLedger,
    StockBalance,
    StockMove,
    Warehouse,
)

# Re-costing at most this many later moves inside the posting; more go to the background.
RECOST_THRESHOLD = 2000


@dataclass(eq=False)
class Item:
    """A line on its way into the ledger (a StockLine, or the mirror of a reversed move)."""

    index: int
    sku_id: int
    warehouse_id: int
    qty: Decimal
    reason: str
    date: dt.date
    bin_id: int | None = None
    batch_id: int | None = None
    unit_cost: Decimal | None = None
    value: Decimal | None = None
    origin_id: int | None = None
    origin_line: int | None = None
    entered_qty: Decimal | None = None
    entered_unit_id: int | None = None
    source_line: int | None = None
    serials: tuple[str, ...] = ()
    release_reserved: Decimal = ZERO
    receive_on_order: Decimal = ZERO
    receive_in_transit: Decimal = ZERO
    basis: str = POOL_COST
    reverses_id: int | None = None
    pool_id: int | None = None
    m: M | None = field(default=None, repr=False)

    @classmethod
    def of(cls, index: int, line: StockLine) -> Item:
        return cls(
            index=index,
            sku_id=line.sku_id,
            warehouse_id=line.warehouse_id,
            qty=line.qty,
            reason=str(line.reason),
            date=line.date,
            bin_id=line.bin_id,
            batch_id=line.batch_id,
            unit_cost=line.unit_cost,
            value=line.value,
            origin_id=line.origin_id,
            origin_line=line.origin_line,
            entered_qty=line.entered_qty,
            entered_unit_id=id_of(line.entered_unit),
            source_line=line.source_line,
            serials=tuple(line.serials),
            release_reserved=line.release_reserved,
            receive_on_order=line.receive_on_order,
            receive_in_transit=line.receive_in_transit,
        )

    @property
    def lot_key(self) -> str | None:
        if self.bin_id is None and self.batch_id is None:
            return None
        return f"{self.bin_id or 0}-{self.batch_id or 0}"


@transaction.atomic
def record_moves(lines: Sequence[StockLine], *, source: SourceRef, user) -> list[StockMove]:
    """过账到库存流水: post the stock lines of one document, all or nothing.

    Returns the new moves in the order of ``lines``. Refuses (typed errors, nothing
    written): a line whose sign does not fit its reason, a date in a closed month, stock
    going below zero in a warehouse that forbids it (also at any later date when the line is
    backdated), a batch or bin going below zero, a return of more than went out, a serial
    number that is not where the line says, a SKU never received without a reference price."""
    items = [Item.of(i, line) for i, line in enumerate(lines)]
    if not items:
        return []
    problems = rules.line_problems(lines)
    if problems:
        i, problem = problems[0]
        raise InvalidStockLine(line=i + 1, problem=problem)
    return _post(items, source=source, user=user)


@transaction.atomic
def reverse_moves(
    *, source: SourceRef, user, date: dt.date, reason: str = "", reversal: SourceRef | None = None
) -> list[StockMove]:
    """红冲: post the exact opposite of every move of ``source`` on ``date``, each linked to
    the move it reverses (``reverses``), with the serial numbers it moved.

    A receipt is taken back out at what it brought (its own FIFO layers first; under an
    average at the current average, the difference recorded as variance); an issue comes
    back at the value it left with, into the layers it emptied. When nothing moved in the
    pool since, the pool returns exactly to its state before the original. Refused while a
    return or a transfer-in of another document takes its cost from one of the moves."""
    originals = list(
        StockMove.objects.filter(
            source_kind=source.kind, source_id=source.id, reverses__isnull=True
        ).order_by("id")
    )
    if not originals:
        raise NothingToReverse(source=source.number)
    ids = [m.id for m in originals]
    done = set(StockMove.objects.filter(reverses_id__in=ids).values_list("reverses_id", flat=True))
    todo = [m for m in originals if m.id not in done]
    if not todo:
        raise AlreadyReversed(source=source.number)
    todo_ids = [m.id for m in todo]
    dependants = (
        StockMove.objects.filter(origin_id__in=todo_ids)
        .exclude(source_kind=source.kind, source_id=source.id)
        .exclude(id__in=StockMove.objects.filter(reverses__isnull=False).values("reverses_id"))
    )
    blocking = sorted(set(dependants.values_list("source_number", flat=True)))
    if blocking:
        raise ReversalBlocked(source=source.number, dependants=", ".join(blocking))
    serials: dict[int, list[str]] = defaultdict(list)
    for move_id, number in SerialNumber.moves.through.objects.filter(
        stockmove_id__in=todo_ids
    ).values_list("stockmove_id", "serialnumber__number"):
        serials[move_id].append(number)
    items = []
    for i, m in enumerate(todo):
        if date < m.date:
            raise InvalidStockLine(
                line=i + 1, problem=_("a reversal cannot be dated before the move it reverses")
            )
        items.append(
            Item(
                index=i,
                sku_id=m.sku_id,
                warehouse_id=m.warehouse_id,
                qty=-m.qty,
                reason=m.reason,
                date=date,
                bin_id=m.bin_id,
                batch_id=m.batch_id,
                entered_qty=-m.entered_qty if m.entered_qty is not None else None,
                entered_unit_id=m.entered_unit_id,
                source_line=m.source_line,
                serials=tuple(sorted(serials.get(m.id, ()))),
                basis=REVERSAL,
                reverses_id=m.id,
                pool_id=m.pool_id,
            )
        )
    return _post(items, source=reversal or source, user=user)


# --- the posting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Company:
    costing_method: str
    cost_scope: str
    allow_negative_stock: bool


def _settings() -> tuple[_Company, dt.date | None]:
    """The company's costing settings and the lock date (the last day of the last closed
    month, jxc.core.documents.lock_date), in one query."""
    from jxc.core.models import ClosedPeriod, Company

    last = (
        f"SELECT CAST(year AS INTEGER) * 100 + month FROM {ClosedPeriod._meta.db_table} "
        "ORDER BY year DESC, month DESC LIMIT 1"
    )
    row = fetch(
        f"SELECT costing_method, cost_scope, allow_negative_stock, ({last}) "
        f"FROM {Company._meta.db_table} ORDER BY id LIMIT 1"
    )
    if row:
        company = _Company(row[0][0], row[0][1], bool(row[0][2]))
        ym = row[0][3]
    else:
        c = core_selectors.company()
        company = _Company(c.costing_method, c.cost_scope, c.allow_negative_stock)
        found = fetch(last)
        ym = found[0][0] if found else None
    if ym is None:
        return company, None
    y, m = divmod(int(ym), 100)
    return company, dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)


def _skus(sku_ids: list[int]) -> dict[int, dict]:
    st, pt = Sku._meta.db_table, Sku._meta.get_field("product").related_model._meta.db_table
    rows = fetch(
        f"SELECT s.id, s.code, s.name, p.tracking FROM {st} s JOIN {pt} p ON p.id = s.product_id "
        f"WHERE s.id IN ({placeholders(len(sku_ids))})",
        sku_ids,
    )
    return {r[0]: {"id": r[0], "code": r[1], "name": r[2], "product__tracking": r[3]} for r in rows}


def _warehouses(wh_ids: list[int]) -> dict[int, dict]:
    rows = fetch(
        f"SELECT id, name, allow_negative FROM {Warehouse._meta.db_table} "
        f"WHERE id IN ({placeholders(len(wh_ids))})",
        wh_ids,
    )
    return {r[0]: {"id": r[0], "name": r[1], "allow_negative": bool(r[2])} for r in rows}


def _post(items: list[Item], *, source: SourceRef, user) -> list[StockMove]:
    company, closed_until = _settings()
    if closed_until is not None:
        for it in items:
            if it.date <= closed_until:
                raise PeriodClosed(date=it.date.isoformat())
    sku_ids = sorted({it.sku_id for it in items})
    wh_ids = sorted({it.warehouse_id for it in items})
    skus = _skus(sku_ids)
    warehouses = _warehouses(wh_ids)
    for it in items:
        if it.sku_id not in skus or it.warehouse_id not in warehouses:
            raise InvalidStockLine(line=it.index + 1, problem=_("unknown SKU or warehouse"))
    labels = {k: f"{s['code']} {s['name']}" for k, s in skus.items()}
    _check_batches_and_serials(items, skus)
    origins = _check_origins(items)
    _set_bases(items, origins, company.cost_scope)

    ledgers = lock_skus(sku_ids)
    balances = lock_balances(
        {(it.sku_id, it.warehouse_id) for it in items},
        allow_negative={
            k: bool(w["allow_negative"] or company.allow_negative_stock)
            for k, w in warehouses.items()
        },
    )
    pools = _pools_for(items, company, skus)
    rates_before = company_rates(pools) if company.cost_scope != "warehouse" else None
    lots = _lots_for(items)
    _check_quantities(items, balances, lots, labels, warehouses)

    run = Run(
        pools=pools,
        cross_pool=company.cost_scope == "warehouse",
        fallback=ReferencePrices(sku_ids),
        labels=labels,
    )
    new = []
    for it in items:
        m = M(
            id=None,
            date=it.date,
            seq=BIG + it.index,
            pool_id=it.pool_id,  # type: ignore[arg-type]
            sku_id=it.sku_id,
            warehouse_id=it.warehouse_id,
            qty=it.qty,
            reason=it.reason,
            basis=it.basis,
            origin_id=it.origin_id,
            reverses_id=it.reverses_id,
            new=True,
        )
        if it.basis == GIVEN_COST:
            m.given = it.unit_cost
        elif it.basis == GIVEN_VALUE:
            m.given = it.value
        it.m = m
        new.append(m)
    for it in items:
        if it.origin_line is not None:
            it.m.origin_m = items[it.origin_line].m  # type: ignore[union-attr]
    deferred = _plan(run, new, ledgers)
    run.add_new(new)
    run.run()

    moves = _write_moves(items, source, user)
    ids = {it.m.seq: mv.pk for it, mv in zip(items, moves, strict=True)}  # type: ignore[union-attr]
    run.write_existing(closed_until)
    run.write_layers(ids)
    _write_pools(run, items, moves)
    _write_lots(items, lots)  # before the balances: company values of batch pools read them
    _write_balances(run, items, balances, company.cost_scope, rates_before)
    _write_serials(items, moves)
    if deferred:
        from jxc.inventory.ledger.tasks import schedule_recost

        schedule_recost(
            {p: min((m.date, ids[m.seq]) for m in new if m.pool_id == p) for p in deferred},
            source=source.number,
        )
    return moves


def _check_batches_and_serials(items: list[Item], skus: dict) -> None:
    batch_ids = {it.batch_id for it in items if it.batch_id is not None}
    owners = (
        dict(Batch.objects.filter(pk__in=batch_ids).values_list("id", "sku_id"))
        if batch_ids
        else {}
    )
    for it in items:
        tracking = skus[it.sku_id]["product__tracking"]
        if it.batch_id is not None and owners.get(it.batch_id) != it.sku_id:
            raise InvalidStockLine(line=it.index + 1, problem=_("the batch is not of this SKU"))
        if tracking == "batch" and it.batch_id is None and it.qty != 0:
            raise InvalidStockLine(
                line=it.index + 1, problem=_("a batch-tracked SKU needs a batch")
            )
        if tracking == "serial" and it.qty != 0:
            if len(set(it.serials)) != len(it.serials) or Decimal(len(it.serials)) != abs(it.qty):
                raise InvalidStockLine(
                    line=it.index + 1, problem=_("give one serial number per unit")
                )


def _check_origins(items: list[Item]) -> dict[int, StockMove]:
    """Returns and transfers-in name the move they take their cost from; not more than it
    moved may come back."""
    ids = {it.origin_id for it in items if it.origin_id is not None}
    if not ids:
        return {}
    origins = {m.pk: m for m in StockMove.objects.filter(pk__in=ids)}
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    for it in items:
        o = origins.get(it.origin_id) if it.origin_id is not None else None
        if it.origin_id is not None and o is None:
            raise InvalidStockLine(line=it.index + 1, problem=_("the origin move does not exist"))
        if o is not None:
            problem = rules.origin_problem(
                reason=it.reason,
                sku_id=it.sku_id,
                date=it.date,
                origin_reason=o.reason,
                origin_sku_id=o.sku_id,
                origin_date=o.date,
                origin_is_reversal=o.reverses_id is not None,
            )
            if problem:
                raise InvalidStockLine(line=it.index + 1, problem=problem)
            if it.qty > 0:
                wanted[o.pk] += it.qty
    returned = _returned_so_far(list(wanted))
    for origin_id, qty in wanted.items():
        o = origins[origin_id]
        back = returned[origin_id]
        if back + qty > -o.qty:
            raise InvalidStockLine(
                line=next(it.index for it in items if it.origin_id == origin_id) + 1,
                problem=str(_("only %(qty)s of %(number)s can still come back"))
                % {"qty": -o.qty - back, "number": o.source_number},
            )
    return origins


def _returned_so_far(origin_ids: list[int]) -> dict[int, Decimal]:
    """How much of each origin move came back already (returns / transfers in net of their
    reversals), for all origins in a few queries."""
    totals = {i: ZERO for i in origin_ids}
    origin_of: dict[int, int] = {}
    for i in range(0, len(origin_ids), _CHUNK):
        chunk = origin_ids[i : i + _CHUNK]
        for origin_id, dep_id, qty in StockMove.objects.filter(origin_id__in=chunk).values_list(
            "origin_id", "id", "qty"
        ):
            totals[origin_id] += qty
            origin_of[dep_id] = origin_id
    dep_ids = list(origin_of)
    for i in range(0, len(dep_ids), _CHUNK):
        chunk = dep_ids[i : i + _CHUNK]
        for reversed_id, qty in StockMove.objects.filter(reverses_id__in=chunk).values_list(
            "reverses_id", "qty"
        ):
            totals[origin_of[reversed_id]] += qty
    return totals


def _set_bases(items: list[Item], origins: dict, scope: str) -> None:
    """How each new move is valued (StockMove.cost_basis)."""
    for it in items:
        if it.basis == REVERSAL:
            continue
        if it.origin_line is not None:
            out = items[it.origin_line]
            same_pool = scope != "warehouse" or out.warehouse_id == it.warehouse_id
            if same_pool and out.date == it.date and out.batch_id == it.batch_id:
                it.basis = out.basis = NEUTRAL_PAIR
            else:
                it.basis = FROM_ORIGIN
        elif it.origin_id is not None:
            it.basis = FROM_ORIGIN
        elif it.qty >= 0 and it.unit_cost is not None:
            it.basis = GIVEN_COST
        elif it.qty >= 0 and it.value is not None:
            it.basis = GIVEN_VALUE
        else:
            it.basis = POOL_COST


def _pool_key(
    scope: str, method: str, tracking: str, it: Item
) -> tuple[str, int | None, int | None]:
    key, wh, batch = "", None, None
    if scope == "warehouse":
        key, wh = f"w{it.warehouse_id}", it.warehouse_id
    if method == "specific" and tracking == "batch" and it.batch_id is not None:
        key, batch = f"{key}b{it.batch_id}", it.batch_id
    return key, wh, batch


def _pools_for(items: list[Item], company, skus: dict) -> dict[int, CostPool]:
    """The cost pool of every line, created on first use (under the SKU's ledger lock)."""
    wanted: dict[tuple, tuple] = {}
    for it in items:
        if it.pool_id is not None:
            continue
        key, wh, batch = _pool_key(
            company.cost_scope, company.costing_method, skus[it.sku_id]["product__tracking"], it
        )
        wanted[(it.sku_id, key)] = (wh, batch)
    known_ids = [it.pool_id for it in items if it.pool_id is not None]
    found = {(p.sku_id, p.key): p for p in _pools_by_key(known_ids, wanted)}
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
        found = {(p.sku_id, p.key): p for p in _pools_by_key(known_ids, wanted)}
        for k in missing:
            found[k].fresh = True  # type: ignore[attr-defined]  # no moves: the run need not ask
    by_id = {p.pk: p for p in found.values()}
    for it in items:
        if it.pool_id is None:
            key, _wh, _b = _pool_key(
                company.cost_scope, company.costing_method, skus[it.sku_id]["product__tracking"], it
            )
            it.pool_id = found[(it.sku_id, key)].pk
    return by_id


def _pools_by_key(pool_ids: list[int], wanted) -> list[CostPool]:
    """The pools with these ids or (SKU, key) pairs: one IN query per key and chunk, not one
    OR term per pair (SQLite refuses expression trees deeper than 1,000)."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for sku_id, key in wanted:
        by_key[key].append(sku_id)
    rows: list[CostPool] = []
    for i in range(0, len(pool_ids), _CHUNK):
        chunk = pool_ids[i : i + _CHUNK]
        rows += _POOLS.rows(f"id IN ({placeholders(len(chunk))})", chunk)
    for key, sku_ids in by_key.items():
        for i in range(0, len(sku_ids), _CHUNK):
            chunk = sku_ids[i : i + _CHUNK]
            rows += _POOLS.rows(
                f"{_POOLS.q('key')} = %s AND sku_id IN ({placeholders(len(chunk))})",
                [key, *chunk],
            )
    return rows


_CHUNK = 900
_BALANCE_VALUES = Reader(StockBalance, ["id", "sku_id", "warehouse_id", "on_hand", "value"])
_POOLS = Reader(
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


def _lots_by_key(wanted) -> list[LotBalance]:
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for sku_id, wh_id, key in wanted:
        by_key[(wh_id, key)].append(sku_id)
    rows: list[LotBalance] = []
    for (wh_id, key), sku_ids in by_key.items():
        for i in range(0, len(sku_ids), _CHUNK):
            rows += LotBalance.objects.filter(
                warehouse_id=wh_id, key=key, sku_id__in=sku_ids[i : i + _CHUNK]
            )
    return rows


def _lots_for(items: list[Item]) -> dict[tuple, LotBalance]:
    wanted = {
        (it.sku_id, it.warehouse_id, it.lot_key): (it.bin_id, it.batch_id)
        for it in items
        if it.lot_key is not None
    }
    if not wanted:
        return {}
    found = {(x.sku_id, x.warehouse_id, x.key): x for x in _lots_by_key(wanted)}
    missing = [k for k in wanted if k not in found]
    if missing:
        LotBalance.objects.bulk_create(
            [
                LotBalance(
                    sku_id=k[0],
                    warehouse_id=k[1],
                    key=k[2],
                    bin_id=wanted[k][0],
                    batch_id=wanted[k][1],
                )
                for k in missing
            ]
        )
        found = {(x.sku_id, x.warehouse_id, x.key): x for x in _lots_by_key(wanted)}
    return found


def _check_quantities(items, balances, lots, labels, warehouses) -> None:
    """Negative stock: refused unless the warehouse allows it, at the posting date and at
    every later date (a backdated issue must not break a later balance); lots never."""
    by_balance: dict[tuple, list[Item]] = defaultdict(list)
    by_lot: dict[tuple, list[Item]] = defaultdict(list)
    for it in items:
        by_balance[(it.sku_id, it.warehouse_id)].append(it)
        if it.lot_key is not None:
            by_lot[(it.sku_id, it.warehouse_id, it.lot_key)].append(it)
    for key, its in by_balance.items():
        b = balances[key]
        its.sort(key=lambda x: (x.date, x.index))
        reserved = b.reserved - sum((x.release_reserved for x in its), ZERO)
        on_hand = b.on_hand + sum((x.qty for x in its), ZERO)
        relaxed = b.allow_backorder or b.allow_negative
        if not relaxed and reserved > 0 and reserved > on_hand and any(x.qty < 0 for x in its):
            raise InsufficientAvailable(
                sku=labels[key[0]],
                warehouse=warehouses[key[1]]["name"],
                available=max(b.on_hand - b.reserved, ZERO),
                requested=-sum((x.qty for x in its if x.qty < 0), ZERO),
            )
        if b.allow_negative or all(x.qty >= 0 for x in its):
            continue
        _ensure_never_negative(
            b.on_hand,
            b.last_date,
            its,
            {"sku_id": key[0], "warehouse_id": key[1]},
            labels[key[0]],
            warehouses[key[1]]["name"],
        )
    for key, its in by_lot.items():
        lot = lots[key]
        if all(x.qty >= 0 for x in its):
            continue
        its.sort(key=lambda x: (x.date, x.index))
        where_moves = {
            "sku_id": key[0],
            "warehouse_id": key[1],
            "bin_id": lot.bin_id,
            "batch_id": lot.batch_id,
        }
        where = warehouses[key[1]]["name"]
        _ensure_never_negative(lot.qty, lot.last_date, its, where_moves, labels[key[0]], where)


def _ensure_never_negative(now, last_date, its, moves_of: dict, sku_label, where) -> None:
    # ``moves_of``: the filter of the balance's moves; a query only for a backdated line
    # (building a queryset per line costs more than the check in a posting of many lines).
    first = its[0].date
    if last_date is None or first >= last_date:
        events = [(x.date, x.qty) for x in its]
        start = now
    else:
        later = list(
            StockMove.objects.filter(date__gt=first, **moves_of)
            .order_by("date", "id")
            .values_list("date", "id", "qty")
        )
        start = now - sum((q for _d, _i, q in later), ZERO)
        merged = [((d, i), d, q) for d, i, q in later] + [
            ((x.date, BIG + x.index), x.date, x.qty) for x in its
        ]
        merged.sort(key=lambda e: e[0])
        events = [(d, q) for _p, d, q in merged]
    running = start
    for d, q in events:
        if running + q < 0:
            raise InsufficientStock(
                sku=sku_label, warehouse=where, date=d.isoformat(), available=running, requested=-q
            )
        running += q


class ReferencePrices:
    """参考进价 per SKU, read only when a pool without cost history needs one."""

    def __init__(self, sku_ids: list[int]):
        self.sku_ids = sku_ids
        self.prices: dict[int, Decimal | None] | None = None

    def get(self, sku_id: int) -> Decimal | None:
        if self.prices is None:
            self.prices = _reference_prices(self.sku_ids)
        return self.prices.get(sku_id)


def _reference_prices(sku_ids: list[int]) -> dict[int, Decimal | None]:
    """参考进价 per base unit: the cost of a SKU that was never received (0 means none)."""
    return {
        sku_id: (price or None)
        for sku_id, price in SkuUnit.objects.filter(sku_id__in=sku_ids, is_base=True).values_list(
            "sku_id", "purchase_price"
        )
    }


def _plan(run: Run, new: list[M], ledgers: dict[int, SkuLedger]) -> set[int]:
    """Which backdated pools are re-costed now and which in the background (too many later
    moves, or the SKU is being re-costed already)."""
    starts: dict[int, tuple] = {}
    for m in new:
        p = m.pool_id
        starts[p] = min(starts.get(p, m.pos), m.pos)
    counts = {p: run.later_count(p, s) for p, s in starts.items()}
    backdated = {p for p, n in counts.items() if n}
    if not backdated:
        return set()
    busy = {run.pools[p].sku_id for p in backdated if ledgers[run.pools[p].sku_id].recosting}
    if sum(counts.values()) > RECOST_THRESHOLD:
        busy |= {run.pools[p].sku_id for p in backdated}
    deferred = {p for p in backdated if run.pools[p].sku_id in busy}
    run.detached = deferred
    return deferred


# --- writing ------------------------------------------------------------------------------


def _write_moves(items: list[Item], source: SourceRef, user) -> list[StockMove]:
    user_id = user.pk if user is not None and getattr(user, "pk", None) else None
    rows = []
    for it in items:
        m = it.m
        assert m is not None and m.after is not None
        rows.append(
            StockMove(
                date=it.date,
                sku_id=it.sku_id,
                warehouse_id=it.warehouse_id,
                bin_id=it.bin_id,
                batch_id=it.batch_id,
                pool_id=it.pool_id,  # type: ignore[misc]
                qty=it.qty,
                entered_qty=it.entered_qty,
                entered_unit_id=it.entered_unit_id,
                unit_cost=m.unit_cost,
                value=m.value,
                variance=m.variance,
                cost_basis=it.basis,
                reason=it.reason,
                source_kind=source.kind,
                source_id=source.id,
                source_number=source.number,
                source_line=it.source_line,
                reverses_id=it.reverses_id,
                origin_id=it.origin_id,
                pool_qty_after=m.after[0],
                pool_value_after=m.after[1],
                pool_unit_cost_after=m.after[2],
                user_id=user_id,
            )
        )
    fields = [
        "date",
        "sku_id",
        "warehouse_id",
        "bin_id",
        "batch_id",
        "pool_id",
        "qty",
        "entered_qty",
        "entered_unit_id",
        "unit_cost",
        "value",
        "variance",
        "cost_basis",
        "reason",
        "source_kind",
        "source_id",
        "source_number",
        "source_line",
        "reverses_id",
        "origin_id",
        "pool_qty_after",
        "pool_value_after",
        "pool_unit_cost_after",
        "user_id",
        "created_at",
    ]
    now = timezone.now()
    for mv in rows:
        mv.created_at = now
    ids = insert_returning_ids(StockMove, fields, [[getattr(mv, f) for f in fields] for mv in rows])
    for mv, pk in zip(rows, ids, strict=True):
        mv.pk = pk
        mv._state.adding = False
    moves = rows
    linked = [(it, moves[it.origin_line]) for it in items if it.origin_line is not None]
    for it, out in linked:
        moves[it.index].origin_id = out.pk
    if linked:  # one batch, not a statement per transfer line
        with connection.cursor() as cur:
            cur.executemany(
                f"UPDATE {StockMove._meta.db_table} SET origin_id = %s WHERE id = %s",
                [(out.pk, moves[it.index].pk) for it, out in linked],
            )
    return moves


def _write_pools(run: Run, items: list[Item], moves: list[StockMove]) -> None:
    last: dict[int, tuple] = {}
    for it, mv in zip(items, moves, strict=True):
        pos = (mv.date, mv.pk)
        if it.pool_id not in last or pos > last[it.pool_id]:
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
        positions = [(m.date, m.id) for m in cursor.processed[-1:] if m.id is not None]
        if pool_id in last:
            positions.append(last[pool_id])
        if pool.last_date is not None:
            positions.append((pool.last_date, pool.last_move_id or 0))
        if positions:
            pool.last_date, pool.last_move_id = max(positions)
        changed.append(pool)
    update_rows(CostPool, changed, ["qty", "value", "unit_cost", "last_date", "last_move_id"])


def _write_balances(
    run: Run, items: list[Item], balances: dict, scope: str, rates_before: dict | None = None
) -> None:
    write_balance_values(
        run.changed_existing(), items, balances, scope, pools=run.pools, rates_before=rates_before
    )


def company_rates(pools: dict[int, CostPool]) -> dict[int, Decimal] | None:
    """Unit cost per SKU of the company pools in ``pools`` (None when a batch pool is among
    them: then the warehouses' values are recomputed in full)."""
    rates = {}
    for p in pools.values():
        if p.warehouse_id is not None or p.batch_id is not None:
            return None
        rates[p.sku_id] = _rate(p)
    return rates


def write_balance_values(
    changed: list[M],
    items: list[Item],
    balances: dict,
    scope: str,
    *,
    pools: dict,
    rates_before: dict | None = None,
) -> None:
    """Apply new moves (quantities, buckets, values) and re-valued moves (value changes) to
    the balance rows; under the company pool recompute the warehouses' values."""
    delta: dict[tuple, list] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO, ZERO, None])
    for it in items:
        d = delta[(it.sku_id, it.warehouse_id)]
        d[0] += it.qty
        d[1] += it.m.value  # type: ignore[union-attr]
        d[2] += it.release_reserved
        d[3] += it.receive_on_order
        d[4] += it.receive_in_transit
        d[5] = it.date if d[5] is None or it.date > d[5] else d[5]
    for m in changed:
        old = m.db[1]  # type: ignore[index]
        delta[(m.sku_id, m.warehouse_id)][1] += m.value - old
    rows = []
    for key, (q, v, rel, rec_order, rec_transit, last) in delta.items():
        b = balances.get(key)
        if b is None:
            b = balances[key] = StockBalance.objects.get(sku_id=key[0], warehouse_id=key[1])
        b.on_hand += q
        b.value += v
        b.reserved = max(b.reserved - rel, ZERO)
        b.on_order = max(b.on_order - rec_order, ZERO)
        b.in_transit = max(b.in_transit - rec_transit, ZERO)
        if last is not None and (b.last_date is None or last > b.last_date):
            b.last_date = last
        if b.allow_backorder and b.reserved <= b.on_hand:
            b.allow_backorder = False
        rows.append(b)
    rates = company_rates(pools) if scope != "warehouse" and rates_before is not None else None
    if rates is not None:
        # company pool: the touched warehouses are valued here; the others only when the
        # pool's unit cost moved (a receipt), in refresh_company_values below
        for b in rows:
            b.value = money_of(b.on_hand, rates.get(b.sku_id, ZERO))
    update_rows(
        StockBalance,
        rows,
        ["on_hand", "value", "reserved", "on_order", "in_transit", "last_date", "allow_backorder"],
    )
    if scope != "warehouse":
        if rates is None:
            refresh_company_values({k[0] for k in delta}, pools=pools)
        else:
            moved = {k for k, r in rates.items() if rates_before.get(k) != r}  # type: ignore[union-attr]
            if moved:
                refresh_company_values(moved, pools=pools, skip={b.pk for b in rows})


def refresh_company_values(
    sku_ids, *, pools: dict[int, CostPool] | None = None, skip: set | None = None
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
            for p in _POOLS.rows(f"sku_id IN ({placeholders(len(sku_ids))})", sku_ids)
            if p.pk not in known
        ]
    rates: dict[tuple, Decimal] = {}
    batched: set[int] = set()
    for p in pool_rows:
        if p.warehouse_id is not None:
            continue
        rate = _rate(p)
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
    for b in _BALANCE_VALUES.rows(f"sku_id IN ({placeholders(len(sku_ids))})", sku_ids):
        b_id, sku_id, wh_id, on_hand, value = b.pk, b.sku_id, b.warehouse_id, b.on_hand, b.value
        if skip and b_id in skip:
            continue
        if sku_id in batched:
            new = sum(
                (
                    money_of(q, rates.get((sku_id, bt), ZERO))
                    for bt, q in per_batch[(sku_id, wh_id)]
                ),
                ZERO,
            )
            rest = on_hand - sum((q for _bt, q in per_batch[(sku_id, wh_id)]), ZERO)
            new += money_of(rest, rates.get((sku_id, None), ZERO))
        else:
            new = money_of(on_hand, rates.get((sku_id, None), ZERO))
        if new != value:
            updates.append((new, b_id))
    if updates:
        with connection.cursor() as cur:
            cur.executemany(
                f"UPDATE {StockBalance._meta.db_table} SET value = %s WHERE id = %s", updates
            )


def update_rows(model, rows: list, fields: list[str]) -> None:
    """Write ``fields`` of ``rows`` back: one ``UPDATE … WHERE id = %s`` per row through a
    single executemany. (Django's bulk_update builds a CASE per field with a branch per row:
    quadratic for a posting of thousands of lines.)"""
    if not rows:
        return
    ops = connection.ops
    cols = [model._meta.get_field(name) for name in fields]
    sql = (
        f"UPDATE {ops.quote_name(model._meta.db_table)} SET "
        + ", ".join(f"{ops.quote_name(c.column)} = %s" for c in cols)
        + f" WHERE {ops.quote_name(model._meta.pk.column)} = %s"
    )
    adapters = [adapter(c) for c in cols]
    params = [
        [a(getattr(r, c.attname)) for a, c in zip(adapters, cols, strict=True)] + [r.pk]
        for r in rows
    ]
    with connection.cursor() as cur:
        cur.executemany(sql, params)


def _rate(pool: CostPool) -> Decimal:
    if engine_method(pool.method) == "fifo" and pool.qty > 0:
        return unit_cost_of(pool.value, pool.qty)
    return pool.unit_cost or ZERO


def _write_lots(items: list[Item], lots: dict) -> None:
    if not lots:
        return
    for it in items:
        if it.lot_key is None:
            continue
        lot = lots[(it.sku_id, it.warehouse_id, it.lot_key)]
        lot.qty += it.qty
        if lot.last_date is None or it.date > lot.last_date:
            lot.last_date = it.date
    update_rows(LotBalance, list(lots.values()), ["qty", "last_date"])


def _write_serials(items: list[Item], moves: list[StockMove]) -> None:
    """Each serial number comes in where it is not in stock, and goes out from where it is."""
    todo = [(it, mv) for it, mv in zip(items, moves, strict=True) if it.serials]
    if not todo:
        return
    through = SerialNumber.moves.through
    links = []
    for it, mv in todo:
        existing = {
            s.number: s
            for s in SerialNumber.objects.select_for_update().filter(
                sku_id=it.sku_id, number__in=it.serials
            )
        }
        for number in it.serials:
            s = existing.get(number)
            if it.qty > 0:
                if s is not None and s.warehouse_id is not None:
                    raise InvalidStockLine(
                        line=it.index + 1,
                        problem=str(_("serial number %(number)s is already in stock"))
                        % {"number": number},
                    )
                if s is None:
                    s = SerialNumber.objects.create(
                        sku_id=it.sku_id,
                        number=number,
                        warehouse_id=it.warehouse_id,
                        batch_id=it.batch_id,
                    )
                else:
                    s.warehouse_id = it.warehouse_id
                    s.save(update_fields=["warehouse"])
            else:
                if s is None or s.warehouse_id != it.warehouse_id:
                    raise InvalidStockLine(
                        line=it.index + 1,
                        problem=str(_("serial number %(number)s is not in stock in this warehouse"))
                        % {"number": number},
                    )
                s.warehouse_id = None
                s.save(update_fields=["warehouse"])
            links.append(through(stockmove_id=mv.pk, serialnumber_id=s.pk))
    through.objects.bulk_create(links)


def replay_pools(starts: dict[int, tuple], *, sku_ids: list[int]) -> int:
    """Re-value the moves of pools from the given positions on (and the pools they feed),
    under the SKUs' locks; returns how many moves were re-valued."""
    company = core_selectors.company()
    lock_skus(sku_ids)
    pools = {p.pk: p for p in CostPool.objects.filter(sku_id__in=sku_ids)}
    labels = {
        s["id"]: f"{s['code']} {s['name']}"
        for s in Sku.objects.filter(pk__in=sku_ids).values("id", "code", "name")
    }
    run = Run(
        pools=pools,
        cross_pool=company.cost_scope == "warehouse",
        fallback=ReferencePrices(sku_ids),
        labels=labels,
    )
    for pool_id, pos in sorted(starts.items(), key=lambda kv: kv[1]):
        run.open_cursor(pool_id, pos)
    run.run()
    run.write_existing(lock_date())
    run.write_layers({})
    _write_pools(run, [], [])
    _write_balances(run, [], {}, company.cost_scope)
    return sum(len(c.processed) for c in run.cursors.values())
