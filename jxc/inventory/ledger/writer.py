"""库存流水 writer: the only code that adds stock moves and changes balances, cost pools and
layers (ARCHITECTURE.md §3, DOMAIN.md §4–5). Call it through jxc.inventory.services.

Posting shape: check the lines (pure) → refuse closed periods → lock the SKUs' ledger rows,
then the balance rows in (SKU, warehouse) order → refuse negative stock, now and at every
later date when backdated → value the moves (and re-value later ones: engine) →
write moves, layers, pools, balances, lots and serials. All in the caller's transaction.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Sku
from jxc.core import selectors as core_selectors
from jxc.core.documents.calendar import lock_date
from jxc.core.documents.models import SourceRef
from jxc.core.errors import (
    AlreadyReversed,
    InvalidStockLine,
    NothingToReverse,
    PeriodClosed,
    ReversalBlocked,
)
from jxc.core.periods import month_bounds
from jxc.core.statements import bound, current, fetch
from jxc.inventory import rules
from jxc.inventory.choices import CostBasis
from jxc.inventory.ledger.balances import company_rates, write_balance_values
from jxc.inventory.ledger.engine import Run
from jxc.inventory.ledger.guards import (
    check_batches_and_serials,
    check_origins,
    check_quantities,
)
from jxc.inventory.ledger.locks import (
    balances_read,
    lock_balances,
    lock_balances_reading_warehouses,
    lock_skus,
    read_for_posting,
)
from jxc.inventory.ledger.open_layers import HEAD_READ_MAX, parse_head_layers
from jxc.inventory.ledger.pools import (
    ReferencePrices,
    candidate_pool_keys,
    pools_for,
    set_bases,
    write_pools,
)
from jxc.inventory.ledger.posting_lines import PostingLine
from jxc.inventory.ledger.run_moves import BIG, PLAIN_BASES, RunMove
from jxc.inventory.ledger.run_writes import refuse_closed
from jxc.inventory.ledger.sql import placeholders
from jxc.inventory.ledger.sql_writes import Writes
from jxc.inventory.ledger.stock_rows import (
    lots_for,
    plan_serials,
    write_lots,
    write_moves,
    write_serials,
)
from jxc.inventory.ledger.types import StockLine
from jxc.inventory.models import CostPool, SerialNumber, SkuLedger, StockMove, Warehouse

# Re-costing at most this many later moves inside the posting; more go to the background.
RECOST_THRESHOLD = 2000


def _in_a_transaction(fn):
    """All or nothing, without a savepoint of its own (two statements fewer per posting; on
    PostgreSQL two round trips). Called outside a transaction, the posting opens one. Inside
    the caller's transaction, every refusal is raised before the first write (so the caller
    may catch it and go on: only the empty ledger, balance, pool and lot rows a first posting
    creates stay), and a failure while writing marks the caller's transaction for rollback
    (``atomic(savepoint=False)``): nothing half-written can be committed."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        db = connections[DEFAULT_DB_ALIAS]
        if db.in_atomic_block:
            with bound(db):  # the posting's statements: the wrapper looked up once
                return fn(*args, **kwargs)
        with transaction.atomic(), bound(db):
            owned = _OWNS_TRANSACTION.set(True)
            try:
                return fn(*args, **kwargs)
            finally:
                _OWNS_TRANSACTION.reset(owned)

    return wrapper


# the posting opened the transaction itself (called outside one): on PostgreSQL its last
# writes may carry the COMMIT, one round trip fewer (Django's commit then finds nothing open)
_OWNS_TRANSACTION: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "ledger_owns_transaction", default=False
)


@_in_a_transaction
def record_moves(lines: Sequence[StockLine], *, source: SourceRef, user) -> list[StockMove]:
    """过账到库存流水: post the stock lines of one document, all or nothing.

    Returns the new moves in the order of ``lines``. Refuses (typed errors, nothing
    written): a line whose sign does not fit its reason, a date in a closed month, stock
    going below zero in a warehouse that forbids it (also at any later date when the line is
    backdated), a batch or bin going below zero, a return of more than went out, a serial
    number that is not where the line says, a SKU never received without a reference price."""
    items = [PostingLine.of(i, line) for i, line in enumerate(lines)]
    if not items:
        return []
    problems = rules.line_problems(lines)
    if problems:
        i, problem = problems[0]
        raise InvalidStockLine(line=i + 1, problem=problem)
    return _post(items, source=source, user=user)


