"""FIFO's open layers: the partial index's condition as a number (``"remaining" > 0``), as
the open-layer reads write it. SQLite uses a partial index only where the query's WHERE
names its condition, and ``> '0'`` (Django's text for a decimal 0) is not ``> 0``: once the
layers' pool index was dropped (0016) every FIFO issue scanned all layers (fifo_out 5.8 →
7.7 M instructions per document on the benchmark's small ledger; on a large one, a scan of
every layer ever made). The index is dropped and made again (no table rebuild)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0017_move_checks_sqlite_numbers_no_autoincrement"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="costlayer",
            name="cost_layer_open_idx",
        ),
        migrations.AddIndex(
            model_name="costlayer",
            index=models.Index(
                condition=models.Q(("remaining__gt", models.Value(0))),
                fields=["pool", "date", "move", "idx"],
                name="cost_layer_open_idx",
            ),
        ),
    ]
