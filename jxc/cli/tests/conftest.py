"""Local fixtures for this folder (the root conftest may provide more)."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_company_cache():
    # The company row is cached; a rolled-back test must not leave a stale one behind.
    from jxc.core.selectors import clear_company_cache

    clear_company_cache()
    yield
    clear_company_cache()


@pytest.fixture
def md_owner(db):
    from jxc.core.services import create_user, ensure_default_roles

    ensure_default_roles()
    return create_user(
        username="md-boss", password="jxc-test-2026", roles=["owner"], is_superuser=True
    )
