"""The generic document screen: the draft form comes from the type's services."""

import re

import pytest
from django.http import Http404

from jxc.loans import services
from jxc.loans.models import LoanOut
from jxc.loans.tests.conftest import (
    loan_world,  # noqa: F401
    stock_world,  # noqa: F401
)
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


@pytest.mark.django_db
def test_the_header_form_is_made_from_the_declaration(loan_world):  # noqa: F811
    from jxc.inventory import services as stock
    from jxc.web.views.loans import LoanOutScreen

    w = loan_world
    form_class = LoanOutScreen().header_form
    fields = form_class.base_fields
    assert list(fields) == ["warehouse", "date", "customer", "supplier", "due_date", "memo"]
    assert fields["warehouse"].required and fields["date"].required
    assert not fields["customer"].required and not fields["due_date"].required
    assert fields["memo"].max_length == 500
    assert fields["due_date"].label == LoanOut._meta.get_field("due_date").verbose_name
    lent = stock.lent_location(w.zc)
    offered = set(form_class(user=w.keeper).fields["warehouse"].queryset)
    assert w.zc in offered and lent not in offered  # the loan screen narrows the default
    assert w.customer in form_class(user=w.keeper).fields["customer"].queryset


@pytest.mark.django_db
def test_the_list_and_detail_come_from_the_declaration():
    from jxc.web.views.loans import LoanInScreen

    screen = LoanInScreen()
    assert (screen.resource, screen.url_name) == ("loan_in", "loan_in")
    assert screen.grid_columns == ["qty", "unit", "bin", "batch", "memo"]
    names = [c.name for c in screen.list_columns]
    assert names[:4] == ["number", "date", "warehouse", "customer"] and "due_date" in names
    assert "warehouse" in screen.select_related and "created_by" in screen.select_related


@pytest.mark.django_db
def test_a_screen_narrows_a_generated_choice(owner):
    from jxc.web.views.stock_documents import CostAdjustmentScreen, OtherIssueScreen

    reason = OtherIssueScreen().header_form(user=owner).fields["reason"]
    values = [v for v, _label in reason.choices]
    assert reason.required and "damage" in values and "surplus" not in values  # 报溢 only in
    assert "reason" not in CostAdjustmentScreen().header_form(user=owner).fields


def test_a_screen_arranges_its_columns_before_the_list_binds_them():
    from jxc.web.views.finance_payments import SUPPLIER_PAYMENTS
    from jxc.web.views.purchasing import RECEIPTS, PurchaseOrderScreen
    from jxc.web.views.sales import ORDERS

    for screen in (PurchaseOrderScreen(), RECEIPTS, ORDERS):
        names = [c.name for c in screen.list_columns]
        assert names[-3:] == ["total_amount", "status", "memo"], type(screen).__name__
    names = [c.name for c in SUPPLIER_PAYMENTS.list_columns]
    assert names[:3] == ["number", "date", "supplier"]


def _list_headers(client, path: str) -> str:
    html = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    head = re.search(r"<thead.*?</thead>", html, re.S)
    assert head is not None, path
    return head.group(0)


@pytest.mark.django_db
def test_the_lists_show_the_total_and_the_partner(client_owner):
    assert "价税合计" in _list_headers(client_owner, "/purchasing/orders/")
    assert "价税合计" in _list_headers(client_owner, "/sales/orders/")
    assert "供应商" in _list_headers(client_owner, "/finance/supplier-payments/")
    assert "客户" in _list_headers(client_owner, "/finance/receipts/")
