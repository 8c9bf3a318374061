"""商品 screens through Django's test client: create with units and the 颜色 × 尺码 matrix,
field errors in Chinese with nothing saved, list search/filter/sort/pages, Excel export,
cost masking for 销售, detail with stock limits and 操作记录, edit, 停用, a SKU's units."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jxc.catalog import services as catalog
from jxc.catalog.models import Barcode, Product, Sku, SkuUnit
from jxc.catalog.rules import UnitSpec
from jxc.core.models import AuditLog
from jxc.core.services import update_company
from jxc.inventory import services as inventory
from jxc.inventory.models import StockLimit

pytestmark = pytest.mark.django_db

LIST = reverse("web:product_list")
NEW = reverse("web:product_create")
EXPORT = reverse("web:product_export")


@pytest.fixture
def md(owner):
    """Master data a product needs: units 个/箱/kg, a category tree, a brand, two warehouses."""
    pcs = catalog.create_unit(user=owner, name="个")
    case = catalog.create_unit(user=owner, name="箱")
    kg = catalog.create_unit(user=owner, name="kg", allow_fraction=True)
    food = catalog.create_category(user=owner, code="FOOD", name="食品")
    drinks = catalog.create_category(user=owner, code="DRINK", name="饮料", parent=food)
    wear = catalog.create_category(user=owner, code="WEAR", name="服装")
    brand = catalog.create_brand(user=owner, name="可口可乐公司")
    wh1 = inventory.create_warehouse(user=owner, code="WH01", name="总仓")
    wh2 = inventory.create_warehouse(user=owner, code="ST01", name="门店", kind="store")
    return {
        "pcs": pcs,
        "case": case,
        "kg": kg,
        "food": food,
        "drinks": drinks,
        "wear": wear,
        "brand": brand,
        "wh1": wh1,
        "wh2": wh2,
    }


def _post(md, **over):
    """A 新增商品 form as the page posts it: 个 + 箱 (=12 个), no variants."""
    data = {
        "code": "COLA",
        "name": "可口可乐 330ml",
        "mnemonic": "",
        "category": md["drinks"].pk,
        "brand": md["brand"].pk,
        "base_unit": md["pcs"].pk,
        "tracking": "none",
        "shelf_life_days": "365",
        "memo": "",
        "attribute1": "",
        "attribute2": "",
        "values1": "",
        "values2": "",
        "unit-0-unit": md["pcs"].pk,
        "unit-0-barcode": "06901234567892",
        "unit-0-purchase_price": "2.1",
        "unit-0-retail_price": "3.5",
        "unit-0-wholesale_price": "3",
        "unit-0-member_price": "3.2",
        "unit-0-min_price": "2.8",
        "unit-1-unit": md["case"].pk,
        "unit-1-factor": "12",
        "unit-1-barcode": "16901234567899",
        "unit-1-purchase_price": "24",
        "unit-1-retail_price": "40",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def _tshirt(md, owner, code="TS01"):
    return catalog.create_product(
        user=owner,
        code=code,
        name="T恤 圆领",
        base_unit=md["pcs"],
        category=md["wear"],
        attribute1="颜色",
        values1=["红", "蓝"],
        attribute2="尺码",
        values2=["M", "L"],
        units=[
            UnitSpec(
                unit_id=md["pcs"].pk,
                prices={"purchase_price": Decimal("20"), "retail_price": Decimal("59")},
            )
        ],
    )


# --- create ----------------------------------------------------------------------------


def test_create_with_two_units_and_a_colour_size_matrix(client_owner, md):
    data = _post(
        md,
        code="TEE",
        name="T恤 圆领",
        category=md["wear"].pk,
        brand="",
        attribute1="颜色",
        values1="红，蓝",
        attribute2="尺码",
        values2="M L",
        **{"unit-0-barcode": "", "unit-1-barcode": ""},
    )
    rows = [("红", "M"), ("红", "L"), ("蓝", "M"), ("蓝", "L")]
    for i, (a, b) in enumerate(rows):
        data[f"variant-{i}-value1"] = a
        data[f"variant-{i}-value2"] = b
        data[f"variant-{i}-code"] = ""
        data[f"variant-{i}-barcode"] = f"0069000000{i}"
    data["variant-3-code"] = "TEE-BLUE-L"
    data["variant-3-retail_price"] = "69"  # 蓝 L dearer than the unit table's 3.5

    response = client_owner.post(NEW, data)

    product = Product.objects.get(code="TEE")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:product_detail", args=[product.pk])
    assert product.mnemonic == "txyl"
    assert (product.attribute1, product.attribute2) == ("颜色", "尺码")
    skus = list(product.skus.order_by("id"))
    assert [(s.code, s.spec) for s in skus] == [
        ("TEE-01", "红 / M"),
        ("TEE-02", "红 / L"),
        ("TEE-03", "蓝 / M"),
        ("TEE-BLUE-L", "蓝 / L"),
    ]
    for i, sku in enumerate(skus):
        units = {u.unit.name: u for u in sku.units.all()}
        assert set(units) == {"个", "箱"}
        assert units["箱"].factor == Decimal("12") and not units["箱"].is_base
        assert units["个"].is_base and units["个"].factor == 1
        assert units["个"].purchase_price == Decimal("2.1")
        assert units["个"].retail_price == (Decimal("69") if i == 3 else Decimal("3.5"))
        assert units["箱"].retail_price == Decimal("40")
        # the leading zeros of a scanned code survive
        assert [b.code for b in sku.barcodes.all()] == [f"0069000000{i}"]


def test_create_single_sku_keeps_unit_barcodes_and_exact_factor(client_owner, md, owner):
    # a factor has at most the company's quantity decimals (2 by default, 6 at most)
    assert client_owner.post(NEW, _post(md, **{"unit-1-factor": "0.333333"})).status_code == 422
    update_company(user=owner, qty_decimals=6)
    data = _post(md, **{"unit-1-factor": "0.333333"})
    response = client_owner.post(NEW, data)
    assert response.status_code == 302
    sku = Sku.objects.get(code="COLA")
    case = sku.units.get(unit=md["case"])
    assert case.factor == Decimal("0.333333")
    assert Barcode.objects.get(code="06901234567892").sku_unit.unit == md["pcs"]
    assert Barcode.objects.get(code="16901234567899").sku_unit == case
    assert sku.mnemonic == "kkkl330ml"


def test_mnemonic_is_editable(client_owner, md):
    client_owner.post(NEW, _post(md, mnemonic="KL"))
    assert Product.objects.get(code="COLA").mnemonic == "kl"


@pytest.mark.parametrize(
    ("over", "row", "message"),
    [
        ({"unit-1-factor": "0"}, "单位行 2", "换算率必须大于零"),
        ({"unit-1-factor": "-12"}, "单位行 2", "换算率必须大于零"),
        ({"unit-1-factor": "0.33333333333"}, "单位行 2", "位小数"),
        ({"unit-0-retail_price": "-1"}, "单位行 1", "价格不能小于零"),
        ({"unit-1-factor": "十二"}, "单位行 2", "请输入数字"),
    ],
)
def test_bad_unit_rows_are_refused_with_chinese_row_errors(client_owner, md, over, row, message):
    response = client_owner.post(NEW, _post(md, **over))
    assert response.status_code == 422
    assert not Product.objects.exists() and not Sku.objects.exists()
    html = response.content.decode()
    assert "未保存" in html
    summary = response.context["row_errors"]
    assert any(line.startswith(row) and message in line for line in summary), summary
    state = response.context["initial_state"]
    unit_errors = [m for u in state["units"] for msgs in u["errors"].values() for m in msgs]
    assert any(message in m for m in unit_errors), unit_errors


def test_duplicate_code_and_barcode_go_to_their_fields(client_owner, md, owner):
    catalog.create_product(
        user=owner,
        code="COLA",
        name="旧可乐",
        base_unit=md["pcs"],
        units=[UnitSpec(unit_id=md["pcs"].pk, barcode="16901234567899")],
    )
    before = (Product.objects.count(), Sku.objects.count(), Barcode.objects.count())

    response = client_owner.post(NEW, _post(md))

    assert response.status_code == 422
    assert (Product.objects.count(), Sku.objects.count(), Barcode.objects.count()) == before
    form = response.context["form"]
    assert form.errors["code"] == ["“COLA”已被使用。"]  # once, not once per check
    assert response.context["row_errors"] == ["单位行 2 条码: “16901234567899”已被使用。"]
    state = response.context["initial_state"]
    # the 箱 row holds the taken barcode; the 个 row's barcode is free
    assert "16901234567899" in state["units"][1]["errors"]["barcode"][0]
    assert "barcode" not in state["units"][0]["errors"]


def test_duplicate_sku_code_in_the_matrix_is_shown_on_the_row(client_owner, md, owner):
    _tshirt(md, owner, code="OLD")  # makes SKU codes OLD-01 … OLD-04
    data = _post(md, code="NEW", values1="红 蓝", attribute1="颜色", **{"unit-0-barcode": ""})
    data.pop("unit-1-barcode")
    data.update({"variant-0-value1": "红", "variant-0-code": "OLD-02"})
    data.update({"variant-1-value1": "蓝", "variant-1-code": ""})
    response = client_owner.post(NEW, data)
    assert response.status_code == 422
    assert not Product.objects.filter(code="NEW").exists()
    variants = response.context["initial_state"]["variants"]
    assert "OLD-02" in variants[0]["errors"]["code"][0]
    assert variants[1]["errors"] == {}


def test_missing_required_fields_are_field_errors(client_owner, md):
    response = client_owner.post(NEW, _post(md, code="", name="", base_unit=""))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert {"code", "name", "base_unit"} <= set(errors)
    assert "此项为必填项" in response.content.decode()
    assert not Product.objects.exists()


def test_values_without_an_attribute_name_are_refused(client_owner, md):
    data = _post(md, values1="红 蓝", **{"unit-0-barcode": "", "unit-1-barcode": ""})
    response = client_owner.post(NEW, data)
    assert response.status_code == 422
    assert "attribute1" in response.context["form"].errors
    assert not Product.objects.exists()


def test_new_product_page_renders_the_matrix_component(client_owner, md):
    response = client_owner.get(NEW)
    html = response.content.decode()
    assert response.status_code == 200
    assert "productForm(" in html and 'data-testid="variant-table"' in html
    assert "新增商品" in html and "基本单位" in html
    state = response.context["initial_state"]
    assert state["priceColumns"][0] == {"name": "purchase_price", "label": "参考进价"}
    assert {"id": md["case"].pk, "name": "箱"} in state["unitChoices"]


def test_mnemonic_endpoint(client_owner):
    response = client_owner.get(reverse("web:product_mnemonic"), {"name": "可口可乐 330ml"})
    assert response.json() == {"mnemonic": "kkkl330ml"}


# --- list, export, masking ---------------------------------------------------------------


@pytest.fixture
def products(md, owner):
    cola = catalog.create_product(
        user=owner,
        code="COLA",
        name="可口可乐 330ml",
        base_unit=md["pcs"],
        category=md["drinks"],
        brand=md["brand"],
        units=[
            UnitSpec(
                unit_id=md["pcs"].pk,
                barcode="06901234567892",
                prices={"purchase_price": Decimal("2.1"), "retail_price": Decimal("3.5")},
            ),
            UnitSpec(unit_id=md["case"].pk, factor=Decimal(12), prices={"retail_price": 40}),
        ],
    )
    rice = catalog.create_product(
        user=owner,
        code="RICE",
        name="东北大米",
        base_unit=md["kg"],
        category=md["food"],
        units=[UnitSpec(unit_id=md["kg"].pk, prices={"purchase_price": Decimal("4.25")})],
    )
    tee = _tshirt(md, owner)
    return {"cola": cola, "rice": rice, "tee": tee}


def _codes(response) -> list[str]:
    return [row["obj"].code for row in response.context["rows"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kkkl", ["COLA"]),  # 助记码
        ("06901234567892", ["COLA"]),  # exact barcode
        ("大米", ["RICE"]),  # name
        ("ts01-0", ["TS01"]),  # SKU code
        ("", ["COLA", "RICE", "TS01"]),
    ],
)
def test_list_search(client_owner, products, q, expected):
    response = client_owner.get(LIST, {"q": q})
    assert response.status_code == 200
    assert _codes(response) == expected


def test_list_filters_category_tree_brand_and_active(client_owner, products, md, owner):
    assert _codes(client_owner.get(LIST, {"category": md["food"].pk})) == ["COLA", "RICE"]
    assert _codes(client_owner.get(LIST, {"brand": md["brand"].pk})) == ["COLA"]
    catalog.set_active(products["rice"], active=False, user=owner)
    assert _codes(client_owner.get(LIST, {"active": "false"})) == ["RICE"]
    assert _codes(client_owner.get(LIST, {"active": "true"})) == ["COLA", "TS01"]


def test_list_sorts_and_pages(client_owner, products, md, owner):
    assert _codes(client_owner.get(LIST, {"ordering": "-code"})) == ["TS01", "RICE", "COLA"]
    by_name = _codes(client_owner.get(LIST, {"ordering": "name"}))
    assert sorted(by_name) == ["COLA", "RICE", "TS01"]  # the database's collation decides
    assert _codes(client_owner.get(LIST, {"ordering": "-name"})) == by_name[::-1]
    for i in range(22):
        catalog.create_product(user=owner, code=f"P{i:03d}", name=f"铅笔{i}", base_unit=md["pcs"])
    page1 = client_owner.get(LIST)
    page2 = client_owner.get(LIST, {"page": 2})
    assert page1.context["paginator"].count == 25
    assert len(_codes(page1)) == 20 and len(_codes(page2)) == 5
    assert "25" in page1.content.decode()


def test_list_row_shows_units_prices_and_links(client_owner, products):
    response = client_owner.get(LIST, {"q": "COLA"})
    html = response.content.decode()
    assert "1箱=12个" in html
    assert "2.10" in html and "3.50" in html
    assert reverse("web:product_detail", args=[products["cola"].pk]) in html
    tee = client_owner.get(LIST, {"q": "TS01"}).context["rows"][0]
    cells = {str(c.name): str(v) for c, v in tee["cells"]}
    assert cells["skus"] == "4"


def test_list_htmx_request_returns_the_table_only(client_owner, products):
    response = client_owner.get(LIST, {"q": "kkkl"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "COLA" in html and "<html" not in html


def test_sales_sees_stars_for_purchase_price(client_for, sales_user, products):
    response = client_for(sales_user).get(LIST, {"q": "COLA"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "参考进价" in html
    assert "***" in html
    assert "2.10" not in html
    assert "3.50" in html  # the retail price is not a cost


def test_export_xlsx_for_owner_has_costs(client_owner, products):
    response = client_owner.get(EXPORT, {"q": "kkkl"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert row["编码"] == "COLA" and row["名称"] == "可口可乐 330ml"
    assert row["参考进价"] == pytest.approx(2.1)
    assert row["零售价"] == pytest.approx(3.5)
    assert row["条码"] == "06901234567892"


def test_export_leaves_cost_out_for_sales(client_for, sales_user, products):
    response = client_for(sales_user).get(EXPORT)
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    header = next(ws.iter_rows(values_only=True))
    assert "参考进价" not in header and "零售价" in header
    values = [v for row in ws.iter_rows(min_row=2, values_only=True) for v in row]
    assert "***" not in values and Decimal("2.1") not in values


# --- detail, stock limits, audit ---------------------------------------------------------


def test_detail_shows_skus_units_prices_and_audit(client_owner, products):
    tee = products["tee"]
    response = client_owner.get(reverse("web:product_detail", args=[tee.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for code in ("TS01-01", "TS01-02", "TS01-03", "TS01-04"):
        assert code in html
    assert "红 / M" in html and "蓝 / L" in html
    assert "20.00" in html and "59.00" in html
    assert 'data-testid="audit-trail"' in html and "操作记录" in html


def test_detail_masks_purchase_price_for_sales(client_for, sales_user, products):
    response = client_for(sales_user).get(reverse("web:product_detail", args=[products["cola"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "***" in html and "2.10" not in html and "3.50" in html
    assert 'name="limit-' not in html  # sales may not edit limits
    assert reverse("web:product_edit", args=[products["cola"].pk]) not in html


def test_stock_limits_are_saved_through_the_service(client_owner, products, md):
    cola = products["cola"]
    sku = cola.skus.get()
    url = reverse("web:product_detail", args=[cola.pk])
    response = client_owner.post(
        url,
        {
            f"limit-{sku.pk}-{md['wh1'].pk}-min": "24",
            f"limit-{sku.pk}-{md['wh1'].pk}-max": "240",
            f"limit-{sku.pk}-{md['wh2'].pk}-min": "",
            f"limit-{sku.pk}-{md['wh2'].pk}-max": "",
        },
    )
    assert response.status_code == 302
    limit = StockLimit.objects.get(sku=sku, warehouse=md["wh1"])
    assert (limit.min_qty, limit.max_qty) == (Decimal(24), Decimal(240))
    assert not StockLimit.objects.filter(warehouse=md["wh2"]).exists()
    assert AuditLog.objects.filter(object_type="catalog.sku", object_id=str(sku.pk)).exists()
    page = client_owner.get(url).content.decode()
    assert 'value="24"' in page and 'value="240"' in page
    assert "安全库存" in page or "最低库存" in page


def test_min_above_max_saves_no_limit_at_all(client_owner, products, md):
    cola = products["cola"]
    sku = cola.skus.get()
    response = client_owner.post(
        reverse("web:product_detail", args=[cola.pk]),
        {
            f"limit-{sku.pk}-{md['wh1'].pk}-min": "10",  # fine on its own
            f"limit-{sku.pk}-{md['wh1'].pk}-max": "20",
            f"limit-{sku.pk}-{md['wh2'].pk}-min": "50",  # min > max
            f"limit-{sku.pk}-{md['wh2'].pk}-max": "5",
        },
    )
    assert response.status_code == 422
    assert not StockLimit.objects.exists()
    html = response.content.decode()
    assert "不能高于" in html or "不能大于" in html
    assert 'value="50"' in html  # what was typed stays in the form


def test_sales_cannot_post_stock_limits(client_for, sales_user, products, md):
    sku = products["cola"].skus.get()
    response = client_for(sales_user).post(
        reverse("web:product_detail", args=[products["cola"].pk]),
        {f"limit-{sku.pk}-{md['wh1'].pk}-min": "1"},
    )
    assert response.status_code == 403
    assert not StockLimit.objects.exists()


def test_audit_of_unit_changes_hides_cost_from_sales(client_for, sales_user, products, owner, md):
    sku = products["cola"].skus.get()
    catalog.update_sku_units(
        sku,
        user=owner,
        units=[
            UnitSpec(unit_id=md["pcs"].pk, prices={"purchase_price": Decimal("2.35")}),
        ],
    )
    url = reverse("web:product_detail", args=[products["cola"].pk])
    sales_html = client_for(sales_user).get(url).content.decode()
    assert "2.35" not in sales_html
    owner_html = client_for(owner).get(url).content.decode()
    assert "2.35" in owner_html


# --- edit, deactivate, a SKU's units ------------------------------------------------------


def test_edit_renames_and_regenerates_the_mnemonic(client_owner, products):
    cola = products["cola"]
    url = reverse("web:product_edit", args=[cola.pk])
    assert client_owner.get(url).status_code == 200
    response = client_owner.post(
        url,
        {
            "name": "百事可乐 330ml",
            "mnemonic": cola.mnemonic,
            "category": cola.category_id,
            "brand": cola.brand_id,
            "tracking": "batch",
            "shelf_life_days": "300",
            "memo": "",
        },
    )
    assert response.status_code == 302
    cola.refresh_from_db()
    assert (cola.name, cola.tracking, cola.shelf_life_days) == ("百事可乐 330ml", "batch", 300)
    assert cola.skus.get().name == "百事可乐 330ml"
    entry = AuditLog.objects.filter(object_type="catalog.product", action="update").latest("id")
    assert entry.changes["name"] == ["可口可乐 330ml", "百事可乐 330ml"]


def test_edit_refuses_negative_shelf_life(client_owner, products):
    cola = products["cola"]
    response = client_owner.post(
        reverse("web:product_edit", args=[cola.pk]),
        {"name": "x", "tracking": "none", "shelf_life_days": "-3"},
    )
    assert response.status_code == 422
    assert "shelf_life_days" in response.context["form"].errors
    cola.refresh_from_db()
    assert cola.name == "可口可乐 330ml"


def test_deactivate_and_activate(client_owner, products):
    rice = products["rice"]
    url = reverse("web:product_active", args=[rice.pk])
    assert client_owner.post(url, {"active": "0"}).status_code == 302
    rice.refresh_from_db()
    assert not rice.is_active
    assert (
        "停用" in client_owner.get(reverse("web:product_detail", args=[rice.pk])).content.decode()
    )
    client_owner.post(url, {"active": "1"})
    rice.refresh_from_db()
    assert rice.is_active


def test_sku_units_page_updates_prices_and_factor(client_owner, products, md):
    sku = products["cola"].skus.get()
    url = reverse("web:sku_units", args=[sku.pk])
    page = client_owner.get(url)
    assert page.status_code == 200
    state = page.context["initial_state"]
    assert state["units"][0]["unit"] == str(md["pcs"].pk)
    assert state["units"][1]["factor"] == "12"
    response = client_owner.post(
        url,
        {
            "unit-0-unit": md["pcs"].pk,
            "unit-0-barcode": "06901234567892",
            "unit-0-purchase_price": "2.2",
            "unit-0-retail_price": "3.8",
            "unit-1-unit": md["case"].pk,
            "unit-1-factor": "24",
            "unit-1-retail_price": "80",
        },
    )
    assert response.status_code == 302
    case = SkuUnit.objects.get(sku=sku, unit=md["case"])
    assert (case.factor, case.retail_price) == (Decimal(24), Decimal(80))
    assert SkuUnit.objects.get(sku=sku, is_base=True).retail_price == Decimal("3.8")


def test_sku_units_page_refuses_zero_factor(client_owner, products, md):
    sku = products["cola"].skus.get()
    response = client_owner.post(
        reverse("web:sku_units", args=[sku.pk]),
        {"unit-0-unit": md["pcs"].pk, "unit-1-unit": md["case"].pk, "unit-1-factor": "0"},
    )
    assert response.status_code == 422
    assert SkuUnit.objects.get(sku=sku, unit=md["case"]).factor == Decimal(12)
    assert any("换算率必须大于零" in e for e in response.context["row_errors"])


def test_sales_keeps_purchase_price_when_editing_units_is_forbidden(
    client_for, sales_user, products
):
    sku = products["cola"].skus.get()
    sales = client_for(sales_user)
    assert sales.get(reverse("web:sku_units", args=[sku.pk])).status_code == 403
    assert sales.get(NEW).status_code == 403
    assert sales.post(NEW, {"code": "X"}).status_code == 403
    assert sales.get(reverse("web:product_edit", args=[products["cola"].pk])).status_code == 403


def test_pages_need_login(client, products):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(NEW).status_code == 302


def test_purchaser_without_cost_hidden_gets_no_cost_inputs_when_sales_like_role(
    user_factory, client_for, md
):
    # A role that may create products but not see costs gets no 参考进价 input at all,
    # so it can neither read nor overwrite it.
    from jxc.core.models import Role

    Role.objects.create(code="clerk", name="录入员", permissions=["product.*", "unit.view"])
    clerk = user_factory(roles=["clerk"])
    client = client_for(clerk)
    state = client.get(NEW).context["initial_state"]
    assert "purchase_price" not in [c["name"] for c in state["priceColumns"]]
    data = _post(md, **{"unit-0-purchase_price": "9.99"})
    assert client.post(NEW, data).status_code == 302
    # the typed price was ignored: the SKU has no reference purchase price (None, not 0)
    assert SkuUnit.objects.get(sku__code="COLA", is_base=True).purchase_price is None


def test_row_errors_show_even_when_the_header_is_wrong(client_owner, md):
    # no base unit chosen, a 0 factor and a negative price: all three reported in one round
    data = _post(md, base_unit="", **{"unit-1-factor": "0", "unit-1-retail_price": "-1"})
    response = client_owner.post(NEW, data)
    assert response.status_code == 422
    assert "base_unit" in response.context["form"].errors
    summary = " ".join(response.context["row_errors"])
    assert "换算率必须大于零" in summary and "价格不能小于零" in summary
    assert not Product.objects.exists()


def test_audit_names_the_skus_of_a_new_product(client_owner, products):
    html = client_owner.get(reverse("web:product_detail", args=[products["tee"].pk])).content
    text = html.decode()
    assert "TS01-01, TS01-02, TS01-03, TS01-04" in text
    assert "skus:" not in text and "[&#x27;TS01" not in text


def test_image_upload_view_and_removal(client_owner, md, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buf = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG")
    upload = SimpleUploadedFile("cola.png", buf.getvalue(), content_type="image/png")
    response = client_owner.post(NEW, {**_post(md), "image": upload})
    assert response.status_code == 302
    cola = Product.objects.get(code="COLA")
    assert cola.image.name.startswith("products/")
    image_url = reverse("web:product_image", args=[cola.pk])
    served = client_owner.get(image_url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == buf.getvalue()
    assert (
        image_url
        in client_owner.get(reverse("web:product_detail", args=[cola.pk])).content.decode()
    )

    edit = reverse("web:product_edit", args=[cola.pk])
    assert (
        "删除图片" in client_owner.get(edit).content.decode()
        or "移除图片" in client_owner.get(edit).content.decode()
    )
    client_owner.post(
        edit,
        {"name": cola.name, "mnemonic": cola.mnemonic, "tracking": "none", "image-clear": "on"},
    )
    cola.refresh_from_db()
    assert not cola.image
    assert client_owner.get(image_url).status_code == 404


def test_a_non_image_upload_is_refused(client_owner, md, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client_owner.post(NEW, {**_post(md), "image": bad})
    assert response.status_code == 422
    assert "image" in response.context["form"].errors
    assert not Product.objects.exists()


def test_list_queries_do_not_grow_with_rows(
    client_owner, products, md, owner, django_assert_max_num_queries
):
    client_owner.get(LIST)  # warm the session and company rows
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client_owner.get(LIST)
    for i in range(15):
        catalog.create_product(
            user=owner,
            code=f"Q{i:03d}",
            name=f"橡皮{i}",
            base_unit=md["pcs"],
            units=[UnitSpec(unit_id=md["pcs"].pk), UnitSpec(unit_id=md["case"].pk, factor=10)],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client_owner.get(LIST)
