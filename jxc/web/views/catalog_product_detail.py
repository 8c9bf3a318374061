"""商品详情: the product with its SKUs, units, barcodes, stock limits per warehouse (editable
here) and 操作记录; the product image."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from jxc.catalog.choices import PRICE_FIELDS
from jxc.catalog.models import Product, Sku, SkuUnit
from jxc.catalog.variants import add_variants
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.visibility import MASK, can_view_cost, field_marks, shows
from jxc.inventory import selectors as inventory_selectors
from jxc.inventory import services as inventory_services
from jxc.inventory.models import StockLimit
from jxc.web.generic.audit import audit_rows
from jxc.web.views.catalog_products import (
    _fmt,
    _product_qs,
    _require,
)
from jxc.web.views.catalog_products_forms import (
    StockLimitRow,
    price_labels,
)

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
    all_units = list(sku.units.all())
    base = next((u for u in all_units if u.is_base), None)
    for su in all_units:
        prices = []
        for name in PRICE_FIELDS:
            value = getattr(su, name)
            derived = False
            if not su.is_base and not value and base is not None and getattr(base, name):
                # a unit without its own price costs factor × the base unit's (箱 = 24 × 瓶)
                value, derived = getattr(base, name) * su.factor, True
            shown = _fmt(value, 2) if shows(field_marks(SkuUnit, name), user) else MASK
            prices.append({"name": name, "value": shown, "label": labels[name], "derived": derived})
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


@login_required
def product_add_variants(request, pk: int):
    """追加颜色 / 尺码 from the product page: comma- or space-separated new values."""
    _require(request, "product.edit")
    product = get_object_or_404(Product, pk=pk)
    if request.method != "POST":
        return redirect(reverse("web:product_detail", args=[pk]))

    def values(name: str) -> list[str]:
        return [v for v in request.POST.get(name, "").replace("，", ",").replace(",", " ").split()]

    try:
        made = add_variants(
            product, user=request.user, values1=values("values1"), values2=values("values2")
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join(str(m) for ms in exc.errors.values() for m in ms))
    else:
        messages.success(
            request,
            _("%(count)s SKUs added: %(codes)s")
            % {"count": len(made), "codes": ", ".join(s.code for s in made)},
        )
    return redirect(reverse("web:product_detail", args=[pk]) + "#skus")


urlpatterns = [
    path("catalog/products/<int:pk>/", product_detail, name="product_detail"),
    path("catalog/products/<int:pk>/variants/", product_add_variants, name="product_add_variants"),
    path("catalog/products/<int:pk>/image/", product_image, name="product_image"),
]
