"""采购 reports: 三单匹配差异 (the order lines whose registered invoices do not match what was
ordered and received, with the reason) and 供应商绩效 (on-time, fill and QC reject rates per
supplier over a date range, and a supplier's price trend per SKU) — screens with Excel export
(Chinese headers), and the performance block on the supplier's page.
URLs: /purchasing/invoice-mismatches/, /purchasing/supplier-performance/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.partners.models import Supplier
from jxc.purchasing import matching, performance
from jxc.web.generic.screen import Section
from jxc.web.views.report_tables import Col, export_query, table, visible, xlsx_response

DEFAULT_DAYS = 90


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RangeForm(forms.Form):
    supplier = forms.ModelChoiceField(
        queryset=Supplier.objects.order_by("code"), required=False, label=gettext_lazy("Supplier")
    )
    date_from = forms.DateField(label=gettext_lazy("From"), widget=_date_input(), required=False)
    date_to = forms.DateField(label=gettext_lazy("To"), widget=_date_input(), required=False)

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def _range(
    form: RangeForm, *, default_days: int | None
) -> tuple[Any, dt.date | None, dt.date | None]:
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    end = data.get("date_to")
    start = data.get("date_from")
    if default_days is not None:
        end = end or timezone.localdate()
        start = start or end - dt.timedelta(days=default_days - 1)
    return data.get("supplier"), start, end


def _require(request, perm: str) -> None:
    if not request.user.has_jxc_perm(perm):
        raise PermissionDenied


# --- 三单匹配差异 ---------------------------------------------------------------------------


def match_cols() -> list[Col]:
    return [
        Col("invoices", gettext_lazy("Invoice")),
        Col("order", gettext_lazy("Purchase order"), link="order_url"),
        Col("line_no", gettext_lazy("Line")),
        Col("supplier", gettext_lazy("Supplier")),
        Col("sku", gettext_lazy("SKU")),
        Col("ordered_qty", gettext_lazy("Ordered"), kind="qty"),
        Col("received_qty", gettext_lazy("Received"), kind="qty"),
        Col("invoiced_qty", gettext_lazy("Invoiced"), kind="qty"),
        Col("unit_price", gettext_lazy("Order price excl. VAT"), kind="price", cost=True),
        Col("ordered_amount", gettext_lazy("Ordered amount"), kind="money", cost=True),
        Col("received_amount", gettext_lazy("Received amount"), kind="money", cost=True),
        Col("invoiced_amount", gettext_lazy("Invoiced amount"), kind="money", cost=True),
        Col("difference", gettext_lazy("Difference"), kind="money", cost=True),
        Col("reason", gettext_lazy("Reason")),
    ]


def match_rows(rows: list[matching.MatchRow]) -> list[dict]:
    return [
        {
            "invoices": r.invoice_numbers,
            "order": r.order_number,
            "order_url": reverse("web:purchase_order_detail", args=[r.order_id]),
            "line_no": r.line_no,
            "supplier": r.supplier,
            "sku": r.sku,
            "sku_id": r.sku_id,
            "ordered_qty": r.ordered_qty,
            "received_qty": r.received_qty,
            "invoiced_qty": r.invoiced_qty,
            "unit_price": r.unit_price,
            "ordered_amount": r.ordered_amount,
            "received_amount": r.received_amount,
            "invoiced_amount": r.invoiced_amount,
            "difference": r.difference,
            "reason": r.reason_label or _("Matched"),
        }
        for r in rows
    ]


@login_required
def mismatches_view(request):
    """三单匹配差异: registered invoices' order lines that do not match, the largest first."""
    _require(request, "purchase_invoice.view")
    form = RangeForm(request.GET or None)
    supplier, start, end = _range(form, default_days=None)
    rows = match_rows(
        matching.invoice_match(
            supplier=supplier.pk if supplier else None, date_from=start, date_to=end
        )
    )
    cols = visible(match_cols(), request.user)
    title = _("Invoice mismatches")
    if request.GET.get("export") == "xlsx":
        _require(request, "purchase_invoice.export")
        return xlsx_response(title, cols, rows)
    return TemplateResponse(
        request,
        "web/reports/report.html",
        {
            "title": title,
            "subtitle": _(
                "Order ↔ receipt ↔ invoice per order line, within the tolerance of the company "
                "settings"
            ),
            "form": form,
            "table": table(cols, rows),
            "export_query": export_query(request),
            "can_export": request.user.has_jxc_perm("purchase_invoice.export"),
            "note": _(
                "Quantity differs: less invoiced than received. Not received: more invoiced "
                "than received. Invoiced over the order: more invoiced than ordered. Price "
                "differs: the same quantity at another amount."
            ),
        },
    )


