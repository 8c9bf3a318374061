"""Filters of the sales document lists: one definition for the web list and the API (the
common ones, plus customer and warehouse)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jxc.core.choices import DocumentStatus
from jxc.inventory.documents.filters import document_filterset
from jxc.sales.models import (
    PickList,
    Quotation,
    SalesDelivery,
    SalesInvoice,
    SalesOrder,
    SalesReturn,
)

QuotationFilterSet = document_filterset(Quotation)
SalesOrderFilterSet = document_filterset(SalesOrder)
PickListFilterSet = document_filterset(PickList)
SalesDeliveryFilterSet = document_filterset(SalesDelivery)
SalesReturnFilterSet = document_filterset(SalesReturn)


class SalesInvoiceFilterSet(django_filters.FilterSet):
    """销项发票 list: by customer, status, 发票号码, dates."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    customer = django_filters.NumberFilter(field_name="customer_id", label=_("Customer"))
    status = django_filters.ChoiceFilter(
        choices=[c for c in DocumentStatus.choices if c[0] in ("posted", "void")],
        label=_("status"),
    )
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))
    ordering = django_filters.OrderingFilter(
        fields=[(n, n) for n in ("id", "date", "number", "total_amount")], label=_("Order by")
    )

    class Meta:
        model = SalesInvoice
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(number__icontains=value) | Q(invoice_number__icontains=value))
