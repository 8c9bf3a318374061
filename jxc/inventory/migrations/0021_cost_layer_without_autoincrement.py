"""FIFO cost layers without AUTOINCREMENT on SQLite (issue 10 §2; docs/ledger.md, ninth pass
"fifoout"): every INSERT of layers (a FIFO receipt, a transfer in) read and wrote
``sqlite_sequence``, a page per posting. A layer is deleted only by re-costing, after every use
of it (``LayerIdField``). SQLite rebuilds the table once; PostgreSQL: no change."""

from django.db import migrations

import jxc.inventory.layer_models


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0020_documents_without_user_and_unit_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="costlayer",
            name="id",
            field=jxc.inventory.layer_models.LayerIdField(
                primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
    ]
