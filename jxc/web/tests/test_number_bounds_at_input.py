"""数值过大 where master-data numbers enter: a web form and the API refuse a money amount beyond
the books' bounds (jxc.core.fields.WithinBounds on the model field) with the stable code."""

import pytest
from django.urls import reverse

from jxc.partners.models import Customer

pytestmark = pytest.mark.django_db

TOO_MUCH = "12345678901234"  # 14 whole digits: beyond 10¹³


def _customer(**over):
    data = {
        "code": "C100",
        "name": "杭州客户",
        "tier": "ordinary",
        "price_level": "retail",
        "credit_limit": TOO_MUCH,
        "payment_terms_days": "0",
    }
    data.update(over)
    return data


def call(client, method, path, data):
    response = getattr(client, method)(f"/api/v1{path}", data, content_type="application/json")
    return response.status_code, response.json()


def test_web_form_says_the_number_is_too_large(client_owner):
    response = client_owner.post(reverse("web:customer_create"), _customer())
    assert response.status_code in (200, 422)
    assert "数值过大" in response.content.decode()
    assert not Customer.objects.exists()


def test_api_refuses_a_money_amount_beyond_the_bound_with_the_stable_code(client_owner):
    status, body = call(
        client_owner,
        "post",
        "/customers",
        {"code": "C100", "name": "客户", "credit_limit": TOO_MUCH},
    )
    assert status == 422, body
    assert body["code"] == "value_too_large"
    assert not Customer.objects.exists()
    status, _body = call(
        client_owner,
        "post",
        "/customers",
        {"code": "C101", "name": "客户", "credit_limit": "9999999999999.99"},
    )
    assert status == 201
