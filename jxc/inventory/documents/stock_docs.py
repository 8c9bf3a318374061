"""其他入库 / 其他出库 / 成本调整 / 期初库存: create and edit drafts, post, 红冲.

One mechanism for the four kinds: the lines are checked by ``line_errors`` with the
kind's needs, and posted through ``rules.stock_lines_for_document``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _

from jxc.catalog.selectors import sku_facts, sku_facts_later
from jxc.core.db.transactions import write_step
from jxc.core.documents.actions import (
    Effect,
    act,
    ensure_perm,
    submit_check,
)
from jxc.core.documents.at_once import THROUGH_POST, take_actions, take_actions_in
from jxc.core.documents.lines import LineInput, SkuFacts, line_errors, parse_serials
from jxc.core.documents.lots import Lot, issue_lots, make_lot
from jxc.core.documents.rows import as_read, row_builder, rows_where_statement, set_relation
from jxc.core.documents.services import (
    create_document,
    insert_document,
    saved_lines,
    update_document,
)
from jxc.core.errors import OpeningAfterMoves, ValidationFailed
from jxc.core.statements import is_sqlite, vendor
from jxc.inventory import services as stock
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents import rules
from jxc.inventory.documents.choices import INCOMING_KINDS, StockDocumentKind
from jxc.inventory.documents.lifecycle import (
    available_lots,
    batches_by_number,
    bin_errors,
    document_lots_statements,
    ensure_warehouses,
    lots_from,
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


def _errors(
    kind: str,
    *,
    warehouse: Warehouse,
    reason: str,
    lines: Sequence[LineInput],
    facts: dict[int, SkuFacts] | None = None,
) -> dict[str, list[str]]:
    """What the platform does not check itself: the reason fits the kind, the bins are the
    warehouse's, goods come into an active warehouse (and the lines, when not replaced)."""
    errors = rules.header_errors(kind, reason=reason)
    if facts is not None:
        rules_of = STOCK_DOCUMENT_CLASSES[kind].TYPE.line_rules  # type: ignore[union-attr]
        errors.update(line_errors(lines, facts, **{"incoming": False, **rules_of}))
    errors.update(bin_errors(lines, warehouse))
    if kind in (K.OTHER_RECEIPT, K.OPENING) and warehouse is not None and not warehouse.is_active:
        errors["warehouse"] = [str(ValidationFailed.default_message)]
    return errors


def _typed_lines(kind: str, lines: Sequence[LineInput]) -> list[LineInput]:
    """A cost adjustment changes value only: its lines carry no quantity."""
    if kind == K.COST_ADJUSTMENT:
        return [replace(x, qty=Decimal(0)) for x in lines]
    return list(lines)


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
    cls, kwargs = _create_arguments(
        user=user, kind=kind, warehouse=warehouse, date=date, lines=lines, reason=reason, memo=memo
    )
    return create_document(cls, **kwargs)


def _create_arguments(
    *, user, kind: str, warehouse: Warehouse, date: dt.date, lines, reason: str, memo: str
) -> tuple[type[StockDocument], dict[str, Any]]:
    """The model and the arguments of ``create_document`` / ``insert_document`` for a new
    stock document (the permission and the warehouse checked)."""
    cls = STOCK_DOCUMENT_CLASSES.get(kind)
    if cls is None:
        raise ValidationFailed({"kind": [str(ValidationFailed.default_message)]})
    ensure_perm(user, cls.RESOURCE, "create")
    ensure_warehouses(user, warehouse)
    if kind not in (K.OTHER_RECEIPT, K.OTHER_ISSUE):
        reason = ""
    lines = _typed_lines(kind, lines)
    return cls, {
        "user": user,
        "header": {"warehouse": warehouse, "date": date, "reason": reason, "memo": memo},
        "lines": lines,
        "facts": sku_facts_later(x.sku for x in lines),
        "errors": _errors(kind, warehouse=warehouse, reason=reason, lines=lines),
    }


