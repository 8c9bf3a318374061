"""The data migration sales 0009: the built-in 财务 role of an existing database opens 销售出库单
and 销售退货单 (the customer statement links to them) — once, an edited role keeps what it has,
the reverse takes back only what it added; a new database's 财务 has them from the defaults."""

import importlib

import pytest
from django.apps import apps

from jxc.core.accounts import ensure_default_roles
from jxc.core.models import Role
from jxc.core.permissions import DEFAULT_ROLES, matches

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "jxc.sales.migrations.0009_finance_views_deliveries_and_returns"
)

# the 财务 role as the defaults made it before, and one an administrator narrowed
BEFORE = {"finance": ["cost.view", "receivables.*", "sales_invoice.*"], "custom": ["audit.view"]}


def test_the_finance_role_gets_the_delivery_and_return_views_once():
    Role.objects.all().delete()
    for code, perms in BEFORE.items():
        Role.objects.create(code=code, name=code, permissions=list(perms))
    assert not matches(BEFORE["finance"], "sales_delivery.view")
    migration.add(apps, None)
    migration.add(apps, None)  # run twice: nothing added twice
    got = {r.code: r.permissions for r in Role.objects.all()}
    assert got["finance"] == [*BEFORE["finance"], "sales_delivery.view", "sales_return.view"]
    assert got["custom"] == BEFORE["custom"]
    migration.remove(apps, None)
    assert {r.code: r.permissions for r in Role.objects.all()} == BEFORE


def test_the_finance_role_views_but_does_not_change_deliveries_and_returns():
    declared = DEFAULT_ROLES["finance"][1]
    assert all(p in declared for p in migration.ADDED["finance"])
    Role.objects.all().delete()
    finance = ensure_default_roles()["finance"].permissions
    for resource in ("sales_delivery", "sales_return"):
        assert matches(finance, f"{resource}.view")
        assert not any(matches(finance, f"{resource}.{a}") for a in ("create", "edit", "post"))
