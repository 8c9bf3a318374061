"""Fixtures of the business stories: ``kit``, a LedgerKit (jxc.inventory.testing) acting as
the owner, the same one the inventory tests use."""

import pytest


@pytest.fixture
def kit(owner):
    from jxc.inventory.testing import LedgerKit

    return LedgerKit(user=owner)
