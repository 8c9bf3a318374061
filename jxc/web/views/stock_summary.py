"""报表 pages: 收发存汇总 (period picker, totals row, Excel export) and 月结 (status of recent
months, close with the problems listed when refused, 反结账 of the last month — owner only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jxc.core import periods
from jxc.core.errors import DomainError
from jxc.inventory.choices import MoveReason
from jxc.reports import selectors
from jxc.web.views.report_tables import Col, paginate, table, visible, xlsx_response
from jxc.web.views.stock_reports import (
    GROUPS,
    ScopeForm,
    page_context,
    recosting_tag,
    require,
    wants_export,
)

SUMMARY_PER_PAGE = 50


def last_month(today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    year, month = periods.previous_month(today.year, today.month)
    return f"{year}-{month:02d}"


class SummaryForm(ScopeForm):
    month = forms.RegexField(
        label=gettext_lazy("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    group = forms.ChoiceField(label=gettext_lazy("Group by"), choices=GROUPS, required=False)

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """From/to when both are given, else the month (last month by default)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") and data.get("end"):
            return data["start"], data["end"]
        year, month = (data.get("month") or last_month()).split("-")
        return periods.month_bounds(int(year), int(month))


def reason_key(reason: str) -> str:
    """A reason's columns apart from the blocks of their own: the reason 期初库存 is
    ``opening``, as is the 期初 (opening balance) block."""
    return f"reason_{reason}"


def summary_columns(summary, *, by_warehouse: bool) -> list[Col]:
    """收发存 columns: SKU, [warehouse], 期初, each receipt reason, 入库合计, each issue
    reason, 出库合计, [成本差异 by warehouse], 期末 — quantity, unit cost and value."""
    labels = dict(MoveReason.choices)
    cols = [
        Col("sku_code", gettext_lazy("SKU code"), link="sku_url"),
        Col("sku_name", gettext_lazy("Name"), tag="recosting_tag"),
        Col("unit", gettext_lazy("Unit")),
    ]
    if by_warehouse:
        cols.append(Col("warehouse", gettext_lazy("Warehouse")))

    def block(key: str, group: Any, unit_cost: bool = False, detail: bool = False) -> list[Col]:
        # ``detail``: a reason's own block, folded away on a phone (期初, 入库/出库 合计 and 期末
        # stay, each card row named with its group: 期初 · 数量)
        out = [
            Col(
                f"{key}_qty",
                gettext_lazy("Quantity"),
                "qty",
                group=group,
                detail=detail,
                mixed=True,
            )
        ]
        if unit_cost:
            out.append(Col(f"{key}_uc", gettext_lazy("Unit cost"), "price", cost=True, group=group))
        out.append(
            Col(
                f"{key}_value",
                gettext_lazy("Amount"),
                "money",
                cost=True,
                group=group,
                detail=detail,
            )
        )
        return out

    cols += block("opening", gettext_lazy("Opening"), unit_cost=True)
    for r in summary.receipt_reasons:
        cols += block(reason_key(r), labels[r], detail=True)
    cols += block("received", gettext_lazy("Total received"))
    for r in summary.issue_reasons:
        cols += block(reason_key(r), labels[r], detail=True)
    cols += block("issued", gettext_lazy("Total issued"))
    if by_warehouse:  # the change of a warehouse's value caused by the pool's unit cost
        cols.append(Col("cost_difference", gettext_lazy("Cost difference"), "money", cost=True))
    cols += block("closing", gettext_lazy("Closing"), unit_cost=True)
    return cols


