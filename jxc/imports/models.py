"""导入批次: one uploaded spreadsheet between its preview and its confirmation.

The preview reads and checks every row (and tries the writes in a transaction that is rolled
back); what it found is kept here — the file itself (for the errors copy), every problem, the
rows ready to write — so that confirming writes exactly what was previewed, and nothing is
written before."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to confirm")
        APPLYING = "applying", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Rolled back")

    class Mode(models.TextChoices):
        CREATE = "create", _("Add new only")
        UPDATE = "update", _("Update existing codes")
        SKIP = "skip", _("Skip existing codes")

    kind = models.CharField(_("kind"), max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("file"), max_length=200, blank=True)
    data = models.BinaryField(editable=False)
    mode = models.CharField(
        _("existing codes"), max_length=10, choices=Mode.choices, default=Mode.CREATE
    )
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVALID
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    items = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey(
        "core.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.status}"
