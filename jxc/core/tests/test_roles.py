"""新增 / 修改角色 through core.create_role / core.update_role: audited, patterns kept as data."""

import pytest
from django.utils import translation

from jxc.core.accounts import create_role, update_role
from jxc.core.errors import DuplicateCode, ValidationFailed
from jxc.core.models import AuditLog, Role

pytestmark = pytest.mark.django_db


def test_create_role_keeps_patterns_and_is_audited(owner):
    role = create_role(
        user=owner,
        code="auditor",
        name=" 审计 ",
        permissions=["audit.view", "purchase*.view", " audit.view ", ""],
    )
    role.refresh_from_db()
    assert (role.code, role.name, role.permissions) == (
        "auditor",
        "审计",
        ["audit.view", "purchase*.view"],
    )
    entry = AuditLog.objects.get(object_type="core.role", object_id=str(role.pk))
    assert entry.action == "create" and entry.user == owner
    assert entry.changes["permissions"] == [None, ["audit.view", "purchase*.view"]]


def test_update_role_audits_before_and_after(owner):
    role = create_role(user=owner, code="auditor", name="审计", permissions=["audit.view"])
    update_role(role, user=owner, name="审计员", permissions=["audit.view", "report.*"])
    role.refresh_from_db()
    assert (role.name, role.permissions) == ("审计员", ["audit.view", "report.*"])
    entry = AuditLog.objects.filter(object_type="core.role", action="update").get()
    assert entry.changes == {
        "name": ["审计", "审计员"],
        "permissions": [["audit.view"], ["audit.view", "report.*"]],
    }
    # the same set in another order is no change (no audit line)
    update_role(role, user=owner, permissions=["report.*", "audit.view"])
    assert AuditLog.objects.filter(object_type="core.role", action="update").count() == 1


@pytest.mark.parametrize("pattern", ["product", "product.", "Product.view", "a.b.c", "rm -rf"])
def test_malformed_patterns_are_refused(owner, pattern):
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as exc:
        create_role(user=owner, code="x", name="x", permissions=[pattern])
    assert "permissions" in exc.value.errors
    assert not Role.objects.filter(code="x").exists()


def test_duplicate_and_malformed_codes(owner):
    with pytest.raises(DuplicateCode):
        create_role(user=owner, code="sales", name="另一个销售", permissions=[])
    with pytest.raises(ValidationFailed) as exc:
        create_role(user=owner, code="带 空格", name="x", permissions=[])
    assert "code" in exc.value.errors


def test_a_built_in_role_may_be_edited_but_keeps_its_code(owner):
    sales = Role.objects.get(code="sales")
    update_role(sales, user=owner, name="门店销售", permissions=[*sales.permissions, "report.view"])
    sales.refresh_from_db()
    assert sales.name == "门店销售" and "report.view" in sales.permissions
    with pytest.raises(ValidationFailed) as exc:
        update_role(sales, user=owner, code="shop-sales")
    assert "code" in exc.value.errors
    assert Role.objects.filter(code="sales").exists()


def test_nobody_takes_their_own_right_to_manage_users_through_a_role(owner, user_factory):
    admin_role = create_role(user=owner, code="admin", name="管理员", permissions=["user.*"])
    admin = user_factory(roles=["admin"])
    with pytest.raises(ValidationFailed) as exc:
        update_role(admin_role, user=admin, permissions=["user.view"])
    assert "permissions" in exc.value.errors
    admin_role.refresh_from_db()
    assert admin_role.permissions == ["user.*"]
    # someone else (the owner, through another role) may narrow it
    update_role(admin_role, user=owner, permissions=["user.view"])
    admin_role.refresh_from_db()
    assert admin_role.permissions == ["user.view"]
