"""Fixtures of the core tests."""

import pytest
from django.db import connection

from jxc.core.db.sqlite3.base import DatabaseWrapper


@pytest.fixture
def file_db(tmp_path, django_db_blocker):
    """A Django connection of jxc's SQLite backend to a database file of its own (not the
    test database: pytest-django's blocker is lifted for it)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own connections")
    settings = dict(connection.settings_dict)
    settings["NAME"] = str(tmp_path / "log.sqlite3")
    settings["OPTIONS"] = dict(settings.get("OPTIONS", {}))
    settings["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    db = DatabaseWrapper(settings, alias="file_test")
    with django_db_blocker.unblock():
        with db.cursor() as cur:
            cur.execute("CREATE TABLE page (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        yield db, settings["NAME"]
        db.close()
