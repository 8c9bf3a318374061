"""Fixtures of the inventory tests. ``kit``: a LedgerKit (jxc.inventory.testing) acting as
the owner; ``pg_threads``: PostgreSQL/SQLite thread tests use transaction=True tests."""

import pytest


@pytest.fixture
def kit(owner):
    from jxc.inventory.testing import LedgerKit

    return LedgerKit(user=owner)
