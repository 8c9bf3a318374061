"""采购申请 writes: drafts by hand or from the 低于安全库存 alert (quantities = maximum −
projected, rounded up to the supplier's MOQ and pack multiple, what is on order counted), and
生成采购订单 — the approved lines split by their chosen supplier into draft orders (prices from
the price list, else the last price), the requisition 已完成."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.catalog.models import Sku, SkuUnit
from jxc.catalog.selectors import sku_facts
from jxc.core.choices import DocumentStatus
from jxc.core.documents import pricing
from jxc.core.documents.actions import act, take_action
from jxc.core.documents.lines import LineInput
from jxc.core.documents.row_statements import lock
from jxc.core.documents.services import create_document, update_document
from jxc.core.errors import ValidationFailed
from jxc.inventory.documents.lifecycle import ensure_warehouses
from jxc.inventory.models import StockBalance, StockLimit
from jxc.inventory.selectors import warehouses_for
from jxc.partners.models import Supplier
from jxc.purchasing import rules, selectors, services
from jxc.purchasing.errors import NothingToOrder, SupplierMissing
from jxc.purchasing.models import (
    PurchaseOrder,
    PurchaseRequisition,
    PurchaseRequisitionLine,
    SupplierPrice,
)

ZERO = Decimal(0)


def _errors(user, header: Mapping[str, Any], lines: Sequence[LineInput]) -> dict:
    errors: dict[str, list[str]] = {}
    warehouse = header["warehouse"]
    ensure_warehouses(user, warehouse)
    if not warehouse.is_active or warehouse.kind == "lent":
        errors["warehouse"] = [_("Select an active warehouse of ours.")]
    needed = header.get("needed_by")
    if needed is not None and needed < header["date"]:
        errors["needed_by"] = [_("The date needed is before the business date.")]
    inactive = set(
        Sku.objects.filter(pk__in={x.sku for x in lines}, is_active=False).values_list(
            "pk", flat=True
        )
    )
    for i, x in enumerate(lines):
        if x.sku in inactive:
            errors.setdefault(f"lines.{i}.sku", []).append(_("The SKU is inactive."))
    return errors


def _suppliers(doc: PurchaseRequisition, chosen: Mapping[int, int | None]) -> None:
    """Keep each line's supplier: the one chosen for it (by line number, 1-based)."""
    for x in doc.lines.all():
        if x.line_no in chosen:
            PurchaseRequisitionLine.objects.filter(pk=x.pk).update(supplier_id=chosen[x.line_no])


@transaction.atomic
def create_requisition(
    model: type[PurchaseRequisition] = PurchaseRequisition,
    *,
    user,
    lines: Sequence[LineInput],
    suppliers: Mapping[int, int | None] | None = None,
    **header: Any,
) -> PurchaseRequisition:
    """新建采购申请 (a draft): warehouse, date, needed by; lines of SKU and quantity
    (``suppliers``: line number → the suggested supplier's id)."""
    header.setdefault("memo", "")
    doc = create_document(
        model,
        user=user,
        header=header,
        lines=lines,
        facts=sku_facts(x.sku for x in lines),
        errors=_errors(user, header, lines),
    )
    _suppliers(doc, suppliers or {})
    return doc


@transaction.atomic
def update_requisition(
    doc: PurchaseRequisition, *, user, lines: Sequence[LineInput] | None = None, **header: Any
) -> PurchaseRequisition:
    """修改草稿 (lines keep the supplier of the same SKU)."""
    merged = {k: getattr(doc, k) for k in ("warehouse", "date", "needed_by")}
    merged.update(header)
    kept = {x.sku_id: x.supplier_id for x in doc.lines.all()}
    doc = update_document(
        doc,
        user=user,
        header=header,
        lines=lines,
        facts=sku_facts(x.sku for x in lines or []),
        errors=_errors(user, merged, lines or []),
    )
    if lines is not None:
        _suppliers(doc, {i + 1: kept.get(x.sku) for i, x in enumerate(lines)})
    return doc


