"""Header forms of the warehouse-document screens (the line grid is
``jxc.web.generic.line_grid``)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Category, Sku
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents.choices import AssemblyKind
from jxc.inventory.models import Warehouse
from jxc.web.generic.forms import offer_active
from jxc.web.generic.line_grid import date_input


class AssemblyHeaderForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=AssemblyKind.choices)
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("warehouse"))
    date = forms.DateField(label=_("business date"), widget=date_input())
    kit_sku = forms.ModelChoiceField(queryset=Sku.objects.none(), label=_("kit SKU"))
    qty = forms.DecimalField(label=_("kits"), min_value=Decimal("0.000001"), decimal_places=6)
    kit_batch_number = forms.CharField(label=_("kit batch number"), max_length=60, required=False)
    memo = forms.CharField(label=_("memo"), max_length=500, required=False)

    def __init__(self, *args, user, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        offer_active(self, "warehouse", stock_selectors.document_warehouses(user))
        offer_active(self, "kit_sku", Sku.objects.order_by("code"), active="kit__is_active")


class CountSheetForm(forms.Form):
    """盘点单: options shared by the sheets made at once."""

    date = forms.DateField(label=_("business date"), widget=date_input())
    blind = forms.BooleanField(label=_("blind count"), required=False)
    uncounted_as_zero = forms.BooleanField(label=_("uncounted lines count as zero"), required=False)
    include_zero = forms.BooleanField(
        label=_("include SKUs at zero"),
        required=False,
        help_text=_("Also list what the warehouse has held but holds none of now."),
    )
    memo = forms.CharField(label=_("memo"), max_length=500, required=False)


def categories() -> list[tuple[int, str]]:
    return [(c.pk, "\u3000" * c.depth + c.name) for c in Category.objects.filter(is_active=True)]
