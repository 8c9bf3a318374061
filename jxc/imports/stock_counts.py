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

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import QTY_PLACES
from jxc.core.services import record_audit
from jxc.imports.rollback import (
    ImportChangedSince,
    delete_created,
    remember_values,
    restore_updated,
)
from jxc.imports.spec import CODE, DECIMAL, INTEGER, Column, Context, ImportSpec, Row
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import StockCount, StockCountLine

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


def _counted(count_id: int, sku_ids: set[int]) -> dict[int, str | None]:
    """The sheet's lines of these SKUs: line id → counted quantity (as the audit writes it)."""
    out: dict[int, str | None] = {}
    wanted = sorted(sku_ids)
    for i in range(0, len(wanted), 500):
        for pk, qty in StockCountLine.objects.filter(
            count_id=count_id, sku_id__in=wanted[i : i + 500]
        ).values_list("pk", "counted_qty"):
            out[pk] = None if qty is None else format(qty.normalize(), "f")
    return out


def write(items: list[dict[str, Any]], ctx: Context) -> None:
    """The counted quantities set, under the sheet's lock (idempotent: a quantity is set, not
    added); ``result["lines"]`` counts the lines set. What each line held before, and the lines
    added, are recorded for the rollback."""
    count = _sheet(ctx)
    # the sheet locked first, so that the quantities read are the ones replaced
    list(StockCount.objects.select_for_update(of=("self",)).filter(pk=count.pk).values("pk"))
    sku_ids = {int(i["sku_id"]) for i in items}
    before = _counted(count.pk, sku_ids)
    n = docs.apply_count_import(count, items, user=ctx.user)
    added = ctx.result.setdefault("added", [])
    for pk, qty in _counted(count.pk, sku_ids).items():
        if pk not in before:
            added.append(pk)
        if pk not in before or before[pk] != qty:
            remember_values(
                ctx, StockCountLine, pk, {"counted_qty": before.get(pk)}, {"counted_qty": qty}
            )
    ctx.result["lines"] = ctx.result.get("lines", 0) + n


def _set_counted(line: StockCountLine, *, user, counted_qty: Decimal | None) -> None:
    StockCountLine.objects.filter(pk=line.pk).update(counted_qty=counted_qty)


def undo(result: dict[str, Any], ctx: Context) -> None:
    """撤销: the counted quantities the import replaced are put back and the lines it added
    removed — only while the sheet is a draft (a submitted or posted count depends on them:
    ``import_changed_since``), and only when nobody counted those lines again since."""
    with transaction.atomic():
        count = StockCount.objects.select_for_update(of=("self",)).get(pk=ctx.options["count"])
        if not count.is_editable:
            raise ImportChangedSince(
                what=f"{count._meta.verbose_name} {count.number} ({count.get_status_display()})"
            )
        docs.counting_sheet(count.pk, user=ctx.user)  # permission and warehouse scope
        n = restore_updated(result, ctx, via={StockCountLine: _set_counted})
        delete_created((StockCountLine, "pk", list(result.get("added", []))))
        record_audit(user=ctx.user, obj=count, action="rollback", changes={"lines": [n, 0]})


STOCK_COUNT = ImportSpec(
    kind="stock-count",
    title=_("Counted quantities"),
    permission="stock_count.edit",
    columns=COLUMNS,
    options=OPTIONS,
    check=check,
    write=write,
    undo=undo,
    filename="stock-count",
    notes=(
        _("A SKU not on the count sheet is added when it lies in the sheet's scope."),
        _("When two rows are for the same line, the later one counts."),
    ),
)
SPECS = {STOCK_COUNT.kind: STOCK_COUNT}
