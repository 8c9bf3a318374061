"""The set-based product writer at size: a few statements per chunk whatever its rows, and
rows (with their defaults and audit lines) the same as the catalog's own service writes."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.catalog import services as catalog
from jxc.catalog.models import Barcode, Product, Sku, SkuUnit
from jxc.core.models import AuditLog
from jxc.core.services import snapshot
from jxc.imports import services
from jxc.imports.tests.conftest import xlsx

pytestmark = pytest.mark.django_db

HEADER = [
    "商品编码",
    "名称",
    "基本单位",
    "条码",
    "第二单位",
    "每第二单位含基本单位",
    "第二单位条码",
    "零售价",
]


def _file(n: int) -> bytes:
    rows = [HEADER]
    rows += [
        [f"W{i:05d}", f"批量商品{i}", "个", f"69{i:010d}", "箱", 12, f"19{i:010d}", "3.50"]
        for i in range(n)
    ]
    return xlsx(rows, text_columns=("A", "D", "G"))


def test_a_chunk_of_products_is_inserted_in_one_statement_per_table(stock_world):
    """300 products with two units and two barcodes each: one INSERT per table (Django's
    bulk_create took 999 parameters per statement on SQLite: 17 INSERTs here)."""
    w = stock_world
    batch = services.preview_import("products", user=w.owner, data=_file(300))
    assert batch.status == "ready", batch.problems[:3]
    with CaptureQueriesContext(connection) as ctx:
        services.confirm_import(batch, user=w.owner)
    inserts = [
        q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")
    ]
    tables = [Product, Sku, SkuUnit, Barcode, AuditLog]
    for model in tables:
        mine = [s for s in inserts if f'INTO "{model._meta.db_table}"' in s]
        assert len(mine) == 1, (model.__name__, len(mine))
    assert len(ctx.captured_queries) <= 30, len(ctx.captured_queries)
    assert Barcode.objects.filter(code__startswith="19").count() == 300
    assert SkuUnit.objects.filter(sku__code__startswith="W", factor=12).count() == 300


def test_imported_rows_are_those_the_catalog_service_writes(stock_world):
    """Column by column (defaults, 助记码, prices, barcodes, the audit line's fields), an
    imported product equals one created through ``catalog.create_product``."""
    from jxc.catalog.rules import UnitSpec

    w = stock_world
    batch = services.preview_import("products", user=w.owner, data=_file(1))
    services.confirm_import(batch, user=w.owner)
    imported = Product.objects.get(code="W00000")
    typed = catalog.create_product(
        user=w.owner,
        code="X00000",
        name="批量商品0",
        base_unit=w.pcs,
        units=[
            UnitSpec(unit_id=w.pcs.pk, prices={"retail_price": D("3.5")}, barcode="6900000000X"),
            UnitSpec(unit_id=w.box.pk, factor=D(12), barcode="1900000000X"),
        ],
    )

    def plain(product):
        data = snapshot(product)
        data.pop("code")
        return data

    assert plain(imported) == plain(typed)
    for a, b in zip(
        SkuUnit.objects.filter(sku__product=imported).order_by("factor"),
        SkuUnit.objects.filter(sku__product=typed).order_by("factor"),
        strict=True,
    ):
        assert {k: v for k, v in snapshot(a).items() if k != "sku"} == {
            k: v for k, v in snapshot(b).items() if k != "sku"
        }
    mine, theirs = (
        AuditLog.objects.get(object_type="catalog.product", object_id=str(p.pk))
        for p in (imported, typed)
    )
    assert (mine.action, mine.object_repr, mine.user_id) == (
        theirs.action,
        theirs.object_repr,
        theirs.user_id,
    )
    assert set(mine.changes) == set(theirs.changes)
