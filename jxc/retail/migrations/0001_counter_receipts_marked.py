"""The 收款单 of counter sales made before ``CustomerPayment.at_counter`` existed, marked: the
receipts whose memo is the number of a counter sale's delivery (``record_counter_sale`` wrote
them so, its delivery's memo 门店零售 — English: Counter sale), and the refunds whose memo is the
number of a return of such a sale's lines (``return_counter_sale``). Without it the 日结 of
past days would lose their takings."""

from django.db import migrations

COUNTER_SALE_MEMOS = ("门店零售", "Counter sale")  # the delivery memo, in either language


def mark(apps, schema_editor):
    delivery = apps.get_model("sales", "SalesDelivery")
    sales_return = apps.get_model("sales", "SalesReturn")
    payment = apps.get_model("finance", "CustomerPayment")
    sales = delivery.objects.filter(memo__in=COUNTER_SALE_MEMOS)
    payment.objects.filter(amount__gt=0, memo__in=sales.values("number")).update(at_counter=True)
    returns = sales_return.objects.filter(lines__source_line__document__in=sales)
    payment.objects.filter(amount__lt=0, memo__in=returns.values("number")).update(
        at_counter=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0013_customerpayment_at_counter"),
        ("sales", "0008_document_status_checked"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
