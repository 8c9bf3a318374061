"""view_cost: without cost.view the cost fields are absent from every API answer (not null);
one renderer does it for every endpoint."""

import json

import pytest

from jxc.api.common.rendering import RENDERER
from jxc.api.tests.conftest import bearer, call
from jxc.core.accounts import create_api_token


def keys(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in keys(v)}
    return set()


@pytest.mark.django_db
def test_sales_role_never_receives_purchase_prices(client_sales, coke):
    sku = coke.skus.get()
    for path in (
        "/skus",
        f"/skus/{sku.pk}",
        f"/products/{coke.pk}",
        "/skus/by-barcode/6901234567892",
    ):
        status, body = call(client_sales, "get", path)
        assert status == 200, path
        assert "purchase_price" not in keys(body), path
        assert "retail_price" in keys(body), path  # selling prices stay


@pytest.mark.django_db
def test_owner_receives_purchase_prices(client_owner, coke):
    status, body = call(client_owner, "get", f"/products/{coke.pk}")
    assert status == 200
    assert body["skus"][0]["units"][0]["purchase_price"] == "1.8"


@pytest.mark.django_db
def test_sales_token_gets_the_same_redaction(sales_user, coke):
    _token, plain = create_api_token(user=sales_user, name="x")
    status, body = call(bearer(plain), "get", "/skus")
    assert status == 200 and body["count"] == 1
    assert "purchase_price" not in keys(body)


@pytest.mark.django_db
def test_purchaser_with_cost_view_sees_them(client_for, user_factory, coke):
    client = client_for(user_factory(roles=["purchaser"]))
    _s, body = call(client, "get", "/skus")
    assert "purchase_price" in keys(body)


@pytest.mark.django_db
def test_audit_changes_are_redacted_too(client_for, user_factory, coke, client_owner, units):
    from jxc.core.models import Role

    sku = coke.skus.get()
    payload = {"units": [{"unit_id": units["ge"].pk, "purchase_price": "2", "retail_price": "3"}]}
    assert call(client_owner, "put", f"/skus/{sku.pk}/units", payload)[0] == 200
    query = {"object_type": "sku", "object_id": sku.pk}
    _s, page = call(client_owner, "get", "/audit-log", query)
    assert page["count"] == 1 and "purchase_price" in keys(page)
    Role.objects.create(code="auditor", name="auditor", permissions=["audit.view", "product.view"])
    auditor = client_for(user_factory(roles=["auditor"]))
    status, page = call(auditor, "get", "/audit-log", query)
    assert status == 200 and page["count"] == 1
    assert "retail_price" in keys(page) and "purchase_price" not in keys(page)


def test_renderer_drops_marked_fields_by_the_operations_schema():
    from jxc.api.stock_reports import BalancePage

    class Anonymous:
        is_authenticated = False

    class Request:
        user = Anonymous()
        jxc_response_schemas = {200: BalancePage}

    row = {"sku_id": 1, "on_hand": "3", "value": "22.14", "unit_cost": "7.38"}
    data = {"count": 1, "items": [row], "totals": {"on_hand": "3", "value": "22.14"}}
    out = json.loads(RENDERER.render(Request(), data, response_status=200))
    assert out == {"count": 1, "items": [{"sku_id": 1, "on_hand": "3"}], "totals": {"on_hand": "3"}}


# Names that always hold a cost figure in this code base: a field so named must carry the mark
# (a safety net for new schemas; redaction itself never looks at names).
COST_NAMES = {"unit_cost", "cost_amount", "purchase_price", "gain_value", "loss_value", "value"}


def test_every_cost_named_field_of_the_api_is_marked(client_owner):
    doc = client_owner.get("/api/v1/openapi.json").json()
    unmarked = [
        f"{name}.{prop}"
        for name, schema in doc["components"]["schemas"].items()
        if not name.endswith(("In", "Patch", "Query"))
        for prop, spec in schema.get("properties", {}).items()
        if prop in COST_NAMES and "cost" not in spec.get("x-hidden", [])
    ]
    assert not unmarked
    marked = {
        f"{name}.{prop}"
        for name, schema in doc["components"]["schemas"].items()
        for prop, spec in schema.get("properties", {}).items()
        if "cost" in spec.get("x-hidden", [])
    }
    assert {"SkuUnitOut.purchase_price", "ReviewOut.gain_value", "MoveOut.unit_cost"} <= marked
