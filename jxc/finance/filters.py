"""Filters of the cash and bank account list, one definition for the web list and the API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jxc.finance import selectors
from jxc.finance.choices import AccountKind
from jxc.finance.models import Account


class AccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))
    kind = django_filters.ChoiceFilter(choices=AccountKind.choices, label=_("Type"))
    ordering = django_filters.OrderingFilter(
        fields=[(n, n) for n in ("id", "code", "name", "kind", "opening_date")],
        label=_("Order by"),
    )

    class Meta:
        model = Account
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if not (value or "").strip():
            return qs
        return qs.filter(pk__in=selectors.search_accounts(value).values("pk"))
