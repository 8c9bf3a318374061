"""The two abstract tables every business paper is made of: the header (``Document``: number,
business date, status, memo, who moved it and when) and its lines (``DocumentLine``: the SKU, what
was typed — quantity and unit with the unit's factor at the time — and the base quantity)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.core.choices import DOCUMENT_WORKFLOW, DocumentStatus
from jxc.core.documents.declaration import DocumentType
from jxc.core.fields import FactorField, QuantityField, choices_check
from jxc.core.transitions import Transition, Workflow


@dataclass(frozen=True)
class SourceRef:
    """Where a ledger row comes from: document kind, id, number (and line, per row)."""

    kind: str
    id: int
    number: str


class Document(models.Model):
    """单据 header. Subclasses set DOC_TYPE (numbering), RESOURCE (permissions) and may
    replace WORKFLOW."""

    DOC_TYPE: ClassVar[str] = ""
    RESOURCE: ClassVar[str] = ""
    WORKFLOW: ClassVar[Workflow] = DOCUMENT_WORKFLOW
    # 打印标签 from the lines: the line field counted, one label per base unit ("" none)
    LABEL_QTY: ClassVar[str] = ""
    # A declared type (jxc.core.documents.declaration) sets the four above.
    TYPE: ClassVar[DocumentType | None] = None

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    date = models.DateField(_("business date"), db_index=True)
    # No index: every step (提交, 审核, 过账 …) changes the status, and with the status in an
    # index PostgreSQL could not update the row in place (HOT) — each step wrote a new entry
    # in every index of the table. Nothing reads documents by status alone: lists and reports
    # pair it with dates, kinds or their party (docs/documents.md "Indexes").
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
    )
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    # The three users: no index. Nothing looks documents up by who made, approved or posted
    # them, and each index was a page more in a step's commit (created: all three).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        db_index=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
        verbose_name=_("posted by"),
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ["-date", "-id"]
        # Every document table refuses a status outside the workflow's. A type whose Meta
        # lists constraints of its own names this one too (``*Document.Meta.constraints``,
        # held by jxc/core/tests/test_document_status_checks.py).
        constraints = [
            choices_check(
                "status", DocumentStatus.values, name="%(app_label)s_%(class)s_status_valid"
            )
        ]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        declared = cls.__dict__.get("TYPE")
        if declared is not None:
            cls.DOC_TYPE, cls.RESOURCE = declared.code, declared.resource
            cls.WORKFLOW = declared.workflow
            cls.LABEL_QTY = declared.labels

    def __str__(self) -> str:
        return self.number

    def ref(self) -> SourceRef:
        return SourceRef(kind=self.DOC_TYPE, id=self.pk, number=self.number)

    def declared(self) -> DocumentType | None:
        """The declaration this row follows: its numbering and its line checks. A table
        holding several declared types (组装单 / 拆卸单) answers per row."""
        return type(self).TYPE

    def prepare_insert(self) -> None:
        """What ``save`` sets on a new row before its INSERT (nothing here). The platform
        inserts a new draft without ``Model.save`` (``jxc.core.documents.rows.insert_one``)
        and calls this first: a type whose ``save`` does more must do it here too."""

    @property
    def is_editable(self) -> bool:
        """Lines and header may change only while the document is a draft."""
        return self.status == DocumentStatus.DRAFT

    def actions_for(self, user) -> list[Transition]:
        """The buttons this user sees (derived from the same table that is enforced; an
        approval step decides who may approve, reject or withdraw: ``approval.may``)."""
        from jxc.core.documents.approval import permitted

        return [
            t
            for t in self.WORKFLOW.actions_from(self.status)
            if permitted(self, t.action, user=user, resource=self.RESOURCE)
        ]


class DocumentLine(models.Model):
    """What every document line holds: the SKU, what was typed (quantity and unit, with the
    unit's factor at the time) and the quantity in the base unit."""

    line_no = models.PositiveIntegerField(_("line"), default=0)
    sku = models.ForeignKey(
        "catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU")
    )
    unit = models.ForeignKey(  # no index: nothing looks lines up by unit
        "catalog.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
        verbose_name=_("unit"),
    )
    factor = FactorField(_("conversion factor"), default=Decimal(1))
    qty = QuantityField(_("quantity"))
    base_qty = QuantityField(_("quantity (base unit)"))
    memo = models.CharField(_("memo"), max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["line_no", "id"]
