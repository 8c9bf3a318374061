"""库存 pages: 即时库存 (with batches and bins), 库存流水, 库存查询(按日期) — thin views
over jxc.reports.selectors, within the user's warehouse scope; cost columns only with
``cost.view``; Excel export of the filtered list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog.models import Category, Sku
from jxc.catalog.selectors import search_skus
from jxc.inventory.choices import MoveReason
from jxc.inventory.models import Warehouse
from jxc.inventory.selectors import warehouses_for
from jxc.reports import selectors
from jxc.web.generic.forms import set_queryset
from jxc.web.views.report_tables import (
    Col,
    document_url,
    export_query,
    paginate,
    query_string,
    table,
    visible,
    xlsx_response,
)


def require(request, perm: str) -> None:
    if not request.user.has_jxc_perm(perm):
        raise PermissionDenied


def wants_export(request, perm: str) -> bool:
    if request.GET.get("export") != "xlsx":
        return False
    require(request, perm)
    return True


# --- filter forms ----------------------------------------------------------------------------


class ScopeForm(forms.Form):
    """Warehouse (within the user's scope), category and SKU search."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=80)
    warehouse = forms.ModelChoiceField(
        queryset=Warehouse.objects.none(), label=gettext_lazy("Warehouse"), required=False
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.order_by("path"), label=gettext_lazy("Category"), required=False
    )

    def __init__(self, data, *, user, **kw):
        super().__init__(data, **kw)
        set_queryset(self, "warehouse", warehouses_for(user).order_by("code"))
        self.fields["q"].widget.attrs["placeholder"] = _("Code, name, barcode or pinyin")

    def scope(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "warehouse": data.get("warehouse"),
            "category": data.get("category"),
            "q": data.get("q", ""),
        }


class BalanceForm(ScopeForm):
    zero = forms.BooleanField(label=gettext_lazy("Include zero rows"), required=False)


class MoveForm(ScopeForm):
    sku = forms.IntegerField(required=False, widget=forms.HiddenInput)
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"),
        required=False,
        choices=[("", "---------"), *MoveReason.choices],
    )
    document = forms.CharField(label=gettext_lazy("Document number"), required=False, max_length=40)


GROUPS = [("warehouse", gettext_lazy("SKU × warehouse")), ("sku", gettext_lazy("SKU"))]


class AtDateForm(ScopeForm):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    group = forms.ChoiceField(label=gettext_lazy("Group by"), choices=GROUPS, required=False)


def page_context(request, title, form, **extra) -> dict[str, Any]:
    return {"title": title, "form": form, "export_query": export_query(request), **extra}


SKU_COLS = [
    Col("sku_code", gettext_lazy("SKU code"), link="sku_url"),
    Col("sku_name", gettext_lazy("Name"), tag="recosting_tag"),
    Col("unit", gettext_lazy("Unit")),
]


def recosting_tag(recosting: bool) -> str:
    """The 成本重算中 tag next to a SKU whose background re-costing has not finished."""
    return _("Cost being updated") if recosting else ""


def sku_row(sku: Sku, recosting: bool = False) -> dict[str, Any]:
    return {
        "sku_id": sku.pk,
        "sku_code": sku.code,
        "sku_name": str(sku),
        "unit": sku.product.base_unit.name,
        "sku_url": reverse("web:stock_sku", args=[sku.pk]),
        "recosting_tag": recosting_tag(recosting),
    }


# --- 即时库存 --------------------------------------------------------------------------------

BALANCE_COLS = [
    *SKU_COLS,
    Col("warehouse", gettext_lazy("Warehouse")),
    Col("on_hand", gettext_lazy("On hand"), "qty", mixed=True),
    Col("reserved", gettext_lazy("Reserved"), "qty"),
    Col("available", gettext_lazy("Available"), "qty", mixed=True),
    Col("on_order", gettext_lazy("On order"), "qty"),
    Col("in_transit", gettext_lazy("In transit"), "qty"),
    Col("unit_cost", gettext_lazy("Unit cost"), "price", cost=True),
    Col("value", gettext_lazy("Stock value"), "money", cost=True),
    Col("note", gettext_lazy("Note")),
]


