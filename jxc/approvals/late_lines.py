"""交期已过, declared once for every kind of order: an approved order's lines promised before
today whose quantity is not done yet (received in full for 采购订单, delivered in full for 销售订单).
An app declares its order lines with ``LateOrderLines(...)`` and registers that as the alert
source (``register_alert_source(kind, LateOrderLines(...))``); the breach keeps its key while the
line stays late (raised once, resolved when it is done or the order is closed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from jxc.approvals.alerts import Breach
from jxc.core.choices import DocumentStatus

LIMIT = 500  # breaches per rule and scan: the oldest promised first


def detail_url(name: str, pk: int) -> str:
    """The page of a document, or "" where the screen is not installed."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class LateOrderLines:
    """The lines of an approved order of ``line_model`` promised before today with
    ``done_field`` (base units) still below the line's base quantity."""

    line_model: type[Model]
    done_field: str  # received_qty / delivered_qty
    key_prefix: str  # po_line / so_line
    title: Any  # lazy text: %(number)s %(<partner>)s %(sku)s %(date)s %(open)s

    @property
    def partner(self) -> str:
        """The order's partner field (its declaration's first header field: supplier,
        customer), also the title's placeholder."""
        return self.line_model.document.field.related_model.TYPE.header_fields[0]  # type: ignore[attr-defined]

    @property
    def url_name(self) -> str:
        """The order's detail page."""
        return f"web:{self.line_model.document.field.related_model.TYPE.code}_detail"  # type: ignore[attr-defined]

    def __call__(self, rule) -> Iterable[Breach]:
        lines = (
            self.line_model._default_manager.filter(
                document__status=DocumentStatus.APPROVED,
                promised_date__lt=timezone.localdate(),
                **{f"{self.done_field}__lt": F("base_qty")},
            )
            .select_related(f"document__{self.partner}", "sku")
            .order_by("promised_date", "id")
        )
        if rule.warehouse_id:
            lines = lines.filter(document__warehouse_id=rule.warehouse_id)
        x: Any
        for x in lines[:LIMIT]:
            doc = x.document
            yield Breach(
                key=f"{self.key_prefix}:{x.pk}",
                title=str(self.title)
                % {
                    "number": doc.number,
                    self.partner: getattr(doc, self.partner),
                    "sku": x.sku,
                    "date": x.promised_date.isoformat() if x.promised_date else "",
                    "open": format(x.open_qty.normalize(), "f"),
                },
                url=detail_url(self.url_name, x.document_id),
            )
