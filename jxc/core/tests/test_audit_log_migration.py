"""core 0016: the audit log without AUTOINCREMENT (SQLite) and its user index — its entries carried over as they
were, forwards and back, the chain intact, the append-only triggers still there (a rebuilt
table loses them), new ids above every old one, and an entry no longer writes
sqlite_sequence."""

import pytest
from django.db import DatabaseError, connection, transaction

from jxc.core.audit import chain_problems
from jxc.core.services import record_audit
from tests.support import latest_migrations, migrate_to

BEFORE = [("core", "0015_import_job_items_and_chunks")]
AFTER = [("core", "0016_auditlog_without_autoincrement")]


def _entries() -> list:
    """Every entry by column name (SQLite's rebuilt table has its id column last)."""
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM core_auditlog ORDER BY id")
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _sqlite(sql: str) -> list:
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def _user_index() -> bool:
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, "core_auditlog")
    return any(c["index"] and c["columns"] == ["user_id"] for c in found.values())


def _refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    except DatabaseError:
        return True
    return False


@pytest.mark.django_db(transaction=True)
def test_the_entries_are_carried_over_and_stay_append_only(owner):
    migrate_to(BEFORE)
    try:
        for i in range(3):
            record_audit(user=owner, obj=owner, action=f"before-{i}", changes={"n": [i, i + 1]})
        before = _entries()
        assert chain_problems() == []
        assert _user_index()

        migrate_to(AFTER)
        assert _entries() == before
        assert not _user_index()
        assert chain_problems() == []
        for sql in ("UPDATE core_auditlog SET reason = 'x'", "DELETE FROM core_auditlog"):
            assert _refused(sql), sql
        entry = record_audit(user=owner, obj=owner, action="after")
        assert entry.pk > max(r["id"] for r in before)
        assert chain_problems() == []
        if connection.vendor == "sqlite":
            table = _sqlite("SELECT sql FROM sqlite_master WHERE name = 'core_auditlog'")[0][0]
            assert "AUTOINCREMENT" not in table
            assert _sqlite("SELECT 1 FROM sqlite_sequence WHERE name = 'core_auditlog'") == []
            triggers = _sqlite(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'core_auditlog' ORDER BY name"
            )
            assert triggers == [("core_auditlog_no_delete",), ("core_auditlog_no_update",)]
        after = _entries()

        migrate_to(BEFORE)
        assert _entries() == after
        assert _user_index()
        assert _refused("DELETE FROM core_auditlog")
        if connection.vendor == "sqlite":
            table = _sqlite("SELECT sql FROM sqlite_master WHERE name = 'core_auditlog'")[0][0]
            assert "AUTOINCREMENT" in table
    finally:
        migrate_to(latest_migrations())
