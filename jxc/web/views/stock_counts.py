"""盘点单 screens: list, new sheets (several at once), detail, the count page (scan box:
a scanner types the barcode and Enter, each scan adds one; typed quantities; Excel import),
the variance review (quantity and value) and confirm, print.

URLs: /inventory/stock-counts/ (+ new/, <pk>/, <pk>/count/, <pk>/scan/, <pk>/counts/,
<pk>/import/, <pk>/review/, <pk>/print/)
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.catalog.models import Category
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.visibility import MASK, can_view_cost
from jxc.imports import services as import_services
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents import selectors as doc_selectors
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.filters import StockCountFilterSet
from jxc.inventory.documents.models import StockCount, StockCountLine
from jxc.web.generic import Column
from jxc.web.generic.line_figures import money, num
from jxc.web.views import stock_doc_forms as f
from jxc.web.views.stock_count_scan import line_errors, scan_batch, typed_counts, wants_json
from jxc.web.views.stock_documents import WarehouseDocumentScreen


class StockCountScreen(WarehouseDocumentScreen):
    model = StockCount
    path = "inventory/stock-counts"
    filterset_class = StockCountFilterSet
    detail_template = "web/inventory/stockcount_detail.html"
    columns = [
        Column("number", link=True),
        Column("date"),
        Column("warehouse", order_by="warehouse__code"),
        Column("category", order_by=False),
        Column("blind"),
        Column("group", order_by=False),
        Column("status", kind="tag"),
    ]
    detail_fields = [
        "number",
        "date",
        "warehouse",
        "category",
        "bin_from",
        "bin_to",
        "blind",
        "uncounted_as_zero",
        "frozen_at",
        "group",
        "memo",
        "status_reason",
        "created_by",
        "posted_at",
    ]

    def lines_of(self, obj):
        return obj.lines.select_related("sku", "bin", "batch").order_by("line_no", "id")

    def transition(self, request, obj, transition, reason: str = ""):
        if transition.action == "post":
            # the review's tick "I checked the large variances" (checked again by the service)
            confirm = request.POST.get("confirm_large") == "1"
            return docs.post_stock_count(obj, user=request.user, confirm_large=confirm)
        return super().transition(request, obj, transition, reason)

    def line_columns(self, obj, user):
        hide = obj.hides_book
        cols: list[Any] = [
            (_("SKU code"), lambda x: x.sku.code, False),
            (_("name"), lambda x: f"{x.sku.name} {x.sku.spec}".strip(), False),
            (_("Bin"), lambda x: x.bin.code if x.bin_id else "", False),
            (_("Batch number"), lambda x: x.batch.number if x.batch_id else "", False),
        ]
        if not hide:
            cols.append((_("book quantity"), lambda x: num(x.book_qty), False))
        cols.append((_("counted quantity"), lambda x: num(x.counted_qty), False))
        if not hide:
            cols.append(
                (
                    _("Variance"),
                    lambda x: num(x.counted_qty - x.book_qty) if x.counted_qty is not None else "",
                    False,
                )
            )
        return cols

    def header_facts(self, obj):
        facts = [(_("business date"), obj.date), (_("warehouse"), obj.warehouse)]
        if obj.category_id:
            facts.append((_("category"), obj.category))
        if obj.bin_from or obj.bin_to:
            facts.append((_("Bins"), f"{obj.bin_from}–{obj.bin_to}"))
        return facts

    def document_pages(self):
        return {
            "count": count_page,
            "scan": scan,
            "counts": save_counts,
            "import": import_counts,
            "review": review,
        }

    def urls(self) -> list[URLPattern]:
        # A sheet is made on a page of its own (the book frozen), never typed on a draft form.
        p, n = self.url_path, self.url_name
        return [
            path(f"{p}/new/", new_counts, {"screen": self}, name=f"{n}_create"),
            *super().urls(),
        ]


@login_required
def new_counts(request, *, screen: StockCountScreen):
    """新建盘点单: one sheet per scope row (warehouse, category, bins), the book frozen now."""
    if not screen.can(request.user, "create"):
        raise PermissionDenied
    warehouses = list(stock_selectors.document_warehouses(request.user, active_only=True))
    scopes_in: list[dict[str, str]] = []
    if request.method == "POST":
        form = f.CountSheetForm(request.POST)
        get = request.POST.getlist
        n = len(get("scope_warehouse"))

        def col(name: str) -> list[str]:
            return get(name) + [""] * (n - len(get(name)))

        rows = zip(
            col("scope_warehouse"),
            col("scope_category"),
            col("scope_bin_from"),
            col("scope_bin_to"),
            strict=True,
        )
        by_id = {str(w.pk): w for w in warehouses}
        scopes = []
        for wh, cat, lo, hi in rows:
            scopes_in.append({"warehouse": wh, "category": cat, "bin_from": lo, "bin_to": hi})
            if wh in by_id:
                scopes.append(
                    docs.CountScope(
                        warehouse=by_id[wh],
                        category=Category.objects.filter(pk=cat).first() if cat.isdigit() else None,
                        bin_from=lo.strip(),
                        bin_to=hi.strip(),
                    )
                )
        if form.is_valid():
            try:
                sheets = docs.create_stock_counts(
                    user=request.user, scopes=scopes, **form.cleaned_data
                )
            except DomainError as exc:
                if isinstance(exc, ValidationFailed) and exc.errors:
                    for msgs in exc.errors.values():
                        form.add_error(None, msgs)
                else:
                    form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("%(count)s count sheets made.") % {"count": len(sheets)}
                )
                if len(sheets) == 1:
                    return redirect(screen.url("count", sheets[0].pk))
                return redirect(screen.url("list") + f"?group={sheets[0].group}")
    else:
        form = f.CountSheetForm(initial={"date": timezone.localdate()})
    state = {
        "scopes": scopes_in or [{"warehouse": str(warehouses[0].pk) if warehouses else ""}],
        "warehouses": [{"id": str(w.pk), "name": str(w)} for w in warehouses],
        "categories": [{"id": str(pk), "name": name} for pk, name in f.categories()],
    }
    return TemplateResponse(
        request,
        "web/inventory/stockcount_form.html",
        {"screen": screen, "form": form, "state": state, "title": _("New stock count")},
        status=400 if request.method == "POST" else 200,
    )


def _lines(count: StockCount):
    return count.lines.select_related("sku__product__base_unit", "bin", "batch").order_by(
        "line_no", "id"
    )


def _count_page(request, count: StockCount, screen, *, typed=None, row_errors=None, status=200):
    return TemplateResponse(
        request,
        "web/inventory/stockcount_count.html",
        {
            "screen": screen,
            "obj": count,
            "title": _("Count %(number)s") % {"number": count.number},
            "lines": _lines(count),
            "hide_book": count.hides_book,
            "editable": count.is_editable and screen.can(request.user, "edit"),
            "bins": count.warehouse.bins.filter(is_active=True).order_by("code"),
            "typed": typed or {},
            "row_errors": row_errors or {},
        },
        status=status,
    )


@login_required
def count_page(request, pk: int, *, screen: StockCountScreen):
    """录入 / 扫码: the scan box (autofocus; Enter adds one) and the counted quantities."""
    return _count_page(request, screen.object_for(request, pk), screen)


@login_required
def scan(request, pk: int, *, screen: StockCountScreen):
    """One scan (HTMX): the line's new counted quantity, swapped into the page."""
    count = screen.object_for(request, pk, "edit")
    if request.method != "POST":
        raise PermissionDenied
    if wants_json(request):  # the page's scan queue: several scans and typed quantities
        return scan_batch(request, count, hide_book=count.hides_book)
    code = request.POST.get("code", "").strip()
    bin_id = request.POST.get("bin") or None
    before = count.lines.count()
    try:
        line = docs.scan_barcode(
            count, user=request.user, code=code, bin_id=int(bin_id) if bin_id else None
        )
    except DomainError as exc:
        return TemplateResponse(
            request,
            "web/inventory/_partials/scan_result.html",
            {"ok": False, "message": str(exc), "code": code},
        )
    if count.lines.count() != before:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"  # a line was added: show it
        messages.success(
            request, _("%(sku)s added to the sheet.") % {"sku": f"{line.sku.code} {line.sku}"}
        )
        return response
    line = StockCountLine.objects.select_related("sku", "bin", "batch").get(pk=line.pk)
    return TemplateResponse(
        request,
        "web/inventory/_partials/scan_result.html",
        {"ok": True, "line": line, "code": code, "hide_book": count.hides_book, "editable": True},
    )


