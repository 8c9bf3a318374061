"""Me, users (owner only), company settings and the audit log through the API."""

import pytest

from jxc.api.tests.conftest import call
from jxc.core.models import User
from jxc.inventory import services as inventory


@pytest.mark.django_db
def test_me(client_sales, sales_user):
    status, me = call(client_sales, "get", "/me")
    assert status == 200
    assert (me["username"], me["roles"], me["can_view_cost"]) == ("sales", ["sales"], False)
    assert "customer.*" in me["permissions"]


@pytest.mark.django_db
def test_users_are_for_the_owner_only(client_owner, client_sales, owner):
    assert call(client_sales, "get", "/users")[0] == 403
    assert (
        call(client_sales, "post", "/users", {"username": "x", "password": "Str0ng-pass!"})[0]
        == 403
    )
    wh = inventory.create_warehouse(user=owner, code="W1", name="总仓")
    payload = {
        "username": "keeper1",
        "password": "Str0ng-pass!x",
        "first_name": "仓管老李",
        "roles": ["keeper"],
        "warehouse_ids": [wh.pk],
    }
    status, user = call(client_owner, "post", "/users", payload)
    assert status == 201, user
    assert (user["roles"], user["all_warehouses"], user["warehouse_ids"]) == (
        ["keeper"],
        False,
        [wh.pk],
    )
    assert "password" not in user
    assert User.objects.get(username="keeper1").check_password("Str0ng-pass!x")
    status, user = call(
        client_owner,
        "patch",
        f"/users/{user['id']}",
        {"roles": ["keeper", "sales"], "warehouse_ids": None},
    )
    assert status == 200, user
    assert (user["roles"], user["all_warehouses"]) == (["keeper", "sales"], True)
    _s, page = call(client_owner, "get", "/users", {"role": "keeper"})
    assert [u["username"] for u in page["items"]] == ["keeper1"]


@pytest.mark.django_db
def test_user_input_errors(client_owner):
    status, body = call(client_owner, "post", "/users", {"username": "x1", "password": "123"})
    assert status == 422 and "password" in body["params"]["errors"]
    status, body = call(
        client_owner,
        "post",
        "/users",
        {"username": "x2", "password": "Str0ng-pass!", "roles": ["boss"]},
    )
    assert status == 422 and "roles" in body["params"]["errors"]
    status, body = call(
        client_owner, "post", "/users", {"username": "boss", "password": "Str0ng-pass!"}
    )
    assert (status, body["code"]) == (409, "duplicate_code")


@pytest.mark.django_db
def test_company_settings(client_owner, client_sales):
    status, company = call(client_owner, "get", "/company")
    assert status == 200 and company["currency"] == "CNY"
    status, company = call(
        client_owner,
        "patch",
        "/company",
        {"name": "上海示例商贸有限公司", "costing_method": "fifo"},
    )
    assert status == 200 and (company["name"], company["costing_method"]) == (
        "上海示例商贸有限公司",
        "fifo",
    )
    assert call(client_owner, "get", "/company")[1]["name"] == "上海示例商贸有限公司"
    status, body = call(client_owner, "patch", "/company", {"qty_decimals": 9})
    assert status == 422 and "qty_decimals" in body["params"]["errors"]
    assert call(client_sales, "get", "/company")[0] == 403


@pytest.mark.django_db
def test_audit_log_of_an_object(client_owner, client_sales, owner):
    _s, customer = call(client_owner, "post", "/customers", {"code": "C1", "name": "张三"})
    call(client_owner, "patch", f"/customers/{customer['id']}", {"name": "张三超市"})
    call(client_owner, "post", f"/customers/{customer['id']}/deactivate")
    status, page = call(
        client_owner, "get", "/audit-log", {"object_type": "customer", "object_id": customer["id"]}
    )
    assert status == 200
    assert [e["action"] for e in page["items"]] == ["deactivate", "update", "create"]
    update = page["items"][1]
    assert update["changes"]["name"] == ["张三", "张三超市"]
    assert update["user_id"] == owner.pk and update["user_name"] == "老板"
    # the sales role has no audit.view
    assert (
        call(
            client_sales,
            "get",
            "/audit-log",
            {"object_type": "customer", "object_id": customer["id"]},
        )[0]
        == 403
    )
    assert (
        call(client_owner, "get", "/audit-log", {"object_type": "customer", "object_id": 999})[0]
        == 404
    )
    status, body = call(
        client_owner, "get", "/audit-log", {"object_type": "rocket", "object_id": 1}
    )
    assert status == 422 and "object_type" in body["params"]["errors"]


@pytest.mark.django_db
def test_audit_log_respects_warehouse_scope(client_for, user_factory, owner):
    from jxc.core.models import Role

    main = inventory.create_warehouse(user=owner, code="W1", name="总仓")
    store = inventory.create_warehouse(user=owner, code="W2", name="门店")
    Role.objects.create(
        code="auditor", name="auditor", permissions=["audit.view", "warehouse.view"]
    )
    auditor = user_factory(roles=["auditor"])
    inventory.set_user_warehouses(user=owner, target=auditor, warehouses=[store])
    client = client_for(auditor)
    assert (
        call(client, "get", "/audit-log", {"object_type": "warehouse", "object_id": store.pk})[0]
        == 200
    )
    assert (
        call(client, "get", "/audit-log", {"object_type": "warehouse", "object_id": main.pk})[0]
        == 404
    )


@pytest.mark.django_db
def test_the_owner_cannot_deactivate_themselves(client_owner, owner):
    status, body = call(client_owner, "post", f"/users/{owner.pk}/deactivate")
    assert (status, body["code"]) == (422, "validation_failed")
    owner.refresh_from_db()
    assert owner.is_active


@pytest.mark.django_db
def test_passwords_own_and_reset(client_owner, client_sales, sales_user, owner):
    """QA: the API had no way to change a password."""
    status, body = call(
        client_sales,
        "post",
        "/me/password",
        {"old_password": "x", "new_password": "Brand-new-2026"},
    )
    assert (status, list(body["params"]["errors"])) == (422, ["old_password"])
    status, body = call(
        client_sales,
        "post",
        "/me/password",
        {"old_password": "Jxc-test-2026!", "new_password": "123"},
    )
    assert (status, list(body["params"]["errors"])) == (422, ["password"])
    status, _ = call(
        client_sales,
        "post",
        "/me/password",
        {"old_password": "Jxc-test-2026!", "new_password": "Brand-new-2026"},
    )
    assert status == 204
    sales_user.refresh_from_db()
    assert sales_user.check_password("Brand-new-2026")
    assert call(client_sales, "get", "/me")[0] == 200  # the session stays signed in
    # 重置密码 needs user.edit
    path = f"/users/{owner.pk}/password"
    assert call(client_sales, "post", path, {"password": "Taken-over-2026"})[0] == 403
    status, _ = call(
        client_owner, "post", f"/users/{sales_user.pk}/password", {"password": "Reset-pass-2026"}
    )
    assert status == 204
    sales_user.refresh_from_db()
    assert sales_user.check_password("Reset-pass-2026")
