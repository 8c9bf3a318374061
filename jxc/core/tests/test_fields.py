"""``fits``: what a decimal column can store exactly (QA: ``1e400`` as a purchase price and a
20-digit retail price were 500 errors instead of field errors)."""

from decimal import Decimal

import pytest

from jxc.core.fields import MONEY_PLACES, QTY_PLACES, UNIT_COST_PLACES, fits


@pytest.mark.parametrize(
    ("value", "places", "ok"),
    [
        ("1.5", MONEY_PLACES, True),
        ("1.505", MONEY_PLACES, False),  # would be cut
        ("0.0000000001", UNIT_COST_PLACES, True),
        ("0.00000000001", UNIT_COST_PLACES, False),
        ("999999999.999999", QTY_PLACES, True),  # 9 + 6 digits: the bound (docs/ledger.md)
        ("1000000000", QTY_PLACES, False),  # 10 whole digits
        ("12345678901234", QTY_PLACES, False),  # a barcode in the quantity box
        ("9999999999999.99", MONEY_PLACES, True),
        ("10000000000000", MONEY_PLACES, False),
        ("123456.789012345", UNIT_COST_PLACES, True),  # 15 significant digits
        ("123456.7890123457", UNIT_COST_PLACES, False),  # 16: not exact on SQLite
        ("123456789012345678", UNIT_COST_PLACES, False),  # quantizes, but not into 24 digits
        ("1e400", UNIT_COST_PLACES, False),  # the decimal context cannot quantize it
        ("-1e400", QTY_PLACES, False),
        ("1E+2", MONEY_PLACES, True),
        ("NaN", MONEY_PLACES, False),
        ("Infinity", QTY_PLACES, False),
        ("-0.5", QTY_PLACES, True),
    ],
)
def test_fits(value, places, ok):
    assert fits(Decimal(value), places) is ok
