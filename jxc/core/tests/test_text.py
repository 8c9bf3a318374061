"""助记码: pinyin initials, so `kkkl` finds 可口可乐."""

from hypothesis import given
from hypothesis import strategies as st

from jxc.core.text import pinyin_initials


def test_pinyin_initials_of_chinese_names():
    assert pinyin_initials("可口可乐") == "kkkl"
    assert pinyin_initials("晨光中性笔") == "cgzxb"


def test_letters_and_digits_are_kept_lowercased():
    assert pinyin_initials("可口可乐 330ml") == "kkkl330ml"
    assert pinyin_initials("A4 复印纸") == "a4fyz"


def test_punctuation_and_empty_input():
    assert pinyin_initials("（大）-号/袋") == "dhd"
    assert pinyin_initials("") == ""
    assert pinyin_initials(None) == ""  # type: ignore[arg-type]


def test_length_is_capped():
    assert pinyin_initials("可口可乐" * 20, max_length=10) == "kkklkkklkk"


_MIXED = st.text(
    alphabet=st.sampled_from(list("可口可乐重庆银行长大了行李T恤红绿 0123abcXYZ-（）ml〇𠀀")),
    max_size=30,
)


@given(_MIXED)
def test_pinyin_initials_by_run_are_those_of_the_whole_text(text):
    """The initials remembered per run of Chinese characters are exactly pypinyin's for the
    whole text (polyphonic characters such as 重 and 行 read by their phrase)."""
    import re

    from pypinyin import Style, lazy_pinyin

    whole = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()
    assert pinyin_initials(text) == "".join(re.findall(r"[0-9a-z]", whole))[:40]
