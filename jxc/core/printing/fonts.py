"""The CJK font a PDF is set in, found on this machine and embedded (subset) in every PDF.

ReportLab embeds TrueType outlines only, so the candidates are TrueType fonts (WenQuanYi Micro
Hei, which ``scripts/ensure-system-deps.sh`` installs as ``fonts-wqy-microhei``, then Zen Hei,
Droid Sans Fallback, AR PL UMing); ``JXC_PDF_FONT`` names another (``/path/font.ttc`` or
``/path/font.ttc#1`` for a face of a collection). A machine without any (a bare Debian) has
no PDF print: :func:`cjk_font` answers ``None`` and the screens fall back to the HTML print.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading

FONT_NAME = "JxcCJK"

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)

_lock = threading.Lock()
_found: dict[str, str | None] = {}


def _fc_match() -> list[str]:
    """What fontconfig proposes for Chinese (TrueType files only), when it is installed."""
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = [line.split(":")[0].strip() for line in out.splitlines()]
    return sorted(f for f in files if f.lower().endswith((".ttf", ".ttc")))


def _candidates() -> list[str]:
    named = os.environ.get("JXC_PDF_FONT", "").strip()
    return [*([named] if named else []), *CANDIDATES, *_fc_match()]


def _register(spec: str) -> bool:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path, _sep, index = spec.partition("#")
    if not os.path.isfile(path):
        return False
    try:
        pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=int(index or 0)))
    except Exception:  # not TrueType outlines, damaged, unreadable: try the next one
        return False
    return True


def cjk_font() -> str | None:
    """The registered font's name, registering the first usable candidate once per process;
    ``None`` when this machine has no CJK TrueType font."""
    with _lock:
        if "font" not in _found:
            _found["font"] = None
            for spec in _candidates():
                if _register(spec):
                    _found["font"] = FONT_NAME
                    _found["path"] = spec
                    break
        return _found["font"]


def font_path() -> str | None:
    """Which file the PDFs are set in (for the README and the system check)."""
    cjk_font()
    return _found.get("path")


def forget() -> None:
    """Look again on the next call (tests that take the font away)."""
    with _lock:
        _found.clear()
