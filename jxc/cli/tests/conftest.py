"""Local fixtures for this folder (the root conftest may provide more)."""

import pytest


@pytest.fixture
def md_owner(db):
    from jxc.core.accounts import create_user, ensure_default_roles

    ensure_default_roles()
    return create_user(
        username="md-boss", password="jxc-test-2026", roles=["owner"], is_superuser=True
    )
