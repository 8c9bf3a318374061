"""The quantity buckets beside on-hand — 已占用 reserved, 在途 on order, 调拨在途 in transit —
and batches. Conditional updates: a reservation never takes more than is available, even
when two orders race for the last unit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

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
    total: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for sku, warehouse, qty in changes:
        total[(pk_of(sku), pk_of(warehouse))] += qty
    total = {k: q for k, q in total.items() if q}
    if not total:
        return
    from jxc.core import selectors as core_selectors

    lock_skus({k[0] for k in total})
    company_allow = core_selectors.company().allow_negative_stock
    allow = {
        w: bool(a) or company_allow
        for w, a in Warehouse.objects.filter(pk__in={k[1] for k in total}).values_list(
            "pk", "allow_negative"
        )
    }
    rows = lock_balances(total, allow_negative=allow)
    field = StockBalance._meta.get_field("in_transit")
    updates = []
    for key in sorted(total):
        b = rows[key]
        new = b.in_transit + total[key]
        if new < 0:
            raise BucketBelowZero(
                bucket=_("In transit"), sku=str(b.sku), warehouse=str(b.warehouse)
            )
        updates.append((field.get_db_prep_save(new, connection), b.pk))
    with connection.cursor() as cur:
        cur.executemany(
            f"UPDATE {StockBalance._meta.db_table} SET in_transit = %s WHERE id = %s", updates
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
