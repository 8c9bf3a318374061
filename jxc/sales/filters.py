"""Filters of the sales document lists: one definition for the web list and the API (the
common ones, plus customer and warehouse)."""

from jxc.inventory.documents.filters import document_filterset
from jxc.sales.models import PickList, Quotation, SalesDelivery, SalesOrder, SalesReturn

QuotationFilterSet = document_filterset(Quotation)
SalesOrderFilterSet = document_filterset(SalesOrder)
PickListFilterSet = document_filterset(PickList)
SalesDeliveryFilterSet = document_filterset(SalesDelivery)
SalesReturnFilterSet = document_filterset(SalesReturn)
