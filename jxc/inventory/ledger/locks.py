"""Row locks of the ledger, always taken in one order so concurrent postings never deadlock:
the SKUs' ledger rows by SKU id, then balance rows by (SKU id, warehouse id).

PostgreSQL: ``SELECT … FOR UPDATE``. SQLite has no row locks; its transactions start
IMMEDIATE (settings), so writers queue for the whole database instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from jxc.core.statements import fetch, fetch_each, is_sqlite, next_ids
from jxc.inventory.ledger.open_layers import pools_with_heads_text
from jxc.inventory.ledger.pools import POOLS
from jxc.inventory.ledger.sql import Reader, for_update, placeholders
from jxc.inventory.models import SkuLedger, StockBalance, StockMove

_LEDGERS = Reader(SkuLedger, ["sku_id", "recosting", "recost_job_id"])
_BALANCES = Reader(
    StockBalance,
    [
        "id",
        "sku_id",
        "warehouse_id",
        "on_hand",
        "reserved",
        "on_order",
        "in_transit",
        "value",
        "allow_negative",
        "allow_backorder",
        "last_date",
    ],
)


def _ledgers(ids: list[int]) -> dict[int, SkuLedger]:
    rows = _LEDGERS.rows(
        f"sku_id IN ({placeholders(len(ids))})", ids, suffix=" ORDER BY sku_id" + for_update()
    )
    return {x.sku_id: x for x in rows}


def lock_skus(sku_ids: Iterable[int]) -> dict[int, SkuLedger]:
    """Lock (creating on first use) the ledger row of every SKU, in SKU id order. A service
    that reserves or posts several SKUs in one transaction may call it first with all of
    them, so later calls take no lock out of order."""
    ids = sorted(set(sku_ids))
    found = _ledgers(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        SkuLedger.objects.bulk_create([SkuLedger(sku_id=i) for i in missing], ignore_conflicts=True)
        found.update(_ledgers(missing))
    return found


def lock_balances(
    keys: Iterable[tuple[int, int]], *, allow_negative: dict[int, bool]
) -> dict[tuple[int, int], StockBalance]:
    """Lock (creating on first use) the balance rows of (SKU, warehouse) pairs in that order.
    ``allow_negative`` (per warehouse id) is copied onto the rows, so the database check
    follows the warehouse's setting."""
    wanted = sorted(set(keys))
    skus = sorted({k[0] for k in wanted})
    whs = sorted({k[1] for k in wanted})

    def select() -> dict[tuple[int, int], StockBalance]:
        found = _BALANCES.rows(
            f"sku_id IN ({placeholders(len(skus))}) AND warehouse_id IN ({placeholders(len(whs))})",
            [*skus, *whs],
            suffix=" ORDER BY sku_id, warehouse_id" + for_update(),
        )
        rows = {(b.sku_id, b.warehouse_id): b for b in found}
        return {k: rows[k] for k in wanted if k in rows}

    found = select()
    missing = [k for k in wanted if k not in found]
    if missing:
        StockBalance.objects.bulk_create(
            [
                StockBalance(sku_id=s, warehouse_id=w, allow_negative=allow_negative.get(w, False))
                for s, w in missing
            ],
            ignore_conflicts=True,
        )
        found = select()
    for (_s, w), b in found.items():
        want = allow_negative.get(w, False)
        if b.allow_negative != want and (want or b.on_hand >= 0):
            b.allow_negative = want
            StockBalance.objects.filter(pk=b.pk).update(allow_negative=want)
    return found


# --- a posting's locks, with what it reads beside them -------------------------------------
# A posting needs the company's costing settings and lock date, the SKUs' codes and tracking
# and the warehouses' names and negative-stock setting. Read in the two lock statements (one
# round trip each on PostgreSQL) instead of five statements; the rows are locked in the same
# order as lock_skus + lock_balances. First use of a SKU or a (SKU, warehouse) pair falls
# back to those functions, which create the rows.


