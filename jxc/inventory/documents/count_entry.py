"""Counting into a 盘点单 draft: typing counted quantities, scanning barcodes (a scanner types
the code and Enter; each scan adds one of the barcode's unit), adding a SKU found that is not
on the sheet, and the count-specific halves of importing counted quantities from a spreadsheet
(the import itself is ``jxc.imports.stock_counts`` on the import framework)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Barcode, Sku
from jxc.core.documents.actions import ensure_draft, ensure_perm, write_fields
from jxc.core.errors import (
    NotOnCountSheet,
    UnknownBarcode,
    ValidationFailed,
)
from jxc.core.fields import QTY_PLACES, size_error
from jxc.core.services import record_audit
from jxc.inventory.documents import count_rules
from jxc.inventory.documents.counts import sku_in_scope
from jxc.inventory.documents.lifecycle import ensure_warehouses
from jxc.inventory.documents.models import StockCount, StockCountLine
from jxc.inventory.models import Batch, Bin, LotBalance, StockBalance, StockMove

ZERO = Decimal(0)


def _counting(count: StockCount, user) -> StockCount:
    """Counting happens on a draft; lock it so entries and the submit do not cross."""
    count = (
        StockCount.objects.select_for_update(of=("self",))
        .select_related("category")
        .get(pk=count.pk)
    )
    ensure_perm(user, StockCount.RESOURCE, "edit")
    ensure_warehouses(user, count.warehouse)
    ensure_draft(count)
    return count


def resolve_code(code: str) -> tuple[Sku, Decimal]:
    """A scanned or typed code → (SKU, base units per scan): a barcode (of a unit: a 箱 code
    counts a whole box), else a SKU code."""
    code = (code or "").strip()
    barcode = Barcode.objects.select_related("sku", "sku_unit").filter(code=code).first()
    if barcode is not None:
        factor = barcode.sku_unit.factor if barcode.sku_unit is not None else Decimal(1)
        return barcode.sku, factor
    sku = Sku.objects.filter(code=code).first()
    if sku is None:
        raise UnknownBarcode(barcode=code)
    return sku, Decimal(1)


def _book_at_freeze(count: StockCount, sku: Sku, bin_id: int | None, batch_id: int | None):
    """The book quantity of a lot at the sheet's freeze: now minus what moved since."""
    if bin_id is None and batch_id is None:
        on_hand = (
            StockBalance.objects.filter(sku=sku, warehouse=count.warehouse)
            .values_list("on_hand", flat=True)
            .first()
        ) or ZERO
        lots = (
            LotBalance.objects.filter(sku=sku, warehouse=count.warehouse).aggregate(q=Sum("qty"))[
                "q"
            ]
            or ZERO
        )
        current = on_hand - lots
    else:
        current = (
            LotBalance.objects.filter(_lot(bin_id, batch_id), sku=sku, warehouse=count.warehouse)
            .values_list("qty", flat=True)
            .first()
        ) or ZERO
    since = StockMove.objects.filter(
        _lot(bin_id, batch_id),
        sku=sku,
        warehouse=count.warehouse,
        id__gt=count.frozen_move_id,
    ).values_list("qty", flat=True)
    return count_rules.book_at_freeze(current, since)


def _line_for(count: StockCount, sku: Sku, *, bin_id=None, batch_id=None) -> StockCountLine:
    """The sheet's line for a SKU (a named bin / batch: that lot; else the SKU's stock in no
    bin and no batch, else its first line); a SKU in scope not on the sheet gets one."""
    lines = StockCountLine.objects.filter(count=count, sku=sku).order_by("line_no", "id")
    if bin_id is not None or batch_id is not None:
        found = lines.filter(lot_key=count_rules.lot_key(bin_id, batch_id)).first()
    else:
        found = lines.filter(lot_key=count_rules.lot_key(None, None)).first() or lines.first()
    if found is not None:
        return found
    return add_count_line(count, sku=sku, bin_id=bin_id, batch_id=batch_id, _locked=True)


def _lot(bin_id: int | None, batch_id: int | None) -> Q:
    q = Q(bin_id=bin_id) if bin_id is not None else Q(bin__isnull=True)
    return q & (Q(batch_id=batch_id) if batch_id is not None else Q(batch__isnull=True))


