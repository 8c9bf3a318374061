"""The built-in 财务 role of an existing database opens 销售出库单 and 销售退货单 (the customer
statement links to them): sales_delivery.view and sales_return.view, as the default roles
(jxc.core.permissions.DEFAULT_ROLES) now declare. A role renamed or edited keeps what it has;
a pattern already there is not added twice; the reverse takes back only what it added."""

from django.db import migrations

ADDED = {"finance": ["sales_delivery.view", "sales_return.view"]}


def add(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    for code, patterns in ADDED.items():
        for role in Role.objects.filter(code=code):
            have = list(role.permissions or [])
            role.permissions = have + [p for p in patterns if p not in have]
            role.save(update_fields=["permissions"])


def remove(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    for code, patterns in ADDED.items():
        for role in Role.objects.filter(code=code):
            role.permissions = [p for p in role.permissions or [] if p not in patterns]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0008_document_status_checked"),
        ("core", "0013_purchase_finance_role_permissions"),
    ]

    operations = [migrations.RunPython(add, remove)]
