"""Stock moves: the indexes on batch, origin and reverses — NULL on almost every move — cost
every posting an index entry (and on SQLite a page written) for nothing. Batch and origin are
indexed only where set; reverses needs no index of its own (the partial unique index
move_reversed_once serves its lookups).

The fields' old indexes are dropped by name (Django's AlterField would remake the whole
moves table on SQLite, three times); the state changes as AlterField says."""

import django.db.models.deletion
from django.db import migrations, models


def _drop_link_indexes(apps, schema_editor):
    model = apps.get_model("inventory", "StockMove")
    table = model._meta.db_table
    for column in ("batch_id", "origin_id", "reverses_id"):
        name = schema_editor._create_index_name(table, [column], suffix="")
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def _create_link_indexes(apps, schema_editor):
    model = apps.get_model("inventory", "StockMove")
    table = model._meta.db_table
    for column in ("batch_id", "origin_id", "reverses_id"):
        name = schema_editor._create_index_name(table, [column], suffix="")
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(name)} "
            f"ON {schema_editor.quote_name(table)} ({schema_editor.quote_name(column)})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0014_lent_out_location"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="stockmove",
                    name="batch",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="inventory.batch",
                    ),
                ),
                migrations.AlterField(
                    model_name="stockmove",
                    name="origin",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="dependants",
                        to="inventory.stockmove",
                    ),
                ),
                migrations.AlterField(
                    model_name="stockmove",
                    name="reverses",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reversed_by",
                        to="inventory.stockmove",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(_drop_link_indexes, _create_link_indexes),
            ],
        ),
        migrations.AddIndex(
            model_name="stockmove",
            index=models.Index(
                condition=models.Q(("batch__isnull", False)), fields=["batch"], name="move_batch_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="stockmove",
            index=models.Index(
                condition=models.Q(("origin__isnull", False)),
                fields=["origin"],
                name="move_origin_idx",
            ),
        ),
    ]
