"""仓库资料 and the stock ledger: warehouses, bins, stock limits; batches, moves (库存流水),
balances, cost pools, serial numbers. The FIFO layers are in ``layer_models``."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Sku, Unit
from jxc.core.choices import CostingMethod
from jxc.core.fields import (
    AppendOnlyIdField,
    MoneyField,
    QuantityField,
    UnitCostField,
    bounds_check,
    choices_check,
)
from jxc.core.validators import code_validator, phone_validator
from jxc.core.visibility import COST, mark
from jxc.inventory.choices import CostBasis, MoveReason, WarehouseKind

# 0 in the checks of the tables a posting writes: a number, where Django writes a decimal
# column's 0 as the text '0' that SQLite converts at every check (docs/ledger.md, seventh pass)
ZERO = models.Value(0)


class Warehouse(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(
        _("type"), max_length=10, choices=WarehouseKind.choices, default=WarehouseKind.WAREHOUSE
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("keeper"),
    )
    allow_negative = models.BooleanField(_("allow negative stock"), default=False)
    site = models.CharField(
        _("site"),
        max_length=60,
        blank=True,
        help_text=_(
            "Warehouses of one site (e.g. a store and its back room) transfer in one step."
        ),
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="scoped_warehouses",
        verbose_name=_("users with access"),
        help_text=_("Users limited to some warehouses see only those they are listed on."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # A lent-out location (kind ``lent``) belongs to the warehouse the goods were lent from.
    lent_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lent_location",
        verbose_name=_("lent out from"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        constraints = [choices_check("kind", WarehouseKind.values, name="warehouse_kind_valid")]

    def __str__(self) -> str:
        return self.name


class Bin(models.Model):
    """货位: a shelf position inside a warehouse."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="bins", verbose_name=_("warehouse")
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["warehouse_id", "code"]
        verbose_name = _("bin")
        verbose_name_plural = _("bins")
        constraints = [models.UniqueConstraint(fields=["warehouse", "code"], name="uniq_bin_code")]

    def __str__(self) -> str:
        return f"{self.warehouse.code}:{self.code}"


class StockLimit(models.Model):
    """安全库存 / 最高库存 of a SKU in a warehouse."""

    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="stock_limits")
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.CASCADE, related_name="+", verbose_name=_("warehouse")
    )
    min_qty = QuantityField(_("minimum stock"), null=True, blank=True, default=None)
    max_qty = QuantityField(_("maximum stock"), null=True, blank=True, default=None)

    class Meta:
        verbose_name = _("stock limit")
        verbose_name_plural = _("stock limits")
        constraints = [
            models.UniqueConstraint(fields=["sku", "warehouse"], name="uniq_stock_limit"),
            models.CheckConstraint(
                condition=Q(min_qty__isnull=True)
                | Q(max_qty__isnull=True)
                | Q(min_qty__lte=F("max_qty")),
                name="stock_limit_min_lte_max",
            ),
            models.CheckConstraint(
                condition=(Q(min_qty__isnull=True) | Q(min_qty__gte=0))
                & (Q(max_qty__isnull=True) | Q(max_qty__gte=0)),
                name="stock_limit_gte_0",
            ),
        ]


# --- The stock ledger (库存流水) and its projections ------------------------------------------
# Written only by jxc.inventory.ledger.writer (record_moves / reverse_moves / the bucket functions);
# see docs/ledger.md. Everything below can be rebuilt from StockMove except the reservation
# buckets (reserved, on_order, in_transit), which belong to the documents that set them.


class Batch(models.Model):
    """批次: a lot of one SKU, with its production and expiry dates (FEFO picks by expiry)."""

    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="batches")
    number = models.CharField(_("batch number"), max_length=60)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sku_id", "expiry_date", "number"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [models.UniqueConstraint(fields=["sku", "number"], name="uniq_batch_number")]
        indexes = [models.Index(fields=["sku", "expiry_date"], name="batch_expiry_idx")]

    def __str__(self) -> str:
        return self.number


