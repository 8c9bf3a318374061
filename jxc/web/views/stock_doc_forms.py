"""Header forms of the warehouse-document screens (the line grid is
``jxc.web.generic.line_grid``)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Category, Sku
from jxc.inventory import selectors as stock_selectors
from jxc.inventory.documents.choices import REASONS_FOR_KIND, AssemblyKind, OtherReason
from jxc.inventory.models import Warehouse
from jxc.web.generic.forms import offer_active
from jxc.web.generic.line_grid import date_input


class StockDocumentHeaderForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("warehouse"))
    date = forms.DateField(label=_("business date"), widget=date_input())
    reason = forms.ChoiceField(label=_("reason"), required=False)
    memo = forms.CharField(label=_("memo"), max_length=500, required=False)

    def __init__(self, *args, user, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft keeps its warehouse even if it was deactivated since (offer_active reads the
        # draft's values from ``initial``, which the view passes on GET and POST).
        offer_active(self, "warehouse", stock_selectors.warehouses_for(user))
        reasons = REASONS_FOR_KIND.get(kind)
        if reasons:
            labels = dict(OtherReason.choices)
            reason = self.fields["reason"]
            assert isinstance(reason, forms.ChoiceField)
            reason.choices = [(r, labels[r]) for r in reasons]
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]


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
        offer_active(self, "warehouse", stock_selectors.warehouses_for(user))
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
