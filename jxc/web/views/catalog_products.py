"""商品 screens: list (search, filters, sort, pages, Excel), 新增 with units and the 颜色 × 尺码
matrix, edit, 停用/启用 (the detail page: ``catalog_product_detail``; a SKU's units and prices
and the reusable SKU picker: ``catalog_skus``).

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
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog import rules as catalog_rules
from jxc.catalog import services
from jxc.catalog.choices import PRICE_FIELDS
from jxc.catalog.filters import ProductFilterSet
from jxc.catalog.models import Product, Sku, SkuUnit, Unit
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.text import pinyin_initials
from jxc.core.visibility import field_marks
from jxc.web.generic.columns import PRICE, QTY, Column, plain_decimal
from jxc.web.generic.screen import Screen
from jxc.web.views.catalog_products_forms import (
    VARIANT_PRICE_FIELDS,
    ProductEditForm,
    ProductForm,
    RowSet,
    parse_unit_rows,
    parse_variant_rows,
    place_service_errors,
    price_labels,
    split_values,
    visible_price_fields,
)

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


_P = "catalog/products"
# The product screens' URLs (included by jxc/web/urls.py; the detail page and a SKU's units and
# picker are in catalog_product_detail and catalog_skus).
urlpatterns = [
    *SCREEN.urls(),
    path(f"{_P}/new/", product_create, name="product_create"),
    path(f"{_P}/mnemonic/", product_mnemonic, name="product_mnemonic"),
    path(f"{_P}/<int:pk>/edit/", product_edit, name="product_edit"),
]
