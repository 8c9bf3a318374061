"""期初库存 import on the framework: every bad row reported at once with its row number and
column; nothing written until a clean preview is confirmed; one document per warehouse."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.errors import ImportRowsInvalid, PermissionDenied, ValidationFailed
from jxc.imports import registry, services
from jxc.imports.models import ImportBatch
from jxc.imports.tests.conftest import xlsx
from jxc.inventory.documents.models import StockDocument, StockDocumentLine
from jxc.inventory.documents.tests.conftest import TODAY, balances, receive
from jxc.inventory.models import Batch, StockMove
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db

HEADER = [
    "SKU code or barcode",
    "Warehouse code",
    "Batch number",
    "Production date",
    "Expiry date",
    "Bin",
    "Quantity",
    "Unit cost",
]
OPTS = {"date": TODAY, "post": True}


def test_good_file_previews_then_confirms_one_posted_document_per_warehouse(stock_world):
    from jxc.inventory import services as inventory

    w = stock_world
    inventory.create_bin(user=w.owner, warehouse=w.md, code="M-01")
    data = xlsx(
        [
            HEADER,
            ["A001", "ZC", None, None, None, None, 10, 2.5],
            [6900000000035, "ZC", None, None, None, None, "3", "￥1.20"],
            ["C001", "MD", "L7", "2026/10/1", "2027年4月1日", "M-01", 4, 3],
            [None, None, None, None, None, None, None, None],
            ["W001", "MD", None, None, None, None, 1.25, "8"],
        ]
    )
    batch = services.preview_import("opening-stock", user=w.owner, data=data, options=OPTS)
    assert batch.problems == [] and batch.status == ImportBatch.Status.READY
    assert batch.counts["create"] == 4 and batch.total == 4
    assert not StockDocument.objects.exists() and not StockMove.objects.exists()
    batch = services.confirm_import(batch, user=w.owner)
    assert batch.status == ImportBatch.Status.DONE
    made = StockDocument.objects.filter(kind="opening_stock").order_by("warehouse__code")
    assert [d.warehouse.code for d in made] == ["MD", "ZC"]
    assert all(d.status == "posted" and d.number.startswith("QCKC") for d in made)
    b = balances()
    assert b[(w.sku_a.pk, w.zc.pk)][:2] == (D(10), D("25.00"))
    assert b[(w.sku_b.pk, w.zc.pk)][:2] == (D(3), D("3.60"))
    assert b[(w.sku_c.pk, w.md.pk)][:2] == (D(4), D("12.00"))
    assert b[(w.sku_w.pk, w.md.pk)][:2] == (D("1.25"), D("10.00"))
    assert Batch.objects.get(number="L7").expiry_date == dt.date(2027, 4, 1)
    assert_ledger_consistent()
    with pytest.raises(ValidationFailed):  # confirmed once only
        services.confirm_import(batch, user=w.owner)


def test_every_bad_row_reported_and_nothing_written(stock_world):
    w = stock_world
    receive(w, w.sku_b, w.bj, 1, "1")  # 薯片 already moved in 北京仓: no opening stock there
    docs_before = StockDocument.objects.count()
    moves_before = StockMove.objects.count()
    data = xlsx(
        [
            HEADER,
            ["A001", "ZC", None, None, None, None, 10, 2.5],  # row 2: fine
            ["NOPE", "ZC", None, None, None, None, 1, 1],  # 3: unknown SKU
            ["A001", "XX", None, None, None, None, 1, 1],  # 4: unknown warehouse
            ["A001", "MD", None, None, None, None, "abc", 1],  # 5: quantity not a number
            ["A001", "MD", None, None, None, None, 1, None],  # 6: no unit cost
            ["C001", "ZC", None, None, None, None, 1, 1],  # 7: batch-tracked without batch
            ["A001", "ZC", None, None, None, None, 1.5, 1],  # 8: 个 in whole units
            ["B001", "BJ", None, None, None, None, 1, 1],  # 9: moved already
            ["A001", "ZC", None, None, None, None, 3, 1],  # 10: same stock as row 2
            ["A001", "ZC", None, None, None, "Z-1", 3, 1],  # 11: unknown bin
            ["A001", "MD", None, "2026-13-01", None, None, 1, 1],  # 12: bad date
            ["A001", "MD", None, None, None, None, -1, 1],  # 13: below zero
        ]
    )
    batch = services.preview_import("opening-stock", user=w.owner, data=data, options=OPTS)
    assert batch.status == ImportBatch.Status.INVALID
    assert sorted({p["row"] for p in batch.problems}) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    by_row = {p["row"]: p for p in batch.problems}
    spec = registry.spec_for("opening-stock")
    assert by_row[5]["column"] == spec.label_of("qty")
    assert by_row[12]["column"] == spec.label_of("production_date")
    with pytest.raises(ValidationFailed):
        services.confirm_import(batch, user=w.owner)
    with pytest.raises(ImportRowsInvalid) as exc:
        services.import_at_once("opening-stock", user=w.owner, data=data, options=OPTS)
    assert exc.value.params["count"] == 11
    assert StockDocument.objects.count() == docs_before
    assert StockMove.objects.count() == moves_before
    assert StockDocumentLine.objects.filter(document__kind="opening_stock").count() == 0


def test_missing_columns_empty_files_and_options(stock_world):
    w = stock_world
    batch = services.preview_import(
        "opening-stock", user=w.owner, data=xlsx([["SKU code or barcode"]]), options=OPTS
    )
    assert {p["row"] for p in batch.problems} == {1} and len(batch.problems) == 3
    batch = services.preview_import(
        "opening-stock", user=w.owner, data=xlsx([HEADER]), options=OPTS
    )
    assert batch.status == "invalid"
    with pytest.raises(ValidationFailed) as exc:
        services.preview_import("opening-stock", user=w.owner, data=xlsx([HEADER]), options={})
    assert "date" in exc.value.errors


def test_drafts_by_default_and_permission(stock_world):
    w = stock_world
    data = xlsx([HEADER, ["A001", "ZC", None, None, None, None, 2, 1]])
    with pytest.raises(PermissionDenied):
        services.preview_import("opening-stock", user=w.keeper, data=data, options=OPTS)
    services.import_at_once("opening-stock", user=w.owner, data=data, options={"date": TODAY})
    (doc,) = StockDocument.objects.filter(kind="opening_stock")
    assert doc.status == "draft" and not StockMove.objects.exists()


def test_a_large_file_goes_in_chunks_in_the_background(stock_world, monkeypatch):
    from jxc.core import jobs

    w = stock_world
    monkeypatch.setattr(services, "INLINE_ROWS", 2)
    monkeypatch.setattr(jobs, "CHUNK", 2)
    rows = [HEADER] + [
        [code, wh, None, None, None, None, 1, 1]
        for code in ("A001", "B001", "K001")
        for wh in ("ZC", "MD")
    ]
    batch = services.preview_import("opening-stock", user=w.owner, data=xlsx(rows), options=OPTS)
    assert batch.status == "ready"
    batch = services.confirm_import(batch, user=w.owner)
    assert batch.status == "applying" and batch.job is not None
    assert not StockMove.objects.exists()  # nothing until the worker runs
    job = jobs.run_import(batch.job.pk)
    assert job.status == "done" and job.done == 6
    batch.refresh_from_db()
    assert batch.status == "done" and StockMove.objects.count() == 6
    # one document per warehouse per chunk: the write lock is held for one chunk at a time
    assert StockDocument.objects.filter(kind="opening_stock", status="posted").count() == 6
    assert_ledger_consistent()
