"""大写金额: the capital numerals of Chinese financial papers, rule by rule (支付结算办法),
and properties over any amount the money fields hold."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jxc.core.printing.money_words import DIGITS, amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零元整"),
        ("0.5", "伍角整"),
        ("0.05", "伍分"),
        ("0.55", "伍角伍分"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("11", "壹拾壹元整"),
        ("110", "壹佰壹拾元整"),
        ("1010", "壹仟零壹拾元整"),
        ("1000", "壹仟元整"),
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("100.05", "壹佰元零伍分"),  # 角 zero, 分 not: 零 after 元 (required)
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),  # the 支付结算办法's own example
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("107000.53", "壹拾万柒仟元伍角叁分"),
        ("2.10", "贰元壹角整"),
        ("10000", "壹万元整"),
        ("100500", "壹拾万零伍佰元整"),
        ("1501000", "壹佰伍拾万壹仟元整"),
        ("100000001", "壹亿零壹元整"),
        ("1000000000000", "壹万亿元整"),
        ("-3", "负叁元整"),
        ("0.005", "壹分"),  # half up to the 分 first
        ("0.004", "零元整"),
        ("9999999999999.99", "玖万亿玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_an_amount_beyond_the_money_bounds_is_refused():
    with pytest.raises(ValueError):
        amount_in_words(Decimal(10) ** 16)


def _digits_back(words: str) -> int:
    """The non-zero digits the words name, in order, as a number: a check that no digit is
    lost or invented (the places are checked by the table above)."""
    return int("".join(str(DIGITS.index(c)) for c in words if c in DIGITS[1:]) or 0)


@given(st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2))
def test_every_non_zero_digit_is_spelt_once_and_in_order(amount):
    words = amount_in_words(amount)
    digits = int("".join(c for c in f"{amount:.2f}".replace(".", "") if c != "0") or 0)
    assert _digits_back(words) == digits
    assert ("零零" not in words and not words.startswith("零")) or words == "零元整"
    assert words.endswith(("整", "分"))
