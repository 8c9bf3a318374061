"""Does a document need someone else's approval before it is posted?

One question, one place: the document form's "保存并过账" asks it before offering the button
and again before taking the steps. No approval rules exist yet, so nothing needs approval;
[Approvals] answers it from its rules (amount, discount, margin, credit …, see
ARCHITECTURE.md §6) without the screens changing.
"""

from __future__ import annotations

from typing import Any


def needs_approval(kind: str, document: Any = None) -> bool:
    """True when a rule asks for an approval of this document type (of this document, once
    it exists). No rules yet: False."""
    return False
