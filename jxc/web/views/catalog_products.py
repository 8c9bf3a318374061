"""商品 screens: list (search, filters, sort, pages, Excel), 新增 with units and the 颜色 × 尺码
matrix, detail (SKUs, units, barcodes, stock limits per warehouse, 操作记录), edit, 停用/启用,
a SKU's units and prices, and the reusable SKU picker (HTMX search endpoint).

The list and export are a generic ``Screen``; the rest is product-specific. Every write goes
through jxc.catalog.services (and inventory's set_stock_limit); cost figures are masked by
jxc.core.visibility through the generic columns, and price inputs for them are not offered
to users without cost.view.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog import rules as catalog_rules
from jxc.catalog import selectors, services
from jxc.catalog.choices import PRICE_FIELDS
from jxc.catalog.filters import ProductFilterSet
from jxc.catalog.models import Product, Sku, SkuUnit, Unit
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.text import pinyin_initials
from jxc.core.visibility import MASK, can_view_cost, field_marks, shows
from jxc.inventory import selectors as inventory_selectors
from jxc.inventory import services as inventory_services
from jxc.inventory.models import StockLimit
from jxc.web.generic.audit import audit_rows
from jxc.web.generic.columns import PRICE, QTY, Column, plain_decimal
from jxc.web.generic.screen import Screen
from jxc.web.views.catalog_products_forms import (
    VARIANT_PRICE_FIELDS,
    ProductEditForm,
    ProductForm,
    RowSet,
    StockLimitRow,
    parse_unit_rows,
    parse_variant_rows,
    place_service_errors,
    price_labels,
    split_values,
    visible_price_fields,
)

PICKER_LIMIT = 20


# --- the list and export (generic Screen) ------------------------------------------------


def _skus(product: Product) -> list[Sku]:
    return list(product.skus.all())  # prefetched with units and barcodes


def _base_unit(sku: Sku) -> SkuUnit | None:
    return next((u for u in sku.units.all() if u.is_base), None)


def _base_price(name: str):
    """A base-unit price of the product: one number, or ``min–max`` when the SKUs differ."""

    def value(product: Product, user=None):
        prices = sorted(
            {
                price
                for s in _skus(product)
                if (u := _base_unit(s)) is not None and (price := getattr(u, name)) is not None
            }
        )
        if not prices:
            return None
        if len(prices) == 1:
            return prices[0]
        return f"{plain_decimal(prices[0], 2)}–{plain_decimal(prices[-1], 2)}"

    return value


def _units_text(product: Product, user=None) -> str:
    """计量单位 as people say it: ``个，1箱=12个``."""
    skus = _skus(product)
    base = product.base_unit.name
    extra = [
        f"1{u.unit.name}={plain_decimal(u.factor, grouping=False)}{base}"
        for u in (skus[0].units.all() if skus else [])
        if not u.is_base
    ]
    return "，".join([base, *extra])


def _barcodes_text(product: Product, user=None) -> str:
    return " ".join(b.code for s in _skus(product) for b in s.barcodes.all())


def _spec_count(product: Product, user=None) -> int:
    return len(_skus(product))


class ProductScreen(Screen):
    model = Product
    resource = "product"
    path = "catalog/products"
    filterset_class = ProductFilterSet
    active_service = services.set_active
    select_related = ("category", "brand", "base_unit")
    columns = [
        Column("code", link=True, css="nowrap"),
        Column("name", link=True, css="col-name"),
        # 助记码: what the search matches; in the export, not worth a column on screen
        Column("mnemonic", css="col-hidden"),
        Column("category__name", label=gettext_lazy("category"), order_by="category__path"),
        Column("brand__name", label=gettext_lazy("brand")),
        Column("units", label=gettext_lazy("units"), value=_units_text, css="nowrap"),
        Column("skus", label=gettext_lazy("SKU count"), kind=QTY, value=_spec_count),
        # searchable and exported; too wide to earn a column on screen
        Column("barcodes", label=gettext_lazy("barcode"), value=_barcodes_text, css="col-hidden"),
        Column(
            "purchase_price",
            label=gettext_lazy("reference purchase price"),
            kind=PRICE,
            value=_base_price("purchase_price"),
            order_by=False,
            css="nowrap",
            marks=field_marks(SkuUnit, "purchase_price"),
        ),
        Column(
            "retail_price",
            label=gettext_lazy("retail price"),
            kind=PRICE,
            value=_base_price("retail_price"),
            order_by=False,
            css="nowrap",
        ),
        Column(
            "wholesale_price",
            label=gettext_lazy("wholesale price"),
            kind=PRICE,
            value=_base_price("wholesale_price"),
            order_by=False,
            css="nowrap",
        ),
        Column("is_active", label=gettext_lazy("Status")),
    ]
    list_template = "web/catalog/product_list.html"

    def get_queryset(self, request):
        skus = Sku.objects.order_by("code").prefetch_related(
            Prefetch("units", queryset=SkuUnit.objects.select_related("unit")), "barcodes"
        )
        return super().get_queryset(request).prefetch_related(Prefetch("skus", queryset=skus))

    def urls(self):
        # Detail, create and edit are the product's own pages (below), with the same names.
        keep = ("product_list", "product_export", "product_active")
        return [u for u in super().urls() if u.name in keep]


SCREEN = ProductScreen()


# --- helpers ---------------------------------------------------------------------------


def _require(request, perm: str) -> None:
    if not request.user.has_jxc_perm(perm):
        raise PermissionDenied


def _fmt(value: Decimal | None, places: int | None = None) -> str:
    if value is None:
        return ""
    return plain_decimal(value, places, grouping=False)


def _product_qs():
    units = SkuUnit.objects.select_related("unit").prefetch_related("barcodes")
    skus = Sku.objects.order_by("code").prefetch_related(
        Prefetch("units", queryset=units), "barcodes"
    )
    return Product.objects.select_related("category", "brand", "base_unit").prefetch_related(
        Prefetch("skus", queryset=skus)
    )


def _unit_choices(current=()) -> list[dict[str, Any]]:
    """Units offered in the unit rows: the active ones, plus those a SKU uses now (a unit
    deactivated since must not vanish from the row, or saving the prices would drop it)."""
    units = Unit.objects.filter(Q(is_active=True) | Q(pk__in=list(current)))
    return [{"id": u.pk, "name": u.name} for u in units]


def _price_columns(user, names=PRICE_FIELDS) -> list[dict[str, Any]]:
    labels = price_labels()
    return [{"name": n, "label": str(labels[n])} for n in visible_price_fields(user, names)]


# --- 新增商品 ----------------------------------------------------------------------------


@login_required
def product_create(request):
    """新增商品: header, units (1 箱 = 12 个) with prices and barcodes, 颜色 × 尺码 matrix."""
    _require(request, "product.create")
    rowset = RowSet()
    if request.method == "POST":
        form = ProductForm(request.POST, request.FILES)
        header_ok = form.is_valid()
        base_unit = form.cleaned_data.get("base_unit") if header_ok else None
        raw_base = request.POST.get("base_unit", "")
        parse_unit_rows(
            request.POST,
            base_unit_id=base_unit.pk
            if base_unit
            else (int(raw_base) if raw_base.isdigit() else None),
            user=request.user,
            rowset=rowset,
        )
        parse_variant_rows(request.POST, user=request.user, rowset=rowset)
        if header_ok and not rowset.has_errors and base_unit is not None:
            data = form.cleaned_data
            values1 = split_values(data.get("values1", ""))
            values2 = split_values(data.get("values2", ""))
            try:
                product = services.create_product(
                    user=request.user,
                    code=data["code"],
                    name=data["name"],
                    mnemonic=data.get("mnemonic") or "",
                    base_unit=base_unit,
                    units=rowset.unit_specs,
                    category=data.get("category"),
                    brand=data.get("brand"),
                    tracking=data.get("tracking") or "none",
                    shelf_life_days=data.get("shelf_life_days"),
                    attribute1=data.get("attribute1") or "",
                    attribute2=data.get("attribute2") or "",
                    values1=values1,
                    values2=values2,
                    variants=rowset.variant_specs or None,
                    memo=data.get("memo") or "",
                    image=data.get("image") or None,
                )
            except ValidationFailed as exc:
                place_service_errors(exc, form=form, rowset=rowset)
            except DomainError as exc:
                form.add_error(
                    getattr(exc, "field", None) if exc.field in form.fields else None, str(exc)
                )
            else:
                messages.success(
                    request,
                    _("Product %(code)s saved with %(count)s SKUs.")
                    % {"code": product.code, "count": product.skus.count()},
                )
                return redirect("web:product_detail", pk=product.pk)
        else:
            _row_rule_errors(rowset, base_unit_id=base_unit.pk if base_unit else None)
        status = 422
    else:
        form = ProductForm()
        status = 200
    return render(
        request,
        "web/catalog/product_form.html",
        _form_context(request, form, rowset),
        status=status,
    )


def _row_rule_errors(rowset: RowSet, *, base_unit_id: int | None) -> None:
    """When the header is wrong the service is not called; the rows are still checked by the
    catalog rules, so the user sees every mistake (factor 0, a negative price) at once."""
    errors = {
        **catalog_rules.unit_errors(rowset.unit_specs, base_unit_id=base_unit_id or -1),
        **catalog_rules.variant_errors(rowset.variant_specs),
    }
    rows = {k: v for k, v in errors.items() if k.count(".") == 2}
    already = {(id(r), n) for r in rowset.unit_rows + rowset.variant_rows for n in r.errors}
    for key, msgs in rows.items():
        kind, index, name = key.split(".")
        target = rowset.unit_rows if kind == "units" else rowset.variant_rows
        row = target[int(index)] if int(index) < len(target) else None
        if row is not None and (id(row), name) not in already:
            for m in msgs:
                row.add(name, m)


def _form_context(request, form, rowset: RowSet) -> dict[str, Any]:
    labels = {
        **price_labels(),
        "unit": _("unit"),
        "factor": _("conversion factor"),
        "barcode": _("barcode"),
        "code": _("SKU code"),
        "value1": _("variant attribute 1"),
        "value2": _("variant attribute 2"),
    }
    return {
        "form": form,
        "title": _("New product"),
        "initial_state": {
            **rowset.state(),
            "unitChoices": _unit_choices(),
            "priceColumns": _price_columns(request.user),
            "variantPriceColumns": _price_columns(request.user, VARIANT_PRICE_FIELDS),
            "mnemonicUrl": reverse("web:product_mnemonic"),
        },
        "row_errors": rowset.summary(labels) if request.method == "POST" else [],
        "price_columns": _price_columns(request.user),
        "variant_price_columns": _price_columns(request.user, VARIANT_PRICE_FIELDS),
        "cancel_url": reverse("web:product_list"),
    }


@login_required
def product_mnemonic(request):
    """助记码 as the name is typed (the form fills it in until the user edits it)."""
    return JsonResponse({"mnemonic": pinyin_initials(request.GET.get("name", ""))})


# --- 商品详情 ----------------------------------------------------------------------------


@login_required
def product_detail(request, pk: int):
    """商品详情: SKUs with their units, prices and barcodes; 安全库存/最高库存 per warehouse
    (POST saves every changed pair at once, or none when one is wrong); 操作记录."""
    _require(request, "product.view")
    product = get_object_or_404(_product_qs(), pk=pk)
    skus = list(product.skus.all())
    limit_rows = _stock_limit_rows(request.user, skus)
    recosting = inventory_selectors.recosting_skus(skus)  # 成本重算中
    status = 200
    if request.method == "POST":
        _require(request, "product.edit")
        saved = _save_stock_limits(request, limit_rows)
        if saved is not None:
            messages.success(
                request, _("Stock limits saved (%(count)s changed).") % {"count": saved}
            )
            return redirect(reverse("web:product_detail", args=[pk]) + "#stock-limits")
        status = 422
    return render(
        request,
        "web/catalog/product_detail.html",
        {
            "product": product,
            "title": product.name,
            "skus": [
                {**_sku_view(request.user, sku), "recosting": sku.pk in recosting} for sku in skus
            ],
            "price_columns": [{"name": n, "label": price_labels()[n]} for n in PRICE_FIELDS],
            "limit_rows": limit_rows,
            "audit": _audit(request.user, product, skus),
            "can_edit": request.user.has_jxc_perm("product.edit"),
            "can_view_cost": can_view_cost(request.user),
        },
        status=status,
    )


def _sku_view(user, sku: Sku) -> dict[str, Any]:
    labels = price_labels()
    units = []
    for su in sku.units.all():
        prices = []
        for name in PRICE_FIELDS:
            value = getattr(su, name)
            shown = _fmt(value, 2) if shows(field_marks(SkuUnit, name), user) else MASK
            prices.append({"name": name, "value": shown, "label": labels[name]})
        units.append(
            {
                "unit": su.unit.name,
                "factor": _fmt(su.factor),
                "is_base": su.is_base,
                "prices": prices,
                "barcodes": [b.code for b in su.barcodes.all()],
            }
        )
    return {"sku": sku, "units": units, "barcodes": [b.code for b in sku.barcodes.all()]}


def _stock_limit_rows(user, skus: list[Sku]) -> list[StockLimitRow]:
    warehouses = list(inventory_selectors.warehouses_for(user, active_only=True).order_by("code"))
    limits = {
        (lim.sku_id, lim.warehouse_id): lim
        for lim in StockLimit.objects.filter(sku__in=skus, warehouse__in=warehouses)
    }
    return [
        StockLimitRow(sku, wh, limits.get((sku.pk, wh.pk))) for sku in skus for wh in warehouses
    ]


class _Rollback(Exception):
    pass


def _save_stock_limits(request, rows: list[StockLimitRow]) -> int | None:
    """Save the changed limits in one transaction; any wrong row keeps all of them unsaved."""
    for row in rows:
        row.read(request.POST)
    changed = [row for row in rows if row.changed]
    try:
        with transaction.atomic():
            for row in changed:
                min_qty, max_qty = row.parsed()
                if row.errors:
                    continue
                try:
                    inventory_services.set_stock_limit(
                        user=request.user,
                        sku=row.sku,
                        warehouse=row.warehouse,
                        min_qty=min_qty,
                        max_qty=max_qty,
                    )
                except ValidationFailed as exc:
                    for name, msgs in exc.errors.items():
                        row.errors.setdefault(name, []).extend(msgs)
                except DomainError as exc:
                    row.errors.setdefault("min_qty", []).append(str(exc))
            if any(row.errors for row in changed):
                raise _Rollback
    except _Rollback:
        messages.error(request, _("Nothing was saved: please correct the stock limits marked."))
        return None
    return len(changed)


def _audit(user, product: Product, skus: list[Sku]) -> list[dict[str, Any]]:
    """操作记录 of the product and its SKUs (units, prices, barcodes, stock limits), newest first.

    Read as the generic 操作记录 reads them (``audit_rows(..., readable=True)``): a SKU's unit
    rows as ``计量单位: 箱, 换算率: 24, 零售价: 60``, stock limits as ``库存上下限 ZC: 24 / 240``,
    cost figures left out for users without cost.view."""
    rows = audit_rows(product, user, readable=True)
    for row in rows:
        raw = (row["entry"].changes or {}).get("skus")
        if not isinstance(raw, list) or len(raw) != 2:
            continue
        for change in row["changes"]:
            if str(change["label"]) == str(capfirst(Sku._meta.verbose_name_plural)):
                # the SKU codes, as typed, rather than their names
                before, after = (", ".join(map(str, v)) if v else None for v in raw)
                change.update(before=before, after=after)
    for sku in skus:
        for row in audit_rows(sku, user, readable=True):
            row["changes"].insert(
                0, {"label": _("SKU"), "before": None, "after": f"{sku.code} {sku.spec}".strip()}
            )
            rows.append(row)
    rows.sort(key=lambda r: (r["entry"].at, r["entry"].pk), reverse=True)
    return rows


@login_required
def product_image(request, pk: int):
    """The product's picture, for signed-in users only (uploads are not public files)."""
    _require(request, "product.view")
    product = get_object_or_404(Product, pk=pk)
    if not product.image:
        raise Http404
    return FileResponse(product.image.open("rb"))


