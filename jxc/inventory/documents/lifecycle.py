"""What every warehouse document shares: scope and permission checks, SKU facts for the
rules, saving lines, resolving the lots an issue takes, and the workflow actions
(提交, 审核, 反审核, 驳回, 作废) that need nothing document-specific.

The posting and 红冲 of each document live in its own module; all of them move the
document with ``jxc.core.documents.take_action`` so the checks, stamps and audit are one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection
from django.db.models import F, Max, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Sku
from jxc.core.documents import Document, take_action
from jxc.core.errors import NotEditable, PermissionDenied, ValidationFailed
from jxc.core.services import record_audit
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents.rules import LineInput, Lot, SkuFacts, allocate
from jxc.inventory.models import Batch, Bin, LotBalance, StockBalance, StockMove, Warehouse

D = TypeVar("D", bound=Document)


# --- checks -------------------------------------------------------------------------------


def ensure_perm(user, resource: str, action: str) -> None:
    if user is not None and not user.has_jxc_perm(f"{resource}.{action}"):
        raise PermissionDenied(perm=f"{resource}.{action}")


def ensure_warehouses(user, *warehouses: Warehouse) -> None:
    """Data scope: a user limited to some warehouses acts only on those."""
    if user is None:
        return
    allowed = set(
        stock_selectors.warehouses_for(user)
        .filter(pk__in=[w.pk for w in warehouses])
        .values_list("pk", flat=True)
    )
    for w in warehouses:
        if w.pk not in allowed:
            raise PermissionDenied(perm=f"warehouse:{w.code}")


def ensure_draft(doc: Document) -> None:
    if not doc.is_editable:
        raise NotEditable(number=doc.number)


def lock(doc: D) -> D:
    return type(doc)._default_manager.select_for_update().get(pk=doc.pk)


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(errors)


# --- SKUs and lines -----------------------------------------------------------------------


def sku_facts(ids: Iterable[int]) -> dict[int, SkuFacts]:
    """What the rules need to know about these SKUs (two queries)."""
    skus = (
        Sku.objects.filter(pk__in=set(ids))
        .select_related("product", "product__base_unit")
        .prefetch_related("units__unit")
    )
    out = {}
    for sku in skus:
        units = {su.unit_id: su.factor for su in sku.units.all()}
        fraction = frozenset(su.unit_id for su in sku.units.all() if su.unit.allow_fraction)
        if sku.product.base_unit.allow_fraction:
            fraction |= {sku.product.base_unit_id}
        out[sku.pk] = SkuFacts(
            id=sku.pk,
            label=f"{sku.code} {sku}",
            tracking=sku.product.tracking,
            base_unit_id=sku.product.base_unit_id,
            units=units,
            fraction_units=fraction,
        )
    return out


def bin_errors(
    lines: Sequence[LineInput], warehouse: Warehouse | None, *, attr: str = "bin"
) -> dict[str, list[str]]:
    """A line's bin must be an active bin of the document's warehouse."""
    wanted = {getattr(x, attr) for x in lines if getattr(x, attr) is not None}
    if not wanted:
        return {}
    ok = set(
        Bin.objects.filter(pk__in=wanted, warehouse=warehouse, is_active=True).values_list(
            "pk", flat=True
        )
    )
    return {
        f"lines.{i}.{attr}": [str(_("Select a bin of this warehouse."))]
        for i, x in enumerate(lines)
        if getattr(x, attr) is not None and getattr(x, attr) not in ok
    }


def line_fields(line: LineInput, facts: SkuFacts, index: int) -> dict[str, Any]:
    """The common line columns: what was typed, the unit's factor, the base quantity."""
    unit = line.unit if line.unit is not None else facts.base_unit_id
    factor = facts.units.get(unit, Decimal(1)) if unit is not None else Decimal(1)
    return {
        "line_no": index + 1,
        "sku_id": line.sku,
        "unit_id": unit,
        "factor": factor,
        "qty": line.qty,
        "base_qty": line.qty * factor,
        "memo": line.memo[:200],
    }


def replace_lines(
    model: type[Model], parent_field: str, parent: Model, rows: Sequence[Model]
) -> None:
    model._default_manager.filter(**{parent_field: parent}).delete()
    model._default_manager.bulk_create(list(rows), batch_size=500)


def write_fields(model: type[Model], rows: Sequence[Model], fields: list[str]) -> None:
    """Save ``fields`` of many lines: one UPDATE per row in a single executemany (Django's
    bulk_update builds a CASE with a branch per row and field: slow for thousands of lines)."""
    if not rows:
        return
    ops = connection.ops
    cols: list[Any] = [model._meta.get_field(name) for name in fields]
    pk_column = str(model._meta.pk.column)  # type: ignore[union-attr]
    sql = (
        f"UPDATE {ops.quote_name(model._meta.db_table)} SET "
        + ", ".join(f"{ops.quote_name(c.column)} = %s" for c in cols)
        + f" WHERE {ops.quote_name(pk_column)} = %s"
    )
    params = [
        [c.get_db_prep_save(getattr(r, c.attname), connection) for c in cols] + [r.pk] for r in rows
    ]
    with connection.cursor() as cur:
        cur.executemany(sql, params)


def audit_saved(doc: Document, *, user, creating: bool, lines: int | None) -> None:
    changes: dict[str, Any] = {}
    if lines is not None:
        changes["lines"] = [None, lines]
    record_audit(user=user, obj=doc, action="create" if creating else "update", changes=changes)


