"""Production lines per document type: non-blank, non-comment Python lines (docstrings count)
of the modules a type is made of, tests, templates and migrations excluded. Types sharing
modules (借出单 / 借入单) share the count evenly.

    .venv/bin/python scripts/document_lines.py
"""

from __future__ import annotations

import io
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# group: (the types it declares, the modules they take)
GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "loans": (
        ("借出单", "借入单"),
        (
            "jxc/loans/__init__.py",
            "jxc/loans/apps.py",
            "jxc/loans/choices.py",
            "jxc/loans/models.py",
            "jxc/loans/rules.py",
            "jxc/loans/services.py",
            "jxc/loans/selectors.py",
            "jxc/loans/filters.py",
            "jxc/api/loans.py",
            "jxc/web/views/loans.py",
        ),
    ),
}

SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}


def code_lines(path: Path) -> int:
    """The lines holding a token other than a comment (a docstring counts)."""
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if tok.type not in SKIP and tok.type != tokenize.ENDMARKER:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return len(lines)


def main() -> int:
    for group, (types, files) in GROUPS.items():
        missing = [f for f in files if not (ROOT / f).exists()]
        total = sum(code_lines(ROOT / f) for f in files if f not in missing)
        print(f"{group}: {total} lines for {len(types)} types = {total / len(types):.0f} per type")
        for f in files:
            if f not in missing:
                print(f"    {code_lines(ROOT / f):5d}  {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