class RecostJob(models.Model):
    """成本重算: a re-costing too large for the posting transaction, run in the background.

    ``starts`` lists ``[pool id, date iso, move id]``: replay each pool from the last move before
    that position. ``total`` / ``done`` count moves, so progress can be shown on the SKU."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sku_ids = models.JSONField(default=list)
    starts = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    source = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("re-costing job")
        verbose_name_plural = _("re-costing jobs")
        constraints = [  # RecostJob.Status (not in scope inside Meta)
            choices_check(
                "status", ["pending", "running", "done", "failed"], name="recost_job_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status} {self.done}/{self.total}"


class SkuLedger(models.Model):
    """One row per SKU that has stock moves: every posting locks it first (in SKU order), so
    all pools of the SKU change under one lock; it carries the 成本重算中 flag."""

    sku = models.OneToOneField(
        Sku, on_delete=models.CASCADE, primary_key=True, related_name="ledger"
    )
    recosting = models.BooleanField(_("cost being updated"), default=False)
    recost_job = models.ForeignKey(
        RecostJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class CostPool(models.Model):
    """成本池: (SKU, company) by default, (SKU, warehouse) under per-warehouse costing, and one
    per batch under 个别计价. ``unit_cost`` is None until the pool has any cost history.
    ``last_date``/``last_move_id`` are the position of its last move: a posting before it is
    backdated and re-costs the moves after it."""

    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="cost_pools")
    key = models.CharField(max_length=40)
    warehouse = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=20)
    qty = QuantityField()
    value = mark(MoneyField(), COST)
    unit_cost = mark(UnitCostField(null=True, blank=True, default=None), COST)
    last_date = models.DateField(null=True, blank=True)
    last_move_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("cost pool")
        verbose_name_plural = _("cost pools")
        constraints = [
            models.UniqueConstraint(fields=["sku", "key"], name="uniq_cost_pool"),
            models.CheckConstraint(
                condition=~Q(qty=ZERO) | Q(value=ZERO), name="cost_pool_no_value_at_zero_qty"
            ),
            choices_check("method", CostingMethod.values, name="cost_pool_method_valid"),
            bounds_check(name="cost_pool_in_bounds", qty=["qty"], money=["value"], numeric=True),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}/{self.key or 'company'}"


class StockMove(models.Model):
    """库存流水: one quantity (and value) change; append-only.

    Ordered by (``date``, ``id``): the id is the entry sequence. Only the costing engine
    rewrites ``unit_cost``/``value``/``variance`` and the ``pool_*_after`` state, when a
    backdated posting or a month's settlement re-values it; quantities never change.

    What a posting writes is kept small (docs/ledger.md, seventh pass): no AUTOINCREMENT on
    SQLite, checks that SQLite evaluates without temporary trees or text-to-number
    conversions, and no index of its own on ``warehouse`` (``move_sku_wh_pos_idx`` serves
    a SKU in a warehouse; a lone warehouse id was the planner's worse choice for those)."""

    id = AppendOnlyIdField(primary_key=True, serialize=False, verbose_name="ID")
    date = models.DateField(_("business date"))
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+", db_index=False)
    warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("warehouse"),
        db_index=False,
    )
    bin = models.ForeignKey(
        Bin, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # batch, reverses, origin: NULL on almost every move; indexed only where set (Meta)
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    pool = models.ForeignKey(
        CostPool, on_delete=models.PROTECT, related_name="moves", db_index=False
    )
    qty = QuantityField(_("quantity"))
    entered_qty = QuantityField(null=True, blank=True, default=None)
    entered_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    unit_cost = mark(UnitCostField(_("unit cost"), null=True, blank=True, default=None), COST)
    value = mark(MoneyField(_("value")), COST)
    variance = mark(MoneyField(_("cost variance")), COST)
    # how the ledger valued it and values it again on re-costing (jxc.inventory.ledger.engine)
    cost_basis = models.CharField(
        _("cost basis"), max_length=1, choices=CostBasis.choices, default=CostBasis.POOL_COST
    )
    reason = models.CharField(_("reason"), max_length=20, choices=MoveReason.choices)
    source_kind = models.CharField(max_length=40)
    source_id = models.BigIntegerField()
    source_number = models.CharField(_("document"), max_length=40, blank=True)
    source_line = models.BigIntegerField(null=True, blank=True)
    reverses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        db_index=False,  # the partial unique index move_reversed_once serves the lookups
    )
    origin = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dependants",
        db_index=False,
    )
    pool_qty_after = QuantityField()
    pool_value_after = mark(MoneyField(), COST)
    pool_unit_cost_after = mark(UnitCostField(null=True, blank=True, default=None), COST)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        indexes = [
            models.Index(fields=["pool", "date", "id"], name="move_pool_pos_idx"),
            models.Index(fields=["sku", "warehouse", "date", "id"], name="move_sku_wh_pos_idx"),
            models.Index(fields=["source_kind", "source_id"], name="move_source_idx"),
            models.Index(fields=["date", "id"], name="move_date_idx"),
            # partial: a full index on a column NULL on almost every move costs every
            # posting an index entry (and a page written) for nothing
            models.Index(fields=["batch"], condition=Q(batch__isnull=False), name="move_batch_idx"),
            models.Index(
                fields=["origin"], condition=Q(origin__isnull=False), name="move_origin_idx"
            ),
        ]
        constraints = [
            choices_check(
                "cost_basis", CostBasis.values, name="move_cost_basis_valid", unrolled=True
            ),
            choices_check("reason", MoveReason.values, name="move_reason_valid", unrolled=True),
            bounds_check(
                name="move_in_bounds",
                qty=["qty", "pool_qty_after"],
                money=["value", "variance", "pool_value_after"],
                numeric=True,
            ),
            # 红冲 at most once: a second reversal of the same move is refused by the database
            models.UniqueConstraint(
                fields=["reverses"], condition=Q(reverses__isnull=False), name="move_reversed_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.reason} {self.qty}"


class StockBalance(models.Model):
    """即时库存 of a SKU in a warehouse: the quantity buckets and the stock value.

    ``value`` is the sum of the warehouse's moves under per-warehouse pools, and
    ``on_hand × pool unit cost`` (to the 分) under the company pool. The database refuses
    on-hand below zero unless ``allow_negative``, and reserved above on-hand unless
    ``allow_backorder`` or ``allow_negative`` (copied from the warehouse / the reservation
    that needed it)."""

    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="balances", db_index=False)
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="balances", verbose_name=_("warehouse")
    )
    on_hand = QuantityField(_("on hand"))
    reserved = QuantityField(_("reserved"))
    on_order = QuantityField(_("on order"))
    in_transit = QuantityField(_("in transit"))
    value = mark(MoneyField(_("stock value")), COST)
    allow_negative = models.BooleanField(default=False)
    allow_backorder = models.BooleanField(default=False)
    last_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(fields=["sku", "warehouse"], name="uniq_stock_balance"),
            models.CheckConstraint(
                condition=Q(on_hand__gte=ZERO) | Q(allow_negative=True),
                name="balance_on_hand_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand"))
                | Q(reserved=ZERO)
                | Q(allow_backorder=True)
                | Q(allow_negative=True),
                name="balance_reserved_lte_on_hand",
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=ZERO, on_order__gte=ZERO, in_transit__gte=ZERO),
                name="balance_buckets_gte_0",
            ),
            bounds_check(
                name="balance_in_bounds",
                qty=["on_hand", "reserved", "on_order", "in_transit"],
                money=["value"],
                numeric=True,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}@{self.warehouse_id}: {self.on_hand}"

    @property
    def available(self):
        """可用量 = on hand − reserved."""
        return self.on_hand - self.reserved


