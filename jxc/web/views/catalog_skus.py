"""A SKU's units and prices (the line grid's SKU picker is jxc.web.generic.sku_lookup)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog import services
from jxc.catalog.models import Sku
from jxc.core.errors import ValidationFailed
from jxc.core.numbers import QTY_PLACES
from jxc.web.views.catalog_products import (
    _fmt,
    _price_columns,
    _require,
    _unit_choices,
)
from jxc.web.views.catalog_products_forms import (
    ProductEditForm,
    RowSet,
    parse_unit_rows,
    place_service_errors,
    price_labels,
    visible_price_fields,
)

# --- a SKU's units and prices -----------------------------------------------------------


class WeightForm(forms.Form):
    """重量 of one base unit, for 费用分摊 by weight (empty: 0, no weight)."""

    weight = forms.DecimalField(
        label=gettext_lazy("Weight (kg per base unit)"),
        required=False,
        min_value=0,
        max_value=services.MAX_WEIGHT,
        decimal_places=QTY_PLACES,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-testid": "sku-weight"}),
        help_text=gettext_lazy("Landed costs spread by weight use it; 0 leaves the SKU out."),
    )


@login_required
def sku_units(request, pk: int):
    """单位与价格 of one SKU: its units (1 箱 = 12 个), the prices per unit and unit barcodes."""
    _require(request, "product.edit")
    sku = get_object_or_404(Sku.objects.select_related("product__base_unit"), pk=pk)
    product = sku.product
    rowset = RowSet()
    weight_form = WeightForm(
        request.POST if request.method == "POST" else None, initial={"weight": _fmt(sku.weight)}
    )
    if request.method == "POST":
        parse_unit_rows(
            request.POST, base_unit_id=product.base_unit_id, user=request.user, rowset=rowset
        )
        if weight_form.is_valid() and not rowset.has_errors:
            try:
                with transaction.atomic():
                    services.update_sku_units(sku, user=request.user, units=rowset.unit_specs)
                    weight = weight_form.cleaned_data["weight"] or Decimal(0)
                    if "weight" in request.POST and weight != sku.weight:
                        services.update_sku_weight(sku, user=request.user, weight=weight)
            except ValidationFailed as exc:
                for msgs in exc.errors.pop("weight", []):
                    weight_form.add_error("weight", msgs)
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
            "weight_form": weight_form,
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


urlpatterns = [
    path("catalog/skus/<int:pk>/units/", sku_units, name="sku_units"),
]
