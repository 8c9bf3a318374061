"""助记码: pinyin initials, so `kkkl` finds 可口可乐."""

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
