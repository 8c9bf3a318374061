"""The shared arithmetic (jxc.core.numbers): one rounding for money, unit costs and the
whole numbers the reports add in the database."""

from decimal import Decimal as D

from jxc.core import numbers as n


def test_round_money_is_half_up():
    assert n.round_money(D("0.005")) == D("0.01")
    assert n.round_money(D("0.0049999")) == D("0.00")
    assert n.round_money(D("-0.005")) == D("-0.01")
    assert n.round_money(D("2.675")) == D("2.68")  # float would say 2.67


def test_unit_cost_ten_places_and_fifteen_digits():
    assert n.round_unit_cost(D(1) / D(3)) == D("0.3333333333")
    assert n.round_unit_cost(D("123456.12345678905")) == D("123456.123456789")
    assert n.unit_cost_of(D("100"), D("3")) == D("33.3333333333")
    assert n.unit_cost_of(D("100"), D(0)) == 0


def test_value_of_multiplies_exactly_before_rounding_once():
    """A quantity of 15 significant digits × a unit cost of 15 has 30 digits: at Python's
    default 28-digit context the product itself is rounded first (double rounding).
    999999999.999997 × 11666.666666667 = 11666666666666.964999999999990 (exact) → …96, where
    the 28-digit product …965000 would round to …97."""
    q, c = D("999999999.999997"), D("11666.666666667")
    assert n.value_of(q, c) == D("11666666666666.96")
    assert (q * c).quantize(D("0.01"), rounding="ROUND_HALF_UP") == D("11666666666666.97")
    assert n.value_of(D("0.004"), D("17.82")) == D("0.07")


def test_share_of_telescopes_to_the_whole():
    total, whole = D("100.00"), D("3")
    parts = [n.share_of(total, D(i), whole) - n.share_of(total, D(i - 1), whole) for i in (1, 2, 3)]
    assert parts == [D("33.33"), D("33.34"), D("33.33")]
    assert sum(parts) == total


def test_whole_numbers_from_the_database():
    assert n.money_from_cents(1234) == D("12.34")
    assert n.money_from_cents(-5) == D("-0.05")
    assert n.qty_from_units(1_500_000) == D("1.5")
    assert n.cents_at(1_000_000, D("3.3333333333")) == 333  # 1 × 3.33…
    assert n.cents_at(3_000_000, D("1.005")) == 302  # 3.015 → 3.02, half up


def test_integer_valuation_is_value_of():
    """The reports value tens of thousands of rows in whole numbers; it is value_of exactly,
    ties half up away from zero included."""
    import random

    rnd = random.Random(5)
    cases = [(D("3"), D("1.005")), (D("-3"), D("1.005")), (D("0.004"), D("17.82"))]
    cases += [(D("2.5"), D("0.001")), (D("-2.5"), D("0.001")), (D(0), D("7"))]
    for _ in range(2000):
        q = D(rnd.randint(-(10**12), 10**12)).scaleb(-6)
        c = D(rnd.randint(0, 10**13)).scaleb(-10)
        cases.append((q, c))
    for q, c in cases:
        cents = n.cents_at_units(int(q.scaleb(6)), n.rate_units(c))
        assert n.money_from_cents(cents) == n.value_of(q, c), (q, c)
