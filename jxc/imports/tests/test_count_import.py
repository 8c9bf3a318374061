"""导入实盘数 on the import framework (issue 16 §1): the count sheet's file is previewed (every
bad row with its column, nothing written), its errors copy downloadable, confirmed all or
nothing; a SKU outside the sheet's scope is named; large files go in background chunks; the
count page and the API take this path (the old one-step code is gone)."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jxc.core.errors import ImportRowsInvalid, NotEditable
from jxc.imports import services, workbook
from jxc.imports.models import ImportBatch
from jxc.imports.tests.conftest import xlsx
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.tests.conftest import TODAY, receive

pytestmark = pytest.mark.django_db


def line_of(count, sku):
    return count.lines.get(sku=sku)


@pytest.fixture
def sheet(stock_world):
    w = stock_world
    w.shelf = inventory.create_bin(user=w.owner, warehouse=w.zc, code="A-01")
    receive(w, w.sku_a, w.zc, 4, "2")
    receive(w, w.sku_c, w.zc, 3, "1", batch_number="L1", bin=w.shelf.pk)
    w.count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    return w


def preview(w, rows, user=None):
    return services.preview_import(
        "stock-count", user=user or w.owner, data=xlsx(rows), options={"count": w.count.pk}
    )


def test_counted_quantities_previewed_then_confirmed(sheet):
    w = sheet
    batch = preview(
        w,
        [
            ["SKU code or barcode", "Counted quantity", "Bin", "Batch number"],
            [6900000000011, 5, None, None],
            ["C001", "2", "A-01", "L1"],
        ],
    )
    assert batch.status == ImportBatch.Status.READY and batch.problems == []
    assert line_of(w.count, w.sku_a).counted_qty is None  # the preview wrote nothing
    done = services.confirm_import(batch, user=w.owner)
    assert done.status == ImportBatch.Status.DONE and done.result["lines"] == 2
    assert line_of(w.count, w.sku_a).counted_qty == D(5)
    assert line_of(w.count, w.sku_c).counted_qty == D(2)


def test_every_bad_row_named_with_its_column_and_nothing_written(sheet):
    w = sheet
    batch = preview(
        w,
        [
            ["商品编码或条码", "实盘数量", "货位", "批次号"],
            ["A001", 1, None, None],
            ["XXXX", 1, None, None],
            ["A001", -2, None, None],
            ["A001", 1, "Z-9", None],
            ["C001", 1, "A-01", "NOPE"],
            ["A001", "几个", None, None],
        ],
    )
    assert batch.status == ImportBatch.Status.INVALID
    assert [(p["row"], p["column"]) for p in batch.problems] == [
        (3, "商品编码或条码"),
        (4, "实盘数量"),
        (5, "货位"),
        (6, "批次号"),
        (7, "实盘数量"),
    ]
    errors = load_workbook(io.BytesIO(workbook.errors_copy(batch))).active
    assert errors.cell(row=3, column=5).value.startswith("商品编码或条码")
    assert line_of(w.count, w.sku_a).counted_qty is None
    with pytest.raises(ImportRowsInvalid):
        services.import_at_once(
            "stock-count",
            user=w.owner,
            data=xlsx([["whatever"], [1]]),
            options={"count": w.count.pk},
        )


def test_a_sku_outside_the_sheets_scope_is_named(sheet):
    w = sheet
    drinks = docs.create_stock_count(
        user=w.owner, warehouse=w.md, date=TODAY, category=w.sku_a.product.category
    )
    batch = services.preview_import(
        "stock-count",
        user=w.owner,
        data=xlsx([["SKU code or barcode", "Counted quantity"], ["A001", 1], ["B001", 1]]),
        options={"count": drinks.pk},
    )
    assert [p["row"] for p in batch.problems] == [3]


def test_a_submitted_sheet_is_refused(sheet):
    w = sheet
    docs.submit_document(w.count, user=w.owner)
    with pytest.raises(NotEditable):
        preview(w, [["SKU code or barcode", "Counted quantity"], ["A001", 1]])


def test_a_large_file_goes_in_background_chunks(sheet, monkeypatch):
    from jxc.core import jobs

    w = sheet
    monkeypatch.setattr(services, "INLINE_ROWS", 1)
    batch = preview(
        w, [["SKU code or barcode", "Counted quantity"], ["A001", 3], ["C001", 1], ["A001", 4]]
    )
    batch = services.confirm_import(batch, user=w.owner)
    assert batch.status == ImportBatch.Status.APPLYING and batch.job_id
    jobs.run_import(batch.job_id)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert line_of(w.count, w.sku_a).counted_qty == D(4)  # the later row for a line wins


def test_the_count_page_uploads_to_the_preview(sheet, client_for):
    w = sheet
    client = client_for(w.owner)
    data = xlsx([["SKU code or barcode", "Counted quantity"], ["A001", 7]])
    r = client.post(
        f"/inventory/stock-counts/{w.count.pk}/import/",
        {"file": SimpleUploadedFile("c.xlsx", data)},
    )
    batch = ImportBatch.objects.get(kind="stock-count")
    assert r.status_code == 302 and r["Location"] == f"/imports/batches/{batch.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert f"/inventory/stock-counts/{w.count.pk}/count/" in page and "确认导入" in page
    assert line_of(w.count, w.sku_a).counted_qty is None
    client.post(f"/imports/batches/{batch.pk}/confirm/")
    assert line_of(w.count, w.sku_a).counted_qty == D(7)
    count_page = client.get(f"/inventory/stock-counts/{w.count.pk}/count/").content.decode()
    assert f"/inventory/stock-counts/{w.count.pk}/import/" in count_page
