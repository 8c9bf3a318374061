"""A careless user on the import screens (issue 16 §1): a file of the wrong type, an empty
file, a sheet with only its headers, a WPS / 管家婆 export with a merged title row or a header
merged over two rows, 2026年1月5日 dates and full-width digits. Each either goes in or is
refused with a clear Chinese reason — never a 500, never only "请修改以下错误"."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jxc.catalog.models import Product, SkuUnit
from jxc.imports import services
from jxc.imports.tests.conftest import xlsx
from jxc.partners import services as partners

pytestmark = pytest.mark.django_db
NOT_A_SHEET = "不是可读取的电子表格"


def _book(build) -> bytes:
    book = Workbook()
    build(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title_row(sheet):
    """WPS / 管家婆: a title merged across the top, the headers under it."""
    sheet["A1"] = "商品资料表（2026年1月5日导出）"
    sheet.merge_cells("A1:E1")
    sheet.append(["商品编码", "名称", "基本单位", "零售价"])
    sheet.append(["M001", "可口可乐", "个", "3.5"])


def _two_row_header(sheet):
    """价格 merged over two columns with 零售价 / 批发价 below; the others merged downwards."""
    sheet.append(["商品编码", "名称", "基本单位", "价格", None])
    sheet.append([None, None, None, "零售价", "批发价"])
    for cells in ("A1:A2", "B1:B2", "C1:C2", "D1:E1"):
        sheet.merge_cells(cells)
    sheet.append(["M002", "雪碧", "个", "3.5", "3"])


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return out.getvalue()


WRONG_FILES = {
    "text": ("商品.txt", "商品编码 名称\nP1 可乐\n".encode()),
    "csv": ("商品.csv", "商品编码,名称,基本单位\nP1,可乐,个\n".encode("gbk")),
    "picture": ("商品.png", b"\x89PNG\r\n\x1a\n" + bytes(200)),
    "word": ("商品.docx", _docx()),
    "cut short": ("商品.xlsx", xlsx([["商品编码", "名称"], ["P1", "可乐"]])[:400]),
}


def _upload(client, data: bytes, name: str = "商品.xlsx", kind: str = "products"):
    return client.post(
        f"/imports/{kind}/", {"file": SimpleUploadedFile(name, data), "mode": "create"}
    )


@pytest.mark.parametrize("case", list(WRONG_FILES))
def test_a_file_of_the_wrong_type_is_named_as_such(client_for, stock_world, case):
    name, data = WRONG_FILES[case]
    r = _upload(client_for(stock_world.owner), data, name)
    page = r.content.decode()
    assert r.status_code == 422
    assert NOT_A_SHEET in page and ".xlsx" in page


def test_an_empty_file_is_refused_in_chinese(client_for, stock_world):
    r = _upload(client_for(stock_world.owner), b"")
    assert r.status_code == 422 and "所提交的是空文件" in r.content.decode()


@pytest.mark.parametrize(
    "rows,said",
    [
        ([["商品编码", "名称", "基本单位"]], "没有要导入的行"),
        ([[None], [None, None]], "工作表是空的"),
        ([["编号", "品名"], ["P1", "可乐"]], "缺少此列"),
    ],
    ids=["only headers", "blank sheet", "foreign headers"],
)
def test_sheets_without_rows_to_import_say_why(client_for, stock_world, rows, said):
    client = client_for(stock_world.owner)
    r = _upload(client, xlsx(rows))
    assert r.status_code == 302
    page = client.get(r["Location"])
    assert page.status_code == 422 and said in page.content.decode()


def test_a_wps_title_row_above_the_headers_is_skipped(client_for, stock_world):
    client = client_for(stock_world.owner)
    r = _upload(client, _book(_title_row))
    batch = services.ImportBatch.objects.get()
    assert r.status_code == 302 and batch.status == "ready", batch.problems
    assert client.post(f"/imports/batches/{batch.pk}/confirm/").status_code == 302
    product = Product.objects.get(code="M001")
    assert SkuUnit.objects.get(sku__product=product, is_base=True).retail_price == 3.5


def test_a_header_merged_over_two_rows_is_read_as_one(stock_world):
    batch = services.preview_import("products", user=stock_world.owner, data=_book(_two_row_header))
    assert batch.status == "ready", batch.problems
    (item,) = batch.items
    assert item["row"] == 3  # the row number Excel shows
    assert (item["retail_price"], item["wholesale_price"]) == ("3.5", "3")


def test_a_problem_under_a_title_row_names_the_row_excel_shows(stock_world):
    def build(sheet):
        _title_row(sheet)
        sheet.append(["M009", "", "个", "abc"])

    batch = services.preview_import("products", user=stock_world.owner, data=_book(build))
    assert batch.status == "invalid"
    assert {p["row"] for p in batch.problems} == {4}


def test_chinese_dates_and_full_width_digits_go_in(client_for, stock_world):
    w = stock_world
    partners.create_customer(user=w.owner, code="C001", name="华联")
    data = xlsx(
        [
            ["账别", "客户或供应商编码", "金额", "单据编号", "单据日期", "到期日"],
            ["应收", "C001", "１，２３４．５０", "XS-1", "2026年1月5日", "２０２６年２月４日"],
        ]
    )
    batch = services.preview_import(
        "opening-balances", user=w.owner, data=data, options={"date": "2026年1月31日"}
    )
    assert batch.status == "ready", batch.problems
    (item,) = batch.items
    assert (item["amount"], item["date"], item["due_date"]) == (
        "1234.50",
        "2026-01-05",
        "2026-02-04",
    )
    stock = xlsx(
        [["商品编码或条码", "仓库编码", "数量", "单位成本"], ["Ａ００１", "ZC", "１２", "￥２．５"]]
    )
    batch = services.preview_import(
        "opening-stock", user=w.owner, data=stock, options={"date": "2026年1月31日"}
    )
    assert batch.status == "ready", batch.problems


def test_the_api_names_a_wrong_file_too(client_for, stock_world):
    r = client_for(stock_world.owner).post(
        "/api/v1/imports/products/preview",
        {"file": SimpleUploadedFile("商品.csv", b"a,b\n1,2\n")},
    )
    assert r.status_code == 422
    assert NOT_A_SHEET in str(r.json())
