"""Text helpers shared by every context: 助记码 (pinyin initials)."""

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import RE_HANS
from pypinyin.seg.simpleseg import simple_seg

_KEEP = re.compile(r"[0-9a-z]")


@lru_cache(maxsize=16_384)
def _han_initials(run: str) -> str:
    """The initials of one run of Chinese characters (pypinyin segments and converts each
    run on its own, so a run's result does not depend on what is around it)."""
    return "".join(lazy_pinyin(run, style=Style.FIRST_LETTER, errors="default"))


def pinyin_initials(text: str, *, max_length: int = 40) -> str:
    """助记码: the first letter of each character's pinyin, letters and digits kept as they are.

    ``可口可乐 330ml`` → ``kkkl330ml``. The same as ``lazy_pinyin`` of the whole text; its runs
    of Chinese characters are remembered (the products of an import share most of them:
    可口可乐 330ml, 可口可乐 500ml; T恤 红 M, T恤 红 L), which makes 10,000 names cheap.
    """
    parts = simple_seg(text or "")
    letters = "".join(_han_initials(p) if RE_HANS.match(p) else p for p in parts).lower()
    return "".join(ch for ch in letters if _KEEP.match(ch))[:max_length]