def summary_row(r, reasons: list[str], recosting: Container[int] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if r.sku is not None:
        out.update(
            sku_id=r.sku.id,
            recosting_tag=recosting_tag(r.sku.id in recosting),
            sku_code=r.sku.code,
            sku_name=r.sku.label,
            unit=r.sku.unit,
            sku_url=reverse("web:stock_sku", args=[r.sku.id]),
            warehouse=r.warehouse.name if r.warehouse else "",
        )
    else:
        out["sku_code"] = _("Total")
    figures = {
        "opening": r.opening,
        "received": r.received,
        "issued": r.issued,
        "closing": r.closing,
    }
    for reason in reasons:
        f = r.by_reason(reason)
        if f is not None:
            figures[reason_key(reason)] = f
    for key, f in figures.items():
        out[f"{key}_qty"] = f.qty
        out[f"{key}_value"] = f.value
        out[f"{key}_uc"] = f.unit_cost
    out["cost_difference"] = r.cost_difference
    return out


@login_required
def movement_summary(request):
    """收发存汇总."""
    require(request, "report.view")
    data = request.GET.copy()
    data.setdefault("month", last_month())
    form = SummaryForm(data, user=request.user)
    start, end = form.period()
    by_warehouse = (form.cleaned_data.get("group") if form.is_valid() else "") != "sku"
    summary = selectors.movement_summary(
        user=request.user, start=start, end=end, by_warehouse=by_warehouse, **form.scope()
    )
    reasons = [*summary.receipt_reasons, *summary.issue_reasons]
    cols = visible(summary_columns(summary, by_warehouse=by_warehouse), request.user)
    totals = summary_row(summary.totals, reasons)
    title = _("Stock movement summary")
    if wants_export(request, "report.export"):
        rows = (summary_row(r, reasons) for r in summary.rows)
        return xlsx_response(f"{title} {start}~{end}", cols, rows, totals)
    page, pager = paginate(request, summary.rows, SUMMARY_PER_PAGE)
    flagged = selectors.recosting_skus({r.sku.id for r in page if r.sku is not None})
    ctx = page_context(
        request,
        title,
        form,
        subtitle=_("%(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()},
        table=table(cols, [summary_row(r, reasons, flagged) for r in page], totals, fold=True),
        pager=pager,
        can_export=request.user.has_jxc_perm("report.export"),
        wide=True,
        note=(
            _("Opening + received − issued ± cost difference = closing, to the cent, on every row.")
            if by_warehouse
            else _("Opening + received − issued = closing, to the cent, on every row.")
        )
        + (
            " "
            + _("Read from the snapshot of %(month)s plus the moves after it.")
            % {"month": str(summary.snapshot)}
            if summary.snapshot
            else ""
        ),
    )
    return render(request, "web/reports/report.html", ctx)


# --- 月结 -------------------------------------------------------------------------------------


@login_required
def period_list(request):
    """月结: recent months, the month to close next and what stops it."""
    require(request, "period.view")
    overview = selectors.period_overview(months=12)
    return render(
        request,
        "web/reports/periods.html",
        {
            "title": _("Period close"),
            "overview": overview,
            "next_label": f"{overview.next_to_close[0]}-{overview.next_to_close[1]:02d}"
            if overview.next_to_close
            else "",
            "can_close": request.user.has_jxc_perm("period.post"),
            # 成本重算中 stops the close: where to watch it
            "recosting_url": reverse("web:recost_jobs")
            if request.user.has_jxc_perm("stock.view")
            and selectors.recost_jobs(active_only=True, limit=1)
            else "",
            "can_reopen": selectors.can_reopen_period(request.user)
            and request.user.has_jxc_perm("period.reverse"),
        },
    )


@login_required
@require_POST
def period_close(request):
    require(request, "period.post")
    try:
        if request.POST.get("ym"):  # the first close may be any past month
            year, month = (int(x) for x in request.POST["ym"].split("-"))
        else:
            year, month = int(request.POST["year"]), int(request.POST["month"])
        closed = periods.close_period(year=year, month=month, user=request.user)
    except (KeyError, ValueError):
        messages.error(request, _("Choose a month."))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(month)s is closed.") % {"month": str(closed)})
    return redirect("web:period_list")


@login_required
@require_POST
def period_reopen(request):
    require(request, "period.reverse")
    if not selectors.can_reopen_period(request.user):
        raise PermissionDenied
    try:
        reopened = periods.reopen_period(user=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        errors = getattr(exc, "errors", {})
        messages.error(request, "; ".join(m for v in errors.values() for m in v) or str(exc))
    else:
        messages.success(request, _("%(month)s is open again.") % {"month": str(reopened)})
    return redirect("web:period_list")


urlpatterns = [
    path("reports/movement-summary/", movement_summary, name="movement_summary"),
    path("reports/periods/", period_list, name="period_list"),
    path("reports/periods/close/", period_close, name="period_close"),
    path("reports/periods/reopen/", period_reopen, name="period_reopen"),
]
