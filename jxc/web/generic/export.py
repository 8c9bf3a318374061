"""导出: the current filtered list as an .xlsx file.

Headers are the column labels in the user's language; numbers stay numbers (Decimal is
written as a number cell, never as text); cost columns are left out for users without
``cost.view``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell whose text starts with one of these is a formula (or becomes one when the cell is
# edited, or the sheet is saved as CSV) in Excel / WPS / LibreOffice: a supplier named
# ``=HYPERLINK(…)`` must stay a name.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
NUMBER_FORMATS = {"money": "#,##0.00", "price": "#,##0.00########", "qty": "#,##0.######"}


def export_columns(screen, user) -> list:
    """The columns a user's export holds: none marked hidden from them (cost figures …)."""
    return [c for c in screen.list_columns if c.export and c.shown_to(user)]


def xlsx_file(
    title: str,
    headers: list[str],
    kinds: list[str],
    rows: Iterable[list[Any]],
    *,
    group_header: list[str] | None = None,
    totals: list[Any] | None = None,
) -> HttpResponse:
    """The one Excel writer of the UI: a header row (optionally a group row above it, bold,
    centred), one row per item, an optional bold totals row. Numbers stay numbers (Decimal as
    a number cell in the format of its column ``kind``), dates as dates, "" as an empty cell."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.freeze_panes = "A3" if group_header else "A2"
    for i, kind in enumerate(kinds):
        ws.column_dimensions[get_column_letter(i + 1)].width = 14 if kind in NUMBER_FORMATS else 20
    bold = Font(bold=True)
    for labels in (group_header, headers):
        if labels:
            ws.append([_cell(ws, "text", str(label), bold, centre=True) for label in labels])
    for row in rows:
        ws.append([_cell(ws, k, v) for k, v in zip(kinds, row, strict=True)])
    if totals is not None:
        ws.append([_cell(ws, k, v, bold) for k, v in zip(kinds, totals, strict=True)])
    out = BytesIO()
    wb.save(out)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}-{stamp}.xlsx")
    return response


def text_cell(ws, value: str) -> WriteOnlyCell:
    """A cell that holds ``value`` as text, never as a formula (see FORMULA_STARTS)."""
    cell = WriteOnlyCell(ws, value=value)
    if value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl would write "=…" as a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def _cell(ws, kind: str, value: Any, font=None, *, centre: bool = False) -> WriteOnlyCell:
    if isinstance(value, str) and value:
        cell = text_cell(ws, value)
    else:
        cell = WriteOnlyCell(ws, value=None if value == "" else value)
    if isinstance(value, Decimal) and kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[kind]
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    if centre:
        cell.alignment = Alignment(horizontal="center")
    return cell


def xlsx_response(screen, queryset, *, user) -> HttpResponse:
    """导出 of a generic list: its exportable columns (cost columns only with cost.view)."""
    columns = export_columns(screen, user)
    return xlsx_file(
        str(screen.verbose_name_plural),
        [str(c.label) for c in columns],
        [c.kind for c in columns],
        ([c.excel(obj, user) for c in columns] for obj in queryset.iterator(chunk_size=2000)),
    )
