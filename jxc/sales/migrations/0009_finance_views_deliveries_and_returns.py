"""The built-in 财务 role of an existing database opens 销售出库单 and 销售退货单 (the customer
statement links to them): sales_delivery.view and sales_return.view, as the default roles
(jxc.core.permissions.DEFAULT_ROLES) now declare. A role renamed or edited keeps what it has;
a pattern already there is not added twice; the reverse takes back only what it added."""

from django.db import migrations

from jxc.core.role_patterns import adders

ADDED = {"finance": ["sales_delivery.view", "sales_return.view"]}


add, remove = adders(ADDED)


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0008_document_status_checked"),
        ("core", "0013_purchase_finance_role_permissions"),
    ]

    operations = [migrations.RunPython(add, remove)]
