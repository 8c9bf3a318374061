"""开账向导 end to end in headless Chromium (issue 16, "Done when"): a company moves in from the
spreadsheets its old system exported.

The test writes the company's files with openpyxl — products, customers, suppliers, opening
stock, opening receivables / payables and cash and bank accounts — and the owner walks the
wizard: company and costing settings → warehouses (typed in) → each import from its step
(upload, preview, confirm) → 开账 on the opening date. The opening balance sheet shows the stock
value, receivables, payables and cash the files brought, and a document dated before the
opening date is refused."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from jxc.catalog import services as catalog

OPENING = dt.date(2026, 11, 1)


def _xlsx(path: Path, rows) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
def files(tmp_path):
    """The five spreadsheets (and the accounts), Chinese headers as the templates have them."""
    return {
        "products": _xlsx(
            tmp_path / "商品.xlsx",
            [
                [
                    *("商品编码", "名称", "商品分类", "基本单位", "条码", "第二单位"),
                    *("每第二单位含基本单位", "参考进价", "零售价"),
                ],
                ["P001", "可口可乐 330ml", "饮料", "个", "06901234567892", "箱", 24, "2.1", "3.5"],
                ["P002", "乐事薯片 70g", "零食", "个", "06924743915763", None, None, "4", "6.5"],
            ],
        ),
        "customers": _xlsx(
            tmp_path / "客户.xlsx",
            [
                ["编码", "名称", "联系人", "电话", "账期（天）", "信用额度"],
                ["C001", "华联超市", "李四", "13812345678", 30, "50,000"],
                ["C002", "张三便利店", None, None, 0, 0],
            ],
        ),
        "suppliers": _xlsx(
            tmp_path / "供应商.xlsx",
            [["编码", "名称", "账期（天）"], ["S001", "可口可乐装瓶厂", 45]],
        ),
        "supplier-prices": _xlsx(
            tmp_path / "供应商价目表.xlsx",
            [
                ["供应商编码", "SKU编码", "单价", "生效日期"],
                ["S001", "P001", "2.05", "2026年1月5日"],
            ],
        ),
        "opening-stock": _xlsx(
            tmp_path / "期初库存.xlsx",
            [
                ["商品编码或条码", "仓库编码", "数量", "单位成本"],
                ["P001", "ZC", 100, "2.10"],  # 210.00
                ["06924743915763", "ZC", 50, "4"],  # by barcode: 200.00
                ["P001", "MD", 24, "2.10"],  # 50.40
            ],
        ),
        "opening-balances": _xlsx(
            tmp_path / "期初往来.xlsx",
            [
                ["账别", "客户或供应商编码", "金额", "单据编号", "单据日期", "到期日"],
                ["应收", "C001", "12,000.00"],
                ["应收", "C002", 800, "XS2025-118", "2026/10/20", "2026-11-19"],
                ["应付", "S001", "￥8,500"],
            ],
        ),
        "accounts": _xlsx(
            tmp_path / "资金账户.xlsx",
            [
                ["编码", "名称", "类型", "期初余额"],
                ["XJ", "现金", "现金", "3,200.50"],
                ["GH01", "工商银行基本户", "银行", 158000],
            ],
        ),
    }


@pytest.fixture
def moving_in(owner):
    """What the company sets up by hand before the files: units and categories."""
    for name in ("个", "箱"):
        catalog.create_unit(user=owner, name=name)
    catalog.create_category(user=owner, code="YL", name="饮料")
    catalog.create_category(user=owner, code="LS", name="零食")
    return owner


def _import(page, key: str, path: Path, *, date: dt.date | None = None, post: bool = False):
    """From the wizard: the step's import, upload, preview (no errors), confirm, done."""
    page.goto("/go-live/")
    page.get_by_test_id(f"step-link-{key}").click()
    page.locator("input[type=file][name=file]").set_input_files(str(path))
    if date is not None:
        page.locator("input[name=date]").fill(date.isoformat())
    if post:
        page.locator("input[name=post]").check()
    page.get_by_test_id("btn-preview").click()
    status = page.get_by_test_id("import-status")
    expect(status).to_have_attribute("data-status", "ready")
    expect(page.get_by_test_id("import-errors")).to_have_count(0)
    page.get_by_test_id("btn-confirm").click()
    expect(page.get_by_test_id("import-status")).to_have_attribute("data-status", "done")
    page.goto("/go-live/")
    expect(page.get_by_test_id(f"step-{key}")).to_have_attribute("data-done", "1")