# --- 修改商品 / 停用 ---------------------------------------------------------------------


@login_required
def product_edit(request, pk: int):
    _require(request, "product.edit")
    product = get_object_or_404(Product, pk=pk)
    if request.method == "POST":
        form = ProductEditForm(request.POST, request.FILES, instance=Product.objects.get(pk=pk))
        if form.is_valid():
            try:
                services.update_product(product, user=request.user, **form.changed_fields())
            except ValidationFailed as exc:
                for key, msgs in exc.errors.items():
                    form.add_error(key if key in form.fields else None, list(msgs))
            except DomainError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect("web:product_detail", pk=pk)
        status = 422
    else:
        form = ProductEditForm(instance=product)
        status = 200
    return render(
        request,
        "web/catalog/product_edit.html",
        {
            "form": form,
            "product": product,
            "title": _("Edit product %(code)s") % {"code": product.code},
        },
        status=status,
    )


# --- a SKU's units and prices -----------------------------------------------------------


@login_required
def sku_units(request, pk: int):
    """单位与价格 of one SKU: its units (1 箱 = 12 个), the prices per unit and unit barcodes."""
    _require(request, "product.edit")
    sku = get_object_or_404(Sku.objects.select_related("product__base_unit"), pk=pk)
    product = sku.product
    rowset = RowSet()
    if request.method == "POST":
        parse_unit_rows(
            request.POST, base_unit_id=product.base_unit_id, user=request.user, rowset=rowset
        )
        if not rowset.has_errors:
            try:
                services.update_sku_units(sku, user=request.user, units=rowset.unit_specs)
            except ValidationFailed as exc:
                place_service_errors(exc, form=ProductEditForm(), rowset=rowset)
                for msgs in exc.errors.get("__all__", []):
                    rowset.add("units", msgs)
            else:
                messages.success(request, _("Saved."))
                return redirect("web:product_detail", pk=product.pk)
        status = 422
    else:
        rowset.units = _current_unit_rows(request.user, sku)
        status = 200
    labels = {**price_labels(), "unit": _("unit"), "factor": _("conversion factor")}
    return render(
        request,
        "web/catalog/sku_units_form.html",
        {
            "sku": sku,
            "product": product,
            "title": _("Units and prices of %(sku)s") % {"sku": f"{sku.code} {sku}"},
            "initial_state": {
                **rowset.state(),
                "unitChoices": _unit_choices(sku.units.values_list("unit_id", flat=True)),
                "priceColumns": _price_columns(request.user),
                "baseUnit": product.base_unit_id,
                "baseUnitName": product.base_unit.name,
            },
            "row_errors": rowset.summary(labels) if request.method == "POST" else [],
            "price_columns": _price_columns(request.user),
        },
        status=status,
    )


