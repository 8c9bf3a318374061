"""Suppliers, customers (+ contacts) and cash/bank accounts through the API."""

import pytest

from jxc.api.tests.conftest import call
from jxc.partners import services as partners


@pytest.mark.django_db
def test_supplier_create_edit_search(client_owner):
    payload = {
        "code": "S001",
        "name": "华东文具批发",
        "phone": "13812345678",
        "tax_number": "91310000MA1FL4XQ3N",
        "payment_terms_days": 30,
        "lead_time_days": 5,
    }
    status, body = call(client_owner, "post", "/suppliers", payload)
    assert status == 201 and body["mnemonic"] == "hdwjpf" and body["lead_time_days"] == 5
    status, body = call(client_owner, "patch", f"/suppliers/{body['id']}", {"lead_time_days": 7})
    assert (status, body["lead_time_days"], body["name"]) == (200, 7, "华东文具批发")
    _s, page = call(client_owner, "get", "/suppliers", {"q": "hdwj"})
    assert [s["code"] for s in page["items"]] == ["S001"]
    status, body = call(
        client_owner, "post", "/suppliers", {"code": "S2", "name": "x", "tax_number": "123"}
    )
    assert status == 422 and "tax_number" in body["params"]["errors"]
    status, body = call(
        client_owner, "post", "/suppliers", {"code": "S3", "name": "x", "lead_time_days": -1}
    )
    assert status == 422 and "lead_time_days" in body["params"]["errors"]


@pytest.mark.django_db
def test_customer_with_salesperson_tier_and_contacts(client_sales, sales_user):
    payload = {
        "code": "C001",
        "name": "张三超市",
        "tier": "vip",
        "price_level": "wholesale",
        "credit_limit": "50000.00",
        "salesperson_id": sales_user.pk,
    }
    status, customer = call(client_sales, "post", "/customers", payload)
    assert status == 201, customer
    assert (customer["credit_limit"], customer["salesperson_id"]) == ("50000", sales_user.pk)
    path = f"/customers/{customer['id']}/contacts"
    status, contact = call(client_sales, "post", path, {"name": "张三", "phone": "13900001111"})
    assert status == 201 and contact["name"] == "张三"
    status, body = call(client_sales, "post", path, {"name": "李四", "phone": "999"})
    assert status == 422 and "phone" in body["params"]["errors"]
    _s, contacts = call(client_sales, "get", path)
    assert [c["name"] for c in contacts] == ["张三"]
    _s, page = call(
        client_sales, "get", "/customers", {"tier": "vip", "salesperson": sales_user.pk}
    )
    assert [c["code"] for c in page["items"]] == ["C001"]
    status, body = call(client_sales, "post", f"/customers/{customer['id']}/deactivate")
    assert (status, body["is_active"]) == (200, False)


@pytest.mark.django_db
def test_supplier_contacts_need_supplier_rights(client_owner, client_sales, owner):
    supplier = partners.create_supplier(user=owner, code="S1", name="供应商")
    path = f"/suppliers/{supplier.pk}/contacts"
    assert call(client_owner, "post", path, {"name": "王五"})[0] == 201
    assert call(client_sales, "get", path)[0] == 403


@pytest.mark.django_db
def test_accounts(client_owner, client_for, user_factory):
    payload = {"code": "A01", "name": "工商银行", "kind": "bank", "opening_balance": "12345.67"}
    status, body = call(client_owner, "post", "/accounts", payload)
    assert status == 201 and body["opening_balance"] == "12345.67" and body["opening_date"]
    status, body = call(client_owner, "post", "/accounts", {**payload, "name": "again"})
    assert (status, body["code"]) == (409, "duplicate_code")
    status, body = call(
        client_owner, "post", "/accounts", {"code": "A02", "name": "x", "kind": "card"}
    )
    assert status == 422 and "kind" in body["params"]["errors"]
    cashier = client_for(user_factory(roles=["cashier"]))
    _s, page = call(cashier, "get", "/accounts", {"kind": "bank"})
    assert [a["code"] for a in page["items"]] == ["A01"]
    assert call(cashier, "post", "/accounts", {"code": "A03", "name": "x"})[0] == 403
