"""出库通知单 / 拣货单 writes: made from approved orders of one warehouse (several orders and
customers allowed), one line per bin and batch the ledger suggests (先到期先出); released to
the warehouse, picked by scanning (a barcode adds its unit's quantity), confirmed with the
short picks recorded; the picked quantities become 销售出库单 drafts, one per customer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.catalog.selectors import codes_found, sku_facts
from jxc.core.choices import DocumentStatus
from jxc.core.documents.actions import act, ensure_perm
from jxc.core.documents.lines import LineInput
from jxc.core.documents.row_statements import lock
from jxc.core.documents.services import create_document
from jxc.core.errors import InvalidTransition, UnknownBarcode, ValidationFailed
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents.lifecycle import ensure_warehouses
from jxc.inventory.ledger.types import FefoPick
from jxc.sales import deliveries
from jxc.sales.errors import NotOnPickList
from jxc.sales.models import PickList, PickListLine, SalesDelivery, SalesOrder

ZERO = Decimal(0)


@dataclass
class _Slot:
    pick: FefoPick
    left: Decimal


def _still_to_pick(order_lines) -> dict[int, Decimal]:
    """Order line → open quantity less what live pick lists (not void, not delivered) hold."""
    held: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, qty in (
        PickListLine.objects.filter(source_line__in=order_lines)
        .exclude(document__status=DocumentStatus.VOID)
        .filter(document__deliveries__isnull=True)
        .values_list("source_line_id", "qty")
    ):
        held[line_id] += qty
    return {x.pk: x.open_qty - held[x.pk] for x in order_lines}


@transaction.atomic
def create_pick_list(
    sales_orders: Sequence[SalesOrder], *, user, date=None, memo: str = ""
) -> PickList:
    """生成出库通知单: what is still open on these approved orders of one warehouse, by bin and
    batch, earliest expiry first; what the warehouse does not hold is a line without a lot."""
    warehouses = {o.warehouse_id for o in sales_orders}
    if len(warehouses) != 1:
        raise ValidationFailed({"orders": [_("The orders are of different warehouses.")]})
    if any(o.status != DocumentStatus.APPROVED for o in sales_orders):
        raise ValidationFailed({"orders": [_("Only approved orders can be picked.")]})
    warehouse = sales_orders[0].warehouse
    ensure_warehouses(user, warehouse)
    order_lines = [
        x for o in sales_orders for x in o.lines.select_related("sku").order_by("line_no", "id")
    ]
    left = _still_to_pick(order_lines)
    total: dict[int, Decimal] = defaultdict(Decimal)
    for x in order_lines:
        total[x.sku_id] += max(left[x.pk], ZERO)
    # one FEFO suggestion per SKU, shared out over its lines in order
    free: dict[int, list[_Slot]] = {
        sku: [
            _Slot(p, p.qty)
            for p in stock_selectors.suggest_batches(sku=sku, warehouse=warehouse, qty=q)
        ]
        for sku, q in total.items()
        if q > 0
    }
    lines: list[LineInput] = []
    lots: list[tuple[str, object]] = []
    for x in order_lines:
        want = left[x.pk]
        if want <= 0:
            continue
        for slot in free.get(x.sku_id, []):
            pick = slot.pick
            take = min(want, slot.left)
            if take <= 0:
                continue
            slot.left -= take
            lines.append(
                LineInput(
                    sku=x.sku_id,
                    qty=take,
                    source_line=x.pk,
                    bin=pick.bin_id,
                    batch_number=pick.batch_number,
                )
            )
            lots.append((pick.batch_number, pick.expiry_date))
            want -= take
            if want <= 0:
                break
        if want > 0:
            lines.append(LineInput(sku=x.sku_id, qty=want, source_line=x.pk))
            lots.append(("", None))
    if not lines:
        raise ValidationFailed({"orders": [_("Nothing is left to pick on these orders.")]})
    doc = create_document(
        PickList,
        user=user,
        header={"warehouse": warehouse, "date": date or timezone.localdate(), "memo": memo},
        lines=lines,
        facts=sku_facts(x.sku for x in lines),
    )
    rows = list(doc.lines.order_by("line_no"))
    for row, (_number, expiry) in zip(rows, lots, strict=True):
        if expiry is not None:
            row.expiry_date = expiry
            row.save(update_fields=["expiry_date"])
    return doc


@transaction.atomic
def scan_pick(
    doc: PickList, *, user, code: str, qty: Decimal = Decimal(1), batch: str = ""
) -> PickListLine:
    """扫码拣货: a barcode (or SKU code) adds its unit's quantity to the first line of that SKU
    (and batch, when given) that is not fully picked yet."""
    ensure_perm(user, doc.RESOURCE, "complete")
    locked = lock(doc)
    if locked.status != DocumentStatus.APPROVED:
        raise InvalidTransition(source=locked.status, target="scan")
    found = codes_found([code]).get(code.strip())
    if found is None:
        raise UnknownBarcode(barcode=code)
    sku, unit = found
    factor = Decimal(1)
    if unit is not None:
        factor = sku_facts([sku.pk])[sku.pk].units.get(unit, Decimal(1))
    base = qty * factor
    candidates = PickListLine.objects.filter(document=locked, sku=sku).order_by("line_no")
    if batch:
        candidates = candidates.filter(batch_number=batch.strip())
    for line in candidates:
        if line.picked_qty + base <= line.base_qty:
            PickListLine.objects.filter(pk=line.pk).update(picked_qty=F("picked_qty") + base)
            line.refresh_from_db()
            return line
    raise NotOnPickList(code=code, number=locked.number)


@transaction.atomic
def confirm_pick_list(doc: PickList, *, user) -> PickList:
    """确认拣货: what was not picked is recorded as short on each line."""

    def effect(locked: PickList) -> None:
        PickListLine.objects.filter(document=locked).update(
            short_qty=F("base_qty") - F("picked_qty")
        )

    return act(doc, action="complete", user=user, effect=effect)


@transaction.atomic
def deliver_pick_list(doc: PickList, *, user, date=None) -> list[SalesDelivery]:
    """生成出库单 from a confirmed pick list: one draft delivery per customer, the picked
    quantities by bin and batch."""
    if doc.status != DocumentStatus.DONE:
        raise InvalidTransition(source=doc.status, target="deliver")
    by_customer: dict[int, list[PickListLine]] = defaultdict(list)
    for x in doc.lines.select_related("source_line__document").order_by("line_no"):
        if x.picked_qty > 0:
            by_customer[x.source_line.document.customer_id].append(x)
    made = []
    for _customer, rows in sorted(by_customer.items()):
        order = rows[0].source_line.document
        d = deliveries.create_sales_delivery(
            user=user,
            customer=order.customer,
            warehouse=doc.warehouse,
            date=date or max(timezone.localdate(), doc.date),
            prices_include_tax=order.prices_include_tax,
            pick_list=doc,
            memo=doc.number,
            lines=[
                LineInput(
                    sku=x.sku_id,
                    qty=x.picked_qty,
                    source_line=x.source_line_id,
                    bin=x.bin_id,
                    batch_number=x.batch_number,
                )
                for x in rows
            ],
        )
        made.append(d)
    return made