def _current_unit_rows(user, sku: Sku):
    from jxc.web.views.catalog_products_forms import Row

    rows = []
    units = sorted(sku.units.select_related("unit"), key=lambda u: (not u.is_base, u.factor))
    for i, su in enumerate(units):
        barcode = su.barcodes.order_by("id").first()
        values = {
            "unit": str(su.unit_id),
            "factor": _fmt(su.factor),
            "barcode": barcode.code if barcode else "",
        }
        for name in visible_price_fields(user):
            values[name] = _fmt(getattr(su, name))
        rows.append(Row(index=i, values=values))
    return rows


# --- SKU picker -------------------------------------------------------------------------


@login_required
def sku_search(request):
    """SKU picker: matching SKUs by code, name, 助记码 or barcode; an exact barcode comes first."""
    q = request.GET.get("q", "").strip()
    exact = selectors.sku_by_barcode(q) if q else None
    skus = list(selectors.search_skus(q)[:PICKER_LIMIT]) if q else []
    if exact is not None:
        skus = [exact] + [s for s in skus if s.pk != exact.pk]
    return render(
        request, "web/catalog/_partials/sku_results.html", {"q": q, "skus": skus, "exact": exact}
    )


_P = "catalog/products"
# The product screens' URLs (included by jxc/web/urls.py).
urlpatterns = [
    *SCREEN.urls(),
    path(f"{_P}/new/", product_create, name="product_create"),
    path(f"{_P}/mnemonic/", product_mnemonic, name="product_mnemonic"),
    path(f"{_P}/<int:pk>/", product_detail, name="product_detail"),
    path(f"{_P}/<int:pk>/edit/", product_edit, name="product_edit"),
    path(f"{_P}/<int:pk>/image/", product_image, name="product_image"),
    path("catalog/skus/<int:pk>/units/", sku_units, name="sku_units"),
    path("catalog/skus/search/", sku_search, name="sku_search"),
]
