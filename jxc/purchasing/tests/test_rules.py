"""采购 rules (pure): line amounts with VAT entered 含税 or 不含税, totals, MOQ / pack rounding."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jxc.purchasing import rules

D = Decimal


def test_line_amounts_without_tax():
    a = rules.line_amounts(qty=D(3), price=D("10.00"), tax_rate=D(13), includes_tax=False)
    assert (a.net, a.tax, a.gross, a.unit_cost) == (D("30.00"), D("3.90"), D("33.90"), D(10))


def test_line_amounts_with_tax_and_discount_in_boxes():
    a = rules.line_amounts(
        qty=D(2),
        price=D("113"),
        tax_rate=D(13),
        discount_rate=D(10),
        includes_tax=True,
        factor=D(12),
    )
    # 2 × 113 × 0.9 = 203.40 with VAT; ÷ 1.13 = 180.00 net; 180 / 24 per 个
    assert (a.gross, a.net, a.tax, a.unit_cost) == (D("203.40"), D("180.00"), D("23.40"), D("7.5"))


def test_half_cent_rounds_up_and_tax_is_the_difference():
    a = rules.line_amounts(qty=D(1), price=D("0.125"), tax_rate=D(13), includes_tax=False)
    assert (a.net, a.gross, a.tax) == (D("0.13"), D("0.14"), D("0.01"))
    assert a.net + a.tax == a.gross


RATES = st.sampled_from([D(0), D(1), D(3), D(5), D(6), D(9), D(13), D("16.5")])


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    lines=st.lists(
        st.tuples(
            st.decimals(min_value="0.001", max_value=10_000, places=3),
            st.decimals(min_value="0.0001", max_value=100_000, places=4),
            RATES,
            st.sampled_from([D(0), D(5), D("12.5"), D(50)]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_tax_inclusive_and_exclusive_entry_give_the_same_totals(lines):
    """The same order typed 不含税 and typed 含税 (each price × (1 + rate)): the same net, VAT
    and total to the 分, per line and in all, on mixed rates."""
    excl = [
        rules.line_amounts(qty=q, price=p, tax_rate=r, discount_rate=d, includes_tax=False)
        for q, p, r, d in lines
    ]
    incl = [
        rules.line_amounts(
            qty=q, price=rules.price_with_tax(p, r), tax_rate=r, discount_rate=d, includes_tax=True
        )
        for q, p, r, d in lines
    ]
    assert [(a.net, a.tax, a.gross) for a in excl] == [(a.net, a.tax, a.gross) for a in incl]
    assert rules.order_totals(excl) == rules.order_totals(incl)
    t = rules.order_totals(excl)
    assert t.net + t.tax == t.gross
    assert all(a.net == a.net.quantize(D("0.01")) for a in excl)


def test_price_with_and_without_tax_round_trip():
    assert rules.price_with_tax(D("10"), D(13)) == D("11.3")
    assert rules.price_without_tax(D("11.3"), D(13)) == D(10)


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