@_in_a_transaction
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
            PostingLine(
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
                basis=CostBasis.REVERSAL,
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
    return company, _closed_until(ym)


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


def _closed_until(ym) -> dt.date | None:
    if ym is None:
        return None
    y, m = divmod(int(ym), 100)
    return month_bounds(y, m)[1]


def _refuse_unknown(items: list[PostingLine], skus: dict, warehouses: dict) -> None:
    for it in items:
        if it.sku_id not in skus or it.warehouse_id not in warehouses:
            raise InvalidStockLine(line=it.index + 1, problem=_("unknown SKU or warehouse"))


def _post(items: list[PostingLine], *, source: SourceRef, user) -> list[StockMove]:
    sku_ids = sorted({it.sku_id for it in items})
    wh_ids = sorted({it.warehouse_id for it in items})
    keys = {(it.sku_id, it.warehouse_id) for it in items}
    # one round trip: the SKUs' ledger rows locked with the SKUs and the company settings,
    # the balance rows locked with their warehouses, the cost pools, new move ids
    # FIFO issues: with the pools, each FIFO pool's oldest open layer (read when the last
    # posting had FIFO pools: the method is known after the read)
    heads = bool(_LAST_POOLS["fifo"]) and 0 < _issuing_skus(items) <= HEAD_READ_MAX
    pool_keys, pool_pairs = candidate_pool_keys(items)
    reads = read_for_posting(
        sku_ids, keys, pool_keys, new_moves=len(items), heads=heads, pool_pairs=pool_pairs
    )
    ledgers, skus, settings = reads.ledgers, reads.skus, reads.company
    if settings is not None:
        company = _Company(settings[0], settings[1], settings[2])
        closed_until = _closed_until(settings[3])
    else:
        company, closed_until = _settings()
    if closed_until is not None:
        for it in items:
            if it.date <= closed_until:
                raise PeriodClosed(date=it.date.isoformat())
    warehouses: dict[int, dict] | None = None
    known_pools: list | None = reads.pools
    if len(ledgers) < len(sku_ids):  # a SKU's first posting (or an unknown SKU)
        skus, warehouses = _skus(sku_ids), _warehouses(wh_ids)
        _refuse_unknown(items, skus, warehouses)
        ledgers = lock_skus(sku_ids)
        known_pools = None  # read before the lock: read again
    locked = balances_read(
        reads,
        keys,
        company_allows_negative=company.allow_negative_stock,
        scope=company.cost_scope,
    )
    if locked is None:
        locked = lock_balances_reading_warehouses(
            keys,
            company_allows_negative=company.allow_negative_stock,
            all_warehouses=company.cost_scope != "warehouse",
        )
    others: Iterable | None = None  # company pool: the SKUs' balance rows in other warehouses
    if locked is None:  # a first posting in a warehouse (or an unknown warehouse)
        if warehouses is None:
            warehouses = _warehouses(wh_ids)
            _refuse_unknown(items, skus, warehouses)
        balances = lock_balances(
            keys,
            allow_negative={
                k: bool(w["allow_negative"] or company.allow_negative_stock)
                for k, w in warehouses.items()
            },
        )
    else:
        balances, warehouses, others = locked
    labels = {k: f"{s['code']} {s['name']}" for k, s in skus.items()}
    check_batches_and_serials(items, skus)
    origins = check_origins(items)
    set_bases(items, origins, company.cost_scope)

    pools = pools_for(items, company, skus, known=known_pools)
    rates_before = company_rates(pools) if company.cost_scope != "warehouse" else None
    lots = lots_for(items)
    check_quantities(items, balances, lots, labels, warehouses)

    run = Run(
        pools=pools,
        cross_pool=company.cost_scope == "warehouse",
        fallback=ReferencePrices(sku_ids),
        labels=labels,
    )
    _LAST_POOLS["fifo"] = any(p.method == "fifo" for p in pools.values())
    if heads and known_pools is not None:
        run.seed_open_layers(
            parse_head_layers(reads.head_rows),
            [(p.sku_id, p.key) for p in known_pools if p.method == "fifo"],
        )
    new = []
    for it in items:
        m = RunMove(
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
        if it.basis == CostBasis.GIVEN_COST:
            m.given = it.unit_cost
        elif it.basis == CostBasis.GIVEN_VALUE:
            m.given = it.value
        it.m = m
        new.append(m)
    for it in items:
        if it.origin_line is not None:
            it.m.origin_m = items[it.origin_line].m  # type: ignore[union-attr]
    deferred, backdated = _plan(run, new, ledgers)
    if not backdated and all(m.basis in PLAIN_BASES for m in new):
        run.append(new)  # the common case: no replay, no move taking another's cost
    else:
        run.add_new(new)
        run.run()
    refuse_closed(run.changed_existing(), closed_until)
    serials = plan_serials(items)

    # nothing refused: write (see _in_a_transaction). A failure while writing marks the
    # caller's transaction for rollback — what atomic(savepoint=False) does, without its
    # bookkeeping (the posting runs inside an atomic block: the wrapper sees to it)
    try:
        writes = Writes()  # PostgreSQL: what follows goes in one round trip
        # the moves join it when their ids are known already and nothing writes them before
        # (a transfer's link to its out line, a pool left for the background re-costing)
        defer = reads.move_ids is not None and not deferred
        defer = defer and all(it.origin_line is None for it in items)
        moves = write_moves(
            items, source, user, ids=reads.move_ids if defer else None, writes=writes
        )
        ids = {it.m.seq: mv.id for it, mv in zip(items, moves, strict=True)}  # type: ignore[union-attr]
        run.write_existing(closed_until)
        run.write_layers(ids, writes)
        write_pools(run, items, moves, writes)
        write_lots(items, lots, writes)  # before the balances: company values of batch pools
        _write_balances(run, items, balances, company.cost_scope, rates_before, writes, others)
        # nothing is written after these (no serials, no background re-costing) and the
        # transaction is the posting's own: it ends with them
        last = _OWNS_TRANSACTION.get() and not serials and not deferred
        writes.send(commit=last and not any(current().savepoint_ids))
        write_serials(serials, moves)
        if deferred:
            from jxc.inventory.ledger.tasks import schedule_recost

            schedule_recost(
                {p: min((m.date, ids[m.seq]) for m in new if m.pool_id == p) for p in deferred},
                source=source.number,
            )
    except BaseException:
        current().needs_rollback = True
        raise
    return moves


# whether the last posting had FIFO pools: a guess of whether the next one needs open layers.
# A wrong guess costs the pool its own read of its open layers (Run._open_layer_rows), never
# a wrong result
_LAST_POOLS: dict[str, bool] = {"fifo": True}


def _issuing_skus(items: list[PostingLine]) -> int:
    """How many SKUs the lines issue."""
    return len({it.sku_id for it in items if it.qty < 0})


def _write_balances(
    run: Run,
    items: list[PostingLine],
    balances: dict,
    scope: str,
    rates_before: dict | None = None,
    writes: Writes | None = None,
    others: Iterable | None = None,
) -> None:
    write_balance_values(
        run.changed_existing(),
        items,
        balances,
        scope,
        pools=run.pools,
        rates_before=rates_before,
        writes=writes,
        others=others,
    )


def _plan(run: Run, new: list[RunMove], ledgers: dict[int, SkuLedger]) -> tuple[set[int], set[int]]:
    """Which backdated pools are re-costed now and which in the background (too many later
    moves, or the SKU is being re-costed already): (deferred, backdated)."""
    starts: dict[int, tuple] = {}
    for m in new:
        p = m.pool_id
        starts[p] = min(starts.get(p, m.pos), m.pos)
    counts = {p: run.later_count(p, s) for p, s in starts.items()}
    backdated = {p for p, n in counts.items() if n}
    if not backdated:
        return set(), backdated
    busy = {run.pools[p].sku_id for p in backdated if ledgers[run.pools[p].sku_id].recosting}
    if sum(counts.values()) > RECOST_THRESHOLD:
        busy |= {run.pools[p].sku_id for p in backdated}
    deferred = {p for p in backdated if run.pools[p].sku_id in busy}
    run.detached = deferred
    return deferred, backdated


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
    writes = Writes()
    run.write_layers({}, writes)
    write_pools(run, [], [], writes)
    writes.send()
    _write_balances(run, [], {}, company.cost_scope)
    return sum(len(c.processed) for c in run.cursors.values())
