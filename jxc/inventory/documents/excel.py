"""Reading the spreadsheets the warehouse documents import (python-calamine): rows as
plain values, numbers as exact decimals (never float), codes as text, headers matched in
English or in the user's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, BinaryIO

from django.utils import translation

from jxc.core import cells, spreadsheets


def read_rows(file: BinaryIO | bytes) -> list[list[Any]]:
    """The first sheet's rows (.xlsx, .xls, .ods); a file too big, a zip bomb, unsafe XML or
    a sheet beyond the import limits is refused first (422 ``spreadsheet_refused``)."""
    data = file if isinstance(file, bytes) else file.read()
    return spreadsheets.read_sheet(data)


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


# The cell readers of every import (jxc.core.cells): 2026/1/5, 2026年1月5日, Excel serial
# dates; 1,234.50, ￥1234.5, full-width digits; codes kept as text.
text = cells.code
number = cells.decimal
date = cells.date
