"""The tables a posting writes, cheaper for SQLite to write (docs/ledger.md, seventh pass):

- checks whose bounds and zeros are numbers, not text (SQLite converted '1000000000' to a
  number at every comparison: ten per stock move, more per balance and pool row), and the
  moves' reason and cost-basis checks as ``=`` comparisons joined by OR (SQLite built a
  temporary b-tree of an ``IN`` list for every INSERT) — the same rows pass;
- the moves' id without AUTOINCREMENT on SQLite (append-only: no id can come back; every
  INSERT read and wrote ``sqlite_sequence``, a page per posting);
- no index of the moves' own on ``warehouse_id`` (``move_sku_wh_pos_idx`` serves a SKU in a
  warehouse; the lone warehouse index was the planner's worse choice for those queries).

SQLite: each table is rebuilt once (Django's operations one by one would rebuild the moves
table five times): the rows copied into a new table, its indexes made again. A maintenance
step on a large ledger: 1.0 M moves took 46 s (15 s of CPU) on the 2-core machine at load 11,
and the file grows by the old table's size (its pages are reused as the ledger grows; VACUUM
gives them back). PostgreSQL: the constraints dropped and added (each check validated by one
scan of its table), the warehouse index dropped; the id is unchanged there."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import jxc.core.fields


class _OnceOnSqlite(migrations.SeparateDatabaseAndState):
    """The operations as they are on PostgreSQL; on SQLite each table they touch is rebuilt
    once from the state after them (forwards) or before them (backwards)."""

    def _rebuild(self, app_label, schema_editor, state) -> None:
        names = sorted({op.model_name for op in self.database_operations})
        for name in names:
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
        return "Checks as numbers, moves without AUTOINCREMENT (SQLite: one rebuild per table)"


_OPERATIONS = [
    migrations.RemoveConstraint(
        model_name="costlayer",
        name="cost_layer_remaining_in_range",
    ),
    migrations.RemoveConstraint(
        model_name="costpool",
        name="cost_pool_no_value_at_zero_qty",
    ),
    migrations.RemoveConstraint(
        model_name="costpool",
        name="cost_pool_in_bounds",
    ),
    migrations.RemoveConstraint(
        model_name="lotbalance",
        name="lot_balance_gte_0",
    ),
    migrations.RemoveConstraint(
        model_name="lotbalance",
        name="lot_balance_in_bounds",
    ),
    migrations.RemoveConstraint(
        model_name="stockbalance",
        name="balance_on_hand_gte_0",
    ),
    migrations.RemoveConstraint(
        model_name="stockbalance",
        name="balance_buckets_gte_0",
    ),
    migrations.RemoveConstraint(
        model_name="stockbalance",
        name="balance_reserved_lte_on_hand",
    ),
    migrations.RemoveConstraint(
        model_name="stockbalance",
        name="balance_in_bounds",
    ),
    migrations.RemoveConstraint(
        model_name="stockmove",
        name="move_cost_basis_valid",
    ),
    migrations.RemoveConstraint(
        model_name="stockmove",
        name="move_reason_valid",
    ),
    migrations.RemoveConstraint(
        model_name="stockmove",
        name="move_in_bounds",
    ),
    migrations.AlterField(
        model_name="stockmove",
        name="id",
        field=jxc.core.fields.AppendOnlyIdField(
            primary_key=True, serialize=False, verbose_name="ID"
        ),
    ),
    migrations.AlterField(
        model_name="stockmove",
        name="warehouse",
        field=models.ForeignKey(
            db_index=False,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="+",
            to="inventory.warehouse",
            verbose_name="warehouse",
        ),
    ),
    migrations.AddConstraint(
        model_name="costlayer",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("remaining__gte", models.Value(0)), ("remaining__lte", models.F("base_qty"))
            ),
            name="cost_layer_remaining_in_range",
        ),
    ),
    migrations.AddConstraint(
        model_name="costpool",
        constraint=models.CheckConstraint(
            condition=models.Q(
                models.Q(("qty", models.Value(0)), _negated=True),
                ("value", models.Value(0)),
                _connector="OR",
            ),
            name="cost_pool_no_value_at_zero_qty",
        ),
    ),
    migrations.AddConstraint(
        model_name="costpool",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("qty__gt", models.Value(-1000000000)),
                ("qty__lt", models.Value(1000000000)),
                ("value__gt", models.Value(-10000000000000)),
                ("value__lt", models.Value(10000000000000)),
            ),
            name="cost_pool_in_bounds",
        ),
    ),
    migrations.AddConstraint(
        model_name="lotbalance",
        constraint=models.CheckConstraint(
            condition=models.Q(("qty__gte", models.Value(0))), name="lot_balance_gte_0"
        ),
    ),
    migrations.AddConstraint(
        model_name="lotbalance",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("qty__gt", models.Value(-1000000000)), ("qty__lt", models.Value(1000000000))
            ),
            name="lot_balance_in_bounds",
        ),
    ),
    migrations.AddConstraint(
        model_name="stockbalance",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("on_hand__gte", models.Value(0)), ("allow_negative", True), _connector="OR"
            ),
            name="balance_on_hand_gte_0",
        ),
    ),
    migrations.AddConstraint(
        model_name="stockbalance",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("reserved__lte", models.F("on_hand")),
                ("reserved", models.Value(0)),
                ("allow_backorder", True),
                ("allow_negative", True),
                _connector="OR",
            ),
            name="balance_reserved_lte_on_hand",
        ),
    ),
    migrations.AddConstraint(
        model_name="stockbalance",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("in_transit__gte", models.Value(0)),
                ("on_order__gte", models.Value(0)),
                ("reserved__gte", models.Value(0)),
            ),
            name="balance_buckets_gte_0",
        ),
    ),
    migrations.AddConstraint(
        model_name="stockbalance",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("on_hand__gt", models.Value(-1000000000)),
                ("on_hand__lt", models.Value(1000000000)),
                ("reserved__gt", models.Value(-1000000000)),
                ("reserved__lt", models.Value(1000000000)),
                ("on_order__gt", models.Value(-1000000000)),
                ("on_order__lt", models.Value(1000000000)),
                ("in_transit__gt", models.Value(-1000000000)),
                ("in_transit__lt", models.Value(1000000000)),
                ("value__gt", models.Value(-10000000000000)),
                ("value__lt", models.Value(10000000000000)),
            ),
            name="balance_in_bounds",
        ),
    ),
    migrations.AddConstraint(
        model_name="stockmove",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("cost_basis", "c"),
                ("cost_basis", "v"),
                ("cost_basis", "o"),
                ("cost_basis", "p"),
                ("cost_basis", "n"),
                ("cost_basis", "x"),
                _connector="OR",
            ),
            name="move_cost_basis_valid",
        ),
    ),
    migrations.AddConstraint(
        model_name="stockmove",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("reason", "opening"),
                ("reason", "purchase_receipt"),
                ("reason", "purchase_return"),
                ("reason", "sales_delivery"),
                ("reason", "sales_return"),
                ("reason", "transfer_out"),
                ("reason", "transfer_in"),
                ("reason", "count_gain"),
                ("reason", "count_loss"),
                ("reason", "other_receipt"),
                ("reason", "other_issue"),
                ("reason", "assembly_in"),
                ("reason", "assembly_out"),
                ("reason", "cost_adjustment"),
                _connector="OR",
            ),
            name="move_reason_valid",
        ),
    ),
    migrations.AddConstraint(
        model_name="stockmove",
        constraint=models.CheckConstraint(
            condition=models.Q(
                ("qty__gt", models.Value(-1000000000)),
                ("qty__lt", models.Value(1000000000)),
                ("pool_qty_after__gt", models.Value(-1000000000)),
                ("pool_qty_after__lt", models.Value(1000000000)),
                ("value__gt", models.Value(-10000000000000)),
                ("value__lt", models.Value(10000000000000)),
                ("variance__gt", models.Value(-10000000000000)),
                ("variance__lt", models.Value(10000000000000)),
                ("pool_value_after__gt", models.Value(-10000000000000)),
                ("pool_value_after__lt", models.Value(10000000000000)),
            ),
            name="move_in_bounds",
        ),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_sku_unit_vip_price"),
        ("inventory", "0016_cost_layer_without_redundant_fk_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        _OnceOnSqlite(state_operations=_OPERATIONS, database_operations=_OPERATIONS),
    ]