def _company_columns() -> list[str]:
    from jxc.core.models import ClosedPeriod, Company

    company = f"(SELECT %s FROM {Company._meta.db_table} ORDER BY id LIMIT 1)"
    closed = (
        f"(SELECT CAST(year AS INTEGER) * 100 + month FROM {ClosedPeriod._meta.db_table} "
        "ORDER BY year DESC, month DESC LIMIT 1)"
    )
    return [
        company % "costing_method",
        company % "cost_scope",
        company % "allow_negative_stock",
        closed,
    ]


def _sku_lock_sql(sku_ids: list[int]) -> tuple[str, list]:
    n = len(sku_ids)
    sql = _SKU_LOCK_SQL.get(n)
    if sql is None:
        sql = _SKU_LOCK_SQL[n] = _sku_lock_text(n)
    return sql, list(sku_ids)


_SKU_LOCK_SQL: dict[int, str] = {}  # per number of SKUs: the text is built once


def _sku_lock_text(n: int) -> str:
    from jxc.catalog.models import Product, Sku

    table = _LEDGERS.table
    st, pt = Sku._meta.db_table, Product._meta.db_table
    if is_sqlite():  # no row locks: the SKU and its product joined (one probe each, not three)
        columns = re.sub(r'"(\w+)"', rf"{table}.\g<0>", _LEDGERS.columns)
        return (
            f"SELECT {columns}, s.code, s.name, p.tracking, {', '.join(_company_columns())} "
            f"FROM {table} LEFT JOIN {st} s ON s.id = {table}.sku_id "
            f"LEFT JOIN {pt} p ON p.id = s.product_id "
            f"WHERE {table}.sku_id IN ({placeholders(n)}) ORDER BY {table}.sku_id"
        )
    sku = f"(SELECT %s FROM {st} s WHERE s.id = {table}.sku_id)"
    tracking = (
        f"(SELECT p.tracking FROM {st} s JOIN {pt} p ON p.id = s.product_id "
        f"WHERE s.id = {table}.sku_id)"
    )
    return _LEDGERS.sql_with(
        [sku % "s.code", sku % "s.name", tracking, *_company_columns()],
        f"sku_id IN ({placeholders(n)})",
        " ORDER BY sku_id" + for_update(),
    )


def _sku_lock_parse(raws) -> tuple[dict[int, SkuLedger], dict[int, dict], tuple | None]:
    ledgers, extras = _LEDGERS.parse_with(raws)
    found = {x.sku_id: x for x in ledgers}
    skus = {
        x.sku_id: {"id": x.sku_id, "code": e[0], "name": e[1], "product__tracking": e[2]}
        for x, e in zip(ledgers, extras, strict=True)
    }
    company = None
    if extras and extras[0][3] is not None:
        company = (extras[0][3], extras[0][4], bool(extras[0][5]), extras[0][6])
    return found, skus, company


def lock_balances_reading_warehouses(
    keys: set[tuple[int, int]], *, company_allows_negative: bool, all_warehouses: bool = False
) -> tuple[dict[tuple[int, int], StockBalance], dict[int, dict], Iterable[StockBalance]] | None:
    """Lock the balance rows of (SKU, warehouse) pairs like :func:`lock_balances`, reading
    each row's warehouse (name, allow negative) in the same statement; None when a pair has
    no balance row yet (the caller goes through lock_balances, which creates it).

    ``all_warehouses`` (company pool): lock and read the SKUs' rows in every warehouse, in
    the same order — a receipt moves the pool's unit cost, which re-values the SKU's stock in
    the other warehouses too; returned third (the pairs' rows are not among them)."""
    sql, params = _balance_lock_sql(keys, all_warehouses=all_warehouses)
    return _balance_lock_parse(
        fetch(sql, params),
        keys,
        company_allows_negative=company_allows_negative,
        all_warehouses=all_warehouses,
    )


