"""A priced line's money (jxc.core.documents.pricing, pure): amounts with VAT entered 含税 or
不含税 to the 分 (half up, rounded once from the exact figure), totals, prices turned between
含税 and 不含税 — the one arithmetic of sales and purchasing."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jxc.core.documents import pricing

D = Decimal


def test_line_amounts_without_tax():
    a = pricing.line_amounts(qty=D(3), price=D("10.00"), tax_rate=D(13), includes_tax=False)
    assert (a.net, a.tax, a.gross, a.unit_cost) == (D("30.00"), D("3.90"), D("33.90"), D(10))


def test_line_amounts_with_tax_and_discount_in_boxes():
    a = pricing.line_amounts(
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
    a = pricing.line_amounts(qty=D(1), price=D("0.125"), tax_rate=D(13), includes_tax=False)
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
        pricing.line_amounts(qty=q, price=p, tax_rate=r, discount_rate=d, includes_tax=False)
        for q, p, r, d in lines
    ]
    incl = [
        pricing.line_amounts(
            qty=q, price=pricing.with_tax(p, r), tax_rate=r, discount_rate=d, includes_tax=True
        )
        for q, p, r, d in lines
    ]
    assert [(a.net, a.tax, a.gross) for a in excl] == [(a.net, a.tax, a.gross) for a in incl]
    assert pricing.totals(excl) == pricing.totals(incl)
    t = pricing.totals(excl)
    assert t.net + t.tax == t.gross
    assert all(a.net == a.net.quantize(D("0.01")) for a in excl)


def test_price_with_and_without_tax_round_trip():
    assert pricing.with_tax(D("10"), D(13)) == D("11.3")
    assert pricing.without_tax(D("11.3"), D(13)) == D(10)


def test_price_entered_with_tax_rounds_net_once_and_tax_is_the_rest():
    # 1 × 1.00 含税 at 13 %: net 0.884955… → 0.88, VAT 0.12, gross 1.00 as typed
    a = pricing.line_amounts(qty=D(1), price=D("1.00"), tax_rate=D(13), includes_tax=True)
    assert (a.gross, a.net, a.tax) == (D("1.00"), D("0.88"), D("0.12"))


def test_half_a_fen_rounds_up_on_either_side():
    # 不含税 0.005 → 0.01; 含税 side: 0.005 × 1.00 (0 %) → 0.01 too, never banker's rounding
    excl = pricing.line_amounts(qty=D(1), price=D("0.005"), tax_rate=D(0), includes_tax=False)
    incl = pricing.line_amounts(qty=D(1), price=D("0.025"), tax_rate=D(0), includes_tax=True)
    assert (excl.net, excl.gross) == (D("0.01"), D("0.01"))
    assert (incl.net, incl.gross) == (D("0.03"), D("0.03"))


def test_discount_is_taken_before_rounding():
    # 3 × 3.33 × 0.85 = 8.4915 → 8.49 net; × 1.06 = 9.00099 → 9.00
    a = pricing.line_amounts(
        qty=D(3), price=D("3.33"), tax_rate=D(6), discount_rate=D(15), includes_tax=False
    )
    assert (a.net, a.tax, a.gross) == (D("8.49"), D("0.51"), D("9.00"))


def test_a_line_of_no_quantity_costs_nothing_per_unit():
    a = pricing.line_amounts(qty=D(0), price=D("9.99"), tax_rate=D(13), includes_tax=True)
    assert (a.net, a.tax, a.gross, a.unit_cost) == (D(0), D(0), D(0), D(0))


def test_totals_add_the_rounded_lines_and_never_round_again():
    lines = [
        pricing.line_amounts(qty=D(1), price=D("0.125"), tax_rate=D(13), includes_tax=False)
        for _ in range(3)
    ]
    t = pricing.totals(lines)
    assert (t.net, t.tax, t.gross) == (D("0.39"), D("0.03"), D("0.42"))


@pytest.mark.parametrize(
    "given_with_tax, includes_tax, price",
    [
        (True, True, D("11.3")),
        (False, False, D("11.3")),
        (True, False, D(10)),
        (False, True, D("12.769")),
    ],
)
def test_a_found_price_as_the_document_enters_prices(given_with_tax, includes_tax, price):
    assert (
        pricing.as_entered(
            D("11.3"), given_with_tax=given_with_tax, includes_tax=includes_tax, rate=D(13)
        )
        == price
    )
