"""Filters of the cash and bank account list and of the 付款单 / 收款单 lists, one definition
for the web list and the API."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jxc.core.choices import DocumentStatus
from jxc.finance import selectors
from jxc.finance.choices import AccountKind
from jxc.finance.models import Account, CustomerPayment, SupplierPayment
from jxc.partners.models import Customer, Supplier
from jxc.partners.selectors import document_search


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


class PaymentFilterSet(django_filters.FilterSet):
    """付款单 / 收款单 list: a search (number, memo, the partner's code, name or 助记码), the
    partner and the account chosen by name, the status, dates; one per book
    (``_payment_filterset``)."""

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        found = document_search(qs.model, value)
        return qs if found is None else qs.filter(found)


def _payment_filterset(model, partner_field: str, partner_model, label) -> type[PaymentFilterSet]:
    """The filters in the order shown: search, partner, account, status, dates."""
    attrs: dict[str, Any] = {
        "q": django_filters.CharFilter(method="search", label=_("Search")),
        partner_field: django_filters.ModelChoiceFilter(
            queryset=partner_model.objects.order_by("code"), label=label
        ),
        "account": django_filters.ModelChoiceFilter(
            queryset=Account.objects.order_by("code"), label=_("account")
        ),
        "status": django_filters.ChoiceFilter(
            choices=[c for c in DocumentStatus.choices if c[0] in ("posted", "reversed")],
            label=_("Status"),
        ),
        "date_from": django_filters.DateFilter(
            field_name="date", lookup_expr="gte", label=_("From")
        ),
        "date_to": django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To")),
        "ordering": django_filters.OrderingFilter(
            fields=[(n, n) for n in ("id", "date", "number", "amount", "status")],
            label=_("Order by"),
        ),
        "Meta": type("Meta", (), {"model": model, "fields": []}),
    }
    return type(f"{model.__name__}FilterSet", (PaymentFilterSet,), attrs)


SupplierPaymentFilterSet = _payment_filterset(SupplierPayment, "supplier", Supplier, _("Supplier"))
CustomerPaymentFilterSet = _payment_filterset(CustomerPayment, "customer", Customer, _("Customer"))
