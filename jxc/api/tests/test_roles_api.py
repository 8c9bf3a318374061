"""/api/v1/roles: list, read, create and change roles (owner only), audited."""

import pytest

from jxc.api.tests.conftest import call
from jxc.core.models import AuditLog, Role

pytestmark = pytest.mark.django_db


def test_owner_lists_creates_and_changes_a_role(client_owner, sales_user):
    status, roles = call(client_owner, "get", "/roles")
    assert status == 200
    sales = next(r for r in roles if r["code"] == "sales")
    assert (
        sales["built_in"] is True
        and sales["user_count"] == 1
        and "customer.*" in sales["permissions"]
    )
    status, role = call(
        client_owner,
        "post",
        "/roles",
        {"code": "auditor", "name": "审计", "permissions": ["audit.view", "report.*"]},
    )
    assert status == 201, role
    assert (role["code"], role["permissions"], role["built_in"]) == (
        "auditor",
        ["audit.view", "report.*"],
        False,
    )
    status, role = call(
        client_owner, "patch", f"/roles/{role['id']}", {"permissions": ["audit.view"]}
    )
    assert status == 200 and role["permissions"] == ["audit.view"] and role["name"] == "审计"
    assert call(client_owner, "get", f"/roles/{role['id']}")[1]["permissions"] == ["audit.view"]
    assert AuditLog.objects.filter(object_type="core.role", object_id=str(role["id"])).count() == 2
    status, page = call(
        client_owner, "get", "/audit-log", {"object_type": "role", "object_id": role["id"]}
    )
    assert status == 200 and page["count"] == 2


def test_errors_are_422_field_errors(client_owner):
    status, body = call(client_owner, "post", "/roles", {"code": "sales", "name": "x"})
    assert status == 409 and body["code"] == "duplicate_code"
    status, body = call(
        client_owner, "post", "/roles", {"code": "x", "name": "x", "permissions": ["bad"]}
    )
    assert status == 422 and "permissions" in body["params"]["errors"]
    owner_role = Role.objects.get(code="owner")
    status, body = call(client_owner, "patch", f"/roles/{owner_role.pk}", {"code": "boss"})
    assert status == 422 and "code" in body["params"]["errors"]
    assert call(client_owner, "patch", "/roles/99999", {"name": "x"})[0] == 404


def test_roles_are_for_who_manages_users(client_for, sales_user):
    client = client_for(sales_user)
    assert call(client, "get", "/roles")[0] == 403
    assert call(client, "post", "/roles", {"code": "x", "name": "x"})[0] == 403
    sales = Role.objects.get(code="sales")
    assert call(client, "patch", f"/roles/{sales.pk}", {"permissions": ["*"]})[0] == 403
    sales.refresh_from_db()
    assert "*" not in sales.permissions