@login_required
def save_counts(request, pk: int, *, screen: StockCountScreen):
    """Typed counted quantities (base unit); an empty box clears the line."""
    count = screen.object_for(request, pk, "edit")
    if request.method != "POST":
        raise PermissionDenied
    counts, row_errors = typed_counts(request)
    try:
        with transaction.atomic():  # all or nothing: a box that is no number saves none
            docs.record_counts(count, user=request.user, counts=counts)
            if row_errors:
                transaction.set_rollback(True)
    except ValidationFailed as exc:
        for key, msgs in line_errors(exc).items():
            row_errors.setdefault(key, []).extend(msgs)
    except DomainError as exc:
        row_errors.setdefault("all", []).append(str(exc))
    if row_errors:
        # Each refused quantity is said at its row, and every box keeps what was typed.
        typed = {
            int(k[8:]): v
            for k, v in request.POST.items()
            if k.startswith("counted_") and k[8:].isdigit()
        }
        for message in row_errors.pop("all", []):
            messages.error(request, message)
        return _count_page(
            request,
            count,
            screen,
            typed=typed,
            row_errors={int(k): " ".join(v) for k, v in row_errors.items() if k.isdigit()},
            status=400,
        )
    messages.success(request, _("Saved."))
    return redirect(screen.url("count", count.pk))


