"""Figures a user may not see are kept when that user saves a draft (pure: no database).

A user without ``cost.view`` edits a draft whose lines another user gave a unit cost: the grid
and the API do not show it, so the lines come back without it. Saving must not wipe it: each
line entered takes the hidden figures of the saved line it stands for — the saved line at its
position when it is of the same SKU, else the first saved line of its SKU not yet taken (a row
removed above it, rows reordered). A line with no saved line of its SKU left is a new line:
it keeps what it has (none). Figures the user did enter are never replaced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from jxc.core.documents.lines import LineInput


def keep_hidden(
    lines: Sequence[LineInput],
    saved: Sequence[Mapping[str, Any]],
    attrs: Sequence[str],
) -> list[LineInput]:
    """``lines`` as entered, each hidden attribute (``attrs``, e.g. ``price``) left empty
    taken from the saved line it stands for. ``saved``: the draft's lines in order, each
    ``{"sku": id, attr: value …}``."""
    if not attrs or not saved:
        return list(lines)
    taken = [False] * len(saved)

    def claim(i: int, sku: int) -> int | None:
        if i < len(saved) and not taken[i] and saved[i]["sku"] == sku:
            return i
        return next(
            (j for j, s in enumerate(saved) if not taken[j] and s["sku"] == sku),
            None,
        )

    out: list[LineInput] = []
    for i, line in enumerate(lines):
        j = claim(i, line.sku)
        if j is None:
            out.append(line)
            continue
        taken[j] = True
        kept = {a: saved[j][a] for a in attrs if getattr(line, a) is None}
        out.append(replace(line, **kept) if kept else line)
    return out