# --- lots an issue takes ------------------------------------------------------------------


def batches_by_number(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """(SKU, batch number) → batch id, for the pairs that exist (one query)."""
    pairs = {(s, n.strip()) for s, n in pairs if n and n.strip()}
    if not pairs:
        return {}
    rows = Batch.objects.filter(
        sku_id__in={s for s, _n in pairs}, number__in={n for _s, n in pairs}
    ).values_list("sku_id", "number", "pk")
    return {(s, n): pk for s, n, pk in rows if (s, n) in pairs}


def available_lots(warehouse_id: int, sku_ids: Iterable[int]) -> dict[int, list[Lot]]:
    """The lots each SKU holds in a warehouse, in the order an issue takes them: stock in no
    bin and no batch first, then bins and batches earliest expiry first (先到期先出)."""
    sku_ids = set(sku_ids)
    out: dict[int, list[Lot]] = defaultdict(list)
    on_hand = dict(
        StockBalance.objects.filter(warehouse_id=warehouse_id, sku_id__in=sku_ids).values_list(
            "sku_id", "on_hand"
        )
    )
    lots = (
        LotBalance.objects.filter(warehouse_id=warehouse_id, sku_id__in=sku_ids, qty__gt=0)
        .order_by(
            "sku_id",
            F("batch__expiry_date").asc(nulls_last=True),
            F("batch__production_date").asc(nulls_last=True),
            "batch__number",
            "bin__code",
            "id",
        )
        .values_list("sku_id", "bin_id", "batch_id", "qty")
    )
    in_lots: dict[int, Decimal] = defaultdict(Decimal)
    rows: dict[int, list[Lot]] = defaultdict(list)
    for sku_id, bin_id, batch_id, qty in lots:
        rows[sku_id].append(Lot(qty=qty, bin=bin_id, batch=batch_id))
        in_lots[sku_id] += qty
    for sku_id in sku_ids:
        plain = on_hand.get(sku_id, Decimal(0)) - in_lots[sku_id]
        if plain > 0:
            out[sku_id].append(Lot(qty=plain))
        out[sku_id].extend(rows[sku_id])
    return out


def issue_lots(
    *,
    qty: Decimal,
    sku_id: int,
    bin_id: int | None,
    batch_id: int | None,
    serials: tuple[str, ...],
    pool: dict[int, list[Lot]],
) -> tuple[Lot, ...]:
    """The lots one issue line takes: the bin / batch it names, else 先到期先出 from what the
    warehouse holds (what cannot be covered stays unallocated: the ledger refuses it, or lets
    it go negative where the warehouse allows)."""
    if bin_id is not None or batch_id is not None or serials:
        return (Lot(qty=qty, bin=bin_id, batch=batch_id, serials=serials),)
    candidates = pool.get(sku_id, [])
    taken, rest = allocate(qty, candidates)
    # What this line took is no longer there for the next line of the same SKU.
    left: list[Lot] = []
    used = {(t.bin, t.batch): t.qty for t in taken}
    for lot in candidates:
        q = lot.qty - used.pop((lot.bin, lot.batch), Decimal(0))
        if q > 0:
            left.append(Lot(qty=q, bin=lot.bin, batch=lot.batch))
    pool[sku_id] = left
    if rest > 0:
        plain = next((t for t in taken if t.bin is None and t.batch is None), None)
        taken = [t for t in taken if t is not plain]
        taken.insert(0, Lot(qty=rest + (plain.qty if plain else Decimal(0))))
    return tuple(taken) or (Lot(qty=qty),)


# --- workflow actions without a document-specific effect ---------------------------------


def act(
    doc: D, *, action: str, user, reason: str = "", effect: Callable[[D], Any] | None = None
) -> D:
    return take_action(doc, action=action, user=user, reason=reason, effect=effect)


def submit(doc: D, *, user, check: Callable[[D], None] | None = None) -> D:
    """提交: a draft with lines goes to review."""

    def effect(locked: D) -> None:
        if not locked.lines.exists():  # type: ignore[attr-defined]
            raise ValidationFailed({"lines": [str(_("Add at least one line."))]})
        if check is not None:
            check(locked)

    return act(doc, action="submit", user=user, effect=effect)


def approve(doc: D, *, user) -> D:
    """审核."""
    return act(doc, action="approve", user=user)


def unapprove(doc: D, *, user) -> D:
    """反审核 (an approved document back to review) or withdraw (back to a draft)."""
    return act(doc, action="unapprove", user=user)


def reject(doc: D, *, user, reason: str) -> D:
    """驳回: back to a draft, with the reason."""
    return act(doc, action="reject", user=user, reason=reason)


def void(doc: D, *, user, reason: str) -> D:
    """作废: only before posting; nothing reaches the ledger."""
    return act(doc, action="void", user=user, reason=reason)


def reversal_date(doc: Document, date: dt.date | None = None) -> dt.date:
    """红冲 date: the one asked for, else today — never before the document's last move."""
    last = StockMove.objects.filter(source_kind=doc.ref().kind, source_id=doc.pk).aggregate(
        d=Max("date")
    )["d"]
    day = date or timezone.localdate()
    floor = max(d for d in (doc.date, last) if d is not None)
    if date is None:
        return max(day, floor)
    if day < floor:
        raise ValidationFailed(
            {"date": [str(_("A reversal cannot be dated before the document's moves."))]}
        )
    return day
