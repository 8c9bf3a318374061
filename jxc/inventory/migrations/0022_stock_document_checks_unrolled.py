"""The stock documents' choice checks as ``=`` comparisons joined by OR (docs/ledger.md, tenth
pass "flowcpu"): SQLite evaluates a check's ``IN`` list of more than two values by building a
temporary b-tree of the list (~25,000 CPU instructions) for every INSERT, and for every UPDATE
of its column — three per new document (status, kind, reason) and one per step of the flow
(the status). The same rows pass (``choices_check(unrolled=True)``, as the moves' reason since
0017). SQLite rebuilds the table once (Django's operations one by one would rebuild it six
times); PostgreSQL: the constraints dropped and added (a scan of the table each)."""

from django.conf import settings
from django.db import migrations, models


class _OnceOnSqlite(migrations.SeparateDatabaseAndState):
    """The operations as they are on PostgreSQL; on SQLite the table rebuilt once from the
    state after them (forwards) or before them (backwards)."""

    def _rebuild(self, app_label, schema_editor, state) -> None:
        for name in sorted({op.model_name for op in self.database_operations}):
            schema_editor._remake_table(state.apps.get_model(app_label, name))

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        self._rebuild(app_label, schema_editor, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        self._rebuild(app_label, schema_editor, to_state)

    def describe(self):
        return "Stock documents' choice checks unrolled (SQLite: one rebuild)"


_OPERATIONS = [
    migrations.RemoveConstraint(model_name="stockdocument", name="stockdoc_status_valid"),
    migrations.RemoveConstraint(model_name="stockdocument", name="stockdoc_kind_valid"),
    migrations.RemoveConstraint(model_name="stockdocument", name="stockdoc_reason_valid"),
    migrations.AddConstraint(
        model_name="stockdocument",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("status", "draft"),
                ("status", "submitted"),
                ("status", "approved"),
                ("status", "posted"),
                ("status", "done"),
                ("status", "closed"),
                ("status", "void"),
                ("status", "reversed"),
                _connector="OR",
            ),
            name="stockdoc_status_valid",
        ),
    ),
    migrations.AddConstraint(
        model_name="stockdocument",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("kind", "other_receipt"),
                ("kind", "other_issue"),
                ("kind", "cost_adjustment"),
                ("kind", "opening_stock"),
                _connector="OR",
            ),
            name="stockdoc_kind_valid",
        ),
    ),
    migrations.AddConstraint(
        model_name="stockdocument",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("reason", "gift"),
                ("reason", "sample"),
                ("reason", "internal_use"),
                ("reason", "damage"),
                ("reason", "surplus"),
                ("reason", "other"),
                ("reason", ""),
                _connector="OR",
            ),
            name="stockdoc_reason_valid",
        ),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0021_cost_layer_without_autoincrement"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        _OnceOnSqlite(state_operations=_OPERATIONS, database_operations=_OPERATIONS),
    ]