def _balance_lock_sql(
    keys: set[tuple[int, int]], *, all_warehouses: bool, guard: list[int] | None = None
) -> tuple[str, list]:
    """``guard``: lock only if every one of these SKUs has its ledger row (so no balance row
    is locked before a ledger row the posting still has to create: one lock order)."""
    skus = sorted({k[0] for k in keys})
    if is_sqlite():
        return _balance_read_sqlite(keys, skus, all_warehouses=all_warehouses)
    whs = sorted({k[1] for k in keys})
    params = list(skus)
    if not all_warehouses:
        params += whs
    if guard is not None:
        params += [*guard, len(guard)]
    shape = (len(skus), len(whs), all_warehouses, None if guard is None else len(guard))
    sql = _BALANCE_LOCK_SQL.get(shape)
    if sql is None:
        sql = _BALANCE_LOCK_SQL[shape] = _balance_lock_text(*shape)
    return sql, params


_BALANCE_LOCK_SQL: dict[tuple, str] = {}  # per shape: the text is built once


def _balance_lock_text(skus: int, whs: int, all_warehouses: bool, guard: int | None) -> str:
    from jxc.inventory.models import Warehouse

    table = _BALANCES.table
    wh = f"(SELECT %s FROM {Warehouse._meta.db_table} w WHERE w.id = {table}.warehouse_id)"
    where = f"sku_id IN ({placeholders(skus)})"
    if not all_warehouses:
        where += f" AND warehouse_id IN ({placeholders(whs)})"
    if guard is not None:
        where += (
            f" AND (SELECT COUNT(*) FROM {_LEDGERS.table} l "
            f"WHERE l.sku_id IN ({placeholders(guard)})) = %s"
        )
    return _BALANCES.sql_with(
        [wh % "w.name", wh % "w.allow_negative"],
        where,
        " ORDER BY sku_id, warehouse_id" + for_update(),
    )


def _balance_read_sqlite(
    keys: set[tuple[int, int]], skus: list[int], *, all_warehouses: bool
) -> tuple[str, list]:
    """SQLite has no row locks, so no lock order to keep: no guard, no ORDER BY (the rows
    are keyed when parsed); the pairs joined by OR, one probe of the unique index each (IN
    lists are built into temporary b-trees and probe their cross product)."""
    shape: tuple[int, int, bool]
    if all_warehouses:
        params, shape = list(skus), (len(skus), 0, True)
    elif len(keys) > PAIRS_MAX:
        whs = sorted({k[1] for k in keys})
        params, shape = [*skus, *whs], (len(skus), len(whs), False)
    else:
        params, shape = [v for k in sorted(keys) for v in k], (len(keys), -1, False)
    sql = _BALANCE_READ_SQLITE.get(shape)
    if sql is None:
        sql = _BALANCE_READ_SQLITE[shape] = _balance_lock_text_sqlite(*shape)
    return sql, params


_BALANCE_READ_SQLITE: dict[tuple[int, int, bool], str] = {}


def _balance_lock_text_sqlite(n: int, whs: int, all_warehouses: bool) -> str:
    """SQLite's balance read (see :func:`_balance_lock_sql`): ``whs`` -1: ``n`` (SKU,
    warehouse) pairs; else ``n`` SKUs in ``whs`` warehouses (all of them: ``all_warehouses``)."""
    from jxc.inventory.models import Warehouse

    table = _BALANCES.table
    wh = f"(SELECT %s FROM {Warehouse._meta.db_table} w WHERE w.id = {table}.warehouse_id)"
    if whs < 0:
        where = " OR ".join(["(sku_id = %s AND warehouse_id = %s)"] * n)
    else:
        where = f"sku_id IN ({placeholders(n)})"
        if not all_warehouses:
            where += f" AND warehouse_id IN ({placeholders(whs)})"
    return _BALANCES.sql_with([wh % "w.name", wh % "w.allow_negative"], where)


