"""Hostile spreadsheets (issue 11 §3): a 1.5 KB .xlsx whose only cell is at XFD1048576 made
the reader allocate 512 GiB and the worker abort. Every upload is measured first
(``jxc.core.spreadsheets``): file size, zip entries and ratio, the sheet's declared
dimension and every row and cell position — a clear 422 ``spreadsheet_refused``."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jxc.api.tests.conftest import API, call
from jxc.core import spreadsheets
from jxc.core.errors import SpreadsheetRefused
from jxc.inventory.documents.models import StockDocument
from jxc.inventory.documents.tests import conftest as doc_fixtures

stock_world = doc_fixtures.stock_world
DAY = "2026-11-20"


def _xlsx(cells: dict[str, object] | None = None, rows=None) -> bytes:
    book = Workbook()
    for ref, value in (cells or {}).items():
        book.active[ref] = value
    for row in rows or ():
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite_sheet(data: bytes, edit) -> bytes:
    """The same workbook with sheet1.xml passed through ``edit`` (bytes → bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = edit(body)
            dst.writestr(info.filename, body)
    return out.getvalue()


def far_cell() -> bytes:
    return _xlsx({"XFD1048576": 1})


def lying_dimension() -> bytes:
    """One cell at A1, the dimension claims the whole grid."""
    return _rewrite_sheet(
        _xlsx({"A1": 1}),
        lambda b: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', b),
    )


def no_dimension_far_row() -> bytes:
    """No dimension at all; cells A1 and A1048576 (a dense range from A1 of 1M rows)."""
    return _rewrite_sheet(
        _xlsx({"A1": 1, "A1048576": 2}), lambda b: re.sub(rb"<dimension[^>]*/>", b"", b)
    )


def zip_bomb() -> bytes:
    return _rewrite_sheet(
        _xlsx({"A1": 1}), lambda b: b.replace(b"<sheetData>", b"<sheetData>" + b" " * 60_000_000)
    )


def many_entries() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(spreadsheets.MAX_ZIP_ENTRIES + 1):
            z.writestr(f"x/{i}", b"")
    return out.getvalue()


HOSTILE = {
    "far_cell": (far_cell, "too_many_rows"),
    "lying_dimension": (lying_dimension, "too_many_rows"),
    "no_dimension_far_row": (no_dimension_far_row, "too_many_rows"),
    "zip_bomb": (zip_bomb, "zip_bomb"),
    "many_entries": (many_entries, "too_many_entries"),
}


def test_the_far_cell_file_is_small():
    assert len(far_cell()) < 10_000


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_checker_refuses_hostile_files(name):
    make, reason = HOSTILE[name]
    with pytest.raises(SpreadsheetRefused) as caught:
        spreadsheets.check_spreadsheet(make())
    assert caught.value.params["reason"] == reason


def test_file_size_rows_and_columns_have_limits():
    data = _xlsx(rows=[[1, 2, 3]] * 11)
    spreadsheets.check_spreadsheet(data)
    with pytest.raises(SpreadsheetRefused) as caught:
        spreadsheets.check_spreadsheet(data, limits=spreadsheets.Limits(max_rows=10))
    assert caught.value.params["reason"] == "too_many_rows"
    with pytest.raises(SpreadsheetRefused) as caught:
        spreadsheets.check_spreadsheet(data, limits=spreadsheets.Limits(max_columns=2))
    assert caught.value.params["reason"] == "too_many_columns"
    with pytest.raises(SpreadsheetRefused) as caught:
        spreadsheets.check_spreadsheet(data, limits=spreadsheets.Limits(max_bytes=100))
    assert caught.value.params["reason"] == "file_too_large"


def test_an_ordinary_sheet_passes():
    spreadsheets.check_spreadsheet(_xlsx(rows=[["SKU", "Qty"], ["A001", 3]]))
    spreadsheets.check_spreadsheet(b"not a zip at all")  # the reader refuses it itself


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_both_import_endpoints_answer_422_spreadsheet_refused(client_for, stock_world, name):
    make, reason = HOSTILE[name]
    data = make()
    client = client_for(stock_world.owner)
    response = client.post(
        f"{API}/opening-stock/import",
        {"file": SimpleUploadedFile("o.xlsx", data), "date": DAY, "post": "true"},
    )
    body = response.json()
    assert (response.status_code, body["code"]) == (422, "spreadsheet_refused")
    assert body["params"]["reason"] == reason
    assert not StockDocument.objects.exists()
    _s, count = call(
        client, "post", "/stock-counts", {"warehouse_id": stock_world.zc.pk, "date": DAY}
    )
    response = client.post(
        f"{API}/stock-counts/{count['id']}/import", {"file": SimpleUploadedFile("c.xlsx", data)}
    )
    body = response.json()
    assert (response.status_code, body["code"]) == (422, "spreadsheet_refused")
    assert re.search(r"[\u4e00-\u9fff]", body["message"])  # a Chinese message


@pytest.mark.django_db
def test_the_web_uploads_show_the_refusal(client_for, stock_world):
    from jxc.inventory.documents import services as docs

    client = client_for(stock_world.owner)
    response = client.post(
        "/imports/opening-stock/",
        {"file": SimpleUploadedFile("o.xlsx", far_cell()), "date": DAY},
    )
    assert response.status_code == 422
    assert str(SpreadsheetRefused("too_many_rows", rows=1048576, max=spreadsheets.MAX_ROWS)) in (
        response.content.decode()
    )
    count = docs.create_stock_count(
        user=stock_world.owner, warehouse=stock_world.zc, date=dt.date(2026, 11, 20)
    )
    response = client.post(
        f"/inventory/stock-counts/{count.pk}/import/",
        {"file": SimpleUploadedFile("c.xlsx", far_cell())},
        follow=True,
    )
    assert response.status_code == 200
    assert "1048576" in response.content.decode()
