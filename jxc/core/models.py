"""The shared kernel's tables: users and roles, the company, document numbering,
the append-only audit log, API tokens and idempotency records."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.choices import CostingMethod, CostScope
from jxc.core.fields import AppendOnlyIdField, choices_check
from jxc.core.permissions import VIEW_COST, matches


class Role(models.Model):
    """A named set of permission patterns (老板, 采购, 销售, 仓管, 财务, 收银 …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    permissions = models.JSONField(_("permissions"), default=list, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return str(self.name)


class User(AbstractUser):
    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name=_("roles"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    all_warehouses = models.BooleanField(
        _("all warehouses"),
        default=True,
        help_text=_("Off: the user sees and acts on only the warehouses assigned to them."),
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def jxc_permission_patterns(self) -> list[str]:
        cached = getattr(self, "_jxc_patterns", None)
        if cached is None:
            cached = [p for role in self.roles.all() for p in role.permissions]
            self._jxc_patterns = cached
        return cached

    def has_jxc_perm(self, perm: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return matches(self.jxc_permission_patterns(), perm)

    @property
    def can_view_cost(self) -> bool:
        return self.has_jxc_perm(VIEW_COST)


class Company(models.Model):
    """The one company of this database (the key is there so tables can carry it later)."""

    name = models.CharField(_("company name"), max_length=120)
    tax_number = models.CharField(_("tax number"), max_length=20, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    qty_decimals = models.PositiveSmallIntegerField(_("quantity decimals"), default=2)
    price_decimals = models.PositiveSmallIntegerField(_("price decimals"), default=2)
    costing_method = models.CharField(
        _("costing method"),
        max_length=20,
        choices=CostingMethod.choices,
        default=CostingMethod.MOVING_AVERAGE,
    )
    cost_scope = models.CharField(
        _("cost pool"), max_length=10, choices=CostScope.choices, default=CostScope.COMPANY
    )
    allow_negative_stock = models.BooleanField(_("allow negative stock by default"), default=False)
    days_ahead = models.PositiveSmallIntegerField(
        _("days ahead allowed"),
        default=7,
        validators=[MaxValueValidator(366)],
        help_text=_("How many days after today a document may be dated."),
    )
    # A count line differing from the book by more than either (0: no limit) must be
    # confirmed before the count is posted (4040 typed for 40 posted a 3,991-unit 盘盈).
    count_variance_value = models.DecimalField(
        _("count variance needing confirmation (value)"),
        max_digits=18,
        decimal_places=2,
        default=1000,
        validators=[MinValueValidator(0)],
        help_text=_("A count line whose variance is worth more than this must be confirmed."),
    )
    count_variance_percent = models.PositiveSmallIntegerField(
        _("count variance needing confirmation (%)"),
        default=100,
        validators=[MaxValueValidator(10000)],
        help_text=_("A count line differing from the book by more than this share."),
    )
    document_prefixes = models.JSONField(_("document prefixes"), default=dict, blank=True)
    # 开账日: set by 开账 (the go-live wizard); nothing may be dated before it.
    opening_date = models.DateField(_("opening date"), null=True, blank=True, editable=False)
    # 采购: prices typed with VAT (含税, the usual Chinese invoice price) or without (不含税)
    purchase_prices_include_tax = models.BooleanField(
        _("purchase prices include VAT"), default=True
    )
    default_tax_rate = models.DecimalField(
        _("default VAT rate %"),
        max_digits=5,
        decimal_places=2,
        default=13,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    over_receipt_tolerance = models.DecimalField(
        _("over-receipt tolerance %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("How much more than ordered a purchase receipt may take in, in per cent."),
    )
    # 三单匹配: an order line's invoiced amount may differ from what was received by this much
    # (the larger of the two) and still match; 0 and 0: to the 分.
    invoice_match_tolerance = models.DecimalField(
        _("invoice match tolerance (amount)"),
        max_digits=18,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("An invoice line may differ from the goods received by this amount."),
    )
    invoice_match_tolerance_percent = models.DecimalField(
        _("invoice match tolerance %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("… or by this share of the amount received, whichever is larger."),
    )
    # 预警: a posted receipt rejecting more than this share of what arrived is an alert
    qc_reject_alert_percent = models.DecimalField(
        _("QC reject rate alert %"),
        max_digits=5,
        decimal_places=2,
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("A purchase receipt rejecting more than this share of what arrived."),
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("company")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(qty_decimals__lte=6), name="company_qty_decimals_lte_6"
            ),
            models.CheckConstraint(
                condition=models.Q(price_decimals__lte=6), name="company_price_decimals_lte_6"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    default_tax_rate__gte=0,
                    default_tax_rate__lte=100,
                    over_receipt_tolerance__gte=0,
                    over_receipt_tolerance__lte=100,
                ),
                name="company_purchase_rates_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    invoice_match_tolerance__gte=0,
                    invoice_match_tolerance_percent__gte=0,
                    invoice_match_tolerance_percent__lte=100,
                    qc_reject_alert_percent__gte=0,
                    qc_reject_alert_percent__lte=100,
                ),
                name="company_match_and_qc_in_range",
            ),
            choices_check(
                "costing_method", CostingMethod.values, name="company_costing_method_valid"
            ),
            choices_check("cost_scope", CostScope.values, name="company_cost_scope_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentSequence(models.Model):
    """One counter row per document type and day; locked while a number is taken."""

    doc_type = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "day"], name="uniq_sequence_type_day")
        ]


class AuditLog(models.Model):
    """操作记录: append-only record of every master-data change and state change."""

    # no AUTOINCREMENT on SQLite: nothing is ever deleted (triggers refuse it), and each
    # entry read and wrote sqlite_sequence — a page of every document step's commit
    id = AppendOnlyIdField(primary_key=True, serialize=False, verbose_name="ID")
    # set before the hash is taken (record_audit), not at INSERT time as auto_now_add would
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True, editable=False)
    # no index: nothing looks entries up by user (an index page more in every step's commit)
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        verbose_name=_("user"),
    )
    action = models.CharField(_("action"), max_length=30)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # SHA-256 over the previous entry's hash and this entry's content (jxc.core.audit)
    entry_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("AuditLog is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("AuditLog is append-only")


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotencyRecord(models.Model):
    """Remembers the outcome of a POST that carried an Idempotency-Key. A row without a
    ``status_code`` is a claim: that request is still running."""

    user = models.ForeignKey(User, on_delete=models.CASCADE)
    key = models.CharField(max_length=200)
    path = models.CharField(max_length=300)
    body_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key", "path"], name="uniq_idempotency_key")
        ]


class ClosedPeriod(models.Model):
    """月结: a closed month. Nothing dated on or before the last closed month's end may be
    posted, unapproved or reversed (DOMAIN.md §4.8). Months close in order; only the last
    closed month can be reopened."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        User, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by")
    )

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="uniq_closed_period"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="closed_period_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class ImportJob(models.Model):
    """导入任务: a large import applied in the background, chunk by chunk, each chunk in a
    short transaction of its own (no request or task holds the database's write lock for
    long). Its items (``ImportJobItem``) were checked before the job was made; ``handler`` (a
    dotted path) applies a chunk of them; ``done`` of ``total`` is the progress. A chunk
    commits its progress as the counters alone, and what it recorded (``ImportJobChunk``) as a
    row of its own: the job's row stays small, whatever the size of the import.
    ``result`` is what the chunks recorded, merged, once the job is done (while it runs,
    ``jxc.core.jobs.job_result`` merges the chunks' rows)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    subject_id = models.BigIntegerField(null=True, blank=True)
    handler = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker's lease: renewed with every chunk it commits; a running job whose lease ran
    # out lost its worker (jxc.core.jobs.fail_stalled_imports).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.status} {self.done}/{self.total}"


class ImportJobItem(models.Model):
    """One item of an import job, by its place (``seq``, from 0): written once when the job is
    made, read a chunk at a time by range, deleted when the job is done."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveIntegerField()
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "seq"], name="core_importjobitem_job_seq")
        ]

    def __str__(self) -> str:
        return f"#{self.job_id}[{self.seq}]"


class ImportJobChunk(models.Model):
    """What one committed chunk of an import job recorded (its handler's ``job.result``),
    committed with the chunk: the rows it created, the values it replaced — what the rollback
    of a job stopped midway takes back."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField()  # the chunk's first item
    result = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "start"], name="core_importjobchunk_job_start")
        ]

    def __str__(self) -> str:
        return f"#{self.job_id}@{self.start}"
