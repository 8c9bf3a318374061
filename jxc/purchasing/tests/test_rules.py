"""采购 rules (pure): MOQ / pack rounding, returns, 费用分摊, 补货建议, 三单匹配 (a line's amounts
with VAT: jxc/core/tests/test_document_pricing.py)."""

from decimal import Decimal

import pytest

from jxc.purchasing import rules

D = Decimal


@pytest.mark.parametrize(
    "needed, moq, pack, qty",
    [
        (D(5), D(0), D(0), D(5)),
        (D(5), D(10), D(0), D(10)),
        (D(13), D(0), D(12), D(24)),
        (D(5), D(10), D(12), D(12)),
        (D(0), D(10), D(12), D(0)),
        (D("24"), D(0), D(12), D(24)),
    ],
)
def test_order_quantity_honours_moq_and_pack(needed, moq, pack, qty):
    assert rules.order_quantity(needed, moq=moq, pack=pack) == qty


def test_line_problems():
    assert rules.line_problems(price=None, tax_rate=D(13), discount_rate=D(0)) == {"price": "price"}
    assert rules.line_problems(price=D(0), tax_rate=D(101), discount_rate=D(100)) == {
        "price": "price",
        "tax_rate": "tax_rate",
        "discount_rate": "discount_rate",
    }
    assert rules.line_problems(price=D("0.01"), tax_rate=D(0), discount_rate=D("99.99")) == {}