class LotBalance(models.Model):
    """Stock of a SKU in one bin and batch of a warehouse; never below zero (even where the
    warehouse allows negative stock). ``key`` is ``<bin id or 0>-<batch id or 0>``."""

    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+", db_index=False)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    bin = models.ForeignKey(
        Bin, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="lot_balances"
    )
    key = models.CharField(max_length=40)
    qty = QuantityField(_("quantity"))
    last_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("batch / bin balance")
        verbose_name_plural = _("batch / bin balances")
        constraints = [
            models.UniqueConstraint(fields=["sku", "warehouse", "key"], name="uniq_lot_balance"),
            models.CheckConstraint(condition=Q(qty__gte=ZERO), name="lot_balance_gte_0"),
            bounds_check(name="lot_balance_in_bounds", qty=["qty"], numeric=True),
        ]


class SerialNumber(models.Model):
    """序列号: one unit of a serial-tracked SKU; in stock in ``warehouse``, or out (None)."""

    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="serials", db_index=False)
    number = models.CharField(_("serial number"), max_length=80)
    warehouse = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moves = models.ManyToManyField(StockMove, related_name="serials", blank=True)

    class Meta:
        verbose_name = _("serial number")
        verbose_name_plural = _("serial numbers")
        constraints = [models.UniqueConstraint(fields=["sku", "number"], name="uniq_serial")]

    def __str__(self) -> str:
        return self.number
