"""Filters of warehouse and bin lists, one definition for the web list and the API.

The queryset handed in must already be within the user's scope
(``selectors.warehouses_for(user)``); the warehouse choice of the bin filter is scoped by
the request's user, so nobody can filter by a warehouse they may not see.
"""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jxc.inventory import selectors
from jxc.inventory.choices import WarehouseKind
from jxc.inventory.models import Bin, Warehouse


def _ordering(*names: str) -> django_filters.OrderingFilter:
    return django_filters.OrderingFilter(fields=[(n, n) for n in names], label=_("Order by"))


def _scoped_warehouses(request):
    user = getattr(request, "user", None) if request is not None else None
    if user is None or not user.is_authenticated:
        return Warehouse.objects.none()
    return selectors.warehouses_for(user)


class WarehouseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))
    kind = django_filters.ChoiceFilter(choices=WarehouseKind.choices, label=_("Type"))
    ordering = _ordering("id", "code", "name", "kind")

    class Meta:
        model = Warehouse
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value))


class BinFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))
    warehouse = django_filters.ModelChoiceFilter(queryset=_scoped_warehouses, label=_("Warehouse"))
    ordering = _ordering("id", "code", "name", "warehouse")

    class Meta:
        model = Bin
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value))
