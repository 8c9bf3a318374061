"""One error mapping: DomainError → its status with {code, message, params}; ninja's
validation → 422 validation_failed with per-field messages; messages in the request's language."""

import pytest
from django.utils import translation

from jxc.api.tests.conftest import call
from jxc.catalog.models import Product


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def zh_text(msgid: str, **params) -> str:
    return zh(msgid) % params


@pytest.mark.django_db
def test_duplicate_code_is_409_duplicate_code(client_owner):
    assert call(client_owner, "post", "/suppliers", {"code": "S001", "name": "华东文具"})[0] == 201
    status, body = call(client_owner, "post", "/suppliers", {"code": "S001", "name": "别的"})
    assert status == 409
    assert body["code"] == "duplicate_code"
    assert body["params"]["field"] == "code"
    assert "S001" in body["message"]


@pytest.mark.django_db
def test_duplicate_product_code_is_reported_on_the_field(client_owner, coke, units):
    payload = {"code": "YL001", "name": "雪碧", "base_unit_id": units["ge"].pk}
    status, body = call(client_owner, "post", "/products", payload)
    assert status == 422 and body["code"] == "validation_failed"
    assert "code" in body["params"]["errors"]
    assert Product.objects.count() == 1


@pytest.mark.django_db
def test_bad_conversion_factor_is_422_on_its_field(client_owner, units):
    payload = {
        "code": "P1",
        "name": "橡皮",
        "base_unit_id": units["ge"].pk,
        "units": [{"unit_id": units["ge"].pk}, {"unit_id": units["xiang"].pk, "factor": "0"}],
    }
    status, body = call(client_owner, "post", "/products", payload)
    assert (status, body["code"]) == (422, "validation_failed")
    assert list(body["params"]["errors"]) == ["units.1.factor"]
    assert body["params"]["errors"]["units.1.factor"] == [
        zh("The conversion factor must be greater than zero.")
    ]
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_negative_price_is_422_on_its_field(client_owner, units):
    payload = {
        "code": "P1",
        "name": "橡皮",
        "base_unit_id": units["ge"].pk,
        "units": [{"unit_id": units["ge"].pk, "retail_price": "-1"}],
    }
    status, body = call(client_owner, "post", "/products", payload)
    assert status == 422
    assert "units.0.retail_price" in body["params"]["errors"]


@pytest.mark.django_db
def test_malformed_phone_is_422_on_phone(client_owner):
    status, body = call(
        client_owner, "post", "/customers", {"code": "C1", "name": "张三", "phone": "12345"}
    )
    assert (status, body["code"]) == (422, "validation_failed")
    assert list(body["params"]["errors"]) == ["phone"]


@pytest.mark.django_db
def test_negative_credit_limit_is_422(client_owner):
    status, body = call(
        client_owner, "post", "/customers", {"code": "C1", "name": "张三", "credit_limit": "-5"}
    )
    assert status == 422 and "credit_limit" in body["params"]["errors"]


@pytest.mark.django_db
def test_schema_validation_is_422_validation_failed_per_field(client_owner):
    status, body = call(client_owner, "post", "/customers", {"name": "", "credit_limit": "abc"})
    assert (status, body["code"]) == (422, "validation_failed")
    errors = body["params"]["errors"]
    assert set(errors) == {"code", "name", "credit_limit"}
    assert errors["code"] == [zh("This field is required.")] != ["This field is required."]
    assert body["message"]


@pytest.mark.django_db
def test_query_validation_is_422_too(client_owner):
    status, body = call(client_owner, "get", "/units", {"page": "0"})
    assert status == 422 and list(body["params"]["errors"]) == ["page"]
    status, body = call(client_owner, "get", "/customers", {"tier": "gold"})
    assert status == 422 and list(body["params"]["errors"]) == ["tier"]


@pytest.mark.django_db
def test_invalid_json_is_400_invalid_request(client_owner):
    response = client_owner.post("/api/v1/units", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"


@pytest.mark.django_db
def test_unknown_id_is_404_not_found(client_owner):
    status, body = call(client_owner, "get", "/products/999")
    assert (status, body["code"]) == (404, "not_found")


@pytest.mark.django_db
def test_unknown_reference_is_422_on_the_field(client_owner):
    status, body = call(
        client_owner, "post", "/products", {"code": "P", "name": "x", "base_unit_id": 99}
    )
    assert status == 422 and list(body["params"]["errors"]) == ["base_unit_id"]


@pytest.mark.django_db
def test_permission_failure_is_403_permission_denied(client_sales):
    status, body = call(client_sales, "post", "/units", {"name": "个"})
    assert status == 403
    assert body["code"] == "permission_denied" and body["params"] == {"perm": "unit.create"}


@pytest.mark.django_db
def test_messages_follow_the_request_language(client_owner):
    call(client_owner, "post", "/brands", {"name": "晨光"})
    _status, zh = call(client_owner, "post", "/brands", {"name": "晨光"})
    _status, en = call(client_owner, "post", "/brands", {"name": "晨光"}, lang="en")
    assert zh["code"] == en["code"] == "duplicate_code"
    assert zh["message"] == zh_text("“%(value)s” is already used.", value="晨光")
    assert en["message"] == "“晨光” is already used."
    _status, en = call(client_owner, "post", "/brands", {}, lang="en")
    assert en["params"]["errors"]["name"] == ["This field is required."]


@pytest.mark.django_db
def test_duplicate_code_error_keeps_its_value_for_users_without_cost_view(sales_user):
    """Errors are not redacted: the taken code reaches a salesperson too."""
    from django.test import Client

    from jxc.partners.services import create_customer

    create_customer(user=None, code="KH-DUP", name="重复客户")
    client = Client()
    client.force_login(sales_user)
    response = client.post(
        "/api/v1/customers",
        data={"code": "KH-DUP", "name": "另一个"},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate_code"
    assert body["params"]["value"] == "KH-DUP"
