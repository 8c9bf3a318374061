"""Cross-context tests (scenarios, browser, invariants). Shared fixtures: ../conftest.py."""

from pathlib import Path

import pytest

_BROWSER_DIR = Path(__file__).parent / "browser"


def pytest_collection_modifyitems(config, items):
    # Everything under tests/browser/ drives Chromium: mark it so `-m "not browser"` (the
    # PostgreSQL pass of `make test`) leaves it out even if a test forgets the marker.
    for item in items:
        if _BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
