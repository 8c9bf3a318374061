"""FIFO cost layers get ``is_open`` (remaining > 0, checked), and the open-layer index takes it
as its condition instead of ``remaining > 0`` (issue 10; docs/ledger.md, tenth pass).

Why: an index whose condition reads a column is written whenever an UPDATE sets that column.
Every issue sets its layers' ``remaining``, so SQLite deleted and re-inserted each layer's entry
in ``cost_layer_open_idx`` although its key and its place stayed the same (~2.7 of the 26.6
WAL pages of a five-line FIFO issue), and on PostgreSQL no take could be a HOT update. Now a
take that leaves the layer open sets ``remaining`` only, which no index reads; a layer that
empties (or a reversal refills) sets both, and its entry leaves (or comes back).

The data: ``is_open`` is set from ``remaining`` (true where remaining > 0), and the check
``cost_layer_open_iff_remaining`` keeps the two from ever disagreeing (an open layer the index
lost would be skipped by every FIFO issue); ``cost_layer_remaining_in_range`` stays as it was.

SQLite: the column is added (a default for the existing rows), set, then the table is rebuilt
once from the new state (the check lives in the table's definition; the rebuild drops the
column's default and makes the index again with its new condition). PostgreSQL: the column
added with a default that is dropped at once, set, the index made again and the check
added (one scan). Backwards: the column, the check and the new index go, the old index comes
back (SQLite: one rebuild from the old state)."""

from django.db import migrations, models

_ADD_OPERATIONS = [
    migrations.RemoveIndex(
        model_name="costlayer",
        name="cost_layer_open_idx",
    ),
    migrations.AddField(
        model_name="costlayer",
        name="is_open",
        field=models.BooleanField(default=None),
        preserve_default=False,
    ),
    migrations.AddIndex(
        model_name="costlayer",
        index=models.Index(
            condition=models.Q(("is_open", True)),
            fields=["pool", "date", "move", "idx"],
            name="cost_layer_open_idx",
        ),
    ),
    migrations.AddConstraint(
        model_name="costlayer",
        constraint=models.CheckConstraint(
            condition=models.Q(
                models.Q(("is_open", True), ("remaining__gt", models.Value(0))),
                models.Q(("is_open", False), ("remaining", models.Value(0))),
                _connector="OR",
            ),
            name="cost_layer_open_iff_remaining",
        ),
    ),
]


class _OpenFlag(migrations.SeparateDatabaseAndState):
    """The state as the operations say; the database as the module's text says."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        old = from_state.apps.get_model(app_label, "costlayer")
        new = to_state.apps.get_model(app_label, "costlayer")
        q = schema_editor.quote_name
        table = q(new._meta.db_table)
        field = new._meta.get_field("is_open")
        column = q(field.column)
        kind = field.db_type(schema_editor.connection)
        false = "0" if schema_editor.connection.vendor == "sqlite" else "false"
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} {kind} NOT NULL DEFAULT {false}"
        )
        schema_editor.execute(
            f"UPDATE {table} SET {column} = NOT {false} WHERE {q('remaining')} > 0"
        )
        if schema_editor.connection.vendor == "sqlite":
            schema_editor._remake_table(new)
            return
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")
        schema_editor.remove_index(old, _index(old))
        schema_editor.add_index(new, _index(new))
        (check,) = [c for c in new._meta.constraints if c.name == "cost_layer_open_iff_remaining"]
        schema_editor.add_constraint(new, check)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        new = from_state.apps.get_model(app_label, "costlayer")
        old = to_state.apps.get_model(app_label, "costlayer")
        if schema_editor.connection.vendor == "sqlite":
            schema_editor._remake_table(old)  # the old state's columns, check and index
            return
        (check,) = [c for c in new._meta.constraints if c.name == "cost_layer_open_iff_remaining"]
        schema_editor.remove_constraint(new, check)
        schema_editor.remove_index(new, _index(new))
        schema_editor.add_index(old, _index(old))
        schema_editor.remove_field(new, new._meta.get_field("is_open"))

    def describe(self):
        return "Cost layers: is_open, the open-layer index's condition (set from remaining)"


def _index(model) -> models.Index:
    (found,) = [i for i in model._meta.indexes if i.name == "cost_layer_open_idx"]
    return found


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0022_stock_document_checks_unrolled"),
    ]

    operations = [_OpenFlag(state_operations=_ADD_OPERATIONS)]
