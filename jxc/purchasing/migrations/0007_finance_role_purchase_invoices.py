"""The built-in 财务 role of an existing database records supplier invoices (进项发票:
purchase_invoice.*). A role renamed or edited keeps what it has; a pattern already there is
not added twice."""

from django.db import migrations

ADDED = {"finance": ["purchase_invoice.*"]}


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
        ("purchasing", "0006_purchase_invoices"),
        ("core", "0014_company_invoice_match_and_qc"),
    ]

    operations = [migrations.RunPython(add, remove)]
