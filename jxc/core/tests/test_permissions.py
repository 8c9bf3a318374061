"""Roles are permission patterns; ``cost.view`` is the view_cost permission."""

import pytest

from jxc.core.accounts import ensure_default_roles
from jxc.core.models import Role
from jxc.core.permissions import (
    ACTIONS,
    DEFAULT_ROLES,
    VIEW_COST,
    all_permissions,
    matches,
    register_resource,
)


def test_patterns_match_resources_and_actions():
    assert matches(["*"], "product.edit")
    assert matches(["product.*"], "product.edit")
    assert not matches(["product.*"], "productx.edit")
    assert matches(["*.view"], "supplier.view")
    assert not matches(["*.view"], "supplier.edit")
    assert matches(["purchase*.*"], "purchaseorder.approve")
    assert not matches(["purchase*.*"], "salesorder.approve")
    assert not matches([], "product.view")


def test_patterns_are_case_sensitive():
    assert not matches(["product.view"], "Product.view")


def test_resources_registered_later_appear_in_all_permissions():
    register_resource("qa_widget", "Widgets")
    perms = all_permissions()
    assert {f"qa_widget.{a}" for a in ACTIONS} <= set(perms)
    assert VIEW_COST in perms


def test_the_six_built_in_roles():
    assert set(DEFAULT_ROLES) == {"owner", "purchaser", "sales", "keeper", "finance", "cashier"}
    with_cost = {code for code, (_n, p) in DEFAULT_ROLES.items() if matches(p, VIEW_COST)}
    assert with_cost == {"owner", "purchaser", "finance"}


@pytest.mark.django_db
def test_ensure_default_roles_is_idempotent_and_keeps_edits():
    roles = ensure_default_roles()
    assert set(roles) == set(DEFAULT_ROLES)
    Role.objects.filter(code="cashier").update(permissions=["product.view"])
    ensure_default_roles()
    assert Role.objects.count() == len(DEFAULT_ROLES)
    assert Role.objects.get(code="cashier").permissions == ["product.view"]


@pytest.mark.django_db
def test_users_have_the_permissions_of_all_their_roles(user_factory, owner, sales_user):
    assert owner.has_jxc_perm("anything.void") and owner.can_view_cost
    assert sales_user.has_jxc_perm("customer.create")
    assert sales_user.has_jxc_perm("salesorder.submit")
    assert not sales_user.has_jxc_perm("supplier.view")
    assert not sales_user.can_view_cost
    both = user_factory(roles=["sales", "keeper"])
    assert both.has_jxc_perm("customer.edit") and both.has_jxc_perm("transfer.post")
    nobody = user_factory(roles=[])
    assert not nobody.has_jxc_perm("product.view")
    boss = user_factory(roles=[], is_superuser=True)
    assert boss.has_jxc_perm("product.view") and boss.can_view_cost


@pytest.mark.django_db
def test_inactive_users_have_no_permissions(owner):
    owner.is_active = False
    assert not owner.has_jxc_perm("product.view")
    assert not owner.can_view_cost
