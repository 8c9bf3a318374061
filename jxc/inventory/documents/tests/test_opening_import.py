"""期初库存 import: every bad row reported at once with its row number; nothing written."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from openpyxl import Workbook

from jxc.core.errors import ImportRowsInvalid, PermissionDenied
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import StockDocument, StockDocumentLine
from jxc.inventory.documents.opening import template_header
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


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_good_file_makes_one_posted_document_per_warehouse(stock_world):
    w = stock_world
    inventory.create_bin(user=w.owner, warehouse=w.md, code="M-01")
    data = xlsx(
        [
            HEADER,
            ["A001", "ZC", None, None, None, None, 10, 2.5],
            [6900000000035, "ZC", None, None, None, None, "3", "1.20"],
            ["C001", "MD", "L7", dt.date(2026, 10, 1), dt.date(2027, 4, 1), "M-01", 4, 3],
            [None, None, None, None, None, None, None, None],
            ["W001", "MD", None, None, None, None, 1.25, 8],
        ]
    )
    made = docs.import_opening_stock(user=w.owner, file=data, date=TODAY, post=True)
    assert [d.warehouse.code for d in made] == ["MD", "ZC"]
    assert all(d.status == "posted" and d.number.startswith("QCKC") for d in made)
    b = balances()
    assert b[(w.sku_a.pk, w.zc.pk)][:2] == (D(10), D("25.00"))
    assert b[(w.sku_b.pk, w.zc.pk)][:2] == (D(3), D("3.60"))
    assert b[(w.sku_c.pk, w.md.pk)][:2] == (D(4), D("12.00"))
    assert b[(w.sku_w.pk, w.md.pk)][:2] == (D("1.25"), D("10.00"))
    batch = Batch.objects.get(number="L7")
    assert batch.expiry_date == dt.date(2027, 4, 1)
    assert_ledger_consistent()


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
    with pytest.raises(ImportRowsInvalid) as exc:
        docs.import_opening_stock(user=w.owner, file=data, date=TODAY, post=True)
    rows = sorted({r["row"] for r in exc.value.rows})
    assert rows == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert exc.value.code == "import_rows_invalid" and exc.value.params["count"] == 11
    body = exc.value.as_dict()
    assert body["params"]["rows"][0]["row"] == "3"
    assert StockDocument.objects.count() == docs_before
    assert StockMove.objects.count() == moves_before
    assert StockDocumentLine.objects.filter(document__kind="opening_stock").count() == 0


def test_missing_columns_and_empty_files(stock_world):
    w = stock_world
    with pytest.raises(ImportRowsInvalid) as exc:
        docs.import_opening_stock(user=w.owner, file=xlsx([["SKU code or barcode"]]), date=TODAY)
    assert {r["row"] for r in exc.value.rows} == {1} and len(exc.value.rows) == 3
    with pytest.raises(ImportRowsInvalid):
        docs.import_opening_stock(user=w.owner, file=xlsx([HEADER]), date=TODAY)


def test_drafts_by_default_and_owner_only(stock_world):
    w = stock_world
    data = xlsx([HEADER, ["A001", "ZC", None, None, None, None, 2, 1]])
    with pytest.raises(PermissionDenied):
        docs.import_opening_stock(user=w.keeper, file=data, date=TODAY)
    (doc,) = docs.import_opening_stock(user=w.owner, file=data, date=TODAY)
    assert doc.status == "draft" and not StockMove.objects.exists()
    assert template_header()[0] in ("SKU code or barcode", "商品编码或条码")
