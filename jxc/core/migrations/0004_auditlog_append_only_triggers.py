"""The audit log is append-only in the database itself: UPDATE and DELETE are refused by
triggers on SQLite and PostgreSQL (jxc.core.audit)."""

from django.db import migrations

SQLITE_FORWARD = [
    # jxc_audit_guard() is registered on every connection jxc opens (jxc.core.apps); it is 1
    # except while the test harness empties the tables. A connection without it (the sqlite3
    # shell) fails on "no such function", which refuses the change as well.
    """CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog
    WHEN jxc_audit_guard() BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog
    WHEN jxc_audit_guard() BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_update",
    "DROP TRIGGER IF EXISTS core_auditlog_no_delete",
]
POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION core_auditlog_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'integrity_constraint_violation';
    END
    $$""",
    # row triggers: TRUNCATE (the test harness's flush) is a table owner's act, not an edit
    """CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE OR DELETE ON core_auditlog
    FOR EACH ROW EXECUTE FUNCTION core_auditlog_append_only()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_update ON core_auditlog",
    "DROP FUNCTION IF EXISTS core_auditlog_append_only()",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_auditlog_entry_hash"),
    ]

    operations = [migrations.RunPython(forward, backward)]