def _amount(page, testid: str) -> Decimal:
    return Decimal(page.get_by_test_id(testid).inner_text().replace(",", "").strip())


def test_a_company_moves_in_through_the_wizard_from_its_spreadsheets(page, login, moving_in, files):
    owner = moving_in
    login(page, owner.username)
    page.goto("/go-live/")
    expect(page.get_by_test_id("golive-steps")).to_be_visible()

    # 1. company and costing settings
    page.get_by_test_id("step-link-company").click()
    page.locator("input[name=name]").fill("好运来商贸有限公司")
    page.locator("select[name=costing_method]").select_option("fifo")
    with page.expect_navigation():
        page.get_by_test_id("btn-save").click()
    expect(page.locator("input[name=name]")).to_have_value("好运来商贸有限公司")
    expect(page.locator("select[name=costing_method]")).to_have_value("fifo")
    # 2. warehouses, typed in
    for code, name in (("ZC", "总仓"), ("MD", "门店仓")):
        page.goto("/go-live/")
        page.get_by_test_id("step-link-warehouses").click()
        page.goto("/inventory/warehouses/new/")
        page.locator("input[name=code]").fill(code)
        page.locator("input[name=name]").fill(name)
        with page.expect_navigation():
            page.get_by_test_id("btn-save").click()
    page.goto("/go-live/")
    expect(page.get_by_test_id("step-warehouses")).to_have_attribute("data-done", "1")

    # 3.–6. the files, each from its step: upload → preview → confirm
    _import(page, "products", files["products"])
    _import(page, "customers", files["customers"])
    _import(page, "suppliers", files["suppliers"])
    _import(page, "supplier-prices", files["supplier-prices"])
    _import(page, "opening-stock", files["opening-stock"], date=OPENING, post=True)
    _import(page, "opening-balances", files["opening-balances"], date=OPENING)
    _import(page, "accounts", files["accounts"], date=OPENING)

    # 7. 开账: the opening date locked, the opening balance sheet
    page.goto("/go-live/")
    page.locator("form[data-testid=open-books-form] input[name=date]").fill(OPENING.isoformat())
    page.get_by_test_id("btn-open-books").click()
    expect(page.get_by_test_id("books-open")).to_contain_text("2026-11-01")
    assert _amount(page, "sheet-stock") == Decimal("460.40")
    assert _amount(page, "sheet-receivables") == Decimal("12800.00")
    assert _amount(page, "sheet-payables") == Decimal("8500.00")
    assert _amount(page, "sheet-cash") == Decimal("161200.50")
    assert _amount(page, "sheet-net") == Decimal("460.40") + 12800 + Decimal("161200.50") - 8500

    # a document dated before the opening date is refused
    from jxc.catalog.models import Sku
    from jxc.core.documents.lines import LineInput
    from jxc.core.errors import DomainError, PeriodClosed
    from jxc.inventory.documents import services as docs
    from jxc.inventory.models import Warehouse

    def other_receipt(day: dt.date):
        return docs.create_stock_document(
            user=owner,
            kind="other_receipt",
            warehouse=Warehouse.objects.get(code="ZC"),
            date=day,
            reason="gift",
            lines=[LineInput(sku=Sku.objects.get(code="P001").pk, qty=Decimal(1), price=1)],
        )

    with pytest.raises(DomainError) as refused:
        other_receipt(OPENING - dt.timedelta(days=1))
    assert isinstance(refused.value, PeriodClosed) or "date" in getattr(refused.value, "errors", {})
    assert other_receipt(OPENING).status == "draft"  # on the opening date itself: fine
