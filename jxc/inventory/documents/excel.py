"""Reading the spreadsheets the warehouse documents import (python-calamine): rows as
plain values, numbers as exact decimals (never float), codes as text, headers matched in
English or in the user's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from jxc.core import spreadsheets
from jxc.core.errors import ValidationFailed


def read_rows(file: BinaryIO | bytes) -> list[list[Any]]:
    """The first sheet's rows (.xlsx, .xls, .ods); a file too big, a zip bomb or a sheet
    beyond the import limits is refused first (422 ``spreadsheet_refused``)."""
    import io

    from python_calamine import CalamineError, CalamineWorkbook

    data = file if isinstance(file, bytes) else file.read()
    # Measured before any reader allocates what the file claims (jxc.core.spreadsheets).
    spreadsheets.check_spreadsheet(data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        spreadsheets.check_extent(sheet.total_height, sheet.total_width)
        return [list(r) for r in sheet.to_python(skip_empty_area=False)]
    except (CalamineError, ValueError, OSError) as exc:
        raise ValidationFailed(
            {"file": [str(_("This is not a spreadsheet jxc can read (.xlsx, .xls, .ods)."))]}
        ) from exc


def _norm(text: Any) -> str:
    return "".join(str(text or "").split()).lower().rstrip("*")


def header_map(header: Iterable[Any], columns: Mapping[str, Any]) -> dict[str, int]:
    """Column name → index, for headers written in English or in the active language
    (``columns`` maps our names to their lazy labels)."""
    labels: dict[str, str] = {}
    current: str = translation.get_language() or "zh-hans"
    for name, label in columns.items():
        labels[_norm(name)] = name
        for lang in ("en", "zh-hans", current):
            with translation.override(lang):
                labels[_norm(str(label))] = name
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        hit = labels.get(_norm(cell))
        if hit is not None and hit not in found:
            found[hit] = i
    return found


def text(value: Any) -> str:
    """A code or number typed in a cell, as text (12345 stays "12345", not "12345.0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def number(value: Any) -> Decimal | None:
    """A cell as an exact decimal; None when empty. Raises ValueError when not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        if isinstance(value, float):
            result = Decimal(repr(value))
        else:
            result = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not result.is_finite():
        raise ValueError(value)
    return result


def date(value: Any) -> dt.date | None:
    """A cell as a date (a date cell, or text 2026-11-20); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip().replace("/", "-"))
