"""The built-in roles of an existing database get the purchase / finance permissions added
since they were made: 采购 reads the supplier statement and payables aging (payables.view),
财务 reads and exports both books' statements and aging (payables.*, receivables.*). A role
renamed or edited keeps what it has; a pattern already there is not added twice."""

from django.db import migrations

ADDED = {
    "purchaser": ["payables.view"],
    "finance": ["payables.*", "receivables.*"],
}


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
    dependencies = [("core", "0012_company_opening_date")]

    operations = [migrations.RunPython(add, remove)]
