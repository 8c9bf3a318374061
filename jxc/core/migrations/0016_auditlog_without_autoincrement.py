"""The audit log without AUTOINCREMENT on SQLite and without its user index (issue 10 §2):
every entry read and wrote ``sqlite_sequence`` and the user index, two pages in the commit of
every document step (提交, 审核, 过账). Entries are never deleted (the triggers of 0004 refuse
it), so no id can come back; new ids still grow in insertion order, which the hash chain
follows. Nothing looks entries up by user (the screens list them by time or by object). SQLite
rebuilds the table — which drops its triggers, so they are made again; PostgreSQL: the user
index dropped."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import jxc.core.fields

# as 0004_auditlog_append_only_triggers (a rebuilt table has none)
SQLITE_TRIGGERS = [
    """CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog
    WHEN jxc_audit_guard() BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog
    WHEN jxc_audit_guard() BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]


def triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("core_auditlog_no_update", "core_auditlog_no_delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in SQLITE_TRIGGERS:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0015_import_job_items_and_chunks"),
    ]

    operations = [
        # backwards the table is rebuilt again: the triggers are made after it (this runs last)
        migrations.RunPython(migrations.RunPython.noop, triggers_again),
        migrations.AlterField(
            model_name="auditlog",
            name="id",
            field=jxc.core.fields.AppendOnlyIdField(
                primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
