"""Cost layers: the indexes of their own on ``pool`` and ``move`` serve no read — layers are
read by the pool's open layers (cost_layer_open_idx, led by the pool) or by move and idx
(uniq_cost_layer, led by the move) — and cost every layer added, and every layer an issue
takes from, two index entries more (docs/ledger.md "Seventh pass — PostgreSQL server").

The indexes are dropped by name (Django's AlterField would remake the table on SQLite); the
state changes as AlterField says."""

import django.db.models.deletion
from django.db import migrations, models

COLUMNS = ("move_id", "pool_id")


def _drop_fk_indexes(apps, schema_editor):
    table = apps.get_model("inventory", "CostLayer")._meta.db_table
    for column in COLUMNS:
        name = schema_editor._create_index_name(table, [column], suffix="")
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def _create_fk_indexes(apps, schema_editor):
    table = apps.get_model("inventory", "CostLayer")._meta.db_table
    for column in COLUMNS:
        name = schema_editor._create_index_name(table, [column], suffix="")
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(name)} "
            f"ON {schema_editor.quote_name(table)} ({schema_editor.quote_name(column)})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0015_move_partial_indexes_on_mostly_null_links"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="costlayer",
                    name="move",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="layers",
                        to="inventory.stockmove",
                    ),
                ),
                migrations.AlterField(
                    model_name="costlayer",
                    name="pool",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="layers",
                        to="inventory.costpool",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(_drop_fk_indexes, _create_fk_indexes),
            ],
        ),
    ]
