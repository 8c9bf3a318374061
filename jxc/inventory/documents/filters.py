"""Filters of the warehouse-document lists: one definition for the web list and the API.
The queryset handed in is already scoped (``selectors.*_for(user)``)."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from jxc.core.choices import DocumentStatus
from jxc.core.documents.header import header_model_fields, is_ref
from jxc.inventory.documents.assembly_models import Assembly
from jxc.inventory.documents.choices import AssemblyKind, OtherReason
from jxc.inventory.documents.models import StockCount, StockDocument, Transfer
from jxc.inventory.filters import _scoped_warehouses
from jxc.inventory.models import Warehouse
from jxc.partners.selectors import document_search


def _ordering(*names: str) -> django_filters.OrderingFilter:
    return django_filters.OrderingFilter(fields=[(n, n) for n in names], label=_("Order by"))


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices, label=_("Status"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))
    ordering = _ordering("id", "number", "date", "status")

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        found = document_search(qs.model, value)
        return qs if found is None else qs.filter(found)


def document_filterset(model: type) -> type[DocumentFilterSet]:
    """The list filters of a declared type: the common ones, plus one per header link (a
    warehouse among the user's) and per header choice, labelled like the field."""
    attrs: dict[str, Any] = {}
    for field in header_model_fields(model):
        label = capfirst(field.verbose_name)
        if is_ref(field):
            rows = field.related_model._default_manager.all()
            qs = _scoped_warehouses if field.related_model is Warehouse else rows
            attrs[field.name] = django_filters.ModelChoiceFilter(queryset=qs, label=label)
        elif field.choices:
            attrs[field.name] = django_filters.ChoiceFilter(choices=field.choices, label=label)
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": []})
    return type(f"{model.__name__}FilterSet", (DocumentFilterSet,), attrs)


class StockDocumentFilterSet(DocumentFilterSet):
    warehouse = django_filters.ModelChoiceFilter(queryset=_scoped_warehouses, label=_("Warehouse"))
    reason = django_filters.ChoiceFilter(choices=OtherReason.choices, label=_("Reason"))

    class Meta:
        model = StockDocument
        fields: list[str] = []


class TransferFilterSet(DocumentFilterSet):
    warehouse = django_filters.ModelChoiceFilter(
        queryset=_scoped_warehouses, method="either_side", label=_("Warehouse")
    )
    from_warehouse = django_filters.ModelChoiceFilter(
        queryset=_scoped_warehouses, label=_("From warehouse")
    )
    to_warehouse = django_filters.ModelChoiceFilter(
        queryset=_scoped_warehouses, label=_("To warehouse")
    )

    class Meta:
        model = Transfer
        fields: list[str] = []

    def either_side(self, qs: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return qs
        return qs.filter(Q(from_warehouse=value) | Q(to_warehouse=value))


class StockCountFilterSet(DocumentFilterSet):
    warehouse = django_filters.ModelChoiceFilter(queryset=_scoped_warehouses, label=_("Warehouse"))
    group = django_filters.CharFilter(field_name="group", label=_("Count group"))

    class Meta:
        model = StockCount
        fields: list[str] = []


class AssemblyFilterSet(DocumentFilterSet):
    warehouse = django_filters.ModelChoiceFilter(queryset=_scoped_warehouses, label=_("Warehouse"))
    kind = django_filters.ChoiceFilter(choices=AssemblyKind.choices, label=_("Type"))

    class Meta:
        model = Assembly
        fields: list[str] = []
