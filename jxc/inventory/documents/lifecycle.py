"""What every warehouse document shares: scope and permission checks, SKU facts for the
rules, saving lines, resolving the lots an issue takes, and the workflow actions
(提交, 审核, 反审核, 驳回, 作废) that need nothing document-specific.

The posting and 红冲 of each document live in its own module; all of them move the
document with ``jxc.core.documents.take_action`` so the checks, stamps and audit are one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.documents.actions import act
from jxc.core.documents.lines import LineInput, parse_serials
from jxc.core.documents.lots import Lot, issue_lots
from jxc.core.documents.models import Document
from jxc.core.documents.rows import converter
from jxc.core.errors import PermissionDenied, ValidationFailed
from jxc.core.statements import fetch_each
from jxc.inventory import selectors as stock_selectors
from jxc.inventory import services as stock
from jxc.inventory.choices import WarehouseKind
from jxc.inventory.documents.rules import PostLine
from jxc.inventory.models import Batch, Bin, LotBalance, StockBalance, StockMove, Warehouse

D = TypeVar("D", bound=Document)


# --- checks -------------------------------------------------------------------------------


def ensure_warehouses(user, *warehouses: Warehouse) -> None:
    """Data scope: a user limited to some warehouses acts only on those. A lent-out location
    (借出仓) is no document's warehouse: only loans move goods in and out of it
    (docs/adr/0004)."""
    refuse_lent(*warehouses)
    for w in unheld(user, *warehouses):
        raise PermissionDenied(perm=f"warehouse:{w.code}")


def refuse_lent(*warehouses: Warehouse) -> None:
    """A lent-out location (借出仓) is no document's warehouse, held by the user or not."""
    if any(w.kind == WarehouseKind.LENT for w in warehouses):
        raise ValidationFailed(
            {"warehouse": [str(_("A lent-out location holds only what loans moved there."))]}
        )


def unheld(user, *warehouses: Warehouse) -> list[Warehouse]:
    """The warehouses out of the user's scope (none: they hold every one)."""
    if user is None or user.is_superuser or user.all_warehouses:
        return []  # every warehouse (as stock_selectors.warehouses_for): no query needed
    allowed = set(
        stock_selectors.warehouses_for(user)
        .filter(pk__in=[w.pk for w in warehouses])
        .values_list("pk", flat=True)
    )
    return [w for w in warehouses if w.pk not in allowed]


# --- SKUs and lines -----------------------------------------------------------------------


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
    if not sku_ids:
        return defaultdict(list)
    balances_sql, lots_sql = _lots_sql()
    marks = ", ".join(["%s"] * len(sku_ids))
    args = [warehouse_id, *sku_ids]
    # one round trip on PostgreSQL
    found = fetch_each([(balances_sql % marks, args), (lots_sql % marks, args)])
    return lots_from(found[0], found[1], sku_ids)


def document_lots_statements(doc: Document) -> list[tuple[str, list]]:
    """:func:`available_lots`' two reads for a saved document — its warehouse, the SKUs of its
    lines — by the document's id alone, so they can travel with the read of its row (过账 of
    an issue: one round trip fewer). Their rows go to :func:`lots_from`."""
    model = type(doc)
    key = (connection.vendor, model)
    found = _DOCUMENT_LOTS.get(key)
    if found is None:
        q = connection.ops.quote_name
        rel: Any = model._meta.get_field("lines")  # type: ignore[misc]
        lines, link = q(rel.related_model._meta.db_table), q(rel.field.column)
        table, pk = q(model._meta.db_table), q(cast(Any, model._meta.pk).column)
        warehouse = f"(SELECT h.warehouse_id FROM {table} h WHERE h.{pk} = %%s)"
        skus = f"SELECT x.sku_id FROM {lines} x WHERE x.{link} = %s"  # put in as it is
        found = tuple(
            sql.replace("= %%s AND", f"= {warehouse} AND", 1) % skus for sql in _lots_sql()
        )
        _DOCUMENT_LOTS[key] = found
    return [(sql, [doc.pk, doc.pk]) for sql in found]


_DOCUMENT_LOTS: dict[tuple, tuple[str, ...]] = {}


def lots_from(
    balance_rows: list[tuple], lot_rows: list[tuple], sku_ids: Iterable[int]
) -> dict[int, list[Lot]]:
    """:func:`available_lots` from the rows of its two reads."""
    out: dict[int, list[Lot]] = defaultdict(list)
    qty = converter(LotBalance, "qty")
    on_hand_of = converter(StockBalance, "on_hand")
    on_hand = {sku: on_hand_of(q) for sku, q in balance_rows}
    lots = [(sku, bin_id, batch, qty(q)) for sku, bin_id, batch, q in lot_rows]
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