def add_count_line(
    count: StockCount, *, sku: Sku, bin_id=None, batch_id=None, user=None, _locked=False
) -> StockCountLine:
    """A SKU found that is not on the sheet: added with the book quantity it had at the freeze
    (refused outside the sheet's category or bin range)."""
    if not _locked:
        with transaction.atomic():
            return add_count_line(
                _counting(count, user), sku=sku, bin_id=bin_id, batch_id=batch_id, _locked=True
            )
    bin_ = (
        Bin.objects.filter(pk=bin_id, warehouse=count.warehouse).first()
        if bin_id is not None
        else None
    )
    if bin_id is not None and bin_ is None:
        raise ValidationFailed({"bin": [str(_("Select a bin of this warehouse."))]})
    ranged = bool(count.bin_from or count.bin_to)
    in_range = count_rules.in_bin_range(bin_.code if bin_ else None, count.bin_from, count.bin_to)
    if not sku_in_scope(count, sku) or (ranged and not in_range):
        raise NotOnCountSheet(sku=f"{sku.code} {sku}", number=count.number)
    existing = StockCountLine.objects.filter(
        count=count, sku=sku, lot_key=count_rules.lot_key(bin_id, batch_id)
    ).first()
    if existing is not None:
        return existing
    last = StockCountLine.objects.filter(count=count).aggregate(n=Max("line_no"))["n"] or 0
    return StockCountLine.objects.create(
        count=count,
        line_no=last + 1,
        sku=sku,
        bin_id=bin_id,
        batch_id=batch_id,
        lot_key=count_rules.lot_key(bin_id, batch_id),
        book_qty=_book_at_freeze(count, sku, bin_id, batch_id),
        added=True,
    )


@transaction.atomic
def scan_barcode(count: StockCount, *, user, code: str, bin_id: int | None = None):
    """扫码盘点: one scan adds one unit of the barcode (a repeat adds another) to the SKU's
    line; a SKU in scope that is not on the sheet yet gets a line. Returns the line."""
    count = _counting(count, user)
    sku, factor = resolve_code(code)
    line = _line_for(count, sku, bin_id=bin_id)
    # One UPDATE: two scanners on the same line never lose a scan.
    StockCountLine.objects.filter(pk=line.pk).update(
        counted_qty=Coalesce(F("counted_qty"), Value(ZERO)) + factor
    )
    line.refresh_from_db(fields=["counted_qty"])
    return line


