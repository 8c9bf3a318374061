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


@transaction.atomic
def record_counts(count: StockCount, *, user, counts: Mapping[int, Decimal | None]) -> StockCount:
    """录入实盘数: counted quantities (base unit) per line id; None clears a line."""
    count = _counting(count, user)
    errors: dict[str, list[str]] = {}
    lines = {x.pk: x for x in StockCountLine.objects.filter(count=count, pk__in=list(counts))}
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


@transaction.atomic
def import_counts(count: StockCount, *, user, file: BinaryIO | bytes) -> int:
    """导入实盘数 from a spreadsheet: SKU code or barcode, counted quantity (base unit),
    optionally bin and batch. Every bad row is reported at once; nothing changes unless all
    rows are good. Returns the number of lines set."""
    count = _counting(count, user)
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
    bins = dict(Bin.objects.filter(warehouse=count.warehouse).values_list("code", "pk"))
    wanted: list[tuple[int, Sku, int | None, int | None, Decimal]] = []

    def cell(row: list, name: str) -> Any:
        i = cols.get(name)
        return row[i] if i is not None and i < len(row) else None

    for n, row in enumerate(rows[1:], start=2):
        if all(v in (None, "") for v in row):
            continue
        bad = len(problems)
        code = excel.text(cell(row, "code"))
        sku = None
        try:
            sku = resolve_code(code)[0] if code else None
        except UnknownBarcode as exc:
            problems.append({"row": n, "column": str(IMPORT_COLUMNS["code"]), "message": str(exc)})
        if not code:
            problems.append(
                {"row": n, "column": str(IMPORT_COLUMNS["code"]), "message": str(_("Required."))}
            )
        try:
            qty = _check_qty(excel.number(cell(row, "counted_qty")))
            if qty is None:
                raise ValueError(str(_("Required.")))
        except (ValueError, ArithmeticError) as exc:
            message = str(exc) if isinstance(exc, ValueError) and exc.args else ""
            problems.append(
                {
                    "row": n,
                    "column": str(IMPORT_COLUMNS["counted_qty"]),
                    "message": message or str(_("Enter a number.")),
                }
            )
            qty = None
        bin_code = excel.text(cell(row, "bin"))
        bin_id = bins.get(bin_code) if bin_code else None
        if bin_code and bin_id is None:
            problems.append(
                {
                    "row": n,
                    "column": str(IMPORT_COLUMNS["bin"]),
                    "message": str(_("Select a bin of this warehouse.")),
                }
            )
        batch_number = excel.text(cell(row, "batch_number"))
        batch_id = None
        if batch_number and sku is not None:
            batch_id = (
                Batch.objects.filter(sku=sku, number=batch_number)
                .values_list("pk", flat=True)
                .first()
            )
            if batch_id is None:
                problems.append(
                    {
                        "row": n,
                        "column": str(IMPORT_COLUMNS["batch_number"]),
                        "message": str(_("There is no such batch of this SKU.")),
                    }
                )
        if len(problems) == bad and sku is not None and qty is not None:
            wanted.append((n, sku, bin_id, batch_id, qty))
    lines = []
    for n, sku, bin_id, batch_id, qty in wanted:
        try:
            line = _line_for(count, sku, bin_id=bin_id, batch_id=batch_id)
        except NotOnCountSheet as exc:
            problems.append({"row": n, "column": str(IMPORT_COLUMNS["code"]), "message": str(exc)})
            continue
        lines.append((line, qty))
    if problems:
        raise ImportRowsInvalid(problems)
    for line, qty in lines:
        line.counted_qty = qty
    write_fields(StockCountLine, [x for x, _q in lines], ["counted_qty"])
    record_audit(user=user, obj=count, action="import", changes={"lines": [None, len(lines)]})
    return len(lines)
