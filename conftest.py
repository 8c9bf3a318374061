"""Fixtures for every test in the project (pytest-django; settings: jxc.settings).

Users (made through ``jxc.core.accounts.create_user``, default roles ensured first):

    user_factory(roles=["purchaser"], **kw) -> User
        kw: username (default: unique "user-N"), password (default TEST_PASSWORD),
        first_name, is_superuser, created_by.
    owner          老板: role "owner" (every permission, including cost.view)
    sales_user     销售: role "sales" (no cost.view: cost fields are hidden from them)
    client_owner   django.test.Client already logged in as ``owner``
    client_for(user) -> Client logged in as any user (force_login: no axes throttling)

Other helpers:

    artifacts_dir  Path for files worth keeping after a run (browser screenshots …):
                   $JXC_TEST_ARTIFACTS or ./test-artifacts
    on_postgres    True when the tests run on PostgreSQL
    @pytest.mark.postgres_only  skips the test unless the database is PostgreSQL
                   (the PostgreSQL pass of `make test` runs it)

Database: SQLite tests run on a real file (one per xdist worker) with the production options
(WAL, IMMEDIATE transactions, busy timeout), so threaded tests behave as in production;
PostgreSQL gets one test database per xdist worker (pytest-django's suffix). Passwords are
hashed with a fast hasher in tests.
"""

import itertools
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.support import TEST_PASSWORD

# Property tests measure correctness, not speed: on a loaded 2-core machine Hypothesis'
# timing checks (deadline, too_slow data generation) fail tests whose properties hold.
settings.register_profile("jxc", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("jxc")

_sqlite_dir: str | None = None


def pytest_configure(config):
    global _sqlite_dir
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] in ("django.db.backends.sqlite3", "jxc.core.db.sqlite3"):
        # A file, not Django's in-memory default: same WAL/IMMEDIATE/timeout options as in
        # production (they come from settings.DATABASES OPTIONS), and threads that open
        # their own connections see committed data. xdist adds a _gwN suffix per worker.
        test = db.setdefault("TEST", {})
        if not test.get("NAME"):
            _sqlite_dir = tempfile.mkdtemp(prefix="jxc-test-db-")
            test["NAME"] = str(Path(_sqlite_dir) / "test.sqlite3")
    # The audit log refuses DELETE in the database (jxc.core.audit); on SQLite Django's
    # flush between transactional tests is a DELETE, let through by the guard.
    from django.core.management.commands import flush

    if not getattr(flush.Command.handle, "_jxc_audit", False):
        original = flush.Command.handle

        def handle(self, *args, **options):
            from jxc.core import audit

            with audit.maintenance():
                return original(self, *args, **options)

        handle._jxc_audit = True  # type: ignore[attr-defined]
        flush.Command.handle = handle
    # Hashing passwords with PBKDF2 costs ~0.3 s each; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_unconfigure(config):
    if _sqlite_dir:
        shutil.rmtree(_sqlite_dir, ignore_errors=True)


def _is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres_only") and not _is_postgres():
        pytest.skip("needs PostgreSQL (runs in the PostgreSQL pass of `make test`)")


@pytest.fixture
def on_postgres() -> bool:
    return _is_postgres()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Every test starts with an empty Django cache, whatever the one before it left.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


_usernames = itertools.count(1)


@pytest.fixture
def user_factory(db):
    """Create users with roles through the real service: ``user_factory(roles=["sales"])``."""
    from jxc.core.accounts import create_user, ensure_default_roles

    ensure_default_roles()

    def make(*, roles=(), username=None, password=TEST_PASSWORD, **kw):
        return create_user(
            username=username or f"user-{next(_usernames)}",
            password=password,
            roles=list(roles),
            **kw,
        )

    return make


@pytest.fixture
def owner(user_factory):
    return user_factory(roles=["owner"], username="boss", first_name="老板")


@pytest.fixture
def sales_user(user_factory):
    return user_factory(roles=["sales"], username="sales", first_name="销售小王")


@pytest.fixture
def client_for(db):
    from django.test import Client

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def client_owner(client_for, owner):
    return client_for(owner)


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(os.environ.get("JXC_TEST_ARTIFACTS", "test-artifacts")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