def _best_prices(sku_ids, day) -> dict[int, SupplierPrice]:
    """Per SKU the price list row to buy from: valid on ``day``, active supplier, the lowest
    price per base unit (then the shortest lead time)."""
    rows = (
        SupplierPrice.objects.filter(
            sku_id__in=sku_ids, is_active=True, supplier__is_active=True, valid_from__lte=day
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("unit")
    )
    factors = {(u.sku_id, u.unit_id): u.factor for u in SkuUnit.objects.filter(sku_id__in=sku_ids)}
    best: dict[int, tuple] = {}
    for p in rows:
        factor = factors.get((p.sku_id, p.unit_id), Decimal(1))
        net = pricing.without_tax(p.price, p.tax_rate) if p.includes_tax else p.price
        key = (net / factor, p.lead_time_days, p.pk)
        if p.sku_id not in best or key < best[p.sku_id][0]:
            best[p.sku_id] = (key, p)
    return {k: v[1] for k, v in best.items()}


@dataclasses.dataclass(frozen=True)
class Suggestion:
    sku_id: int
    qty: Decimal
    unit_id: int | None
    supplier_id: int | None
    projected: Decimal
    target: Decimal


def suggestions(warehouse, *, day=None) -> list[Suggestion]:
    """补货建议 of one warehouse: each SKU below its minimum (on hand), ordered up to its
    maximum (else its minimum) less what is projected (available + on order + in transit)."""
    day = day or timezone.localdate()
    limits = list(
        StockLimit.objects.filter(
            warehouse=warehouse, min_qty__isnull=False, sku__is_active=True
        ).order_by("sku__code")
    )
    balances = {
        b.sku_id: b
        for b in StockBalance.objects.filter(
            warehouse=warehouse, sku_id__in=[x.sku_id for x in limits]
        )
    }
    short = [
        x
        for x in limits
        if (balances[x.sku_id].on_hand if x.sku_id in balances else ZERO) < (x.min_qty or ZERO)
    ]
    prices = _best_prices([x.sku_id for x in short], day)
    factors = {
        (u.sku_id, u.unit_id): u.factor
        for u in SkuUnit.objects.filter(sku_id__in=[x.sku_id for x in short])
    }
    out = []
    for x in short:
        b = balances.get(x.sku_id)
        projected = (b.on_hand - b.reserved + b.on_order + b.in_transit) if b is not None else ZERO
        target = x.max_qty if x.max_qty is not None else (x.min_qty or ZERO)
        p = prices.get(x.sku_id)
        factor = factors.get((x.sku_id, p.unit_id), Decimal(1)) if p is not None else Decimal(1)
        qty = rules.suggested_quantity(
            target=target,
            projected=projected,
            factor=factor,
            moq=p.moq if p is not None else ZERO,
            pack=p.pack_multiple if p is not None else ZERO,
        )
        if qty > 0:
            out.append(
                Suggestion(
                    sku_id=x.sku_id,
                    qty=qty,
                    unit_id=p.unit_id if p is not None else None,
                    supplier_id=p.supplier_id if p is not None else None,
                    projected=projected,
                    target=target,
                )
            )
    return out


@transaction.atomic
def requisitions_from_alerts(*, user, warehouse=None, date=None) -> list[PurchaseRequisition]:
    """低于安全库存 → 采购申请: one draft per warehouse (the user's, or the one given) with
    every SKU below its minimum, at the suggested quantity and supplier."""
    day = date or timezone.localdate()
    scope = (
        [warehouse] if warehouse is not None else list(warehouses_for(user).exclude(kind="lent"))
    )
    made = []
    for wh in scope:
        found = suggestions(wh, day=day)
        if not found:
            continue
        made.append(
            create_requisition(
                user=user,
                warehouse=wh,
                date=day,
                memo=_("From the stock alert: below minimum"),
                lines=[LineInput(sku=s.sku_id, qty=s.qty, unit=s.unit_id) for s in found],
                suppliers={i + 1: s.supplier_id for i, s in enumerate(found)},
            )
        )
    return made


def requisition_amount(req: PurchaseRequisition) -> Decimal:
    """What a requisition would cost (价税合计 at each line's supplier's quote; a line without
    one counts nothing): the amount the [Approvals] rules see."""
    total = ZERO
    day = req.date
    for x in req.lines.all():
        if x.supplier_id is None:
            continue
        q = selectors.quotes(x.supplier_id, [(x.sku_id, x.unit_id)], day).get((x.sku_id, x.unit_id))
        if q is None:
            continue
        a = pricing.line_amounts(
            qty=x.qty, price=q.price, tax_rate=q.tax_rate, includes_tax=q.includes_tax
        )
        total += a.gross
    return total


def orders_of(req: PurchaseRequisition) -> list[str]:
    """The numbers of the orders (not void) made from a requisition (they block 反审核)."""
    return sorted(
        set(
            PurchaseOrder.objects.filter(lines__requisition_lines__document=req)
            .exclude(status=DocumentStatus.VOID)
            .values_list("number", flat=True)
        )
    )


@transaction.atomic
def make_orders(
    req: PurchaseRequisition, *, user, suppliers: Mapping[int, int] | None = None, date=None
) -> list[PurchaseOrder]:
    """生成采购订单: the approved requisition's lines not ordered yet, split by supplier (the
    one chosen here per line id, else the line's own) into draft orders for its warehouse;
    prices from each supplier's price list, else the last price. The requisition is then
    已完成. A line without a supplier: ``supplier_missing``, nothing written."""
    req = lock(req)
    if req.status != DocumentStatus.APPROVED:
        from jxc.core.errors import InvalidTransition

        raise InvalidTransition(source=req.get_status_display(), target=_("Make purchase orders"))
    chosen = dict(suppliers or {})
    lines = [x for x in req.lines.order_by("line_no", "id") if x.order_line_id is None]
    if not lines:
        raise NothingToOrder(number=req.number)
    missing = [i for i, x in enumerate(lines) if not chosen.get(x.pk, x.supplier_id)]
    if missing:
        raise SupplierMissing({f"lines.{i}.supplier": [_("Choose the supplier.")] for i in missing})
    by_supplier: dict[int, list[PurchaseRequisitionLine]] = defaultdict(list)
    for x in lines:
        by_supplier[int(chosen.get(x.pk) or x.supplier_id or 0)].append(x)
    found = {s.pk: s for s in Supplier.objects.filter(pk__in=list(by_supplier))}
    inactive = [s for s in found.values() if not s.is_active]
    if len(found) != len(by_supplier) or inactive:
        raise ValidationFailed({"suppliers": [_("The supplier is inactive.")]})
    day = date or max(timezone.localdate(), req.date)
    index = {x.pk: i for i, x in enumerate(lines)}
    unpriced: dict[str, list[str]] = {}
    for supplier_id, group in by_supplier.items():
        known = selectors.quotes(supplier_id, [(x.sku_id, x.unit_id) for x in group], day)
        for x in group:
            if (x.sku_id, x.unit_id) not in known:
                unpriced[f"lines.{index[x.pk]}.supplier"] = [
                    _(
                        "%(supplier)s has no price for %(sku)s in this unit: add it to the "
                        "price list or choose another supplier."
                    )
                    % {"supplier": found[supplier_id], "sku": x.sku}
                ]
    if unpriced:
        raise ValidationFailed(unpriced)
    orders = []
    for supplier_id in sorted(by_supplier):
        group = by_supplier[supplier_id]
        order = services.create_purchase_order(
            user=user,
            supplier=found[supplier_id],
            warehouse=req.warehouse,
            date=day,
            memo=_("From requisition %(number)s") % {"number": req.number},
            lines=[
                LineInput(sku=x.sku_id, qty=x.qty, unit=x.unit_id, promised_date=req.needed_by)
                for x in group
            ],
        )
        for x, o in zip(group, order.lines.order_by("line_no", "id"), strict=True):
            PurchaseRequisitionLine.objects.filter(pk=x.pk).update(
                order_line=o, supplier_id=supplier_id
            )
        orders.append(order)
    take_action(req, action="complete", user=user, check_permission=False)
    return orders


def close_requisition(doc: PurchaseRequisition, *, user, reason: str) -> PurchaseRequisition:
    """关闭: what is not ordered yet will not be."""
    return act(doc, action="close", user=user, reason=reason)
