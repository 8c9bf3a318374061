"""Reads of inventory: master data within the user's warehouse scope, and the stock ledger."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from jxc.core.documents.models import SourceRef
from jxc.inventory import rules
from jxc.inventory.choices import WarehouseKind
from jxc.inventory.layer_models import LayerUse
from jxc.inventory.ledger.types import FefoPick, pk_of
from jxc.inventory.models import LotBalance, SkuLedger, StockBalance, StockMove, Warehouse


def warehouses_for(user, *, active_only: bool = False) -> QuerySet[Warehouse]:
    """The warehouses a user may see and act on (data scope, enforced here, not in menus)."""
    qs = Warehouse.objects.select_related("keeper")
    if active_only:
        qs = qs.filter(is_active=True)
    if user is None or user.is_superuser or user.all_warehouses:
        return qs
    # A lent-out location is seen by whoever sees the warehouse it belongs to.
    own = Warehouse.objects.filter(users=user).values("pk")
    return qs.filter(Q(pk__in=own) | Q(lent_from__in=own))


def document_warehouses(user, *, active_only: bool = False) -> QuerySet[Warehouse]:
    """The warehouses a document may name: the user's, without the lent-out locations (only
    loans move goods in and out of those, docs/adr/0004)."""
    return warehouses_for(user, active_only=active_only).exclude(kind=WarehouseKind.LENT)


def receiving_warehouses(*, active_only: bool = False) -> QuerySet[Warehouse]:
    """The warehouses goods may be sent to (a transfer's target): every one of ours, whoever
    holds it, never a lent-out location. Its keeper receives them (调入)."""
    qs = Warehouse.objects.select_related("keeper").exclude(kind=WarehouseKind.LENT)
    return qs.filter(is_active=True) if active_only else qs


def search_warehouses(q: str = "", *, user) -> QuerySet[Warehouse]:
    qs = warehouses_for(user)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.order_by("code")


def can_use_warehouse(user, warehouse: Warehouse) -> bool:
    return warehouses_for(user).filter(pk=warehouse.pk).exists()


# --- The stock ledger (docs/ledger.md) -----------------------------------------------------


def _id(obj) -> int:
    return pk_of(obj)


def balance_of(*, sku, warehouse) -> StockBalance | None:
    """The balance row of a SKU in a warehouse (None before its first move or reservation)."""
    return StockBalance.objects.filter(sku_id=_id(sku), warehouse_id=_id(warehouse)).first()


def stock_on_hand(*, sku, warehouse=None) -> Decimal:
    """现存量: of one warehouse, or of all warehouses when ``warehouse`` is None."""
    qs = StockBalance.objects.filter(sku_id=_id(sku))
    if warehouse is not None:
        qs = qs.filter(warehouse_id=_id(warehouse))
    return sum((b for b in qs.values_list("on_hand", flat=True)), Decimal(0))


def available(*, sku, warehouse) -> Decimal:
    """可用量 = on hand − reserved (what a sales order may still take)."""
    b = balance_of(sku=sku, warehouse=warehouse)
    return b.on_hand - b.reserved if b is not None else Decimal(0)


def available_by_sku(*, sku_ids: Iterable[int], warehouse) -> dict[int, Decimal]:
    """可用量 of several SKUs in one warehouse (one query; a SKU never moved there is left
    out)."""
    return {
        sku_id: on_hand - reserved
        for sku_id, on_hand, reserved in StockBalance.objects.filter(
            warehouse_id=_id(warehouse), sku_id__in=set(sku_ids)
        ).values_list("sku_id", "on_hand", "reserved")
    }


def moves_for(source: SourceRef) -> QuerySet[StockMove]:
    """The moves one document posted (its reversal's moves included when they share the ref)."""
    return StockMove.objects.filter(source_kind=source.kind, source_id=source.id).order_by("id")


def layers_consumed(move) -> list[LayerUse]:
    """FIFO: which receipts an outgoing move took its cost from — layer (with its receipt
    move), quantity and value; a negative quantity is a layer a reversal refilled."""
    return list(
        LayerUse.objects.filter(move_id=_id(move))
        .select_related("layer", "layer__move")
        .order_by("layer__date", "layer__move_id", "layer__idx")
    )


def suggest_batches(*, sku, warehouse, qty: Decimal) -> list[FefoPick]:
    """先到期先出: the batches and bins to pick ``qty`` from, earliest expiry first (no expiry
    last). Fewer than ``qty`` in total when the warehouse holds less."""
    lots = (
        LotBalance.objects.filter(sku_id=_id(sku), warehouse_id=_id(warehouse), qty__gt=0)
        .select_related("batch", "bin")
        .order_by(
            F("batch__expiry_date").asc(nulls_last=True),
            F("batch__production_date").asc(nulls_last=True),
            "batch__number",
            "bin__code",
            "id",
        )
    )
    return rules.allocate_fefo(
        [
            FefoPick(
                batch_id=lot.batch_id,
                bin_id=lot.bin_id,
                qty=lot.qty,
                expiry_date=lot.batch.expiry_date if lot.batch else None,
                batch_number=lot.batch.number if lot.batch else "",
            )
            for lot in lots
        ],
        qty,
    )


def near_expiry(*, days: int, warehouse=None, today: dt.date | None = None):
    """临期: lots in stock whose batch expires within ``days`` (already expired included)."""
    limit = (today or timezone.localdate()) + dt.timedelta(days=days)
    qs = LotBalance.objects.filter(qty__gt=0, batch__expiry_date__lte=limit).select_related(
        "batch", "sku", "warehouse", "bin"
    )
    if warehouse is not None:
        qs = qs.filter(warehouse_id=_id(warehouse))
    return qs.order_by("batch__expiry_date", "sku_id", "warehouse_id")


def sku_is_recosting(sku) -> bool:
    """成本重算中: a background re-costing of this SKU has not finished yet."""
    return SkuLedger.objects.filter(sku_id=_id(sku), recosting=True).exists()


def recosting_skus(sku_ids) -> dict[int, int | None]:
    """成本重算中 for a list (one query): {SKU id: id of the job re-costing it} for those of
    ``sku_ids`` whose background re-costing has not finished."""
    ids = {_id(s) for s in sku_ids}
    if not ids:
        return {}
    return dict(
        SkuLedger.objects.filter(sku_id__in=ids, recosting=True).values_list(
            "sku_id", "recost_job_id"
        )
    )