def _check_qty(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    qty = Decimal(value)
    if qty < 0:
        raise ValueError(str(_("A quantity cannot be below zero.")))
    if (error := size_error(qty, QTY_PLACES)) is not None:
        raise ValueError(error)
    return qty


def whole_count_message(line: StockCountLine) -> str:
    """1.5 罐 refused: the row, the SKU and the unit named."""
    return str(_("Line %(line)s, %(sku)s: counted in whole %(unit)s.")) % {
        "line": line.line_no,
        "sku": f"{line.sku.code} {line.sku}",
        "unit": line.sku.product.base_unit.name,
    }


@transaction.atomic
def record_counts(count: StockCount, *, user, counts: Mapping[int, Decimal | None]) -> StockCount:
    """录入实盘数: counted quantities (base unit) per line id; None clears a line."""
    count = _counting(count, user)
    errors: dict[str, list[str]] = {}
    lines = {
        x.pk: x
        for x in StockCountLine.objects.filter(count=count, pk__in=list(counts)).select_related(
            "sku__product__base_unit"
        )
    }
    changed = []
    for line_id, raw in counts.items():
        line = lines.get(int(line_id))
        if line is None:
            errors.setdefault("lines", []).append(str(_("Unknown count line.")))
            continue
        try:
            line.counted_qty = _check_qty(raw)
        except (ValueError, ArithmeticError) as exc:
            errors[f"lines.{line_id}.counted_qty"] = [
                str(exc) if isinstance(exc, ValueError) and exc.args else str(_("Enter a number."))
            ]
            continue
        qty, base = line.counted_qty, line.sku.product.base_unit
        if qty is not None and not base.allow_fraction and qty != qty.to_integral_value():
            # 1.5 罐: refused with the row and the SKU named (the count keeps what was typed)
            errors[f"lines.{line_id}.counted_qty"] = [whole_count_message(line)]
            continue
        changed.append(line)
    if errors:
        raise ValidationFailed(errors)
    write_fields(StockCountLine, changed, ["counted_qty"])
    record_audit(user=user, obj=count, action="count", changes={"lines": [None, len(changed)]})
    return count


# 导入实盘数 goes through the import framework (``jxc.imports.stock_counts``: template, preview,
# errors copy, confirm, background chunks); these are its count-specific halves.
_IN = 500  # ids per IN (...) list


def _chunks(values: list, n: int = _IN):
    for i in range(0, len(values), n):
        yield values[i : i + n]


def _skus_by_code(codes: set[str]) -> dict[str, int]:
    """Code or barcode → SKU id, in a few set-based queries."""
    found: dict[str, int] = {}
    wanted = sorted(codes)
    for part in _chunks(wanted):
        found.update(Barcode.objects.filter(code__in=part).values_list("code", "sku_id"))
    rest = [c for c in wanted if c not in found]
    for part in _chunks(rest):
        found.update(Sku.objects.filter(code__in=part).values_list("code", "pk"))
    return found


def counting_sheet(count_id: int, *, user) -> StockCount:
    """The 盘点单 an import goes into: one the user may edit, of their warehouses, a draft."""
    count = StockCount.objects.select_related("warehouse", "category").filter(pk=count_id).first()
    if count is None:
        from jxc.core.errors import NotFound

        raise NotFound()
    ensure_perm(user, StockCount.RESOURCE, "edit")
    ensure_warehouses(user, count.warehouse)
    ensure_draft(count)
    return count


def check_count_rows(
    count: StockCount,
    rows: list[tuple[int, str, Decimal, str, str]],
    problem: Callable[[int, str, Any], None],
) -> list[dict[str, Any]]:
    """导入实盘数, the checking half (reads only, set-based): ``rows`` are (row number, SKU code
    or barcode, counted quantity in the base unit, bin code, batch number); every bad one is
    reported through ``problem(row, column, message)`` (columns ``code``, ``counted_qty``,
    ``bin``, ``batch_number``). Returns the items ``{row, sku_id, bin_id, batch_id, qty}``."""
    sku_ids = _skus_by_code({code for _n, code, _q, _b, _t in rows})
    bins = dict(Bin.objects.filter(warehouse=count.warehouse).values_list("code", "pk"))
    batch_numbers = {number for _n, _c, _q, _b, number in rows if number}
    batches: dict[tuple[int, str], int] = {}
    if batch_numbers:
        for part in _chunks(sorted(set(sku_ids.values()))):
            for pk, of_sku, number in Batch.objects.filter(
                sku_id__in=part, number__in=sorted(batch_numbers)
            ).values_list("pk", "sku_id", "number"):
                batches[(of_sku, number)] = pk
    items: list[dict[str, Any]] = []
    for n, code, qty, bin_code, batch_number in rows:
        bad = False
        sku_id = sku_ids.get(code)
        if sku_id is None:
            problem(n, "code", UnknownBarcode(barcode=code))
            bad = True
        bin_id = bins.get(bin_code) if bin_code else None
        if bin_code and bin_id is None:
            problem(n, "bin", _("Select a bin of this warehouse."))
            bad = True
        batch_id = None
        if batch_number and sku_id is not None:
            batch_id = batches.get((sku_id, batch_number))
            if batch_id is None:
                problem(n, "batch_number", _("There is no such batch of this SKU."))
                bad = True
        if not bad and sku_id is not None:
            items.append(
                {
                    "row": n,
                    "sku_id": sku_id,
                    "bin_id": bin_id,
                    "batch_id": batch_id,
                    "qty": str(qty),
                }
            )
    # SKUs that get a new line must lie in the sheet's scope (category, bin range).
    lines = _sheet_lines(count, {i["sku_id"] for i in items})
    new = [i for i in items if _find_line(lines, i["sku_id"], i["bin_id"], i["batch_id"]) is None]
    if new:
        skus = {
            s.pk: s
            for part in _chunks(sorted({i["sku_id"] for i in new}))
            for s in Sku.objects.filter(pk__in=part).select_related("product__category")
        }
        bin_codes = {pk: code for code, pk in bins.items()}
        ranged = bool(count.bin_from or count.bin_to)
        out_of_scope = set()
        for i in new:
            sku = skus[i["sku_id"]]
            in_range = count_rules.in_bin_range(
                bin_codes.get(i["bin_id"]) if i["bin_id"] else None, count.bin_from, count.bin_to
            )
            if not sku_in_scope(count, sku) or (ranged and not in_range):
                problem(
                    i["row"], "code", NotOnCountSheet(sku=f"{sku.code} {sku}", number=count.number)
                )
                out_of_scope.add(i["row"])
        items = [i for i in items if i["row"] not in out_of_scope]
    return items


def _sheet_lines(count: StockCount, sku_ids: set[int]) -> dict[int, list[tuple[str, int]]]:
    """SKU id → its lines on the sheet as (lot key, line id), in line order."""
    found: dict[int, list[tuple[str, int]]] = {}
    for part in _chunks(sorted(sku_ids)):
        for pk, sku_id, key in (
            StockCountLine.objects.filter(count=count, sku_id__in=part)
            .order_by("line_no", "id")
            .values_list("pk", "sku_id", "lot_key")
        ):
            found.setdefault(sku_id, []).append((key, pk))
    return found


def _find_line(lines: dict[int, list[tuple[str, int]]], sku_id, bin_id, batch_id) -> int | None:
    """The line an entry goes to, as ``_line_for`` picks it."""
    mine = lines.get(sku_id, [])
    key = count_rules.lot_key(bin_id, batch_id)
    for k, pk in mine:
        if k == key:
            return pk
    if bin_id is None and batch_id is None and mine:
        return mine[0][1]
    return None


def _books_at_freeze(count: StockCount, keys: set[tuple[int, int | None, int | None]]):
    """``_book_at_freeze`` for many (SKU, bin, batch) lots at once (three grouped reads)."""
    sku_ids = sorted({k[0] for k in keys})
    on_hand: dict[int, Decimal] = {}
    lots: dict[tuple[int, int | None, int | None], Decimal] = {}
    since: dict[tuple[int, int | None, int | None], Decimal] = {}
    for part in _chunks(sku_ids):
        on_hand.update(
            StockBalance.objects.filter(warehouse=count.warehouse, sku_id__in=part).values_list(
                "sku_id", "on_hand"
            )
        )
        for s_id, b_id, t_id, qty in LotBalance.objects.filter(
            warehouse=count.warehouse, sku_id__in=part
        ).values_list("sku_id", "bin_id", "batch_id", "qty"):
            lots[(s_id, b_id, t_id)] = lots.get((s_id, b_id, t_id), ZERO) + qty
        for row in (
            StockMove.objects.filter(
                warehouse=count.warehouse, sku_id__in=part, id__gt=count.frozen_move_id
            )
            .values("sku_id", "bin_id", "batch_id")
            .annotate(q=Sum("qty"))
        ):
            since[(row["sku_id"], row["bin_id"], row["batch_id"])] = row["q"] or ZERO
    books = {}
    for key in keys:
        sku_id, bin_id, batch_id = key
        if bin_id is None and batch_id is None:
            in_lots = sum((q for (s, _b, _t), q in lots.items() if s == sku_id), ZERO)
            current = (on_hand.get(sku_id) or ZERO) - in_lots
        else:
            current = lots.get(key, ZERO)
        books[key] = count_rules.book_at_freeze(current, [since.get(key, ZERO)])
    return books


def _apply_count_items(count: StockCount, items: list[dict[str, Any]]) -> int:
    """Set the counted quantities of ``items`` (set-based: lines found in one read, new
    lines made in one insert, quantities written in one executemany). Idempotent."""
    keyed = [(i["sku_id"], i["bin_id"], i["batch_id"], i["qty"]) for i in items]
    lines = _sheet_lines(count, {k[0] for k in keyed})
    missing = {
        (sku_id, bin_id, batch_id)
        for sku_id, bin_id, batch_id, _q in keyed
        if _find_line(lines, sku_id, bin_id, batch_id) is None
    }
    if missing:
        books = _books_at_freeze(count, missing)
        last = StockCountLine.objects.filter(count=count).aggregate(n=Max("line_no"))["n"] or 0
        made = []
        for i, (sku_id, bin_id, batch_id) in enumerate(sorted(missing, key=str), start=1):
            made.append(
                StockCountLine(
                    count=count,
                    line_no=last + i,
                    sku_id=sku_id,
                    bin_id=bin_id,
                    batch_id=batch_id,
                    lot_key=count_rules.lot_key(bin_id, batch_id),
                    book_qty=books[(sku_id, bin_id, batch_id)],
                    added=True,
                )
            )
        StockCountLine.objects.bulk_create(made, batch_size=_IN)
        lines = _sheet_lines(count, {k[0] for k in keyed})
    counted: dict[int, Decimal] = {}
    for sku_id, bin_id, batch_id, qty in keyed:
        pk = _find_line(lines, sku_id, bin_id, batch_id)
        assert pk is not None
        counted[pk] = Decimal(qty)  # a later row for the same line wins
    write_fields(
        StockCountLine,
        [StockCountLine(pk=pk, counted_qty=q) for pk, q in counted.items()],
        ["counted_qty"],
    )
    return len(counted)


def apply_count_import(count: StockCount, items: list[dict[str, Any]], *, user) -> int:
    """导入实盘数, the writing half: the counted quantities of ``items`` set under the sheet's
    lock (a sheet submitted meanwhile refuses), audited. Returns the number of lines set."""
    count = _counting(count, user)
    n = _apply_count_items(count, items)
    record_audit(user=user, obj=count, action="import", changes={"lines": [None, n]})
    return n
