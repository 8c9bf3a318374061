"""Row locks of the ledger, always taken in one order so concurrent postings never deadlock:
the SKUs' ledger rows by SKU id, then balance rows by (SKU id, warehouse id).

PostgreSQL: ``SELECT … FOR UPDATE``. SQLite has no row locks; its transactions start
IMMEDIATE (settings), so writers queue for the whole database instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from jxc.inventory.ledger.sql import Reader, for_update, placeholders
from jxc.inventory.models import SkuLedger, StockBalance

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
