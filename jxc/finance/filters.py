"""Filters of the cash and bank account list, one definition for the web list and the API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jxc.finance import selectors
from jxc.finance.choices import AccountKind
from jxc.finance.models import Account, CustomerPayment, SupplierPayment


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


class SupplierPaymentFilterSet(django_filters.FilterSet):
    """付款单 list: by supplier, account, dates."""

    supplier = django_filters.NumberFilter(field_name="supplier_id", label=_("Supplier"))
    account = django_filters.NumberFilter(field_name="account_id", label=_("account"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))
    ordering = django_filters.OrderingFilter(
        fields=[(n, n) for n in ("id", "date", "number", "amount")], label=_("Order by")
    )

    class Meta:
        model = SupplierPayment
        fields: list[str] = []


class CustomerPaymentFilterSet(django_filters.FilterSet):
    """收款单 list: by customer, account, dates."""

    customer = django_filters.NumberFilter(field_name="customer_id", label=_("Customer"))
    account = django_filters.NumberFilter(field_name="account_id", label=_("account"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))
    ordering = django_filters.OrderingFilter(
        fields=[(n, n) for n in ("id", "date", "number", "amount")], label=_("Order by")
    )

    class Meta:
        model = CustomerPayment
        fields: list[str] = []
