"""导出: the current filtered list as an .xlsx file.

Headers are the column labels in the user's language; numbers stay numbers (Decimal is
written as a number cell, never as text); cost columns are left out for users without
``cost.view``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from jxc.core.visibility import can_view_cost

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {"money": "#,##0.00", "price": "#,##0.00########", "qty": "#,##0.######"}


def export_columns(screen, user) -> list:
    cost_ok = can_view_cost(user)
    return [c for c in screen.list_columns if c.export and (cost_ok or not c.cost)]


def build_workbook(screen, queryset, *, user) -> bytes:
    columns = export_columns(screen, user)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(screen.verbose_name_plural)[:31])
    ws.freeze_panes = "A2"
    for i, c in enumerate(columns):
        ws.column_dimensions[_letter(i)].width = 14 if c.numeric else 20
    bold = Font(bold=True)
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=str(c.label))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for obj in queryset.iterator(chunk_size=2000):
        row = []
        for c in columns:
            value = c.excel(obj, user)
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, Decimal) and c.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[c.kind]
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            row.append(cell)
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_response(screen, queryset, *, user) -> HttpResponse:
    data = build_workbook(screen, queryset, user=user)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{screen.verbose_name_plural}-{stamp}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