def _balance_row(b: Any) -> dict[str, Any]:  # a StockBalance with ``recosting``
    return {
        **sku_row(b.sku, b.recosting),
        "warehouse": b.warehouse.name,
        "on_hand": b.on_hand,
        "reserved": b.reserved,
        "available": b.on_hand - b.reserved,
        "on_order": b.on_order,
        "in_transit": b.in_transit,
        "unit_cost": selectors.unit_cost_of(b.on_hand, b.value),
        "value": b.value,
        "note": _("Cost being updated") if b.recosting else "",
    }


@login_required
def stock_balances(request):
    """即时库存."""
    require(request, "stock.view")
    form = BalanceForm(request.GET or None, user=request.user)
    zero = form.is_valid() and form.cleaned_data.get("zero")
    qs = selectors.stock_balances(user=request.user, nonzero=not zero, **form.scope())
    cols = visible(BALANCE_COLS, request.user)
    totals = selectors.balance_totals(qs)
    totals_row = {"sku_code": _("Total"), **totals, "unit_cost": None}
    title = _("Stock on hand")
    if wants_export(request, "stock.export"):
        return xlsx_response(title, cols, (_balance_row(b) for b in qs.iterator()), totals_row)
    cols = [c for c in cols if c.key != "note"]  # on screen the tag next to the name says it
    page, pager = paginate(request, qs)
    rows = [_balance_row(b) for b in page]
    return render(
        request,
        "web/reports/report.html",
        page_context(
            request,
            title,
            form,
            table=table(cols, rows, totals_row),
            pager=pager,
            can_export=request.user.has_jxc_perm("stock.export"),
        ),
    )


LOT_COLS = [
    Col("warehouse", gettext_lazy("Warehouse")),
    Col("batch", gettext_lazy("Batch")),
    Col("production_date", gettext_lazy("Production date"), "date"),
    Col("expiry_date", gettext_lazy("Expiry date"), "date"),
    Col("bin", gettext_lazy("Bin")),
    Col("qty", gettext_lazy("Quantity"), "qty", mixed=True),
]


@login_required
def stock_sku(request, sku_id: int):
    """A SKU's stock: per warehouse, and the batches and bins that hold it."""
    require(request, "stock.view")
    sku = get_object_or_404(Sku.objects.select_related("product__base_unit"), pk=sku_id)
    balances = selectors.stock_balances(user=request.user, nonzero=False).filter(sku=sku)
    cols = [c for c in visible(BALANCE_COLS[3:], request.user) if c.key != "note"]
    lots = [
        {
            "sku_id": sku.pk,
            "warehouse": lot.warehouse.name,
            "batch": lot.batch.number if lot.batch else "",
            "production_date": lot.batch.production_date if lot.batch else None,
            "expiry_date": lot.batch.expiry_date if lot.batch else None,
            "bin": lot.bin.code if lot.bin else "",
            "qty": lot.qty,
        }
        for lot in selectors.lot_balances(user=request.user, sku=sku)
    ]
    return render(
        request,
        "web/reports/stock_sku.html",
        {
            "title": f"{sku.code} {sku}",
            "sku": sku,
            "balances": table(cols, [_balance_row(b) for b in balances]),
            "lots": table(LOT_COLS, lots),
            "moves_url": reverse("web:stock_moves") + "?" + query_string(sku=sku.pk),
            "recost_job": selectors.recosting_jobs_by_sku([sku.pk]).get(sku.pk),
        },
    )


# --- 库存流水 --------------------------------------------------------------------------------

