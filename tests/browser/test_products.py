"""A person's paths through the 商品 screens in headless Chromium.

1. 老板 logs in, creates a product with two units (个 + 箱 = 12 个) and a 颜色 × 尺码 matrix
   (2 × 2) in the live form, finds it in the list by typing its pinyin initials, exports the
   list and reads the downloaded workbook.
2. 销售 logs in: the list and the product page show ``***`` for the purchase price, and the
   API (same session) leaves the cost fields out of the SKU.
3. The home page and the menu at phone width (375 px), in Chinese.

README screenshots (docs/screenshots/*.png) are written when JXC_SCREENSHOTS=1.
"""

import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from jxc.catalog import services as catalog
from jxc.catalog.models import Product
from jxc.catalog.rules import UnitSpec
from jxc.core.services import update_company
from jxc.inventory import services as inventory
from jxc.partners import services as partners


@pytest.fixture
def shop(owner):
    """A small shop: units, categories, a brand, two warehouses, partners, a few products."""
    update_company(user=owner, name="好运来商贸有限公司")
    for code, name in (("S001", "广州文具批发"), ("S002", "华南饮料经销")):
        partners.create_supplier(user=owner, code=code, name=name)
    for code, name in (("C001", "张记便利店"), ("C002", "阳光小学"), ("C003", "李女士")):
        partners.create_customer(user=owner, code=code, name=name)
    pcs = catalog.create_unit(user=owner, name="个")
    case = catalog.create_unit(user=owner, name="箱")
    wear = catalog.create_category(user=owner, code="WEAR", name="服装")
    drinks = catalog.create_category(user=owner, code="DRINK", name="饮料")
    catalog.create_brand(user=owner, name="优衣")
    inventory.create_warehouse(user=owner, code="WH01", name="总仓")
    inventory.create_warehouse(user=owner, code="ST01", name="一号门店", kind="store")
    cola = catalog.create_product(
        user=owner,
        code="COLA330",
        name="可口可乐 330ml",
        base_unit=pcs,
        category=drinks,
        units=[
            UnitSpec(
                unit_id=pcs.pk,
                barcode="06901234567892",
                prices={
                    "purchase_price": Decimal("2.15"),
                    "retail_price": Decimal("3.50"),
                    "wholesale_price": Decimal("3.00"),
                },
            ),
            UnitSpec(
                unit_id=case.pk,
                factor=Decimal(24),
                prices={"purchase_price": Decimal("51.60"), "retail_price": Decimal("80")},
            ),
        ],
    )
    for i, name in enumerate(["得力 中性笔 0.5mm 黑", "晨光 笔记本 A5", "乐事 薯片 原味 70g"]):
        catalog.create_product(
            user=owner,
            code=f"P{i + 1:03d}",
            name=name,
            base_unit=pcs,
            units=[UnitSpec(unit_id=pcs.pk, prices={"retail_price": Decimal(5 + i)})],
        )
    return {"pcs": pcs, "case": case, "wear": wear, "cola": cola}