_LOTS_SQL: dict[str, tuple[str, str]] = {}


def _lots_sql() -> tuple[str, str]:
    """The two reads of ``available_lots`` (``%s`` for the SKU placeholders): balances, and
    the lots with stock in the order an issue takes them (先到期先出), as the ORM would
    order them."""
    found = _LOTS_SQL.get(connection.vendor)
    if found is None:
        q = connection.ops.quote_name
        t = {m: q(m._meta.db_table) for m in (StockBalance, LotBalance, Batch, Bin)}
        found = (
            f"SELECT sku_id, on_hand FROM {t[StockBalance]} "
            "WHERE warehouse_id = %%s AND sku_id IN (%s)",
            f"SELECT l.sku_id, l.bin_id, l.batch_id, l.qty FROM {t[LotBalance]} l "
            f"LEFT JOIN {t[Batch]} b ON b.id = l.batch_id LEFT JOIN {t[Bin]} n ON n.id = l.bin_id "
            "WHERE l.warehouse_id = %%s AND l.sku_id IN (%s) AND l.qty > 0 "
            "ORDER BY l.sku_id, b.expiry_date ASC NULLS LAST, b.production_date ASC NULLS LAST, "
            "b.number, n.code, l.id",
        )
        _LOTS_SQL[connection.vendor] = found
    return found


# --- workflow actions without a document-specific effect ---------------------------------


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


# --- posting and 红冲 of a stock document ----------------------------------------------------


def batch_id_of(
    sku_id: int, number: str, *, create: bool, field: str = "batch_number"
) -> int | None:
    """The batch a line names (none when blank): created on first receipt (``create``),
    else it must exist (an error on ``field``)."""
    number = number.strip()
    if not number:
        return None
    found = batches_by_number([(sku_id, number)]).get((sku_id, number))
    if found is None and create:
        return stock.ensure_batch(sku=sku_id, number=number).pk
    if found is None:
        raise ValidationFailed({field: [str(_("There is no such batch of this SKU."))]})
    return found


def issue_lines(
    lines: Sequence, pool: dict[int, list[Lot]], *, quantities: Mapping[int, Decimal] | None = None
) -> list[PostLine]:
    """Saved lines as they leave stock, each with the lots it takes from ``pool``
    (``available_lots``): the bin and batch the line names, else earliest expiry first
    (先到期先出), its serial numbers. With ``quantities`` (line id → base quantity: a part of
    the lines, e.g. 归还) only those, from any bin and batch of the pool."""
    named = quantities is None
    wanted = {x.pk: x.base_qty for x in lines} if named else dict(quantities or {})
    by_id = {x.pk: x for x in lines}
    known = batches_by_number((x.sku_id, x.batch_number) for x in lines) if named else {}
    out: list[PostLine] = []
    errors: dict[str, list[str]] = {}
    for line_id, qty in wanted.items():
        x = by_id[line_id]
        number = x.batch_number.strip() if named else ""
        if number and (x.sku_id, number) not in known:
            errors[f"lines.{x.line_no - 1}.batch_number"] = [
                str(_("There is no such batch of this SKU."))
            ]
            continue
        lots = issue_lots(
            qty=qty,
            sku_id=x.sku_id,
            bin_id=x.bin_id if named else None,
            batch_id=known.get((x.sku_id, number)),
            serials=parse_serials(getattr(x, "serials", "")) if named else (),
            pool=pool,
        )
        out.append(
            PostLine(id=x.pk, sku=x.sku_id, qty=x.qty, base_qty=qty, unit=x.unit_id, lots=lots)
        )
    if errors:
        raise ValidationFailed(errors)
    return out


def reverse_stock(
    doc: D,
    *,
    user,
    reason: str,
    date: dt.date | None = None,
    check: Callable[[D], None] | None = None,
    moves: bool = True,
    then: Callable[[D], None] | None = None,
) -> D:
    """红冲 of a posted stock document: ``check`` it may be reversed, every move it made
    reversed on the reversal date (``moves``: it made some), ``then`` what else undoes it;
    the date is kept on the document when it has a ``reversal_date``."""

    def effect(locked: D) -> None:
        if check is not None:
            check(locked)
        day = reversal_date(locked, date)
        if moves:
            stock.reverse_moves(source=locked.ref(), user=user, date=day, reason=reason)
        if then is not None:
            then(locked)
        if hasattr(locked, "reversal_date"):
            locked.reversal_date = day
            locked.save(update_fields=["reversal_date"])

    return act(doc, action="reverse", user=user, reason=reason, effect=effect)