def _balance_lock_parse(
    raws, keys: set[tuple[int, int]], *, company_allows_negative: bool, all_warehouses: bool
) -> tuple[dict[tuple[int, int], StockBalance], dict[int, dict], Iterable[StockBalance]] | None:
    n = len(_BALANCES.fields)
    made = _BALANCES.made_first
    found: dict[tuple[int, int], StockBalance] = {}
    warehouses: dict[int, dict] = {}
    rest = []  # the other warehouses' rows (company pool), converted when first needed
    for raw in raws:
        key = (raw[1], raw[2])  # sku_id, warehouse_id
        if key[1] not in warehouses:
            warehouses[key[1]] = {"id": key[1], "name": raw[n], "allow_negative": bool(raw[n + 1])}
        if key in keys:
            found[key] = made(raw)
        else:
            rest.append(raw)
    if len(found) < len(keys):
        return None
    balances = {k: found[k] for k in sorted(keys)}
    others = _OnDemand(rest, made) if all_warehouses else _OnDemand([], made)
    for (_s, w), b in balances.items():
        want = warehouses[w]["allow_negative"] or company_allows_negative
        if b.allow_negative != want and (want or b.on_hand >= 0):
            b.allow_negative = want
            StockBalance.objects.filter(pk=b.pk).update(allow_negative=want)
    return balances, warehouses, others


class _OnDemand:
    """Rows read with the locks and turned into row objects when first iterated: the other
    warehouses' balance rows of a company pool are needed only when a receipt moves the
    pool's unit cost."""

    __slots__ = ("made", "raws", "rows")

    def __init__(self, raws: list, made) -> None:
        self.raws, self.made = raws, made
        self.rows: list | None = None

    def __iter__(self) -> Iterator:
        rows = self.rows
        if rows is None:
            made = self.made
            rows = self.rows = [made(raw) for raw in self.raws]
        return iter(rows)


# --- everything a posting reads before it values, in one round trip ------------------------


@dataclass
class PostingReads:
    """What :func:`read_for_posting` found: the SKUs' ledger rows, the SKUs, the company
    tuple (costing method, cost scope, allow negative stock,
    last closed month as yyyymm), the balance rows as
    :func:`lock_balances_reading_warehouses` returns them (None: not all there, or a SKU
    without its ledger row), whether they include the other warehouses, the cost pools of
    the candidate keys, the oldest open layers of the FIFO pools among them (when asked
    for), and new move ids (PostgreSQL)."""

    ledgers: dict[int, SkuLedger]
    skus: dict[int, dict]
    company: tuple | None
    balance_rows: list[tuple]
    all_warehouses: bool
    pools: list
    head_rows: list[tuple]
    move_ids: list[int] | None


_POOLS_SQL: dict[tuple[int, int, bool], str] = {}  # per number of SKUs and keys, or of pairs

# SQLite: at most this many pairs joined by OR in one read (an OR chain is an expression tree
# as deep as it is long: SQLite refuses one deeper than 1,000); more go as IN lists
PAIRS_MAX = 64

# the last posting's pool scope: the balance rows to lock are read before the company's
# settings are; a wrong guess costs a second read, never a wrong result
_SCOPE: dict[str, bool] = {"all_warehouses": True}


def _pools_sql(
    sku_ids: list[int],
    pool_keys: set[str],
    pool_pairs: set[tuple[int, str]],
    *,
    heads: bool = False,
) -> tuple[str, list]:
    """The cost pools of the SKUs with the given keys; SQLite: of the (SKU id, key) pairs the
    lines may have, joined by OR (one probe of the unique index each; IN lists are built into
    temporary b-trees and probe the SKUs × keys). ``heads``: each FIFO pool's oldest open
    layer too (:func:`.open_layers.pools_with_heads_text`)."""
    if is_sqlite() and len(pool_pairs) <= PAIRS_MAX:
        shape = (len(pool_pairs), -1, heads)
        params = [v for pair in sorted(pool_pairs) for v in pair]
    else:
        shape = (len(sku_ids), len(pool_keys), heads)
        params = [*sku_ids, *sorted(pool_keys)]
    sql = _POOLS_SQL.get(shape)
    if sql is None:
        sql = _POOLS_SQL[shape] = _pools_text(*shape)
    return sql, params


