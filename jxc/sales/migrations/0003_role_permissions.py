"""The built-in roles of an existing database get the sales / counter / invoice permissions
the default roles (jxc.core.permissions.DEFAULT_ROLES) declare since they were made:
销售 reads customer statements and aging (receivables.view), 仓管 sees customers (a delivery
typed without an order names one), 收银 finds a counter sale's lines to refund and reprints its
送货单 (sales_delivery.view / print), 财务 records 销项发票 (sales_invoice.*) and reads every
cashier's 日结 (retail_sale.view). A role renamed or
edited keeps what it has; a pattern already there is not added twice."""

from django.db import migrations

from jxc.core.role_patterns import adders

ADDED = {
    "sales": ["receivables.view"],
    "keeper": ["customer.view"],
    "cashier": ["sales_delivery.view", "sales_delivery.print"],
    "finance": ["sales_invoice.*", "retail_sale.view"],
}


add, remove = adders(ADDED)


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0002_sales_invoices"),
        ("core", "0013_purchase_finance_role_permissions"),
    ]

    operations = [migrations.RunPython(add, remove)]
