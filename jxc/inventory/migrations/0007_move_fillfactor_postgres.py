"""PostgreSQL: leave room in the stock-move pages so that re-costing (which rewrites only
value columns, none of them indexed) updates rows in place (HOT) instead of adding an entry
to every index of the ledger. No effect on SQLite."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE inventory_stockmove SET (fillfactor = 85)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE inventory_stockmove RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0006_reserved_check_negative_stock")]

    operations = [migrations.RunPython(forwards, backwards)]
