"""条码 rules (pure): the EAN-13 check digit, whether a code is a valid EAN-13, and the
internal EAN-13 a SKU gets when it has no manufacturer's barcode.

Internal codes use the GS1 "restricted circulation" range (first digits 20–29: in-store use,
never printed by a manufacturer), so they cannot collide with a real product's barcode. The
prefix is ``settings.JXC_INTERNAL_BARCODE_PREFIX`` (default ``200``, 2–7 digits starting with
2), followed by a number and the check digit.
"""

from __future__ import annotations

import re

DEFAULT_INTERNAL_PREFIX = "200"
_PREFIX = re.compile(r"^2\d{1,6}$")


def ean13_check_digit(body: str) -> str:
    """The 13th digit of an EAN-13 whose first twelve digits are ``body``."""
    if len(body) != 12 or not body.isascii() or not body.isdigit():
        raise ValueError("an EAN-13 body is 12 digits")
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return str((10 - total % 10) % 10)


def is_ean13(code: str) -> bool:
    """Thirteen ASCII digits whose last is the check digit of the first twelve."""
    return (
        len(code) == 13
        and code.isascii()
        and code.isdigit()
        and ean13_check_digit(code[:12]) == code[12]
    )


def internal_prefix(value: str | None) -> str:
    """The configured prefix, or the default when it is not 2–7 digits starting with 2."""
    value = (value or "").strip()
    return value if _PREFIX.match(value) else DEFAULT_INTERNAL_PREFIX


def internal_ean13(prefix: str, number: int) -> str:
    """``prefix`` + ``number`` zero-padded to twelve digits + the check digit."""
    room = 12 - len(prefix)
    if number < 0 or number >= 10**room:
        raise ValueError(f"{number} does not fit after the prefix {prefix}")
    body = f"{prefix}{number:0{room}d}"
    return body + ean13_check_digit(body)
