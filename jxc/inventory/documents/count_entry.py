"""Counting into a 盘点单 draft: typing counted quantities, scanning barcodes (a scanner types
the code and Enter; each scan adds one of the barcode's unit), adding a SKU found that is not
on the sheet, and importing counted quantities from a spreadsheet."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Barcode, Sku
from jxc.core.documents.actions import ensure_draft, ensure_perm, write_fields
from jxc.core.errors import (
    ImportRowsInvalid,
    NotOnCountSheet,
    UnknownBarcode,
    ValidationFailed,
)
from jxc.core.fields import QTY_PLACES, size_error
from jxc.core.services import record_audit
from jxc.inventory.documents import count_rules, excel
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


IMPORT_COLUMNS = {
    "code": _("SKU code or barcode"),
    "counted_qty": _("Counted quantity"),
    "bin": _("Bin"),
    "batch_number": _("Batch number"),
}


# Up to this many rows an import is applied in the request; more go to a background job
# (jxc.core.jobs) applied in chunks, so no request holds the write lock for long.
INLINE_IMPORT_ROWS = 2_000
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


def plan_count_import(count: StockCount, *, user, file: BinaryIO | bytes) -> list[list[Any]]:
    """导入实盘数, the checking half (reads only): every bad row reported at once
    (ImportRowsInvalid), else the items ``[row, sku_id, bin_id, batch_id, qty]`` to apply."""
    ensure_perm(user, StockCount.RESOURCE, "edit")
    ensure_warehouses(user, count.warehouse)
    ensure_draft(count)
    rows = excel.read_rows(file)
    if not rows:
        raise ImportRowsInvalid(
            [{"row": 1, "column": "", "message": str(_("The sheet is empty."))}]
        )
    cols = excel.header_map(rows[0], IMPORT_COLUMNS)
    problems: list[dict[str, Any]] = []
    for name in ("code", "counted_qty"):
        if name not in cols:
            problems.append(
                {
                    "row": 1,
                    "column": str(IMPORT_COLUMNS[name]),
                    "message": str(_("Column missing.")),
                }
            )
    if problems:
        raise ImportRowsInvalid(problems)

    def cell(row: list, name: str) -> Any:
        i = cols.get(name)
        return row[i] if i is not None and i < len(row) else None

    def problem(n: int, column: str, message: Any) -> None:
        problems.append({"row": n, "column": str(IMPORT_COLUMNS[column]), "message": str(message)})

    data = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(v not in (None, "") for v in r)]
    codes = {excel.text(cell(r, "code")) for _n, r in data} - {""}
    sku_ids = _skus_by_code(codes)
    bins = dict(Bin.objects.filter(warehouse=count.warehouse).values_list("code", "pk"))
    batch_numbers = {excel.text(cell(r, "batch_number")) for _n, r in data} - {""}
    batches: dict[tuple[int, str], int] = {}
    wanted_skus = sorted(set(sku_ids.values()))
    if batch_numbers:
        for part in _chunks(wanted_skus):
            for pk, of_sku, number in Batch.objects.filter(
                sku_id__in=part, number__in=sorted(batch_numbers)
            ).values_list("pk", "sku_id", "number"):
                batches[(of_sku, number)] = pk
    items: list[list[Any]] = []
    for n, row in data:
        bad = len(problems)
        code = excel.text(cell(row, "code"))
        sku_id = sku_ids.get(code)
        if not code:
            problem(n, "code", _("Required."))
        elif sku_id is None:
            problem(n, "code", UnknownBarcode(barcode=code))
        try:
            qty = _check_qty(excel.number(cell(row, "counted_qty")))
            if qty is None:
                raise ValueError(str(_("Required.")))
        except (ValueError, ArithmeticError) as exc:
            message = str(exc) if isinstance(exc, ValueError) and exc.args else ""
            problem(n, "counted_qty", message or _("Enter a number."))
            qty = None
        bin_code = excel.text(cell(row, "bin"))
        bin_id = bins.get(bin_code) if bin_code else None
        if bin_code and bin_id is None:
            problem(n, "bin", _("Select a bin of this warehouse."))
        batch_number = excel.text(cell(row, "batch_number"))
        batch_id = None
        if batch_number and sku_id is not None:
            batch_id = batches.get((sku_id, batch_number))
            if batch_id is None:
                problem(n, "batch_number", _("There is no such batch of this SKU."))
        if len(problems) == bad and sku_id is not None and qty is not None:
            items.append([n, sku_id, bin_id, batch_id, str(qty)])
    # SKUs that get a new line must lie in the sheet's scope (category, bin range).
    lines = _sheet_lines(count, {i[1] for i in items})
    new = [i for i in items if _find_line(lines, i[1], i[2], i[3]) is None]
    if new:
        skus = {
            s.pk: s
            for part in _chunks(sorted({i[1] for i in new}))
            for s in Sku.objects.filter(pk__in=part).select_related("product__category")
        }
        bin_codes = {pk: code for code, pk in bins.items()}
        ranged = bool(count.bin_from or count.bin_to)
        for n, sku_id, bin_id, _batch_id, _qty in new:
            sku = skus[sku_id]
            in_range = count_rules.in_bin_range(
                bin_codes.get(bin_id) if bin_id else None, count.bin_from, count.bin_to
            )
            if not sku_in_scope(count, sku) or (ranged and not in_range):
                problem(n, "code", NotOnCountSheet(sku=f"{sku.code} {sku}", number=count.number))
    if problems:
        raise ImportRowsInvalid(problems)
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


def _apply_count_items(count: StockCount, items: list[list[Any]]) -> int:
    """Set the counted quantities of ``items`` (set-based: lines found in one read, new
    lines made in one insert, quantities written in one executemany). Idempotent."""
    lines = _sheet_lines(count, {i[1] for i in items})
    missing = {
        (sku_id, bin_id, batch_id)
        for _n, sku_id, bin_id, batch_id, _q in items
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
        lines = _sheet_lines(count, {i[1] for i in items})
    counted: dict[int, Decimal] = {}
    for _n, sku_id, bin_id, batch_id, qty in items:
        pk = _find_line(lines, sku_id, bin_id, batch_id)
        assert pk is not None
        counted[pk] = Decimal(qty)  # a later row for the same line wins
    write_fields(
        StockCountLine,
        [StockCountLine(pk=pk, counted_qty=q) for pk, q in counted.items()],
        ["counted_qty"],
    )
    return len(counted)


def apply_count_chunk(job, items: list[list[Any]], *, final: bool) -> None:
    """``jxc.core.jobs`` handler of a background count import: one chunk, under the sheet's
    lock (a sheet submitted meanwhile stops the job with that error)."""
    count = _counting(StockCount(pk=job.subject_id), job.user)
    job.result["lines"] = job.result.get("lines", 0) + _apply_count_items(count, items)
    if final:
        record_audit(
            user=job.user, obj=count, action="import", changes={"lines": [None, job.total]}
        )


COUNT_IMPORT_HANDLER = "jxc.inventory.documents.count_entry.apply_count_chunk"


def import_counts(count: StockCount, *, user, file: BinaryIO | bytes) -> int:
    """导入实盘数 from a spreadsheet: SKU code or barcode, counted quantity (base unit),
    optionally bin and batch. Every bad row is reported at once; nothing changes unless all
    rows are good. Returns the number of lines set (applied here, in one transaction)."""
    items = plan_count_import(count, user=user, file=file)
    with transaction.atomic():
        count = _counting(count, user)
        n = _apply_count_items(count, items)
        record_audit(user=user, obj=count, action="import", changes={"lines": [None, n]})
    return n


def start_count_import(count: StockCount, *, user, file: BinaryIO | bytes):
    """导入实盘数 as the API and the screen do it: checked at once (422 with every bad row);
    up to ``INLINE_IMPORT_ROWS`` rows applied at once (returns the number of lines set),
    more handed to a background job applied in chunks (returns the ``ImportJob``)."""
    from jxc.core import jobs

    items = plan_count_import(count, user=user, file=file)
    if len(items) <= INLINE_IMPORT_ROWS:
        with transaction.atomic():
            count = _counting(count, user)
            n = _apply_count_items(count, items)
            record_audit(user=user, obj=count, action="import", changes={"lines": [None, n]})
        return n
    with transaction.atomic():
        return jobs.start_import(
            kind="stock_count",
            user=user,
            handler=COUNT_IMPORT_HANDLER,
            items=items,
            subject_id=count.pk,
        )
