"""Header forms of the warehouse-document screens (the line grid is
``jxc.web.generic.line_grid``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Category
from jxc.web.generic.line_grid import date_input


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
