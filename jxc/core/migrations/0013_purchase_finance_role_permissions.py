"""The built-in roles of an existing database get the purchase / finance permissions added
since they were made: 采购 reads the supplier statement and payables aging (payables.view),
财务 reads and exports both books' statements and aging (payables.*, receivables.*). A role
renamed or edited keeps what it has; a pattern already there is not added twice."""

from django.db import migrations

from jxc.core.role_patterns import adders

ADDED = {
    "purchaser": ["payables.view"],
    "finance": ["payables.*", "receivables.*"],
}


add, remove = adders(ADDED)


class Migration(migrations.Migration):
    dependencies = [("core", "0012_company_opening_date")]

    operations = [migrations.RunPython(add, remove)]
