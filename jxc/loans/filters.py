"""Filters of the loan lists (one definition for the web list and the API), from their
declarations: the common ones plus warehouse, customer and supplier."""

from jxc.inventory.documents.filters import document_filterset
from jxc.loans.models import LoanIn, LoanOut

LoanOutFilterSet = document_filterset(LoanOut)
LoanInFilterSet = document_filterset(LoanIn)
