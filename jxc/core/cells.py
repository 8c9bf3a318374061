"""What people type into spreadsheet cells, as exact values (pure; no database).

A 管家婆 or 精斗云 export, or a sheet typed by hand, says the same thing many ways: dates as
2026/1/5, 2026-01-05, 2026年1月5日, 20260105 or an Excel serial number (46027); amounts as
1,234.50, ￥1234.5 or in full-width digits (１２３４); codes as numbers that must keep their
leading zeros. Every reader here returns ``None`` for an empty cell and raises ``ValueError``
for a cell it cannot read; numbers are ``Decimal`` (never float).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

# Full-width forms (what a Chinese input method types) → ASCII. U+FF01..U+FF5E map onto
# U+0021..U+007E; U+3000 is the ideographic space, U+FFE5 the full-width yen sign.
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xFFE5: 0xA5}
# Currency marks and the words around an amount: ￥ (full-width yen, turned into ¥ above),
# ¥, $, RMB, CNY and 元 (U+5143).
_CURRENCY = re.compile(r"^(?:rmb|cny|[¥$])\s*|\s*(?:\u5143|rmb|cny)$", re.IGNORECASE)
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
# 2026年1月5日 (U+5E74 年, U+6708 月, U+65E5 日), 2026-01-05, 2026/1/5, 2026.1.5, an optional
# time after it (2026-01-05 00:00:00, what a date cell exported as text looks like).
_DATE = re.compile(
    r"^(\d{4})\s*[-/.\u5e74]\s*(\d{1,2})\s*[-/.\u6708]\s*(\d{1,2})\s*\u65e5?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel's day 0 in the 1900 date system is 1899-12-30 (it counts the 29 February 1900 that
# never was, so serials from 61 on are off by one from 1899-12-31: this origin absorbs that).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2_958_465  # 9999-12-31


def normalise(value: Any) -> str:
    """A cell as text: full-width forms made ASCII, surrounding spaces gone."""
    if value is None:
        return ""
    return str(value).translate(_FULL_WIDTH).strip()


def text(value: Any) -> str:
    """A name or memo as typed (a number typed into it reads 12345, not 12345.0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def code(value: Any) -> str:
    """A code or barcode: text, with full-width digits and letters made ASCII. A code typed
    as text keeps its leading zeros; one Excel already stored as a number has lost them
    (the templates format code columns as text so that it does not happen)."""
    return normalise(text(value))


def decimal(value: Any) -> Decimal | None:
    """1,234.50 · ￥1234.5 · １２３４ · -3 · (3.00) → an exact Decimal; None when empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        result = Decimal(repr(value))
    else:
        raw = normalise(value)
        if not raw:
            return None
        negative = raw.startswith("(") and raw.endswith(")")
        if negative:
            raw = raw[1:-1].strip()
        raw = _CURRENCY.sub("", raw).strip()
        if "," in raw:
            if not _GROUPED.match(raw):
                raise ValueError(value)
            raw = raw.replace(",", "")
        try:
            result = Decimal(raw)
        except InvalidOperation as exc:
            raise ValueError(value) from exc
        if negative:
            result = -result
    if not result.is_finite():
        raise ValueError(value)
    return result


def integer(value: Any) -> int | None:
    """A whole number (days, a count); 30.0 is 30, 30.5 is an error."""
    number = decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _serial(number: Decimal) -> dt.date:
    if number < 1 or number > _MAX_SERIAL:
        raise ValueError(number)
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


def date(value: Any) -> dt.date | None:
    """A date cell, an Excel serial number, or the ways a date is typed; None when empty."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return _serial(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
    raw = normalise(value)
    if not raw:
        return None
    m = _DATE.match(raw) or _COMPACT_DATE.match(raw)
    if m is not None:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if raw.isdigit() and len(raw) <= 7:
        return _serial(Decimal(raw))
    raise ValueError(value)


def boolean(value: Any, *, yes: set[str], no: set[str]) -> bool | None:
    """是/否, Y/N, true/false, 1/0 (``yes``/``no``: the words of the user's language too)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    raw = normalise(text(value)).lower()
    if not raw:
        return None
    if raw in {w.lower() for w in yes} | {"y", "yes", "true", "1", "on"}:
        return True
    if raw in {w.lower() for w in no} | {"n", "no", "false", "0"}:
        return False
    raise ValueError(value)
