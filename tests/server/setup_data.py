"""Data for the real-server tests, made through the services in a fresh JXC_DATA_DIR:
``python -m tests.server.setup_data SKUS BINS`` prints JSON (tokens, ids) on stdout."""

import datetime as dt
import json
import sys


def build(n_skus: int, n_bins: int) -> dict:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jxc.settings")

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from django.db import transaction

    from jxc.catalog import services as catalog
    from jxc.catalog.rules import UnitSpec
    from jxc.core import accounts
    from jxc.inventory import services as inventory
    from jxc.inventory.documents import services as docs

    with transaction.atomic():  # one commit: far faster on SQLite
        return _make(accounts, catalog, UnitSpec, inventory, docs, n_skus, n_bins)


def _make(accounts, catalog, UnitSpec, inventory, docs, n_skus: int, n_bins: int) -> dict:
    accounts.ensure_default_roles()
    owner = accounts.create_user(
        username="boss", password="Server-test-2026", roles=["owner"], is_superuser=True
    )
    keeper = accounts.create_user(
        username="cangguan", password="Server-test-2026", roles=["keeper"]
    )
    pcs = catalog.create_unit(user=owner, name="个")
    zc = inventory.create_warehouse(user=owner, code="ZC", name="总仓")
    md = inventory.create_warehouse(user=owner, code="MD", name="门店仓")
    bins = [inventory.create_bin(user=owner, warehouse=zc, code=f"B{i:03d}") for i in range(n_bins)]
    skus = []
    for i in range(n_skus):
        product = catalog.create_product(
            user=owner,
            code=f"S{i:05d}",
            name=f"商品{i}",
            base_unit=pcs,
            units=[UnitSpec(unit_id=pcs.pk, barcode=f"69{i:011d}")],
        )
        skus.append(product.skus.get())
    count = docs.create_stock_count(user=owner, warehouse=zc, date=dt.date.today())
    return {
        "owner_token": accounts.create_api_token(user=owner, name="load")[1],
        "keeper_token": accounts.create_api_token(user=keeper, name="import")[1],
        "count_id": count.pk,
        "store_id": md.pk,
        "sku_ids": [s.pk for s in skus],
        "sku_codes": [s.code for s in skus],
        "bin_codes": [b.code for b in bins],
    }


if __name__ == "__main__":
    print(json.dumps(build(int(sys.argv[1]), int(sys.argv[2]))))
