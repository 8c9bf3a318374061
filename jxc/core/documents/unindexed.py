"""Dropping the single-column index of a foreign key that nothing reads by (migrations).

Django's AlterField to ``db_index=False`` would rebuild each table on SQLite; the index is
dropped by its name instead — the name Django gave it, on both databases — and the state
altered as AlterField says (``SeparateDatabaseAndState``). Backwards the index is made again
under the same name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import migrations


def drop_fk_indexes(app_label: str, fields: Mapping[str, Sequence[str]]) -> migrations.RunPython:
    """A RunPython that drops the index of each foreign key ``fields[model]`` (field names)
    of ``app_label``'s models, and makes it again backwards."""

    def _each(apps, schema_editor):
        for model_name, names in fields.items():
            model = apps.get_model(app_label, model_name)
            table = model._meta.db_table
            for name in names:
                column = model._meta.get_field(name).column
                index = schema_editor._create_index_name(table, [column], suffix="")
                yield table, column, index

    def forward(apps, schema_editor):
        for _table, _column, index in _each(apps, schema_editor):
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")

    def backward(apps, schema_editor):
        q = schema_editor.quote_name
        for table, column, index in _each(apps, schema_editor):
            schema_editor.execute(f"CREATE INDEX {q(index)} ON {q(table)} ({q(column)})")

    return migrations.RunPython(forward, backward)