LEDGER_COLS = [
    Col("date", gettext_lazy("Date"), "date", link="move_url"),
    Col("document", gettext_lazy("Document"), link="document_url"),
    Col("reason", gettext_lazy("Reason")),
    Col("warehouse", gettext_lazy("Warehouse")),
    Col("batch", gettext_lazy("Batch")),
    Col("bin", gettext_lazy("Bin")),
    Col("in_qty", gettext_lazy("In"), "qty", group=gettext_lazy("Quantity"), mixed=True),
    Col("out_qty", gettext_lazy("Out"), "qty", group=gettext_lazy("Quantity"), mixed=True),
    Col("unit_cost", gettext_lazy("Unit cost"), "price", cost=True, group=gettext_lazy("Amount")),
    Col("in_value", gettext_lazy("In"), "money", cost=True, group=gettext_lazy("Amount")),
    Col("out_value", gettext_lazy("Out"), "money", cost=True, group=gettext_lazy("Amount")),
    Col("balance_qty", gettext_lazy("Quantity"), "qty", group=gettext_lazy("Balance"), mixed=True),
    Col("balance_value", gettext_lazy("Value"), "money", cost=True, group=gettext_lazy("Balance")),
]
MOVE_LIST_COLS = [*SKU_COLS, *LEDGER_COLS[:-2]]


def _move_row(m, incoming: bool, recosting: bool = False) -> dict[str, Any]:
    return {
        **sku_row(m.sku, recosting),
        "date": m.date,
        "move_url": reverse("web:stock_move_detail", args=[m.pk]),
        "document": m.source_number,
        "document_url": document_url(m.source_kind, m.source_id),
        "reason": m.get_reason_display(),
        "warehouse": m.warehouse.name,
        "batch": m.batch.number if m.batch else "",
        "bin": m.bin.code if m.bin else "",
        "in_qty": m.qty if incoming else None,
        "out_qty": None if incoming else -m.qty,
        "unit_cost": m.unit_cost,
        "in_value": m.value if incoming else None,
        "out_value": None if incoming else -m.value,
    }


@login_required
def stock_moves(request):
    """库存流水: with one SKU chosen, every move with the balance after it."""
    require(request, "stock.view")
    form = MoveForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    scope = form.scope()
    sku, candidates = None, []
    if data.get("sku"):
        sku = Sku.objects.filter(pk=data["sku"]).first()
    elif scope["q"]:
        candidates = list(search_skus(scope["q"], active_only=False)[:11])
        if len(candidates) == 1:
            sku = candidates[0]
    filters: dict[str, Any] = {
        "start": data.get("start"),
        "end": data.get("end"),
        "reason": data.get("reason") or "",
        "document": data.get("document") or "",
    }
    title = _("Stock ledger")
    export = wants_export(request, "stock.export")
    if sku is not None:
        led = selectors.sku_ledger(
            user=request.user, sku=sku, warehouse=scope["warehouse"], **filters
        )
        cols = visible(LEDGER_COLS, request.user)
        rows = [
            {
                **_move_row(r.move, r.incoming),
                "balance_qty": r.balance_qty,
                "balance_value": r.balance_value,
            }
            for r in led.rows
        ]
        opening = {
            "sku_id": sku.pk,
            "document": _("Opening balance"),
            "balance_qty": led.opening.qty,
            "balance_value": led.opening.value,
        }
        closing = {
            "sku_id": sku.pk,
            "document": _("Closing balance"),
            "in_qty": led.in_qty,
            "out_qty": led.out_qty,
            "in_value": led.in_value,
            "out_value": led.out_value,
            "balance_qty": led.closing.qty,
            "balance_value": led.closing.value,
        }
        if export:
            return xlsx_response(f"{title} {sku.code}", cols, [opening, *rows], closing)
        page, pager = paginate(request, rows)
        shown = ([opening] if page.number == 1 else []) + list(page)
        ctx = page_context(
            request,
            title,
            form,
            subtitle=f"{sku.code} {sku} · {sku.product.base_unit.name}",
            table=table(cols, shown, closing),
            pager=pager,
            recost_job=selectors.recosting_jobs_by_sku([sku.pk]).get(sku.pk),
        )
    else:
        qs = selectors.stock_moves(user=request.user, **filters, **scope)
        cols = visible(MOVE_LIST_COLS, request.user)
        if export:
            return xlsx_response(
                title, cols, (_move_row(m, selectors.is_incoming(m.reason)) for m in qs.iterator())
            )
        page, pager = paginate(request, qs)
        flagged = selectors.recosting_skus({m.sku_id for m in page})
        ctx = page_context(
            request,
            title,
            form,
            table=table(
                cols,
                [_move_row(m, selectors.is_incoming(m.reason), m.sku_id in flagged) for m in page],
            ),
            pager=pager,
            hint=_("Choose one SKU to see the balance after every move."),
            candidates=[
                {
                    "label": f"{c.code} {c}",
                    "url": "?"
                    + query_string(
                        sku=c.pk, **{k: request.GET.get(k) for k in ("warehouse", "start", "end")}
                    ),
                }
                for c in candidates[:10]
            ],
        )
    ctx["can_export"] = request.user.has_jxc_perm("stock.export")
    return render(request, "web/reports/report.html", ctx)


