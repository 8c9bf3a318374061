"""Text helpers shared by every context: 助记码 (pinyin initials)."""

import re

from pypinyin import Style, lazy_pinyin

_KEEP = re.compile(r"[0-9a-z]")


def pinyin_initials(text: str, *, max_length: int = 40) -> str:
    """助记码: the first letter of each character's pinyin, letters and digits kept as they are.

    ``可口可乐 330ml`` → ``kkkl330ml``.
    """
    parts = lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors="default")
    letters = "".join(parts).lower()
    return "".join(ch for ch in letters if _KEEP.match(ch))[:max_length]