# --- 供应商绩效 -----------------------------------------------------------------------------


def performance_cols() -> list[Col]:
    return [
        Col("code", gettext_lazy("Code")),
        Col("name", gettext_lazy("Supplier"), link="url"),
        Col("receipt_lines", gettext_lazy("Receipt lines"), kind="qty"),
        Col("on_time_lines", gettext_lazy("On time"), kind="qty"),
        Col("on_time_rate", gettext_lazy("On-time rate %"), kind="qty"),
        Col("ordered_qty", gettext_lazy("Ordered (closed or due)"), kind="qty"),
        Col("filled_qty", gettext_lazy("Accepted"), kind="qty"),
        Col("fill_rate", gettext_lazy("Fill rate %"), kind="qty"),
        Col("arrived_qty", gettext_lazy("Arrived"), kind="qty"),
        Col("rejected_qty", gettext_lazy("Rejected"), kind="qty"),
        Col("reject_rate", gettext_lazy("Reject rate %"), kind="qty"),
    ]


def performance_rows(found: list[performance.Performance]) -> list[dict]:
    return [
        {
            "code": p.code,
            "name": p.name,
            "url": reverse("web:supplier_detail", args=[p.supplier_id]),
            "receipt_lines": Decimal(p.receipt_lines),
            "on_time_lines": Decimal(p.on_time_lines),
            "on_time_rate": p.on_time_rate,
            "ordered_qty": p.ordered_qty,
            "filled_qty": p.filled_qty,
            "fill_rate": p.fill_rate,
            "arrived_qty": p.arrived_qty,
            "rejected_qty": p.rejected_qty,
            "reject_rate": p.reject_rate,
        }
        for p in found
    ]


def trend_cols() -> list[Col]:
    return [
        Col("sku", gettext_lazy("SKU")),
        Col("date", gettext_lazy("Date"), kind="date"),
        Col("number", gettext_lazy("Document number")),
        Col("qty", gettext_lazy("Quantity (base unit)"), kind="qty"),
        Col("unit_cost", gettext_lazy("Price excl. VAT per base unit"), kind="price", cost=True),
    ]


def trend_rows(points: list[performance.PricePoint]) -> list[dict]:
    return [{**p.__dict__} for p in points]


@login_required
def performance_view(request):
    """供应商绩效 over a date range (default the last 90 days); with a supplier chosen, its
    price trend per SKU below."""
    _require(request, "supplier.view")
    form = RangeForm(request.GET or None)
    supplier, start, end = _range(form, default_days=DEFAULT_DAYS)
    assert start is not None and end is not None
    found = performance.supplier_performance(
        date_from=start, date_to=end, supplier=supplier.pk if supplier else None
    )
    cols, rows = performance_cols(), performance_rows(found)
    title = _("Supplier performance")
    if request.GET.get("export") == "xlsx":
        _require(request, "supplier.export")
        return xlsx_response(f"{title} {start.isoformat()}~{end.isoformat()}", cols, rows)
    note = _(
        "On-time: receipt lines received on or before the order line's promised date. Fill: "
        "accepted ÷ ordered on order lines closed, completed or past their promised date. "
        "Reject: rejected ÷ arrived at inspection."
    )
    context: dict[str, Any] = {
        "title": title,
        "subtitle": f"{start.isoformat()} ~ {end.isoformat()}",
        "form": form,
        "table": table(cols, rows),
        "export_query": export_query(request),
        "can_export": request.user.has_jxc_perm("supplier.export"),
        "note": note,
    }
    return TemplateResponse(request, "web/reports/report.html", context)


def supplier_section(request, supplier) -> list[Section]:
    """On the supplier's page: its figures of the last 90 days and its price trend."""
    end = timezone.localdate()
    start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
    found = performance.supplier_performance(date_from=start, date_to=end, supplier=supplier.pk)
    points = performance.price_trend(supplier=supplier.pk, last=5)
    url = reverse("web:supplier_performance") + f"?supplier={supplier.pk}"
    return [
        Section(
            title=gettext_lazy("Performance (last 90 days)"),
            template="web/purchasing/_partials/supplier_performance.html",
            context={"table": table(performance_cols()[2:], performance_rows(found)), "url": url},
            id="performance",
        ),
        Section(
            title=gettext_lazy("Price trend"),
            template="web/purchasing/_partials/match_table.html",
            context={"table": table(visible(trend_cols(), request.user), trend_rows(points))},
            id="price-trend",
        ),
    ]


urlpatterns = [
    path("purchasing/invoice-mismatches/", mismatches_view, name="invoice_mismatches"),
    path("purchasing/supplier-performance/", performance_view, name="supplier_performance"),
]
