"""The framework every import shares: the template, the errors copy, hostile files refused
before parsing, and the screens and API (upload → preview → errors file → confirm)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jxc.core.errors import SpreadsheetRefused
from jxc.imports import registry, services, workbook
from jxc.imports.models import ImportBatch
from jxc.imports.tests.conftest import xlsx
from jxc.inventory.documents.models import StockDocument
from jxc.inventory.documents.tests.conftest import TODAY
from jxc.inventory.models import StockMove

pytestmark = pytest.mark.django_db
HEADER = ["SKU code or barcode", "Warehouse code", "Quantity", "Unit cost"]
OPTS = {"date": TODAY, "post": True}


def test_template_has_chinese_headers_instructions_dropdowns_and_examples(stock_world):
    spec = registry.spec_for("opening-stock")
    book = load_workbook(io.BytesIO(workbook.template(spec)))
    data, notes = book.worksheets[0], book.worksheets[1]
    header = [c.value for c in data[1]]
    assert header[0] == "商品编码或条码*" and "单位成本*" in header
    assert notes.title == "说明" and notes["A2"].value == "商品编码或条码"
    assert data["A2"].value == "P0001" and data["A2"].number_format == "@"
    lists = list(data.data_validations.dataValidation)
    assert lists, (
        data.data_validations and lists[0].type == "list" and "B2:B5000" in str(lists[0].sqref)
    )
    hidden = book.worksheets[2]
    assert hidden.sheet_state == "hidden" and {hidden["B1"].value, hidden["B2"].value} >= {"MD"}


def test_errors_copy_has_every_row_and_an_error_column(stock_world):
    w = stock_world
    data = xlsx([HEADER, ["A001", "ZC", 1, 1], ["NOPE", "ZC", 1, 1], ["-A1", "ZC", "x", 1]])
    batch = services.preview_import("opening-stock", user=w.owner, data=data, options=OPTS)
    sheet = load_workbook(io.BytesIO(workbook.errors_copy(batch))).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][-1] == "错误" and rows[1][-1] is None
    assert "未知的商品编码或条码" in rows[2][-1] or "商品编码或条码" in rows[2][-1]
    assert "数量" in rows[3][-1] and rows[3][0] == "'-A1"  # never written as a formula


def _far_corner_xlsx() -> bytes:
    """A 1.5 KB workbook whose only cell is XFD1048576."""
    good = xlsx([["a"]])
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b'r="A1"', b'r="XFD1048576"').replace(
                    b'<row r="1"', b'<row r="1048576"'
                )
            dst.writestr(info, body)
    return out.getvalue()


def _with_part(name: str, body: bytes) -> bytes:
    good = xlsx([["a"]])
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, body if info.filename == name else src.read(info))
    return out.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_far_corner_xlsx(), "too_many_rows"),
        (_with_part("xl/worksheets/sheet1.xml", BILLION_LAUGHS), "unsafe_xml"),
        (
            _with_part(
                "[Content_Types].xml",
                b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>',
            ),
            "unsafe_xml",
        ),
        (b"PK" + b"\0" * (21 * 1024 * 1024), "file_too_large"),
    ],
    ids=["far-corner", "billion-laughs", "external-dtd", "too-large"],
)
def test_hostile_files_are_refused_before_parsing(stock_world, data, reason):
    with pytest.raises(SpreadsheetRefused) as exc:
        services.preview_import("opening-stock", user=stock_world.owner, data=data, options=OPTS)
    assert exc.value.params["reason"] == reason
    assert not ImportBatch.objects.exists()


def test_a_zip_bomb_is_refused(stock_world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (50 * 1024 * 1024) + b"</a>")
    with pytest.raises(SpreadsheetRefused) as exc:
        services.preview_import(
            "opening-stock", user=stock_world.owner, data=out.getvalue(), options=OPTS
        )
    assert exc.value.params["reason"] == "zip_bomb"


def test_formulas_give_their_saved_value_and_macros_are_ignored(stock_world):
    w = stock_world
    data = xlsx([HEADER, ["A001", "ZC", "=1/0", 1]])
    batch = services.preview_import("opening-stock", user=w.owner, data=data, options=OPTS)
    # openpyxl saves no cached value: the formula is not evaluated, the cell is empty → required
    assert [p["row"] for p in batch.problems] == [2]
    macro = _with_part(
        "xl/worksheets/sheet1.xml",
        zipfile.ZipFile(io.BytesIO(xlsx([HEADER, ["A001", "ZC", 1, 1]]))).read(
            "xl/worksheets/sheet1.xml"
        ),
    )
    with_vba = io.BytesIO()
    with zipfile.ZipFile(with_vba, "w") as dst, zipfile.ZipFile(io.BytesIO(macro)) as src:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not run")
    batch = services.preview_import(
        "opening-stock", user=w.owner, data=with_vba.getvalue(), options=OPTS
    )
    assert batch.status == "ready"


def test_screens_upload_preview_errors_file_and_confirm(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    assert client.get("/imports/").status_code == 200
    assert client.get("/inventory/opening-stock/import/").status_code == 302
    page = client.get("/imports/opening-stock/")
    assert page.status_code == 200 and 'data-testid="template-link"' in page.content.decode()
    template = client.get("/imports/opening-stock/template/")
    assert template["Content-Type"].startswith("application/vnd")
    bad = xlsx([HEADER, ["A001", "ZC", 5, 2], ["NOPE", "ZC", 1, 1]])
    r = client.post(
        "/imports/opening-stock/",
        {"file": SimpleUploadedFile("o.xlsx", bad), "date": TODAY, "post": "on"},
    )
    assert r.status_code == 302
    r = client.get(r["Location"])
    assert r.status_code == 422 and 'data-testid="import-errors"' in r.content.decode()
    assert [p["row"] for p in r.context["problems"]] == [3]
    batch = r.context["batch"]
    errors = client.get(f"/imports/batches/{batch.pk}/errors/")
    assert errors.status_code == 200 and errors["Content-Type"].startswith("application/vnd")
    assert client.post(f"/imports/batches/{batch.pk}/confirm/").status_code == 302
    assert not StockDocument.objects.exists()
    good = xlsx([HEADER, ["A001", "ZC", 5, 2]])
    r = client.post(
        "/imports/opening-stock/",
        {"file": SimpleUploadedFile("o.xlsx", good), "date": TODAY, "post": "on"},
    )
    r = client.get(r["Location"])
    assert r.status_code == 200 and 'data-testid="btn-confirm"' in r.content.decode()
    r = client.post(f"/imports/batches/{r.context['batch'].pk}/confirm/", follow=True)
    assert r.context["batch"].status == "done" and StockMove.objects.count() == 1
    keeper = client_for(w.keeper)
    assert keeper.get("/imports/opening-stock/").status_code == 403
    assert keeper.get(f"/imports/batches/{batch.pk}/").status_code == 404


def test_api_preview_errors_confirm_and_job(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    kinds = [i["kind"] for i in client.get("/api/v1/imports").json()]
    assert "opening-stock" in kinds
    assert client.get("/api/v1/imports/opening-stock/template").status_code == 200
    bad = xlsx([HEADER, ["A001", "ZC", 5, 2], ["NOPE", "ZC", "x", 1]])
    r = client.post(
        "/api/v1/imports/opening-stock/preview",
        {
            "file": SimpleUploadedFile("o.xlsx", bad),
            "options": '{"date": "2026-11-20", "post": true}',
        },
    )
    body = r.json()
    assert r.status_code == 422 and body["status"] == "invalid"
    assert {(p["row"], p["column"]) for p in body["problems"]} == {(3, "数量")}
    assert client.get(f"/api/v1/import-batches/{body['id']}/errors").status_code == 200
    assert client.post(f"/api/v1/import-batches/{body['id']}/confirm").status_code == 422
    good = xlsx([HEADER, ["A001", "ZC", 5, 2]])
    r = client.post(
        "/api/v1/imports/opening-stock/preview",
        {
            "file": SimpleUploadedFile("o.xlsx", good),
            "options": '{"date": "2026-11-20", "post": true}',
        },
    )
    assert r.status_code == 200 and r.json()["counts"]["create"] == 1
    r = client.post(f"/api/v1/import-batches/{r.json()['id']}/confirm")
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert StockMove.objects.count() == 1
    other = client_for(w.keeper)
    assert other.get(f"/api/v1/import-batches/{body['id']}").status_code == 404
