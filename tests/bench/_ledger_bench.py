"""Shared by the ledger benchmarks: remove the stock ledger rows a benchmark made, so the
benchmarks after it in the same database (收发存汇总 …) see only their own data."""

from __future__ import annotations


def drop_ledger_of(sku_code_prefix: str) -> None:
    """Delete moves, layers, balances, pools and ledger rows of the SKUs whose code starts
    with ``sku_code_prefix`` (the SKUs themselves stay)."""
    from django.db import connection, transaction

    from jxc.catalog.models import Sku
    from jxc.inventory import layer_models as lm
    from jxc.inventory import models as m

    skus = f"SELECT id FROM {Sku._meta.db_table} WHERE code LIKE %s"
    moves = f"SELECT id FROM {m.StockMove._meta.db_table} WHERE sku_id IN ({skus})"
    pools = f"SELECT id FROM {m.CostPool._meta.db_table} WHERE sku_id IN ({skus})"
    steps = [
        (f"DELETE FROM {lm.LayerUse._meta.db_table} WHERE move_id IN ({moves})", 1),
        (f"DELETE FROM {lm.CostLayer._meta.db_table} WHERE pool_id IN ({pools})", 1),
        (
            f"DELETE FROM {m.SerialNumber.moves.through._meta.db_table} "
            f"WHERE stockmove_id IN ({moves})",
            1,
        ),
        (f"DELETE FROM {m.StockMove._meta.db_table} WHERE sku_id IN ({skus})", 1),
        (f"DELETE FROM {m.LotBalance._meta.db_table} WHERE sku_id IN ({skus})", 1),
        (f"DELETE FROM {m.StockBalance._meta.db_table} WHERE sku_id IN ({skus})", 1),
        (f"DELETE FROM {m.CostPool._meta.db_table} WHERE sku_id IN ({skus})", 1),
        (f"DELETE FROM {m.SkuLedger._meta.db_table} WHERE sku_id IN ({skus})", 1),
    ]
    with transaction.atomic(), connection.cursor() as cur:
        for sql, n in steps:
            cur.execute(sql, [sku_code_prefix + "%"] * n)


def use_costing(method: str, scope: str) -> None:
    """Set the company's costing method and pool for a benchmark's own SKUs. The settings
    service refuses this once anything is posted (docs/adr/0003); a benchmark measures each
    method on SKUs of its own in one shared database, whose pools keep the method they were
    made with, so it sets the row directly."""
    from jxc.core.models import Company
    from jxc.core.selectors import company

    Company.objects.filter(pk=company().pk).update(costing_method=method, cost_scope=scope)
