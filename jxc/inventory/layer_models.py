"""先进先出 cost layers and what each outgoing move took from them: tables of the inventory
app (loaded by its AppConfig), written only by the ledger writer."""

from django.db import models
from django.db.models import F, Q

from jxc.core.fields import (
    AppendOnlyIdField,
    MoneyField,
    QuantityField,
    UnitCostField,
    UnreferencedIdField,
)
from jxc.core.visibility import COST, mark
from jxc.inventory.models import ZERO, CostPool, StockMove


class LayerIdField(AppendOnlyIdField):
    """A cost layer's id: on SQLite without ``AUTOINCREMENT`` (a FIFO receipt read and wrote
    ``sqlite_sequence``, a page per posting), so the id of a deleted last layer may come back.
    Nothing can mistake it: a layer is deleted only by re-costing, with the moves that made
    it, after the uses of every later move of its pool — all of them replayed by the same run,
    so every use of it is gone first (a use left behind: the deferred foreign key refuses the
    commit); nothing else stores a layer's id (reports and the API name the receipt move).
    PostgreSQL: unchanged."""


class CostLayer(models.Model):
    """先进先出 cost layer: what is left of one receipt (or one slice of a transfer in).
    Consumed oldest first by (``date``, ``move_id``, ``idx``). Its remaining value is always
    ``base_value − round(base_value × taken / base_qty, 2)`` (taken = base_qty − remaining),
    so it cannot drift."""

    id = LayerIdField(primary_key=True, serialize=False, verbose_name="ID")
    # no index of their own: every read of layers goes by the pool's open layers
    # (cost_layer_open_idx) or by move and idx (uniq_cost_layer, led by the move); two
    # indexes fewer to write for every layer added and every layer an issue takes from
    pool = models.ForeignKey(
        CostPool, on_delete=models.PROTECT, related_name="layers", db_index=False
    )
    move = models.ForeignKey(
        StockMove, on_delete=models.PROTECT, related_name="layers", db_index=False
    )
    idx = models.PositiveSmallIntegerField(default=0)
    date = models.DateField()
    base_qty = QuantityField()
    base_value = mark(MoneyField(), COST)
    unit_cost = mark(UnitCostField(), COST)
    remaining = QuantityField()
    # remaining > 0 (checked), as the open-layer index's condition: an issue that takes part
    # of a layer changes ``remaining`` only, which no index reads — SQLite leaves the index
    # alone, PostgreSQL can update the row in place (HOT); only a layer that empties or
    # refills changes its entry (inventory 0023)
    is_open = models.BooleanField()
    # the receipt its goods came from: the move itself for a receipt, the source layer's
    # receipt for a transfer's slice (so a purchase return finds it in another warehouse)
    receipt = models.ForeignKey(
        StockMove,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["date", "move_id", "idx"]
        constraints = [
            models.UniqueConstraint(fields=["move", "idx"], name="uniq_cost_layer"),
            models.CheckConstraint(
                condition=Q(remaining__gte=ZERO, remaining__lte=F("base_qty")),
                name="cost_layer_remaining_in_range",
            ),
            models.CheckConstraint(
                condition=Q(is_open=True, remaining__gt=ZERO) | Q(is_open=False, remaining=ZERO),
                name="cost_layer_open_iff_remaining",
            ),
        ]
        indexes = [
            models.Index(
                fields=["pool", "date", "move", "idx"],
                condition=Q(is_open=True),  # as the reads write it: "is_open"
                name="cost_layer_open_idx",
            )
        ]


class LayerUse(models.Model):
    """Which FIFO layer an outgoing move consumed (``qty`` > 0), or a reversal refilled
    (``qty`` < 0), and at what value."""

    # no AUTOINCREMENT on SQLite: a FIFO issue writes no sqlite_sequence page
    id = UnreferencedIdField(primary_key=True, serialize=False, verbose_name="ID")
    # both indexes are read (~1.2 WAL pages each per five-line FIFO issue, docs/ledger.md
    # tenth pass): by move — a replay's uses of its later moves, a transfer in's or return's
    # origin, layers_consumed, re-costing's delete; by layer — re-costing deletes the layers
    # of the moves it replays: Django's PROTECT check and the database's own foreign-key
    # check look up the uses of each (without the index, a scan of every use per layer).
    # No composite serves both: each leads by the column the other looks up
    move = models.ForeignKey(StockMove, on_delete=models.PROTECT, related_name="layer_uses")
    layer = models.ForeignKey(CostLayer, on_delete=models.PROTECT, related_name="uses")
    qty = QuantityField()
    value = mark(MoneyField(), COST)
