"""Who prints a document type: filled by the screens when the URLs load (each document screen
registers its printer), read by the API, which does not import the screens (the web and the
API are two independent edges, pyproject's import-linter contract)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# document type code → printer(request, pk, paper) -> PDF bytes
PRINTERS: dict[str, Callable[[Any, int, str], bytes]] = {}


def register(doc_type: str, printer: Callable[[Any, int, str], bytes]) -> None:
    PRINTERS[doc_type] = printer


def printer_for(doc_type: str) -> Callable[[Any, int, str], bytes] | None:
    return PRINTERS.get(doc_type)