def create_and_post_stock_document(
    *,
    user,
    kind: str,
    warehouse: Warehouse,
    date: dt.date,
    lines: Sequence[LineInput],
    reason: str = "",
    memo: str = "",
) -> StockDocument:
    """保存并过账 of a new document: created, then 提交 → 审核 → 过账, all in one transaction —
    all or nothing: refused at any step (stock short, no approve permission, a closed
    month) nothing is saved, not even the draft. Each step is checked and audited as when
    taken alone (the ``create`` line and the three steps' lines). Where an approval rule
    applies, the document is created and submitted and waits for its approvers (已提交).

    Nothing is read back that this transaction just wrote: the document row (no other
    transaction sees it yet, so there is nothing to lock), the calendar, the lines, the
    warehouse (checked for the user by the create)."""
    # what the checks read (the SKUs' facts, bins) before the transaction, as a create does:
    # on PostgreSQL its BEGIN then travels with its first statements
    cls, kwargs = _create_arguments(
        user=user, kind=kind, warehouse=warehouse, date=date, lines=lines, reason=reason, memo=memo
    )
    # PostgreSQL: the new rows' ids come with the number, the rows, the ledger's writes and
    # the audit lines with the COMMIT (jxc.core.statements, "held back")
    with write_step():
        created = insert_document(cls, **kwargs)
        doc = created.doc
        if not created.rows:  # as 提交 checks: a draft without lines stays a draft
            raise ValidationFailed({"lines": [str(_("Add at least one line."))]})
        rows = list(as_read(created.rows))
        return take_actions_in(
            doc,
            actions=THROUGH_POST,
            user=user,
            effects={"post": _post_effect(user, warehouse=warehouse, rows=rows)},
            fresh=created.calendar,
            audit_first=[created.audit_step],
        )


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
    doc = doc.as_kind()
    ensure_perm(user, doc.RESOURCE, "edit")
    ensure_warehouses(user, *(w for w in (warehouse, doc.warehouse) if w is not None))
    header: dict[str, Any] = {}
    if warehouse is not None:
        header["warehouse"] = warehouse
    if date is not None:
        header["date"] = date
    if reason is not None and doc.kind in (K.OTHER_RECEIPT, K.OTHER_ISSUE):
        header["reason"] = reason
    if memo is not None:
        header["memo"] = memo
    if lines is not None:
        lines = _typed_lines(doc.kind, lines)
    current = lines if lines is not None else _inputs(doc)
    errors = _errors(
        doc.kind,
        warehouse=header.get("warehouse", doc.warehouse),
        reason=header.get("reason", doc.reason),
        lines=current,
        # Lines kept as they are are checked again against the new header here.
        facts=sku_facts(x.sku for x in current) if lines is None else None,
    )
    return update_document(
        doc,
        user=user,
        header=header,
        lines=lines,
        facts=sku_facts(x.sku for x in lines or []),
        errors=errors,
    ).as_kind()


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


