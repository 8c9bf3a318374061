"""调拨单 screens: list, draft form, detail with what was shipped, received and still in
transit, the 调入 form (partial receipts) and 结案 (what never arrived), print.

URLs: /inventory/transfers/ (+ new/, <pk>/, <pk>/edit/, <pk>/print/, <pk>/receive/, <pk>/close/)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core.errors import DomainError, ValidationFailed
from jxc.inventory.documents import selectors as doc_selectors
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.choices import TransferDifference
from jxc.inventory.documents.filters import TransferFilterSet
from jxc.inventory.documents.models import Transfer
from jxc.web.generic import Column
from jxc.web.generic.line_figures import num
from jxc.web.generic.screen import Section
from jxc.web.views.stock_documents import WarehouseDocumentScreen


class TransferScreen(WarehouseDocumentScreen):
    model = Transfer
    path = "inventory/transfers"
    filterset_class = TransferFilterSet
    update_service = docs.update_transfer

    @staticmethod
    def create_service(model, **fields):
        return docs.create_transfer(**fields)

    line_hint = gettext_lazy(
        "Goods leave at cost and arrive at the value they left with. Without a bin or batch the "
        "stock is taken earliest expiry first."
    )
    columns = [
        Column("number", link=True),
        Column("date"),
        Column("from_warehouse", order_by="from_warehouse__code"),
        Column("to_warehouse", order_by="to_warehouse__code"),
        Column("one_step"),
        Column(
            "status",
            kind="tag",
            render=lambda t, user: format_html(
                '<span class="tag tag-{}">{}</span>', t.status, t.status_label()
            ),
        ),
        Column("memo", order_by=False),
    ]
    detail_fields = [
        "number",
        "date",
        "from_warehouse",
        "to_warehouse",
        "one_step",
        "difference",
        "memo",
        "status_reason",
        "created_by",
        "posted_at",
    ]

    def __init__(self):
        super().__init__()
        self.header_form.base_fields["one_step"].help_text = gettext_lazy(
            "Out and in at once (warehouses of the same site)."
        )

    def get_queryset(self, request):
        return doc_selectors.transfers_for(request.user)

    def line_columns(self, obj, user):
        cols = super().line_columns(obj, user)
        if obj.status in ("posted", "done", "reversed"):
            cols[-1:-1] = [
                (_("Received"), lambda x: num(x.received_qty), False),
                (_("In transit"), lambda x: num(x.open_qty), False),
                (_("Difference"), lambda x: num(x.base_qty - x.received_qty), False),
            ]
        return cols

    def lines_of(self, obj):
        return obj.lines.select_related("sku", "unit", "bin", "to_bin").order_by("line_no", "id")

    def header_facts(self, obj):
        return [
            (_("business date"), obj.date),
            (_("from warehouse"), obj.from_warehouse),
            (_("to warehouse"), obj.to_warehouse),
        ]

    def detail_sections(self, request, obj) -> list[Section]:
        sections = super().detail_sections(request, obj)
        if obj.status == "posted":
            user = request.user
            lines = [x for x in self.lines_of(obj) if x.open_qty > 0]
            if user.has_jxc_perm("transfer.receive"):
                sections.append(
                    Section(
                        title=gettext_lazy("Receive"),
                        template="web/inventory/_partials/transfer_receive.html",
                        context={
                            "lines": lines,
                            "url": self.url("receive", obj.pk),
                            "today": timezone.localdate().isoformat(),
                            "bins": obj.to_warehouse.bins.filter(is_active=True).order_by("code"),
                        },
                        id="receive",
                    )
                )
            if user.has_jxc_perm("transfer.close"):
                sections.append(
                    Section(
                        title=gettext_lazy("Close with a difference"),
                        template="web/inventory/_partials/transfer_close.html",
                        context={
                            "url": self.url("close", obj.pk),
                            "choices": TransferDifference.choices,
                            "open": sum((x.open_qty for x in lines), Decimal(0)),
                        },
                        id="close",
                    )
                )
        return sections

    def urls(self) -> list[URLPattern]:
        p = self.url_path
        return [
            path(f"{p}/<int:pk>/receive/", receive, {"screen": self}, name="transfer_receive"),
            path(f"{p}/<int:pk>/close/", close, {"screen": self}, name="transfer_close"),
            *super().urls(),
        ]


@login_required
def receive(request, pk: int, *, screen: TransferScreen):
    """调入: the quantities that arrived (base unit) per line."""
    if request.method != "POST" or not request.user.has_jxc_perm("transfer.receive"):
        raise PermissionDenied
    t = get_object_or_404(screen.get_queryset(request), pk=pk)
    quantities: dict[int, Decimal] = {}
    bins: dict[int, int | None] = {}
    try:
        for key, raw in request.POST.items():
            if key.startswith("qty_") and raw.strip():
                quantities[int(key[4:])] = Decimal(raw.strip())
            if key.startswith("bin_") and raw.strip():
                bins[int(key[4:])] = int(raw)
        day = request.POST.get("date") or None
        date = dt.date.fromisoformat(day) if day else None
        docs.receive_transfer(
            t, user=request.user, quantities=quantities, bins=bins or None, date=date
        )
    except (InvalidOperation, ValueError):
        messages.error(request, _("Enter a number."))
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms) or str(exc))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Received."))
    return redirect(screen.url("detail", t.pk))


@login_required
def close(request, pk: int, *, screen: TransferScreen):
    """结案: what is still in transit goes back to the source or is written off."""
    if request.method != "POST" or not request.user.has_jxc_perm("transfer.close"):
        raise PermissionDenied
    t = get_object_or_404(screen.get_queryset(request), pk=pk)
    try:
        docs.close_transfer(
            t,
            user=request.user,
            difference=request.POST.get("difference", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Closed."))
    return redirect(screen.url("detail", t.pk))


SCREENS = [TransferScreen()]
urlpatterns = [u for s in SCREENS for u in s.urls()]