def test_owner_creates_a_matrix_product_finds_it_by_pinyin_and_exports(
    page, owner, shop, login, shot, tmp_path
):
    page.goto("/login/")
    expect(page.locator("label[for=id_password]")).to_have_text("密码")
    shot(page, "login")
    login(page, "boss")
    expect(page.get_by_test_id("dashboard")).to_be_visible()
    shot(page, "home")

    # 资料 → 商品 → 新增
    page.locator(".sidebar").get_by_role("link", name="商品", exact=True).click()
    expect(page.locator("h1")).to_have_text("商品")
    page.get_by_test_id("btn-new").click()
    expect(page.locator("h1")).to_have_text("新增商品")

    form = page.get_by_test_id("product-form")
    units = page.get_by_test_id("unit-table")
    expect(units.get_by_test_id("unit-row-0")).to_be_visible()  # Alpine has started
    form.locator("input[name=code]").fill("TX2026")
    form.locator("input[name=name]").fill("T恤 圆领 纯棉")
    # 助记码 follows the name (pinyin initials) until the user types one
    expect(form.locator("input[name=mnemonic]")).to_have_value("txylcm")
    form.locator("select[name=category]").select_option(label="服装")
    form.locator("select[name=brand]").select_option(label="优衣")
    form.locator("select[name=base_unit]").select_option(label="个")

    expect(units.get_by_test_id("unit-row-0")).to_contain_text("个")
    units.get_by_test_id("unit-0-purchase_price").fill("20")
    units.get_by_test_id("unit-0-retail_price").fill("59")
    units.get_by_test_id("unit-0-wholesale_price").fill("45")
    page.get_by_test_id("btn-add-unit").click()
    units.get_by_test_id("unit-1-unit").select_option(label="箱")
    units.get_by_test_id("unit-1-factor").fill("12")
    expect(units.get_by_test_id("unit-row-1")).to_contain_text("1箱 =")
    units.get_by_test_id("unit-1-purchase_price").fill("228")
    units.get_by_test_id("unit-1-retail_price").fill("650")

    form.locator("input[name=attribute1]").fill("颜色")
    form.locator("input[name=values1]").fill("红，蓝")
    form.locator("input[name=attribute2]").fill("尺码")
    form.locator("input[name=values2]").fill("M L")
    matrix = page.get_by_test_id("variant-table")
    rows = matrix.get_by_test_id("variant-row")
    expect(rows).to_have_count(4)
    expect(page.get_by_test_id("variant-count")).to_have_text("4")
    expect(rows.nth(0)).to_contain_text("红 / M")
    expect(rows.nth(3)).to_contain_text("蓝 / L")
    expect(rows.nth(3).locator("input[name='variant-3-code']")).to_have_attribute(
        "placeholder", "TX2026-04"
    )
    rows.nth(0).locator("input[name='variant-0-barcode']").fill("0069100000011")
    rows.nth(3).locator("input[name='variant-3-retail_price']").fill("69")
    shot(page, "product_form", full_page=True)

    page.get_by_test_id("btn-save").click()
    expect(page.locator(".toast")).to_contain_text("TX2026")
    expect(page.get_by_test_id("sku-table")).to_be_visible()
    for code in ("TX2026-01", "TX2026-02", "TX2026-03", "TX2026-04"):
        expect(page.get_by_test_id("sku-table")).to_contain_text(code)
    blue_l = page.locator("[data-testid=sku-unit-row][data-sku='TX2026-04'][data-unit='个']")
    expect(blue_l.locator("[data-price=retail_price]")).to_have_text("69.00")
    product = Product.objects.get(code="TX2026")
    case = product.skus.get(code="TX2026-01").units.get(unit=shop["case"])
    assert case.factor == Decimal(12)  # exact, not 11.999…
    assert product.skus.get(code="TX2026-01").barcodes.get().code == "0069100000011"

    # The list: type the pinyin initials, the table refreshes in place (HTMX)
    page.locator(".sidebar").get_by_role("link", name="商品", exact=True).click()
    page.wait_for_url("**/catalog/products/")
    expect(page.get_by_test_id("total")).to_contain_text("5")
    page.get_by_test_id("search").fill("txyl")
    table = page.get_by_test_id("list-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("TX2026")
    expect(table).to_contain_text("1箱=12个")
    assert "q=txyl" in page.url
    page.get_by_test_id("search").fill("")
    expect(table.locator("tbody tr")).to_have_count(5)
    shot(page, "product_list")
    page.get_by_test_id("search").fill("txyl")
    expect(table.locator("tbody tr")).to_have_count(1)

    with page.expect_download() as download_info:
        page.get_by_test_id("btn-export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "products.xlsx"
    download.save_as(path)
    sheet = load_workbook(path).active
    header, *data = list(sheet.iter_rows(values_only=True))
    assert len(data) == 1  # the export follows the search
    row = dict(zip(header, data[0], strict=True))
    assert row["编码"] == "TX2026"
    assert row["名称"] == "T恤 圆领 纯棉"
    assert row["助记码"] == "txylcm"
    assert row["参考进价"] == 20
    assert row["零售价"] == "59.00–69.00"  # 蓝 L is dearer
    assert row["规格数"] == 4
    assert row["计量单位"] == "个，1箱=12个"
    assert row["状态"] == "启用"


def test_sales_sees_stars_for_cost_and_the_api_leaves_it_out(page, sales_user, shop, login):
    login(page, "sales")
    page.locator(".sidebar").get_by_role("link", name="商品", exact=True).click()
    page.wait_for_url("**/catalog/products/")  # loaded, htmx ready
    page.get_by_test_id("search").fill("kkkl")
    table = page.get_by_test_id("list-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    headers = table.locator("thead th").all_inner_texts()
    cost = [h.strip() for h in headers].index("参考进价")
    cells = table.locator("tbody tr").first.locator("td")
    expect(cells.nth(cost)).to_have_text("***")
    expect(table).to_contain_text("3.50")  # the retail price is not a cost
    expect(page.get_by_test_id("btn-new")).to_have_count(0)  # 销售 may not create products

    table.get_by_role("link", name="COLA330").click()
    skus = page.get_by_test_id("sku-table")
    expect(skus).to_contain_text("06901234567892")
    for unit in ("个", "箱"):
        row = skus.locator(f"[data-testid=sku-unit-row][data-unit='{unit}']")
        expect(row.locator("[data-price=purchase_price]")).to_have_text("***")
    content = page.content()
    assert "2.15" not in content and "51.60" not in content

    sku_id = shop["cola"].skus.get().pk
    response = page.request.get(f"/api/v1/skus/{sku_id}")
    assert response.ok, response.text()
    body = response.json()
    assert body["code"] == "COLA330"
    assert "purchase_price" not in response.text()
    listing = page.request.get("/api/v1/skus?q=kkkl")
    assert listing.ok and "COLA330" in listing.text()
    assert "purchase_price" not in listing.text()


def test_home_and_menu_in_chinese_at_phone_width(phone_page, owner, shop, login, shot):
    page = phone_page
    login(page, "boss")
    dashboard = page.get_by_test_id("dashboard")
    expect(dashboard).to_be_visible()
    expect(dashboard).to_contain_text("规格")
    expect(dashboard).to_contain_text("仓库")
    # every word on the dashboard and in the menu is Chinese (SKU and API are names)
    for text in (dashboard.inner_text(), page.locator(".sidebar").text_content()):
        english = set(re.findall(r"[A-Za-z]{2,}", text)) - {"SKU", "API"}
        assert not english, f"untranslated on the home page: {sorted(english)}"
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    # nothing wider than the phone: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    sidebar = page.locator(".sidebar")
    expect(sidebar).not_to_be_in_viewport()
    shot(page, "home_phone")
    page.get_by_test_id("nav-toggle").click()
    expect(sidebar).to_be_in_viewport()
    page.wait_for_function("document.querySelector('.sidebar').getBoundingClientRect().left >= 0")
    for module in ("采购", "销售", "库存", "财务", "资料", "设置"):
        expect(sidebar).to_contain_text(module)
    shot(page, "menu_phone")
    sidebar.get_by_role("link", name="商品", exact=True).click()
    expect(page.locator("h1")).to_have_text("商品")
    expect(page.get_by_test_id("list-table")).to_contain_text("可口可乐")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "product_list_phone")
    assert re.search(r"/catalog/products/", page.url)