def _post_lines(
    doc: StockDocument, rows: list | None = None, lot_rows: list[list[tuple]] | None = None
) -> list[PostLine]:
    """The saved lines (``rows``: as just inserted in this transaction) with the lots they
    fill (receipts: their batch, created on first receipt) or take (issues: the named bin /
    batch, else 先到期先出; ``lot_rows``: the rows of ``document_lots_statements`` when read
    with the document's row)."""
    lines = saved_lines(doc) if rows is None else rows
    incoming = doc.kind in INCOMING_KINDS
    # each line's values from its row's dict: the rows are read or inserted whole, and the
    # relations' ids are data descriptors (a Python call per attribute read)
    values = [x.__dict__ for x in lines]
    known = batches_by_number((v["sku_id"], v["batch_number"]) for v in values)
    skus = {v["sku_id"] for v in values}
    if incoming:
        pool = {}
    elif lot_rows is not None:
        pool = lots_from(lot_rows[0], lot_rows[1], skus)
    else:
        pool = available_lots(doc.warehouse_id, skus)
    whole = incoming or doc.kind == K.COST_ADJUSTMENT
    out = []
    for v in values:
        sku_id, number = v["sku_id"], v["batch_number"].strip()
        batch_id = known.get((sku_id, number)) if number else None
        if number and batch_id is None:
            if not incoming:
                raise ValidationFailed(
                    {f"lines.{v['line_no'] - 1}.batch_number": [str(_unknown_batch())]}
                )
            batch_id = stock.ensure_batch(
                sku=sku_id,
                number=number,
                production_date=v["production_date"],
                expiry_date=v["expiry_date"],
            ).pk
        serials = parse_serials(v["serials"])
        lots: tuple[Lot, ...]
        if whole:
            lots = (make_lot(v["base_qty"], v["bin_id"], batch_id, serials),)
        else:
            lots = issue_lots(
                qty=v["base_qty"],
                sku_id=sku_id,
                bin_id=v["bin_id"],
                batch_id=batch_id,
                serials=serials,
                pool=pool,
            )
        out.append(
            rules.post_line(
                id=v["id"],
                sku=sku_id,
                qty=v["qty"],
                base_qty=v["base_qty"],
                unit=v["unit_id"],
                price=v["price"],
                factor=v["factor"],
                value_change=v["value_change"],
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


def post_stock_document(doc: StockDocument, *, user) -> StockDocument:
    """过账: the document's stock lines into the ledger, all or nothing (one transaction:
    ``take_action``'s)."""
    return act(doc.as_kind(), action="post", user=user, effect=_post_effect(user))


def post_stock_document_at_once(doc: StockDocument, *, user) -> StockDocument:
    """保存并过账 of a draft: 提交 → 审核 → 过账 in one transaction (``take_actions``), each
    step checked and audited as when taken alone; stops at 已提交 when approvers must act."""
    return take_actions(
        doc.as_kind(),
        actions=THROUGH_POST,
        user=user,
        effects={"submit": submit_check(), "post": _post_effect(user)},
    )


def _post_effect(user, *, warehouse: Warehouse | None = None, rows: list | None = None):
    """What 过账 does on the locked document: its stock lines into the ledger. ``warehouse``
    and ``rows``: the document was created in this transaction, from this warehouse (checked
    for the user then) and with these line rows. Otherwise both are read with the document's
    row (the warehouse joined to it; the lines in the same round trip on PostgreSQL)."""

    def post(locked: StockDocument, lines: list | None, lot_rows: list | None = None) -> None:
        if locked.kind == K.OPENING:
            _ensure_before_go_live(locked)
        stock_lines = rules.stock_lines_for_document(
            locked.kind,
            warehouse=locked.warehouse_id,
            date=locked.date,
            lines=_post_lines(locked, lines, lot_rows),
        )
        stock.record_moves(stock_lines, source=locked.ref(), user=user)

    if warehouse is not None:

        def effect(locked: StockDocument) -> None:
            locked.as_kind()
            post(locked, rows)

        return effect

    def run(locked: StockDocument, values: tuple, results: list[list[tuple]]) -> None:
        locked.as_kind()
        # the warehouse as read with the row (its kind and the user's scope)
        set_relation(locked, "warehouse", row_builder(Warehouse)(values))
        ensure_warehouses(user, locked.warehouse)
        build = row_builder(StockDocumentLine)
        post(locked, [build(r) for r in results[0]], results[1:] or None)

    return Effect(key="stock_post", run=run, select=_warehouse_join, statements=_lines_read)


def _warehouse_join(model) -> tuple[tuple[str, ...], str]:
    """The document's warehouse, every column, joined to its row (``d``; made once)."""
    found = _WAREHOUSE_JOIN.get(vendor())
    if found is None:
        q = connection.ops.quote_name
        found = (
            tuple(f"w.{q(str(f.column))}" for f in Warehouse._meta.concrete_fields),
            (f"LEFT JOIN {q(Warehouse._meta.db_table)} w ON w.id = d.warehouse_id"),
        )
        _WAREHOUSE_JOIN[vendor()] = found
    return found


_WAREHOUSE_JOIN: dict[str, tuple[tuple[str, ...], str]] = {}


def _lines_read(doc: StockDocument) -> list[tuple[str, list]]:
    """The document's lines as saved, in line order; for a kind that takes stock out, on
    PostgreSQL, the lots its SKUs hold in its warehouse (read by the document's id: no round
    trip of their own; SQLite has no round trips to save, and reads them by SKU as before)."""
    lines = rows_where_statement(StockDocumentLine, "document_id", doc.pk, order=("line_no", "id"))
    if doc.kind in INCOMING_KINDS or is_sqlite():
        return [lines]
    return [lines, *document_lots_statements(doc)]


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
