"""导入实盘数: counted quantities of a 盘点单 draft from a spreadsheet — SKU code or barcode,
counted quantity (base unit), bin, batch number — on the import framework (template, preview,
errors copy, confirm; large files in background chunks, each under the sheet's lock).

The sheet is the option ``count`` (its id): the count page uploads to it and shows the
preview; ``POST /stock-counts/{id}/import`` previews and confirms in one call. A row for a SKU
not on the sheet adds a line when the SKU lies in the sheet's scope; a later row for the same
line wins."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from jxc.core.fields import QTY_PLACES
from jxc.imports.spec import CODE, DECIMAL, INTEGER, Column, Context, ImportSpec, Row
from jxc.inventory.documents import services as docs

COLUMNS = (
    Column(
        "code",
        _("SKU code or barcode"),
        CODE,
        required=True,
        max_length=64,
        example=("A001", "6900000000011"),
    ),
    Column(
        "counted_qty",
        _("Counted quantity"),
        DECIMAL,
        required=True,
        places=QTY_PLACES,
        example=("12", "3"),
        help=_("In the SKU's base unit."),
    ),
    Column("bin", _("Bin"), CODE, max_length=40, example=("", "A-01")),
    Column("batch_number", _("Batch number"), CODE, max_length=60, example=("", "")),
)
OPTIONS = (Column("count", _("Stock count"), INTEGER, required=True, minimum=Decimal(1)),)


def _sheet(ctx: Context):
    return docs.counting_sheet(int(ctx.options["count"]), user=ctx.user)


def check(rows: list[Row], ctx: Context) -> list[dict[str, Any]]:
    """Codes and barcodes known, bins of the sheet's warehouse, batches of the SKU, new lines in
    the sheet's scope (``count_entry.check_count_rows``)."""
    count = _sheet(ctx)
    items = docs.check_count_rows(
        count,
        [
            (r.number, r["code"], r["counted_qty"], r["bin"] or "", r["batch_number"] or "")
            for r in rows
        ],
        lambda n, column, message: ctx.problem(n, column, message),
    )
    return [{**i, "action": "update"} for i in items]


def write(items: list[dict[str, Any]], ctx: Context) -> None:
    """The counted quantities set, under the sheet's lock (idempotent: a quantity is set, not
    added); ``result["lines"]`` counts the lines set."""
    n = docs.apply_count_import(_sheet(ctx), items, user=ctx.user)
    ctx.result["lines"] = ctx.result.get("lines", 0) + n


STOCK_COUNT = ImportSpec(
    kind="stock-count",
    title=_("Counted quantities"),
    permission="stock_count.edit",
    columns=COLUMNS,
    options=OPTIONS,
    check=check,
    write=write,
    filename="stock-count",
    notes=(
        _("A SKU not on the count sheet is added when it lies in the sheet's scope."),
        _("When two rows are for the same line, the later one counts."),
    ),
)
SPECS = {STOCK_COUNT.kind: STOCK_COUNT}
