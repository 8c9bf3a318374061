"""The generic document screen: the draft form comes from the type's services."""

import pytest
from django.http import Http404

from jxc.loans import services
from jxc.loans.models import LoanOut
from jxc.web.generic.documents import DocumentScreen


class _Bare(DocumentScreen):
    model = LoanOut
    resource = "loan_out"
    name = "bare_loan"
    path = "bare"


class _Editable(_Bare):
    create_service = services.create_loan
    update_service = services.update_loan


def _names(screen: DocumentScreen) -> set[str]:
    return {u.name for u in screen.urls()}


def test_a_document_screen_without_services_has_no_draft_form():
    names = _names(_Bare())
    assert "bare_loan_print" in names and "bare_loan_list" in names
    assert "bare_loan_create" not in names and "bare_loan_edit" not in names
    with pytest.raises(Http404):
        _Bare().save_document(None, None, {}, [])


def test_a_document_screen_with_services_has_the_draft_form():
    names = _names(_Editable())
    assert {"bare_loan_create", "bare_loan_edit"} <= names
    # The services are kept as plain functions, not bound to the screen.
    assert _Editable.create_service is services.create_loan
