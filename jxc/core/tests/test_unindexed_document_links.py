"""Documents without the indexes of their users and of their lines' units (finance 0008,
inventory 0020, loans 0003, purchasing 0009, sales 0005): dropped by name, forwards; made
again under the same names, backwards; every other index untouched."""

import pytest
from django.db import connection

from tests.support import latest_migrations, migrate_to

BEFORE = [
    ("finance", "0007_refunds_negative_amount"),
    ("inventory", "0019_layer_use_without_autoincrement"),
    ("loans", "0002_status_and_quantity_checks"),
    ("purchasing", "0008_invoice_credits_unlinked_returns"),
    ("sales", "0004_invoice_amounts_add_up_within_half_a_fen"),
]
AFTER = [
    (app, f"{n}_documents_without_user_and_unit_indexes")
    for app, n in [
        ("finance", "0008"),
        ("inventory", "0020"),
        ("loans", "0003"),
        ("purchasing", "0009"),
        ("sales", "0005"),
    ]
]
TABLES = (
    "inventory_stockdocument",
    "inventory_stockdocumentline",
    "purchasing_purchaseorder",
    "purchasing_purchaseorderline",
    "finance_customerpayment",
    "sales_salesdelivery",
    "loans_loanout",
)
DROPPED = {"created_by_id", "approved_by_id", "posted_by_id", "unit_id"}


def _indexes() -> dict[str, dict[str, tuple]]:
    """Per table: index name → its columns (the primary key and unique ones left out)."""
    out = {}
    with connection.cursor() as cur:
        for table in TABLES:
            found = connection.introspection.get_constraints(cur, table)
            out[table] = {
                name: tuple(c["columns"])
                for name, c in found.items()
                if c["index"] and not c["primary_key"] and not c["unique"]
            }
    return out


@pytest.mark.django_db(transaction=True)
def test_the_user_and_unit_indexes_go_and_come_back_by_name():
    migrate_to(BEFORE)
    try:
        before = _indexes()
        for table in TABLES:
            assert {c for (c,) in (v for v in before[table].values() if len(v) == 1)} & DROPPED
        migrate_to(AFTER)
        after = _indexes()
        for table in TABLES:
            dropped = DROPPED | ({"bin_id"} if table == "inventory_stockdocumentline" else set())
            kept = {n: cols for n, cols in before[table].items() if not set(cols) & dropped}
            assert after[table] == kept, table
        assert (
            "inventory_stockdocumentline_bin_id_6ce483e7"
            not in after["inventory_stockdocumentline"]
        )
        migrate_to(BEFORE)
        assert _indexes() == before
    finally:
        migrate_to(latest_migrations())
