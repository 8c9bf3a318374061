"""The built-in 财务 role of an existing database records supplier invoices (进项发票:
purchase_invoice.*). A role renamed or edited keeps what it has; a pattern already there is
not added twice."""

from django.db import migrations

from jxc.core.role_patterns import adders

ADDED = {"finance": ["purchase_invoice.*"]}


add, remove = adders(ADDED)


class Migration(migrations.Migration):
    dependencies = [
        ("purchasing", "0006_purchase_invoices"),
        ("core", "0014_company_invoice_match_and_qc"),
    ]

    operations = [migrations.RunPython(add, remove)]
