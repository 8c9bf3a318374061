"""Filters of the purchase order list and the price list: one definition for the web list and
the API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jxc.inventory.documents.filters import DocumentFilterSet
from jxc.inventory.filters import _scoped_warehouses
from jxc.partners.models import Supplier
from jxc.purchasing import selectors
from jxc.purchasing.models import (
    LandedCost,
    PurchaseInvoice,
    PurchaseOrder,
    PurchaseReceipt,
    PurchaseRequisition,
    PurchaseReturn,
    SupplierPrice,
)


class PurchaseOrderFilterSet(DocumentFilterSet):
    warehouse = django_filters.ModelChoiceFilter(queryset=_scoped_warehouses, label=_("Warehouse"))
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.all(), label=_("Supplier")
    )

    class Meta:
        model = PurchaseOrder
        fields: list[str] = []


class PurchaseReceiptFilterSet(DocumentFilterSet):
    warehouse = django_filters.ModelChoiceFilter(queryset=_scoped_warehouses, label=_("Warehouse"))
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.all(), label=_("Supplier")
    )

    class Meta:
        model = PurchaseReceipt
        fields: list[str] = []


class PurchaseReturnFilterSet(DocumentFilterSet):
    warehouse = django_filters.ModelChoiceFilter(queryset=_scoped_warehouses, label=_("Warehouse"))
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.all(), label=_("Supplier")
    )

    class Meta:
        model = PurchaseReturn
        fields: list[str] = []


class LandedCostFilterSet(DocumentFilterSet):
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.all(), label=_("Supplier")
    )

    class Meta:
        model = LandedCost
        fields: list[str] = []


class PurchaseInvoiceFilterSet(DocumentFilterSet):
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.all(), label=_("Supplier")
    )
    invoice_number = django_filters.CharFilter(
        field_name="invoice_number", lookup_expr="icontains", label=_("Invoice number")
    )

    class Meta:
        model = PurchaseInvoice
        fields: list[str] = []


class PurchaseRequisitionFilterSet(DocumentFilterSet):
    warehouse = django_filters.ModelChoiceFilter(queryset=_scoped_warehouses, label=_("Warehouse"))

    class Meta:
        model = PurchaseRequisition
        fields: list[str] = []


class SupplierPriceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.all(), label=_("Supplier")
    )
    ordering = django_filters.OrderingFilter(
        fields=[(n, n) for n in ("id", "valid_from", "price")], label=_("Order by")
    )

    class Meta:
        model = SupplierPrice
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if not (value or "").strip():
            return qs
        return qs.filter(pk__in=selectors.search_supplier_prices(q=value).values("pk"))
