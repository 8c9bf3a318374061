"""Filters of the loan lists: one definition for the web list and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from jxc.inventory.documents.filters import DocumentFilterSet
from jxc.inventory.filters import _scoped_warehouses
from jxc.loans.models import LoanIn, LoanOut
from jxc.partners.models import Customer, Supplier


class LoanFilterSet(DocumentFilterSet):
    warehouse = django_filters.ModelChoiceFilter(queryset=_scoped_warehouses, label=_("Warehouse"))
    customer = django_filters.ModelChoiceFilter(
        queryset=Customer.objects.all(), label=_("Customer")
    )
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.all(), label=_("Supplier")
    )


class LoanOutFilterSet(LoanFilterSet):
    class Meta:
        model = LoanOut
        fields: list[str] = []


class LoanInFilterSet(LoanFilterSet):
    class Meta:
        model = LoanIn
        fields: list[str] = []
