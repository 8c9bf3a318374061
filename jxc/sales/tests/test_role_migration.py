"""The data migration sales 0003: the built-in roles of an existing database get the sales /
counter / invoice permissions the default roles now declare — once, and an edited role keeps
what it has; the reverse takes back only what it added."""

import importlib

import pytest
from django.apps import apps

from jxc.core.models import Role
from jxc.core.permissions import DEFAULT_ROLES, matches

pytestmark = pytest.mark.django_db
migration = importlib.import_module("jxc.sales.migrations.0003_role_permissions")

# what these roles held before (the defaults as they were when the databases were made)
BEFORE = {
    "sales": ["customer.*", "quotation.*", "sales*.*", "stock*.view"],
    "keeper": ["product.view", "sales_delivery.*", "sales_pick.*"],
    "cashier": ["product.view", "customer.view", "retail*.*", "account.view"],
    "finance": ["cost.view", "invoice.*", "receivables.*"],
}


def test_old_roles_get_the_new_permissions_once_and_lose_only_them_on_reverse(db):
    Role.objects.all().delete()
    for code, perms in BEFORE.items():
        Role.objects.create(code=code, name=code, permissions=list(perms))
    Role.objects.create(code="custom", name="自定义", permissions=["sales_order.view"])
    migration.add(apps, None)
    migration.add(apps, None)  # run twice: nothing added twice
    got = {r.code: r.permissions for r in Role.objects.all()}
    assert got["cashier"] == [*BEFORE["cashier"], "sales_delivery.view", "sales_delivery.print"]
    assert matches(got["finance"], "sales_invoice.create")
    assert matches(got["finance"], "retail_sale.view")
    assert not matches(BEFORE["finance"], "sales_invoice.create")
    assert matches(got["keeper"], "customer.view") and matches(got["sales"], "receivables.view")
    assert got["custom"] == ["sales_order.view"]
    migration.remove(apps, None)
    assert {r.code: r.permissions for r in Role.objects.exclude(code="custom")} == BEFORE


def test_the_migration_adds_what_the_default_roles_declare():
    for code, patterns in migration.ADDED.items():
        declared = DEFAULT_ROLES[code][1]
        assert all(p in declared for p in patterns), code


def test_default_roles_reach_the_new_sales_documents_and_counter_endpoints():
    perms = {code: patterns for code, (_name, patterns) in DEFAULT_ROLES.items()}
    assert matches(perms["sales"], "sales_invoice.create")
    assert matches(perms["finance"], "sales_invoice.void")
    assert not matches(perms["keeper"], "sales_invoice.view")
    assert matches(perms["cashier"], "retail_sale.create")
    assert matches(perms["cashier"], "sales_delivery.view")
    assert not matches(perms["cashier"], "sales_delivery.post")