def _pools_text(n: int, keys: int, heads: bool) -> str:
    key = POOLS.q("key")
    p = "p." if heads else ""
    where = (
        " OR ".join([f"({p}sku_id = %s AND {p}{key} = %s)"] * n)
        if keys < 0
        else f"{p}sku_id IN ({placeholders(n)}) AND {p}{key} IN ({placeholders(keys)})"
    )
    if not heads:
        return POOLS.select + where
    return pools_with_heads_text(re.sub(r'"(\w+)"', r'p."\1"', POOLS.columns), where)


def read_for_posting(
    sku_ids: list[int],
    keys: set[tuple[int, int]],
    pool_keys: set[str],
    *,
    new_moves: int,
    heads: bool = False,
    pool_pairs: set[tuple[int, str]] | None = None,
) -> PostingReads:
    """Lock the SKUs' ledger rows and their balance rows (in that order, as lock_skus and
    lock_balances do) and read the SKUs, the company, the warehouses, the cost pools with
    the given keys (SQLite: of the given (SKU id, key) pairs, when there are not too many)
    with — ``heads`` — each FIFO pool's oldest open layer, and — PostgreSQL — ``new_moves``
    ids for the moves, in one round trip."""
    if pool_pairs is None:
        pool_pairs = {(s, k) for s in sku_ids for k in pool_keys}
    all_warehouses = _SCOPE["all_warehouses"]
    statements = [
        _sku_lock_sql(sku_ids),
        _balance_lock_sql(keys, all_warehouses=all_warehouses, guard=sku_ids),
    ]
    statements.append(_pools_sql(sku_ids, pool_keys, pool_pairs, heads=heads))
    if new_moves and not is_sqlite():
        statements.append(next_ids(StockMove._meta.db_table, "id", new_moves))
    found = fetch_each(statements)
    ledgers, skus, company = _sku_lock_parse(found[0])
    head_rows: list[tuple] = []
    if heads:  # the pool's columns, then its head's (SKU id, key first for parse_head_layers)
        n, made = len(POOLS.fields), POOLS.made_first
        pools = [made(raw) for raw in found[2]]
        head_rows = [(raw[1], raw[2], *raw[n:]) for raw in found[2] if raw[n] is not None]
    else:
        pools = POOLS.parse(found[2])

    return PostingReads(
        ledgers=ledgers,
        skus=skus,
        company=company,
        balance_rows=found[1],
        all_warehouses=all_warehouses,
        pools=pools,
        head_rows=head_rows,
        move_ids=sorted(r[0] for r in found[-1]) if new_moves and not is_sqlite() else None,
    )


def balances_read(
    reads: PostingReads, keys: set[tuple[int, int]], *, company_allows_negative: bool, scope: str
) -> (
    tuple[dict[tuple[int, int], StockBalance], dict[int, dict], Iterable[StockBalance] | None]
    | None
):
    """The balance rows of :func:`read_for_posting` as lock_balances_reading_warehouses
    returns them, the other warehouses' rows None when they were not read (company pool:
    the caller reads them when it needs them); None when a row is missing."""
    _SCOPE["all_warehouses"] = scope != "warehouse"
    locked = _balance_lock_parse(
        reads.balance_rows,
        keys,
        company_allows_negative=company_allows_negative,
        all_warehouses=reads.all_warehouses,
    )
    if locked is None:
        return None
    balances, warehouses, others = locked
    return balances, warehouses, others if reads.all_warehouses else None
