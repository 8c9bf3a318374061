"""Authentication: browser session (with CSRF), personal API tokens, 401 as JSON, docs."""

import pytest
from django.test import Client

from jxc.api.tests.conftest import API, bearer, call
from jxc.core.accounts import create_api_token
from jxc.core.models import ApiToken


@pytest.mark.django_db
def test_anonymous_gets_401_json():
    status, body = call(Client(), "get", "/units")
    assert status == 401
    assert body["code"] == "not_authenticated" and body["message"] and body["params"] == {}
    response = Client().get(API + "/units")
    assert response["Content-Type"].startswith("application/json")
    assert "Bearer" in response["WWW-Authenticate"]


@pytest.mark.django_db
def test_anonymous_post_is_401_not_a_csrf_error():
    status, body = call(Client(enforce_csrf_checks=True), "post", "/units", {"name": "个"})
    assert (status, body["code"]) == (401, "not_authenticated")


@pytest.mark.django_db
def test_session_works_and_unsafe_methods_need_csrf(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert call(client, "get", "/me")[0] == 200
    status, body = call(client, "post", "/units", {"name": "个"})
    assert (status, body["code"]) == (403, "csrf_failed")
    # with the CSRF cookie and header, as the browser sends them
    token = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"  # a 32-character CSRF secret
    client.cookies["csrftoken"] = token
    status, body = call(client, "post", "/units", {"name": "个"}, **{"X-CSRFToken": token})
    assert status == 201, body


@pytest.mark.django_db
def test_token_lifecycle_create_use_revoke(client_owner, owner):
    status, created = call(client_owner, "post", "/api-tokens", {"name": "ERP"})
    assert status == 201
    plain = created["token"]
    assert plain.startswith("jxc_") and created["prefix"] == plain[:12]
    # stored hashed: the plain token is nowhere in the table
    row = ApiToken.objects.get(pk=created["id"])
    assert plain not in (row.digest, row.prefix, row.name)
    # listed without the token
    status, listed = call(client_owner, "get", "/api-tokens")
    assert status == 200 and [t["id"] for t in listed] == [created["id"]]
    assert "token" not in listed[0]
    # used: acts as its user, without a session and without CSRF
    client = bearer(plain)
    status, me = call(client, "get", "/me")
    assert (status, me["username"]) == (200, owner.username)
    assert call(client, "post", "/units", {"name": "个"})[0] == 201
    # revoked: 401 at once
    status, revoked = call(client_owner, "post", f"/api-tokens/{created['id']}/revoke")
    assert status == 200 and revoked["revoked_at"] is not None
    status, body = call(client, "get", "/me")
    assert (status, body["code"]) == (401, "not_authenticated")
    # revoking twice: not found
    assert call(client_owner, "post", f"/api-tokens/{created['id']}/revoke")[0] == 404


@pytest.mark.django_db
def test_token_carries_its_users_permissions(sales_user):
    _token, plain = create_api_token(user=sales_user, name="手机")
    client = bearer(plain)
    assert call(client, "get", "/customers")[0] == 200
    status, body = call(client, "get", "/suppliers")
    assert (status, body["code"]) == (403, "permission_denied")


@pytest.mark.django_db
def test_a_token_cannot_mint_tokens(owner):
    _token, plain = create_api_token(user=owner, name="script")
    status, body = call(bearer(plain), "post", "/api-tokens", {"name": "more"})
    assert (status, body["code"]) == (403, "permission_denied")
    assert ApiToken.objects.count() == 1


@pytest.mark.django_db
def test_a_wrong_token_is_401(owner):
    create_api_token(user=owner, name="x")
    status, body = call(bearer("jxc_not-a-token"), "get", "/me")
    assert (status, body["code"]) == (401, "not_authenticated")


@pytest.mark.django_db
def test_tokens_of_inactive_users_stop_working(client_owner, sales_user, owner):
    _token, plain = create_api_token(user=sales_user, name="x")
    assert call(bearer(plain), "get", "/me")[0] == 200
    assert call(client_owner, "post", f"/users/{sales_user.pk}/deactivate")[0] == 200
    assert call(bearer(plain), "get", "/me")[0] == 401


@pytest.mark.django_db
def test_one_cannot_revoke_another_users_token(client_for, sales_user, owner):
    token, plain = create_api_token(user=owner, name="x")
    assert call(client_for(sales_user), "post", f"/api-tokens/{token.pk}/revoke")[0] == 404
    assert call(bearer(plain), "get", "/me")[0] == 200


@pytest.mark.django_db
def test_openapi_document_and_docs_page():
    response = Client().get(API + "/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["info"]["title"] == "jxc"
    schemas = doc["components"]["schemas"]
    for name in ("ProductIn", "ProductDetailOut", "SkuOut", "CustomerIn", "ErrorOut", "SkuPage"):
        assert name in schemas, name
    assert set(doc["components"]["securitySchemes"]) == {"TokenAuth", "BrowserSession"}
    # a creating POST documents the Idempotency-Key header
    params = doc["paths"]["/api/v1/products"]["post"]["parameters"]
    assert [p["name"] for p in params] == ["Idempotency-Key"]
    docs = Client().get(API + "/docs")
    assert docs.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content  # no CDN
    assert b"cdn." not in docs.content
