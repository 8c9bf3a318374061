"""FIFO layer uses without AUTOINCREMENT on SQLite (issue 10 §2; docs/ledger.md, eighth pass
"fifoout"): every INSERT of uses read and wrote ``sqlite_sequence``, a page per FIFO issue.
Nothing refers to a use by its id. SQLite rebuilds the table once; PostgreSQL: no change."""

import jxc.core.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0018_cost_layer_open_idx_numeric_condition"),
    ]

    operations = [
        migrations.AlterField(
            model_name="layeruse",
            name="id",
            field=jxc.core.fields.UnreferencedIdField(
                primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
    ]
