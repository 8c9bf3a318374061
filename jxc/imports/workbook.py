"""The spreadsheets the imports hand out: the template (headers in the user's language, a 说明
sheet, dropdowns for choices, example rows, code columns formatted as text so leading zeros
survive) and the errors copy of an uploaded file (its rows with an error column)."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from jxc.core import spreadsheets
from jxc.imports.models import ImportBatch
from jxc.imports.spec import CODE, DATE, TYPE_LABELS, ImportSpec

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@")


def _safe(value: Any) -> Any:
    """A text that Excel would take for a formula is written as text (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _header(column) -> str:
    return f"{column.label}*" if column.required else str(column.label)


def template(spec: ImportSpec) -> bytes:
    """导入模板: the data sheet (header, examples, dropdowns) and the 说明 sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = str(spec.title)[:31]
    lists = book.create_sheet(_("Choices")[:31])
    lists.sheet_state = "hidden"
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for i, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=i, value=_header(column))
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(12, len(_header(column)) * 2 + 2)
        if column.kind == CODE:
            for r in range(2, 1002):
                sheet.cell(row=r, column=i).number_format = "@"
        if column.kind == DATE:
            for r in range(2, 1002):
                sheet.cell(row=r, column=i).number_format = "yyyy-mm-dd"
        pairs = column.choice_pairs()
        if pairs:
            # the list on a hidden sheet: a dropdown's inline list is limited to 255 characters
            for r, (_value, label) in enumerate(pairs, start=1):
                lists.cell(row=r, column=i, value=str(label))
            ref = f"'{lists.title}'!${letter}$1:${letter}${len(pairs)}"
            rule = DataValidation(type="list", formula1=ref, allow_blank=not column.required)
            rule.error = _("Pick a value from the list.")
            rule.showErrorMessage = True
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}5000")
        for r, value in enumerate(column.example, start=2):
            cell = sheet.cell(row=r, column=i, value=_safe(value))
            if column.kind == CODE:
                cell.number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(_("Instructions")[:31], 1)
    notes.append([_("Column"), _("Required"), _("Type"), _("Choices"), _("Notes")])
    for cell in notes[1]:
        cell.font = bold
    for column in spec.columns:
        notes.append(
            [
                str(column.label),
                _("Yes") if column.required else "",
                str(TYPE_LABELS[column.kind]),
                ", ".join(str(label) for _v, label in column.choice_pairs()[:50]),
                str(column.help),
            ]
        )
    notes.append([])
    for line in (
        _("The first row holds the column names; columns may come in any order."),
        _("Every row is checked first; nothing is imported until you confirm the preview."),
        _("The example rows are only examples: replace them with your own."),
        *(str(n) for n in spec.notes),
    ):
        notes.append([line])
    for letter, width in zip("ABCDE", (18, 8, 30, 40, 60), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def errors_copy(batch: ImportBatch) -> bytes:
    """The uploaded rows again, each with its problems in an added 错误 column (rows without a
    problem keep an empty cell), so the user fixes the file and uploads it again."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    table = spreadsheets.read_sheet(bytes(batch.data))
    by_row: dict[int, list[str]] = {}
    for p in batch.problems:
        text = f"{p['column']}: {p['message']}" if p.get("column") else p["message"]
        by_row.setdefault(int(p["row"]), []).append(text)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    red = PatternFill("solid", fgColor="FCE4E4")
    from openpyxl.cell import WriteOnlyCell

    width = max((len(r) for r in table), default=0)
    for number, raw in enumerate(table or [[]], start=1):
        row = [WriteOnlyCell(sheet, value=_safe(v)) for v in raw] + [
            WriteOnlyCell(sheet, value=None) for _ in range(width - len(raw))
        ]
        if number == 1:
            note = WriteOnlyCell(sheet, value=_("Errors"))
            note.font = Font(bold=True)
        else:
            note = WriteOnlyCell(sheet, value="; ".join(by_row.get(number, [])) or None)
            if number in by_row:
                note.fill = red
        sheet.append([*row, note])
    for number in sorted(n for n in by_row if n > len(table)):
        sheet.append([None] * width + ["; ".join(by_row[number])])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
