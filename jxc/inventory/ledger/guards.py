"""The checks that refuse a posting before anything is written: batches and serial numbers
that do not fit the SKU, returns of more than went out, stock going below zero (now, or at a
later date when the line is backdated). Typed errors (jxc.core.errors)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jxc.core.errors import (
    InsufficientAvailable,
    InsufficientStock,
    InvalidStockLine,
    ReturnExceedsOrigin,
)
from jxc.core.fields import QTY_PLACES, size_error, size_problem
from jxc.core.numbers import ZERO
from jxc.inventory import rules
from jxc.inventory.ledger.posting_lines import PostingLine
from jxc.inventory.ledger.run_moves import BIG
from jxc.inventory.models import Batch, StockMove

CHUNK = 900


def in_base_unit(sku_id: int, qty: Decimal) -> str:
    """A quantity as the person reads it in an error: in the SKU's base unit, without the
    stored padding and grouped (``99,999 件``, not ``99999.000000``). One query, on the
    error path only."""
    from jxc.catalog.models import Sku

    unit = Sku.objects.filter(pk=sku_id).values_list("product__base_unit__name", flat=True).first()
    text = format(Decimal(qty).normalize(), ",f")
    return f"{text} {unit}" if unit else text


def check_batches_and_serials(items: list[PostingLine], skus: dict) -> None:
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


def check_origins(items: list[PostingLine]) -> dict[int, StockMove]:
    """Returns and transfers-in name the move they take their cost from; all of them together
    never take back more than it moved (customer returns of a delivery, transfers in of a
    transfer out, purchase returns of a receipt: DOMAIN.md §5)."""
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
            if (it.qty > 0) != (o.qty > 0):  # a return against it, not a reversal
                wanted[o.pk] += abs(it.qty)
    returned = returned_so_far(list(wanted))
    for origin_id, qty in wanted.items():
        o = origins[origin_id]
        # what came back so far, as a positive quantity (the dependants' sign is the
        # opposite of the origin's: returns of a delivery come in, of a receipt go out)
        back = returned[origin_id] if o.qty < 0 else -returned[origin_id]
        if back + qty > abs(o.qty):
            raise ReturnExceedsOrigin(
                line=next(it.index for it in items if it.origin_id == origin_id) + 1,
                qty=abs(o.qty) - back,
                number=o.source_number,
            )
    return origins


def returned_so_far(origin_ids: list[int]) -> dict[int, Decimal]:
    """How much of each origin move came back already (returns / transfers in net of their
    reversals), for all origins in a few queries."""
    totals = {i: ZERO for i in origin_ids}
    origin_of: dict[int, int] = {}
    for i in range(0, len(origin_ids), CHUNK):
        chunk = origin_ids[i : i + CHUNK]
        for origin_id, dep_id, qty in StockMove.objects.filter(origin_id__in=chunk).values_list(
            "origin_id", "id", "qty"
        ):
            totals[origin_id] += qty
            origin_of[dep_id] = origin_id
    dep_ids = list(origin_of)
    for i in range(0, len(dep_ids), CHUNK):
        chunk = dep_ids[i : i + CHUNK]
        for reversed_id, qty in StockMove.objects.filter(reverses_id__in=chunk).values_list(
            "reverses_id", "qty"
        ):
            totals[origin_of[reversed_id]] += qty
    return totals


def _by_date(x: PostingLine) -> tuple:
    return (x.date, x.index)


def check_quantities(items, balances, lots, labels, warehouses) -> None:
    """Negative stock: refused unless the warehouse allows it, at the posting date and at
    every later date (a backdated issue must not break a later balance); lots never."""
    by_balance: dict[tuple, list[PostingLine]] = defaultdict(list)
    by_lot: dict[tuple, list[PostingLine]] = defaultdict(list)
    for it in items:
        by_balance[(it.sku_id, it.warehouse_id)].append(it)
        if it.lot_key is not None:
            by_lot[(it.sku_id, it.warehouse_id, it.lot_key)].append(it)
    for key, its in by_balance.items():
        b = balances[key]
        if len(its) == 1:  # most postings: one line per balance row
            only = its[0]
            reserved = b.reserved - (ZERO + only.release_reserved)
            on_hand = b.on_hand + (ZERO + only.qty)
            issues = only.qty < 0
        else:
            its.sort(key=_by_date)
            reserved = b.reserved - sum((x.release_reserved for x in its), ZERO)
            on_hand = b.on_hand + sum((x.qty for x in its), ZERO)
            issues = any(x.qty < 0 for x in its)
        if size_problem(on_hand, QTY_PLACES) is not None:  # 数值过大: beyond a balance's bound
            raise InvalidStockLine(line=its[0].index + 1, problem=size_error(on_hand, QTY_PLACES))
        relaxed = b.allow_backorder or b.allow_negative
        if not relaxed and reserved > 0 and reserved > on_hand and issues:
            raise InsufficientAvailable(
                sku=labels[key[0]],
                warehouse=warehouses[key[1]]["name"],
                available=in_base_unit(key[0], max(b.on_hand - b.reserved, ZERO)),
                requested=in_base_unit(key[0], -sum((x.qty for x in its if x.qty < 0), ZERO)),
            )
        if b.allow_negative or not issues:
            continue
        ensure_never_negative(
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
        its.sort(key=_by_date)
        where_moves = {
            "sku_id": key[0],
            "warehouse_id": key[1],
            "bin_id": lot.bin_id,
            "batch_id": lot.batch_id,
        }
        where = warehouses[key[1]]["name"]
        ensure_never_negative(lot.qty, lot.last_date, its, where_moves, labels[key[0]], where)


def ensure_never_negative(now, last_date, its, moves_of: dict, sku_label, where) -> None:
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
            sku_id = moves_of["sku_id"]
            raise InsufficientStock(
                sku=sku_label,
                warehouse=where,
                date=d.isoformat(),
                available=in_base_unit(sku_id, running),
                requested=in_base_unit(sku_id, -q),
            )
        running += q
