"""Filters of supplier and customer lists, one definition for the web list and the API.

Use: ``CustomerFilterSet(request.GET, queryset=Customer.objects.all(), request=request).qs``.
``q`` searches code, name, 助记码 and phone as the selectors do; ``active`` is true/false;
``ordering`` is a whitelisted field, ``-`` for descending.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jxc.partners import selectors
from jxc.partners.choices import CustomerTier, PriceLevel
from jxc.partners.models import Customer, Supplier


def _ordering(*names: str) -> django_filters.OrderingFilter:
    return django_filters.OrderingFilter(fields=[(n, n) for n in names], label=_("Order by"))


class SupplierFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))
    ordering = _ordering("id", "code", "name", "lead_time_days", "payment_terms_days")

    class Meta:
        model = Supplier
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if not (value or "").strip():
            return qs
        return qs.filter(pk__in=selectors.search_suppliers(value).values("pk"))


class CustomerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))
    tier = django_filters.ChoiceFilter(choices=CustomerTier.choices, label=_("Tier"))
    price_level = django_filters.ChoiceFilter(choices=PriceLevel.choices, label=_("Price level"))
    salesperson = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label=_("Salesperson")
    )
    ordering = _ordering("id", "code", "name", "tier", "credit_limit")

    class Meta:
        model = Customer
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if not (value or "").strip():
            return qs
        return qs.filter(pk__in=selectors.search_customers(value).values("pk"))