# --- 库存查询(按日期) ---------------------------------------------------------------------------

AT_DATE_COLS = [
    *SKU_COLS,
    Col("category", gettext_lazy("Category")),
    Col("warehouse", gettext_lazy("Warehouse")),
    Col("qty", gettext_lazy("Quantity"), "qty", mixed=True),
    Col("unit_cost", gettext_lazy("Unit cost"), "price", cost=True),
    Col("value", gettext_lazy("Value"), "money", cost=True),
]


@login_required
def stock_at_date(request):
    """库存查询(按日期): quantity and value at the end of a past day."""
    require(request, "stock.view")
    data = request.GET.copy()
    data.setdefault("date", timezone.localdate().isoformat())
    form = AtDateForm(data, user=request.user)
    day = form.cleaned_data["date"] if form.is_valid() else timezone.localdate()
    by_warehouse = (form.cleaned_data.get("group") if form.is_valid() else "") != "sku"
    rows = selectors.stock_at_date(
        user=request.user, day=day, by_warehouse=by_warehouse, **form.scope()
    )
    cols = visible(
        AT_DATE_COLS if by_warehouse else [c for c in AT_DATE_COLS if c.key != "warehouse"],
        request.user,
    )

    flagged: dict[int, Any] = {}

    def row(r) -> dict[str, Any]:
        return {
            "recosting_tag": recosting_tag(r.sku.id in flagged),
            "sku_id": r.sku.id,
            "sku_code": r.sku.code,
            "sku_name": r.sku.label,
            "unit": r.sku.unit,
            "sku_url": reverse("web:stock_sku", args=[r.sku.id]),
            "category": r.sku.category,
            "warehouse": r.warehouse.name if r.warehouse else "",
            "qty": r.qty,
            "unit_cost": r.unit_cost,
            "value": r.value,
        }

    t = selectors.totals_of(rows, "qty", "value")
    totals = {"sku_code": _("Total"), **t}
    title = _("Stock at a date")
    if wants_export(request, "stock.export"):
        return xlsx_response(f"{title} {day.isoformat()}", cols, map(row, rows), totals)
    page, pager = paginate(request, rows)
    flagged = selectors.recosting_skus({r.sku.id for r in page})
    return render(
        request,
        "web/reports/report.html",
        page_context(
            request,
            title,
            form,
            subtitle=_("At the end of %(date)s") % {"date": day.isoformat()},
            table=table(cols, [row(r) for r in page], totals),
            pager=pager,
            can_export=request.user.has_jxc_perm("stock.export"),
        ),
    )


urlpatterns = [
    path("inventory/stock/", stock_balances, name="stock_balances"),
    path("inventory/stock/<int:sku_id>/", stock_sku, name="stock_sku"),
    path("inventory/moves/", stock_moves, name="stock_moves"),
    path("inventory/stock-at-date/", stock_at_date, name="stock_at_date"),
]
