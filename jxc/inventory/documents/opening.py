"""期初库存 import before go-live: a spreadsheet of SKU, warehouse, batch, bin, quantity and
unit cost becomes one opening-stock document per warehouse. Every row is checked first and
every error is reported at once with its row number; nothing is written unless all rows are
good."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Barcode, Sku
from jxc.catalog.selectors import sku_facts
from jxc.core.documents.actions import ensure_perm
from jxc.core.documents.lines import LineInput, line_errors
from jxc.core.errors import ImportRowsInvalid
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents import excel
from jxc.inventory.documents.choices import StockDocumentKind
from jxc.inventory.documents.models import OpeningStock, StockDocument
from jxc.inventory.models import Bin, StockMove

COLUMNS = {
    "sku": _("SKU code or barcode"),
    "warehouse": _("Warehouse code"),
    "batch_number": _("Batch number"),
    "production_date": _("Production date"),
    "expiry_date": _("Expiry date"),
    "bin": _("Bin"),
    "qty": _("Quantity"),
    "price": _("Unit cost"),
}
REQUIRED = ("sku", "warehouse", "qty", "price")


def template_header() -> list[str]:
    """The header row of the import template, in the user's language."""
    return [str(label) for label in COLUMNS.values()]


def _skus(codes: set[str]) -> dict[str, Sku]:
    found = {s.code: s for s in Sku.objects.filter(code__in=codes)}
    for b in Barcode.objects.filter(code__in=codes - set(found)).select_related("sku"):
        found[b.code] = b.sku
    return found


@transaction.atomic
def import_opening_stock(
    *, user, file: BinaryIO | bytes, date: dt.date, post: bool = False
) -> list[StockDocument]:
    """导入期初库存: one draft (or, with ``post``, posted) opening-stock document per warehouse."""
    from jxc.inventory.documents import services as docs

    ensure_perm(user, OpeningStock.RESOURCE, "create")
    rows = excel.read_rows(file)
    problems: list[dict[str, Any]] = []

    def problem(row: int, column: str | None, message: Any) -> None:
        label = str(COLUMNS[column]) if column in COLUMNS else ""
        problems.append({"row": row, "column": label, "message": str(message)})

    if not rows:
        problem(1, None, _("The sheet is empty."))
        raise ImportRowsInvalid(problems)
    cols = excel.header_map(rows[0], COLUMNS)
    for name in REQUIRED:
        if name not in cols:
            problem(1, name, _("Column missing."))
    if problems:
        raise ImportRowsInvalid(problems)

    def cell(row: list, name: str) -> Any:
        i = cols.get(name)
        return row[i] if i is not None and i < len(row) else None

    data = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(v not in (None, "") for v in r)]
    if not data:
        problem(2, None, _("There are no rows to import."))
        raise ImportRowsInvalid(problems)
    skus = _skus({excel.text(cell(r, "sku")) for _n, r in data} - {""})
    warehouses = {w.code: w for w in stock_selectors.warehouses_for(user)}
    bins = {
        (b.warehouse_id, b.code): b.pk
        for b in Bin.objects.filter(warehouse__in=warehouses.values(), is_active=True)
    }
    parsed: list[tuple[int, Any, LineInput]] = []
    for n, r in data:
        bad = len(problems)
        code = excel.text(cell(r, "sku"))
        sku = skus.get(code)
        if sku is None:
            problem(n, "sku", _("Required.") if not code else _("Unknown SKU code or barcode."))
        wh_code = excel.text(cell(r, "warehouse"))
        wh = warehouses.get(wh_code)
        if wh is None or not wh.is_active:
            problem(n, "warehouse", _("Required.") if not wh_code else _("Unknown warehouse."))
        values: dict[str, Any] = {}
        for name in ("qty", "price"):
            try:
                values[name] = excel.number(cell(r, name))
                if values[name] is None:
                    problem(n, name, _("Required."))
            except ValueError:
                problem(n, name, _("Enter a number."))
        for name in ("production_date", "expiry_date"):
            try:
                values[name] = excel.date(cell(r, name))
            except ValueError:
                problem(n, name, _("Enter a valid date."))
        bin_code = excel.text(cell(r, "bin"))
        bin_id = bins.get((wh.pk, bin_code)) if wh and bin_code else None
        if bin_code and wh is not None and bin_id is None:
            problem(n, "bin", _("Select a bin of this warehouse."))
        if len(problems) == bad and sku is not None and wh is not None:
            parsed.append(
                (
                    n,
                    wh,
                    LineInput(
                        sku=sku.pk,
                        qty=values["qty"],
                        price=values["price"],
                        bin=bin_id,
                        batch_number=excel.text(cell(r, "batch_number")),
                        production_date=values.get("production_date"),
                        expiry_date=values.get("expiry_date"),
                    ),
                )
            )
    facts = sku_facts(x.sku for _n, _w, x in parsed)
    errors = (
        line_errors([x for _n, _w, x in parsed], facts, incoming=True, needs_price=True)
        if parsed
        else {}
    )
    for key, messages in errors.items():
        _lines, index, field = key.split(".", 2)
        for m in messages:
            problem(parsed[int(index)][0], field if field in COLUMNS else "sku", m)
    seen: dict[tuple, int] = {}
    for n, wh, x in parsed:
        stock_key = (wh.pk, x.sku, x.batch_number, x.bin)
        if stock_key in seen:
            problem(n, "sku", _("The same stock is on row %(row)s too.") % {"row": seen[stock_key]})
        seen.setdefault(stock_key, n)
    moved = set(
        StockMove.objects.filter(
            Q(warehouse_id__in={wh.pk for _n, wh, _x in parsed}),
            Q(sku_id__in={x.sku for _n, _w, x in parsed}),
        )
        .exclude(reason=MoveReason.OPENING)
        .values_list("sku_id", "warehouse_id")
        .distinct()
    )
    for n, wh, x in parsed:
        if (x.sku, wh.pk) in moved:
            problem(n, "sku", _("This SKU already has stock moves in this warehouse."))
    if problems:
        problems.sort(key=lambda p: p["row"])
        raise ImportRowsInvalid(problems)
    by_warehouse: dict[Any, list[LineInput]] = defaultdict(list)
    for _n, wh, x in parsed:
        by_warehouse[wh].append(x)
    made = []
    for wh, lines in sorted(by_warehouse.items(), key=lambda kv: kv[0].code):
        doc = docs.create_stock_document(
            user=user, kind=StockDocumentKind.OPENING, warehouse=wh, date=date, lines=lines
        )
        if post:
            doc = docs.submit_document(doc, user=user)
            doc = docs.approve_document(doc, user=user)
            doc = docs.post_document(doc, user=user)
        made.append(doc)
    return made