@login_required
def import_counts(request, pk: int, *, screen: StockCountScreen):
    """导入实盘数: the file goes to the import framework's preview (every problem with row and
    column, the errors copy, confirm); nothing is written before the confirm."""
    count = screen.object_for(request, pk, "edit")
    upload = request.FILES.get("file")
    if request.method != "POST" or upload is None:
        messages.error(request, _("Choose a spreadsheet."))
        return redirect(screen.url("count", count.pk))
    try:
        batch = import_services.preview_import(
            "stock-count",
            user=request.user,
            data=upload.read(),
            filename=upload.name or "",
            options={"count": count.pk},
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(screen.url("count", count.pk))
    return redirect("web:import_batch", pk=batch.pk)


@login_required
def review(request, pk: int, *, screen: StockCountScreen):
    """盘点差异: book, counted, variance and its value per line; totals; the workflow buttons."""
    count = screen.object_for(request, pk)
    only = request.GET.get("differences") == "1"
    summary = doc_selectors.count_review(count, only_differences=only)
    see_cost = can_view_cost(request.user)
    hide = count.hides_book
    lines = {x.pk: x for x in _lines(count)}
    # lines beyond the company's limits first (a 4040 typed for 40 is seen before posting)
    large = [] if hide else [r.line.id for r in doc_selectors.large_count_variances(count)]
    rank = {line_id: i for i, line_id in enumerate(large)}
    ordered = sorted(summary.rows, key=lambda r: rank.get(r.line.id, len(rank)))
    rows = [
        {
            "line": lines[r.line.id],
            "variance": r.variance,
            "value": money(r.value) if see_cost else MASK,
            "large": r.line.id in rank,
        }
        for r in ordered
    ]
    return TemplateResponse(
        request,
        "web/inventory/stockcount_review.html",
        {
            "screen": screen,
            "obj": count,
            "title": _("Variance review %(number)s") % {"number": count.number},
            "summary": summary,
            "rows": rows,
            "only": only,
            "hide_book": hide,
            "see_cost": see_cost,
            "large_count": len(large),
            "transitions": [
                {"t": t, "url": screen.url("transition", count.pk, t.action)}
                for t in screen.transitions_for(request, count)
            ],
        },
    )


SCREENS = [StockCountScreen()]
urlpatterns = [u for s in SCREENS for u in s.urls()]
