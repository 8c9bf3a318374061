"""其他入库 / 其他出库 / 成本调整 / 期初库存: create and edit drafts, post, 红冲.

One mechanism for the four kinds: the lines are checked by ``line_errors`` with the
kind's needs, and posted through ``rules.stock_lines_for_document``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jxc.catalog.selectors import sku_facts
from jxc.core.documents.actions import (
    act,
    assign_number,
    audit_saved,
    ensure_draft,
    ensure_perm,
    lock,
    raise_if,
    replace_lines,
)
from jxc.core.documents.lines import LineInput, SkuFacts, line_errors, line_fields, parse_serials
from jxc.core.documents.lots import Lot, issue_lots
from jxc.core.errors import OpeningAfterMoves, ValidationFailed
from jxc.inventory import services as stock
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents import rules
from jxc.inventory.documents.choices import INCOMING_KINDS, StockDocumentKind
from jxc.inventory.documents.lifecycle import (
    available_lots,
    batches_by_number,
    bin_errors,
    ensure_warehouses,
    reversal_date,
)
from jxc.inventory.documents.models import (
    STOCK_DOCUMENT_CLASSES,
    StockDocument,
    StockDocumentLine,
)
from jxc.inventory.documents.rules import PostLine
from jxc.inventory.models import StockMove, Warehouse

K = StockDocumentKind


def _check(
    kind: str, *, warehouse: Warehouse, reason: str, lines: Sequence[LineInput]
) -> dict[int, SkuFacts]:
    facts = sku_facts(x.sku for x in lines)
    errors = rules.header_errors(kind, reason=reason)
    errors.update(
        line_errors(
            lines,
            facts,
            incoming=kind in INCOMING_KINDS,
            needs_price=kind == K.OPENING,
            cost_adjustment=kind == K.COST_ADJUSTMENT,
        )
    )
    errors.update(bin_errors(lines, warehouse))
    if kind in (K.OTHER_RECEIPT, K.OPENING) and warehouse is not None and not warehouse.is_active:
        errors["warehouse"] = [str(ValidationFailed.default_message)]
    raise_if(errors)
    return facts


def _rows(doc: StockDocument, lines: Sequence[LineInput], facts) -> list[StockDocumentLine]:
    rows = []
    for i, x in enumerate(lines):
        fields = line_fields(x, facts[x.sku], i)
        if doc.kind == K.COST_ADJUSTMENT:
            fields.update(qty=0, base_qty=0)
        rows.append(
            StockDocumentLine(
                document=doc,
                price=x.price,
                value_change=x.value_change,
                bin_id=x.bin,
                batch_number=x.batch_number.strip(),
                production_date=x.production_date,
                expiry_date=x.expiry_date,
                serials="\n".join(x.serials),
                **fields,
            )
        )
    return rows


@transaction.atomic
def create_stock_document(
    *,
    user,
    kind: str,
    warehouse: Warehouse,
    date: dt.date,
    lines: Sequence[LineInput],
    reason: str = "",
    memo: str = "",
) -> StockDocument:
    """新建其他入库 / 其他出库 / 成本调整 / 期初库存 (a draft with its lines)."""
    cls = STOCK_DOCUMENT_CLASSES.get(kind)
    if cls is None:
        raise ValidationFailed({"kind": [str(ValidationFailed.default_message)]})
    ensure_perm(user, cls.RESOURCE, "create")
    ensure_warehouses(user, warehouse)
    if kind not in (K.OTHER_RECEIPT, K.OTHER_ISSUE):
        reason = ""
    facts = _check(kind, warehouse=warehouse, reason=reason, lines=lines)
    doc = cls(kind=kind, warehouse=warehouse, date=date, reason=reason, memo=memo[:500])
    doc.created_by = user
    assign_number(doc)
    doc.save()
    replace_lines(StockDocumentLine, "document", doc, _rows(doc, lines, facts))
    audit_saved(doc, user=user, creating=True, lines=len(lines))
    return doc


@transaction.atomic
def update_stock_document(
    doc: StockDocument,
    *,
    user,
    warehouse: Warehouse | None = None,
    date: dt.date | None = None,
    reason: str | None = None,
    memo: str | None = None,
    lines: Sequence[LineInput] | None = None,
) -> StockDocument:
    """修改草稿: header fields given and, when ``lines`` is given, all lines replaced."""
    doc = lock(doc.as_kind()).as_kind()
    ensure_perm(user, doc.RESOURCE, "edit")
    ensure_draft(doc)
    if warehouse is not None:
        ensure_warehouses(user, warehouse)
        doc.warehouse = warehouse
    ensure_warehouses(user, doc.warehouse)
    if date is not None:
        doc.date = date
    if reason is not None and doc.kind in (K.OTHER_RECEIPT, K.OTHER_ISSUE):
        doc.reason = reason
    if memo is not None:
        doc.memo = memo[:500]
    current = lines if lines is not None else _inputs(doc)
    facts = _check(doc.kind, warehouse=doc.warehouse, reason=doc.reason, lines=current)
    doc.save()
    if lines is not None:
        replace_lines(StockDocumentLine, "document", doc, _rows(doc, lines, facts))
    audit_saved(doc, user=user, creating=False, lines=len(lines) if lines is not None else None)
    return doc


def _inputs(doc: StockDocument) -> list[LineInput]:
    return [
        LineInput(
            sku=x.sku_id,
            qty=x.qty,
            unit=x.unit_id,
            price=x.price,
            value_change=x.value_change,
            bin=x.bin_id,
            batch_number=x.batch_number,
            production_date=x.production_date,
            expiry_date=x.expiry_date,
            serials=parse_serials(x.serials),
            memo=x.memo,
        )
        for x in doc.lines.all()
    ]


def _post_lines(doc: StockDocument) -> list[PostLine]:
    """The saved lines with the lots they fill (receipts: their batch, created on first
    receipt) or take (issues: the named bin / batch, else 先到期先出)."""
    lines = list(doc.lines.all())
    incoming = doc.kind in INCOMING_KINDS
    known = batches_by_number((x.sku_id, x.batch_number) for x in lines)
    pool = {} if incoming else available_lots(doc.warehouse_id, {x.sku_id for x in lines})
    out = []
    for x in lines:
        batch_id = known.get((x.sku_id, x.batch_number.strip()))
        if x.batch_number.strip() and batch_id is None:
            if not incoming:
                raise ValidationFailed(
                    {f"lines.{x.line_no - 1}.batch_number": [str(_unknown_batch())]}
                )
            batch_id = stock.ensure_batch(
                sku=x.sku_id,
                number=x.batch_number.strip(),
                production_date=x.production_date,
                expiry_date=x.expiry_date,
            ).pk
        serials = parse_serials(x.serials)
        lots: tuple[Lot, ...]
        if incoming or doc.kind == K.COST_ADJUSTMENT:
            lots = (Lot(qty=x.base_qty, bin=x.bin_id, batch=batch_id, serials=serials),)
        else:
            lots = issue_lots(
                qty=x.base_qty,
                sku_id=x.sku_id,
                bin_id=x.bin_id,
                batch_id=batch_id,
                serials=serials,
                pool=pool,
            )
        out.append(
            PostLine(
                id=x.pk,
                sku=x.sku_id,
                qty=x.qty,
                base_qty=x.base_qty,
                unit=x.unit_id,
                price=x.price,
                factor=x.factor,
                value_change=x.value_change,
                lots=lots,
            )
        )
    return out


def _unknown_batch():
    return _("There is no such batch of this SKU.")


def _ensure_before_go_live(doc: StockDocument) -> None:
    """期初 only for SKUs that have not moved in the warehouse yet."""
    sku_ids = set(doc.lines.values_list("sku_id", flat=True))
    moved = (
        StockMove.objects.filter(warehouse_id=doc.warehouse_id, sku_id__in=sku_ids)
        .exclude(reason=MoveReason.OPENING)
        .values_list("sku_id", flat=True)
        .first()
    )
    if moved is not None:
        from jxc.catalog.models import Sku

        raise OpeningAfterMoves(sku=str(Sku.objects.get(pk=moved)), warehouse=str(doc.warehouse))


@transaction.atomic
def post_stock_document(doc: StockDocument, *, user) -> StockDocument:
    """过账: the document's stock lines into the ledger, all or nothing."""
    doc = doc.as_kind()

    def effect(locked: StockDocument) -> None:
        locked.as_kind()
        ensure_warehouses(user, locked.warehouse)
        if locked.kind == K.OPENING:
            _ensure_before_go_live(locked)
        lines = rules.stock_lines_for_document(
            locked.kind, warehouse=locked.warehouse_id, date=locked.date, lines=_post_lines(locked)
        )
        stock.record_moves(lines, source=locked.ref(), user=user)

    return act(doc, action="post", user=user, effect=effect)


@transaction.atomic
def reverse_stock_document(
    doc: StockDocument, *, user, reason: str, date: dt.date | None = None
) -> StockDocument:
    """红冲: the exact opposite of every move of the document, linked to it; the document
    reads 已红冲."""
    doc = doc.as_kind()

    def effect(locked: StockDocument) -> None:
        day = reversal_date(locked, date)
        stock.reverse_moves(source=locked.ref(), user=user, date=day, reason=reason)
        locked.reversal_date = day
        locked.save(update_fields=["reversal_date"])

    return act(doc, action="reverse", user=user, reason=reason, effect=effect)
