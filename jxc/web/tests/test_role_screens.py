"""设置 → 角色: 新增 / 修改 with a resource × action grid; wildcard patterns kept as text."""

import pytest
from django.urls import reverse

from jxc.core.models import AuditLog, Role

pytestmark = pytest.mark.django_db


def test_owner_creates_a_role_from_the_grid(client_owner):
    page = client_owner.get(reverse("web:role_create"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="permission-grid"' in html and 'value="user.edit"' in html
    response = client_owner.post(
        reverse("web:role_create"),
        {
            "name": "审计",
            "code": "auditor",
            "perm": ["audit.view", "audit.export", *[f"company.{a}" for a in _actions()]],
            "patterns": "purchase*.view\n*.print",
        },
    )
    assert response.status_code == 302
    role = Role.objects.get(code="auditor")
    # a fully ticked row is kept as a pattern, so actions added later fall in place
    assert role.permissions == [
        "company.*",
        "audit.view",
        "audit.export",
        "purchase*.view",
        "*.print",
    ]
    assert AuditLog.objects.filter(object_type="core.role", action="create").exists()


def _actions():
    from jxc.core.permissions import ACTIONS

    return list(ACTIONS)


def test_editing_a_built_in_role_keeps_its_patterns(client_owner):
    purchaser = Role.objects.get(code="purchaser")
    before = list(purchaser.permissions)
    url = reverse("web:role_edit", args=[purchaser.pk])
    form = client_owner.get(url).context["form"]
    assert form.fields["code"].disabled
    assert "purchase*.*" in form["patterns"].value()  # wildcards are text, not ticks
    assert "supplier.edit" in form.ticked and "product.edit" in form.ticked
    # save unchanged, as the browser would: the ticks and text as shown
    data = {
        "name": purchaser.name,
        "perm": sorted(form.ticked),
        "patterns": form["patterns"].value(),
    }
    assert client_owner.post(url, data).status_code == 302
    purchaser.refresh_from_db()
    assert set(purchaser.permissions) == set(before)
    assert not AuditLog.objects.filter(object_type="core.role", action="update").exists()
    # untick one cell
    data["perm"] = [p for p in data["perm"] if p != "product.edit"]
    data["name"] = "采购员"
    assert client_owner.post(url, data).status_code == 302
    purchaser.refresh_from_db()
    assert purchaser.name == "采购员" and purchaser.code == "purchaser"
    assert "product.edit" not in purchaser.permissions and "purchase*.*" in purchaser.permissions


def test_bad_pattern_is_a_field_error(client_owner):
    response = client_owner.post(
        reverse("web:role_create"), {"name": "x", "code": "x", "patterns": "not a pattern"}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "not, a, pattern" in errors  # each word is read as one pattern
    assert not Role.objects.filter(code="x").exists()


def test_only_who_manages_users_may_edit_roles(client_for, sales_user):
    client = client_for(sales_user)
    sales = Role.objects.get(code="sales")
    assert client.get(reverse("web:role_create")).status_code == 403
    assert client.post(reverse("web:role_edit", args=[sales.pk]), {"name": "x"}).status_code == 403
    sales.refresh_from_db()
    assert sales.name != "x"
