"""The quantity buckets beside on-hand — 已占用 reserved, 在途 on order, 调拨在途 in transit —
and batches. Conditional updates: a reservation never takes more than is available, even
when two orders race for the last unit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from jxc.core.errors import BucketBelowZero, InsufficientAvailable, ValidationFailed
from jxc.inventory.ledger.locks import lock_balances, lock_skus
from jxc.inventory.ledger.types import pk_of
from jxc.inventory.models import Batch, StockBalance, Warehouse


def _positive(qty: Decimal) -> None:
    if qty is None or qty <= 0:
        raise ValidationFailed({"qty": [str(_("The quantity must be above zero."))]})


def _balance_qs(sku, warehouse):
    sku_id, wh_id = pk_of(sku), pk_of(warehouse)
    lock_skus([sku_id])
    wh = Warehouse.objects.filter(pk=wh_id).values_list("allow_negative", flat=True).first()
    from jxc.core import selectors as core_selectors

    allow = bool(wh) or core_selectors.company().allow_negative_stock
    lock_balances([(sku_id, wh_id)], allow_negative={wh_id: allow})
    return StockBalance.objects.filter(sku_id=sku_id, warehouse_id=wh_id)


@transaction.atomic
def reserve(*, sku, warehouse, qty: Decimal, allow_backorder: bool = False) -> StockBalance:
    """占用: reserve ``qty`` for an approved sales order if that much is available
    (on hand − reserved); with ``allow_backorder`` (the customer may wait) always."""
    _positive(qty)
    qs = _balance_qs(sku, warehouse)
    if allow_backorder:
        qs.update(reserved=F("reserved") + qty, allow_backorder=True)
        qs.filter(reserved__lte=F("on_hand")).update(allow_backorder=False)
    elif not qs.filter(on_hand__gte=F("reserved") + qty).update(reserved=F("reserved") + qty):
        b = qs.get()
        raise InsufficientAvailable(
            sku=str(b.sku),
            warehouse=str(b.warehouse),
            available=max(b.on_hand - b.reserved, Decimal(0)),
            requested=qty,
        )
    return qs.get()


@transaction.atomic
def reserve_many(
    wanted: Iterable[tuple[Any, Any, Decimal]], *, allow_backorder: bool = False
) -> None:
    """占用 of several (SKU, warehouse, quantity) at once — an order's lines — all or none,
    with the rule of ``reserve``: the rows are locked (SKUs, then balances, in order), every
    pair checked against on hand − reserved, then written exactly (Decimal, not a REAL sum on
    SQLite). Short pairs raise one ``InsufficientAvailable`` for the first, with
    ``shortfalls`` [(sku id, warehouse id, requested, available), …] listing them all;
    nothing is written then."""
    total: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for sku, warehouse, qty in wanted:
        _positive(qty)
        total[(pk_of(sku), pk_of(warehouse))] += qty
    if not total:
        return
    from jxc.core import selectors as core_selectors

    lock_skus({k[0] for k in total})
    whs = {k[1] for k in total}
    allow = dict(Warehouse.objects.filter(pk__in=whs).values_list("pk", "allow_negative"))
    if not all(allow.values()):
        company_allow = core_selectors.company().allow_negative_stock
        allow = {w: bool(a) or company_allow for w, a in allow.items()}
    rows = lock_balances(total, allow_negative=allow)
    short = []
    updates = []
    for key in sorted(total):
        b, qty = rows[key], total[key]
        available = b.on_hand - b.reserved
        if available < qty and not allow_backorder:
            short.append((key[0], key[1], qty, max(available, Decimal(0))))
            continue
        reserved = b.reserved + qty
        flag = reserved > b.on_hand if allow_backorder else b.allow_backorder
        updates.append((reserved, flag, b.pk))
    if short:
        from jxc.catalog.models import Sku

        sku_id, wh_id, requested, available = short[0]
        raise InsufficientAvailable(
            sku=str(Sku.objects.get(pk=sku_id)),
            warehouse=str(Warehouse.objects.get(pk=wh_id)),
            available=available,
            requested=requested,
            shortfalls=short,
        )
    field = StockBalance._meta.get_field("reserved")
    with connection.cursor() as cur:
        cur.executemany(
            f"UPDATE {StockBalance._meta.db_table} SET reserved = %s, allow_backorder = %s"
            " WHERE id = %s",
            [(field.get_db_prep_save(r, connection), a, pk) for r, a, pk in updates],
        )


@transaction.atomic
def release(*, sku, warehouse, qty: Decimal) -> StockBalance:
    """释放占用: give back ``qty`` of a reservation (order closed, line reduced)."""
    _positive(qty)
    qs = _balance_qs(sku, warehouse)
    if not qs.filter(reserved__gte=qty).update(reserved=F("reserved") - qty):
        raise BucketBelowZero(
            bucket=_("Reserved"), sku=str(qs.get().sku), warehouse=str(qs.get().warehouse)
        )
    qs.filter(allow_backorder=True, reserved__lte=F("on_hand")).update(allow_backorder=False)
    return qs.get()


def _change(bucket: str, label, *, sku, warehouse, qty: Decimal) -> StockBalance:
    if not qty:
        return _balance_qs(sku, warehouse).get()
    qs = _balance_qs(sku, warehouse)
    if not qs.filter(**{f"{bucket}__gte": -qty}).update(**{bucket: F(bucket) + qty}):
        b = qs.get()
        raise BucketBelowZero(bucket=label, sku=str(b.sku), warehouse=str(b.warehouse))
    return qs.get()


@transaction.atomic
def record_on_order(*, sku, warehouse, qty: Decimal) -> StockBalance:
    """在途: approved purchase quantity not yet received; a signed change (order approved +,
    order reduced or closed −; a receipt line takes it off with ``receive_on_order``)."""
    return _change("on_order", _("On order"), sku=sku, warehouse=warehouse, qty=qty)


@transaction.atomic
def record_in_transit(*, sku, warehouse, qty: Decimal) -> StockBalance:
    """调拨在途 into ``warehouse``: transferred out elsewhere, not yet received here; a signed
    change (the transfer-in line takes it off with ``receive_in_transit``)."""
    return _change("in_transit", _("In transit"), sku=sku, warehouse=warehouse, qty=qty)


@transaction.atomic
def record_in_transit_many(changes: Iterable[tuple[Any, Any, Decimal]]) -> None:
    """调拨在途 of many (SKU, warehouse) pairs at once — a transfer of thousands of lines —
    with the locks and the never-below-zero rule of ``record_in_transit``, in one pass:
    the rows are locked (SKUs, then balances, in order), checked, then written exactly."""
    _change_many("in_transit", _("In transit"), changes)


@transaction.atomic
def record_on_order_many(changes: Iterable[tuple[Any, Any, Decimal]]) -> None:
    """在途 of many (SKU, warehouse) pairs at once — an order's lines — with the rule of
    ``record_on_order``, in one pass (locked in order, checked, written exactly)."""
    _change_many("on_order", _("On order"), changes)


def _change_many(bucket: str, label, changes: Iterable[tuple[Any, Any, Decimal]]) -> None:
    total: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for sku, warehouse, qty in changes:
        total[(pk_of(sku), pk_of(warehouse))] += qty
    total = {k: q for k, q in total.items() if q}
    if not total:
        return
    from jxc.core import selectors as core_selectors

    lock_skus({k[0] for k in total})
    allow = dict(
        Warehouse.objects.filter(pk__in={k[1] for k in total}).values_list("pk", "allow_negative")
    )
    if not all(allow.values()):
        company_allow = core_selectors.company().allow_negative_stock
        allow = {w: bool(a) or company_allow for w, a in allow.items()}
    rows = lock_balances(total, allow_negative=allow)
    field = cast(Any, StockBalance._meta.get_field(bucket))
    updates = []
    for key in sorted(total):
        b = rows[key]
        new = getattr(b, bucket) + total[key]
        if new < 0:
            raise BucketBelowZero(bucket=label, sku=str(b.sku), warehouse=str(b.warehouse))
        updates.append((field.get_db_prep_save(new, connection), b.pk))
    with connection.cursor() as cur:
        cur.executemany(
            f"UPDATE {StockBalance._meta.db_table} SET {bucket} = %s WHERE id = %s", updates
        )


@transaction.atomic
def ensure_batch(
    *,
    sku,
    number: str,
    production_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
) -> Batch:
    """The batch of a SKU with this number, created on its first receipt; dates missing on
    the batch are filled in, dates it has are kept."""
    number = (number or "").strip()
    if not number:
        raise ValidationFailed({"batch": [str(_("Enter a batch number."))]})
    if production_date and expiry_date and expiry_date < production_date:
        raise ValidationFailed(
            {"expiry_date": [str(_("The expiry date cannot be before the production date."))]}
        )
    batch, created = Batch.objects.get_or_create(
        sku_id=pk_of(sku),
        number=number,
        defaults={"production_date": production_date, "expiry_date": expiry_date},
    )
    if not created:
        fields = []
        if batch.production_date is None and production_date:
            batch.production_date = production_date
            fields.append("production_date")
        if batch.expiry_date is None and expiry_date:
            batch.expiry_date = expiry_date
            fields.append("expiry_date")
        if fields:
            batch.save(update_fields=fields)
    return batch
