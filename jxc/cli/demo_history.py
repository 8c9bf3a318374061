"""Demo stock history: 期初 three months back, then each month 其他入库, 其他出库 and a 调拨
to the store and a 盘点 last month — all through the warehouse documents' services (the months
are closed by ``demo.py`` once the purchase and sales documents are in too)."""

from __future__ import annotations

import random
from decimal import Decimal

from jxc.cli.demo_data import D
from jxc.core.documents.lines import LineInput
from jxc.core.periods import months_back


def load_stock_history(rng: random.Random, boss, whs, skus, cats) -> list:
    """期初库存 three months back, then each month 其他入库, 其他出库 and a 调拨 to the store,
    a 盘点 of the writing instruments last month — all through the warehouse documents'
    services, with batches (some expiring soon). Returns the SKUs it keeps in 总仓."""
    import datetime as dt

    from django.utils import timezone

    from jxc.catalog.models import SkuUnit
    from jxc.inventory.documents import services as docs
    from jxc.inventory.documents.models import StockCountLine

    today = timezone.localdate()
    months = months_back(today, 3)
    zc, _ec, store = whs
    price = dict(
        SkuUnit.objects.filter(is_base=True, sku__in=skus).values_list("sku_id", "purchase_price")
    )
    tracked = {s.pk for s in skus if s.product.tracking == "batch"}
    fraction = {s.pk for s in skus if s.product.base_unit.allow_fraction}
    shelf = {s.pk: s.product.shelf_life_days or 365 for s in skus}
    held: dict[tuple[int, int], Decimal] = {}

    def on(month_first, day: int):
        return min(month_first.replace(day=day), today)

    def qty(sku, low: int, high: int) -> Decimal:
        if sku.pk in fraction:
            return D(rng.randint(low * 2, high * 2)) / 2
        return D(rng.randint(low, high))

    def receipt_line(sku, n: Decimal, day, *, expiring: bool = False) -> LineInput:
        batch, expiry = "", None
        if sku.pk in tracked:
            # the expiring few run out 10–25 days from today (临期), whenever they came in
            expiry = (
                today + dt.timedelta(days=rng.randint(10, 25))
                if expiring
                else day + dt.timedelta(days=shelf[sku.pk])
            )
            batch = f"{day:%Y%m%d}{sku.pk % 100:02d}"
        cost = ((price[sku.pk] or D(0)) * D(rng.choice(["0.95", "1", "1", "1.05"]))).quantize(
            D("0.01")
        )
        return LineInput(sku=sku.pk, qty=n, price=cost, batch_number=batch, expiry_date=expiry)

    def post(doc) -> None:
        docs.submit_document(doc, user=boss)
        docs.approve_document(doc, user=boss)
        docs.post_document(doc, user=boss)

    def stock_in(kind: str, wh, day, lines: list[LineInput], reason: str = "") -> None:
        doc = docs.create_stock_document(
            user=boss, kind=kind, warehouse=wh, date=day, reason=reason, lines=lines
        )
        post(doc)
        for x in lines:
            held[(x.sku, wh.pk)] = held.get((x.sku, wh.pk), D(0)) + x.qty

    def take(wh, candidates, n_lines: int, share: str) -> list[LineInput]:
        """Lines taking a share of what the warehouse holds of some SKUs (never more)."""
        out = []
        for sku in rng.sample(candidates, min(n_lines, len(candidates))):
            have = held.get((sku.pk, wh.pk), D(0))
            n = (have * D(share)).quantize(D("0.5") if sku.pk in fraction else D(1))
            if n > 0:
                out.append(LineInput(sku=sku.pk, qty=n))
                held[(sku.pk, wh.pk)] = have - n
        return out

    # 期初: most SKUs in 总仓, a fifth in the store; a few batches expire within weeks of today.
    opening_day = months[0]
    in_zc = skus[::2]
    in_store = skus[1::5]
    expiring = set(rng.sample([s.pk for s in in_zc if s.pk in tracked], 4))
    stock_in(
        "opening_stock",
        zc,
        opening_day,
        [receipt_line(s, qty(s, 40, 200), opening_day, expiring=s.pk in expiring) for s in in_zc],
    )
    stock_in(
        "opening_stock",
        store,
        opening_day,
        [receipt_line(s, qty(s, 10, 40), opening_day) for s in in_store],
    )
    moving = in_zc[: len(in_zc) * 3 // 4]  # the last quarter never moves again (呆滞)

    for i, first in enumerate(months):
        for day in (5, 18):
            picks = rng.sample(moving, 10)
            stock_in(
                "other_receipt",
                zc,
                on(first, day),
                [receipt_line(s, qty(s, 20, 80), on(first, day)) for s in picks],
                reason="other",
            )
        for day, wh, share in ((9, zc, "0.3"), (22, zc, "0.25"), (14, store, "0.4")):
            pool = moving if wh is zc else in_store
            lines = take(wh, pool, 8, share)
            if lines and on(first, day) > opening_day:
                doc = docs.create_stock_document(
                    user=boss,
                    kind="other_issue",
                    warehouse=wh,
                    date=on(first, day),
                    reason=rng.choice(["internal_use", "sample", "gift"]),
                    lines=lines,
                )
                post(doc)
        lines = take(zc, moving, 6, "0.2")
        if lines and on(first, 12) > opening_day:
            transfer = docs.create_transfer(
                user=boss, from_warehouse=zc, to_warehouse=store, date=on(first, 12), lines=lines
            )
            post(transfer)
            docs.receive_transfer(transfer, user=boss, date=on(first, 13))
            for x in lines:
                held[(x.sku, store.pk)] = held.get((x.sku, store.pk), D(0)) + x.qty
        if i == 2:
            # 盘点 of the writing instruments in 总仓 on the 25th: a few differences.
            count = docs.create_stock_count(
                user=boss, warehouse=zc, date=on(first, 25), category=cats["WJ01"]
            )
            count_lines = list(StockCountLine.objects.filter(count=count).order_by("line_no"))
            counted = {cl.pk: cl.book_qty for cl in count_lines}
            for cl in rng.sample(count_lines, min(3, len(count_lines))):
                counted[cl.pk] = max(cl.book_qty + rng.choice([-2, -1, 1]), D(0))
            docs.record_counts(count, user=boss, counts=counted)
            post(count)
    return in_zc
