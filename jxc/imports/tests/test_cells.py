"""What people type: dates, amounts and codes as a 管家婆 export or a hand-typed sheet has
them (jxc.core.cells, pure)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jxc.core import cells


@pytest.mark.parametrize(
    "typed",
    [
        "2026/1/5",
        "2026-01-05",
        "2026年1月5日",
        "2026.1.5",
        "20260105",
        "２０２６－０１－０５",
        "2026-01-05 00:00:00",
        46027,
        46027.0,
        "46027",
        dt.date(2026, 1, 5),
        dt.datetime(2026, 1, 5, 10, 30),
    ],
)
def test_dates_as_people_type_them(typed):
    assert cells.date(typed) == dt.date(2026, 1, 5)


@pytest.mark.parametrize("typed", ["2026-13-01", "2026/2/30", "yesterday", "0", -3, True])
def test_not_dates(typed):
    with pytest.raises(ValueError):
        cells.date(typed)


def test_empty_cells_are_none():
    assert cells.date(None) is None and cells.date("  ") is None
    assert cells.decimal(None) is None and cells.decimal("") is None


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1,234.50", D("1234.50")),
        ("￥1234.5", D("1234.5")),
        ("¥ 1,234", D("1234")),
        ("１２３４．５", D("1234.5")),
        ("1234.5元", D("1234.5")),
        ("(3.00)", D("-3.00")),
        ("-7", D("-7")),
        (2.5, D("2.5")),
        (0.1, D("0.1")),
        (12, D("12")),
    ],
)
def test_amounts_as_people_type_them(typed, value):
    assert cells.decimal(typed) == value


@pytest.mark.parametrize("typed", ["1,2", "12,34.5", "abc", "NaN", "Infinity", True, "1.2.3"])
def test_not_amounts(typed):
    with pytest.raises(ValueError):
        cells.decimal(typed)


def test_codes_keep_leading_zeros_and_lose_float_tails():
    assert cells.code("000123") == "000123"
    assert cells.code("０００１２３") == "000123"
    assert cells.code(6900000000011.0) == "6900000000011"
    assert cells.code(" A-01 ") == "A-01"


def test_whole_numbers():
    assert cells.integer("30") == 30 and cells.integer(30.0) == 30
    with pytest.raises(ValueError):
        cells.integer("30.5")


def test_yes_and_no():
    assert cells.boolean("是", yes={"是"}, no={"否"}) is True
    assert cells.boolean("否", yes={"是"}, no={"否"}) is False
    assert cells.boolean("on", yes=set(), no=set()) is True
    with pytest.raises(ValueError):
        cells.boolean("maybe", yes={"是"}, no={"否"})


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9
    )
)
def test_any_amount_written_with_grouping_reads_back(value):
    assert cells.decimal(f"{value:,}") == value
    assert cells.decimal(f"￥{value}") == value


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_any_date_reads_back_in_every_form(day):
    assert cells.date(f"{day.year}/{day.month}/{day.day}") == day
    assert cells.date(f"{day.year}年{day.month}月{day.day}日") == day
    assert cells.date((day - dt.date(1899, 12, 30)).days) == day
