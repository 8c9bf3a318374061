"""Catalog endpoints: units, categories, brands, products with the 颜色 × 尺码 matrix, SKUs
with units, prices and barcodes; lists with filters, ordering, pagination, pinyin search."""

from decimal import Decimal

import pytest

from jxc.api.tests.conftest import call
from jxc.catalog import services as catalog
from jxc.catalog.models import Product, Sku, SkuUnit
from jxc.core.models import AuditLog


@pytest.mark.django_db
def test_units_crud_and_deactivate(client_owner):
    status, unit = call(client_owner, "post", "/units", {"name": "千克", "allow_fraction": True})
    assert status == 201
    assert set(unit) == {"id", "name", "allow_fraction", "is_active"}
    status, unit = call(client_owner, "patch", f"/units/{unit['id']}", {"name": "公斤"})
    assert (status, unit["name"], unit["allow_fraction"]) == (200, "公斤", True)
    status, unit = call(client_owner, "post", f"/units/{unit['id']}/deactivate")
    assert (status, unit["is_active"]) == (200, False)
    _status, page = call(client_owner, "get", "/units", {"active": "false"})
    assert [u["name"] for u in page["items"]] == ["公斤"]
    status, unit = call(client_owner, "post", f"/units/{unit['id']}/activate")
    assert unit["is_active"] is True
    # never deleted
    assert client_owner.delete(f"/api/v1/units/{unit['id']}").status_code == 405


@pytest.mark.django_db
def test_category_tree(client_owner):
    _s, food = call(client_owner, "post", "/categories", {"code": "F", "name": "食品"})
    _s, snack = call(
        client_owner, "post", "/categories", {"code": "F1", "name": "零食", "parent_id": food["id"]}
    )
    assert snack["parent_id"] == food["id"] and snack["depth"] == food["depth"] + 1
    assert snack["path"] == f"/{food['id']}/{snack['id']}/"
    status, body = call(
        client_owner, "patch", f"/categories/{food['id']}", {"parent_id": snack["id"]}
    )
    assert status == 422 and "parent" in body["params"]["errors"]
    _s, page = call(client_owner, "get", "/categories", {"parent": food["id"]})
    assert [c["code"] for c in page["items"]] == ["F1"]


@pytest.mark.django_db
def test_create_product_with_units_prices_barcodes_and_matrix(client_owner, units, owner):
    payload = {
        "code": "FZ001",
        "name": "T恤 圆领",
        "base_unit_id": units["jian"].pk,
        "units": [
            {"unit_id": units["jian"].pk, "purchase_price": "25.5", "retail_price": "59"},
            {"unit_id": units["xiang"].pk, "factor": "12", "wholesale_price": "480.00"},
        ],
        "attribute1": "颜色",
        "values1": ["红", "蓝"],
        "attribute2": "尺码",
        "values2": ["S", "M", "L"],
        "variants": None,
        "tracking": "none",
    }
    status, product = call(client_owner, "post", "/products", payload)
    assert status == 201, product
    assert product["mnemonic"] == "txyl"
    assert [s["code"] for s in product["skus"]] == [f"FZ001-0{i}" for i in range(1, 7)]
    assert [s["spec"] for s in product["skus"]][:3] == ["红 / S", "红 / M", "红 / L"]
    sku = product["skus"][0]
    assert [(u["unit_name"], u["factor"], u["is_base"]) for u in sku["units"]] == [
        ("件", "1", True),
        ("箱", "12", False),
    ]
    assert sku["units"][0]["purchase_price"] == "25.5"
    assert sku["units"][1]["wholesale_price"] == "480"
    assert SkuUnit.objects.get(sku__code="FZ001-01", unit=units["xiang"]).factor == Decimal(12)
    assert AuditLog.objects.filter(object_type="catalog.product", action="create").count() == 1


@pytest.mark.django_db
def test_create_product_with_explicit_variants_and_barcodes(client_owner, units):
    payload = {
        "code": "WJ001",
        "name": "中性笔",
        "base_unit_id": units["ge"].pk,
        "attribute1": "颜色",
        "variants": [
            {"value1": "黑", "barcode": "6900000000011"},
            {"value1": "红", "code": "WJ001-R", "barcode": "6900000000028"},
        ],
    }
    status, product = call(client_owner, "post", "/products", payload)
    assert status == 201, product
    assert [(s["code"], [b["code"] for b in s["barcodes"]]) for s in product["skus"]] == [
        ("WJ001-01", ["6900000000011"]),
        ("WJ001-R", ["6900000000028"]),
    ]
    status, sku = call(client_owner, "get", "/skus/by-barcode/6900000000028")
    assert (status, sku["code"]) == (200, "WJ001-R")
    assert call(client_owner, "get", "/skus/by-barcode/0000")[0] == 404


@pytest.mark.django_db
def test_sku_search_by_pinyin_initials_code_and_barcode(client_owner, coke, owner, units):
    catalog.create_product(user=owner, code="YL002", name="雪碧", base_unit=units["ge"])
    for q in ("kkkl", "KKKL", "YL001", "可口", "6901234567892"):
        _s, page = call(client_owner, "get", "/skus", {"q": q})
        assert [s["code"] for s in page["items"]] == ["YL001"], q
    _s, page = call(client_owner, "get", "/skus", {"q": "xb"})
    assert [s["code"] for s in page["items"]] == ["YL002"]


@pytest.mark.django_db
def test_sku_detail_has_units_prices_and_barcodes(client_owner, coke):
    sku = coke.skus.get()
    status, body = call(client_owner, "get", f"/skus/{sku.pk}")
    assert status == 200
    assert body["barcodes"] == [{"code": "6901234567892", "unit_id": body["units"][0]["unit_id"]}]
    assert [(u["unit_name"], u["factor"], u["retail_price"]) for u in body["units"]] == [
        ("个", "1", "3"),
        ("箱", "24", "66"),
    ]


@pytest.mark.django_db
def test_replace_sku_units_and_add_barcode(client_owner, coke, units):
    sku = coke.skus.get()
    payload = {
        "units": [
            {"unit_id": units["ge"].pk, "retail_price": "3.5"},
            {"unit_id": units["xiang"].pk, "factor": "12"},
        ]
    }
    status, body = call(client_owner, "put", f"/skus/{sku.pk}/units", payload)
    assert status == 200, body
    assert [u["factor"] for u in body["units"]] == ["1", "12"]
    assert body["units"][0]["retail_price"] == "3.5"
    status, body = call(
        client_owner,
        "post",
        f"/skus/{sku.pk}/barcodes",
        {"code": "16901234567899", "unit_id": units["xiang"].pk},
    )
    assert status == 201
    assert {"code": "16901234567899", "unit_id": units["xiang"].pk} in body["barcodes"]
    status, body = call(
        client_owner, "post", f"/skus/{sku.pk}/barcodes", {"code": "16901234567899"}
    )
    assert (status, body["code"]) == (409, "duplicate_code")
    status, body = call(
        client_owner,
        "put",
        f"/skus/{sku.pk}/units",
        {"units": [{"unit_id": units["ge"].pk, "factor": "2"}]},
    )
    assert status == 422 and "units.0.factor" in body["params"]["errors"]


@pytest.mark.django_db
def test_update_product_header_renames_its_skus(client_owner, coke, owner):
    brand = catalog.create_brand(user=owner, name="太古")
    status, body = call(
        client_owner, "patch", f"/products/{coke.pk}", {"name": "百事可乐", "brand_id": brand.pk}
    )
    assert status == 200, body
    assert (body["name"], body["mnemonic"], body["brand_id"]) == ("百事可乐", "bskl", brand.pk)
    assert Sku.objects.get(product=coke).name == "百事可乐"
    status, body = call(client_owner, "patch", f"/products/{coke.pk}", {"tracking": "lots"})
    assert status == 422 and "tracking" in body["params"]["errors"]


@pytest.mark.django_db
def test_deactivated_product_is_filtered(client_owner, coke, owner, units):
    catalog.create_product(user=owner, code="YL002", name="雪碧", base_unit=units["ge"])
    assert call(client_owner, "post", f"/products/{coke.pk}/deactivate")[0] == 200
    _s, page = call(client_owner, "get", "/products", {"active": "true"})
    assert [p["code"] for p in page["items"]] == ["YL002"]
    assert Product.objects.filter(pk=coke.pk).exists()


@pytest.mark.django_db
def test_pagination_and_ordering(client_owner, owner):
    for i in range(7):
        catalog.create_brand(user=owner, name=f"品牌{i}")
    status, page = call(client_owner, "get", "/brands", {"page": 2, "page_size": 3})
    assert status == 200
    assert (page["count"], page["page"], page["page_size"]) == (7, 2, 3)
    assert [b["name"] for b in page["items"]] == ["品牌3", "品牌4", "品牌5"]
    _s, page = call(client_owner, "get", "/brands", {"page": 3, "page_size": 3})
    assert [b["name"] for b in page["items"]] == ["品牌6"]
    _s, page = call(client_owner, "get", "/brands", {"ordering": "-name", "page_size": 2})
    assert [b["name"] for b in page["items"]] == ["品牌6", "品牌5"]
    _s, page = call(client_owner, "get", "/brands", {"page": 9})
    assert page["count"] == 7 and page["items"] == []
    status, body = call(client_owner, "get", "/brands", {"ordering": "is_active"})
    assert status == 422 and "ordering" in body["params"]["errors"]
    status, body = call(client_owner, "get", "/brands", {"page_size": 1000})
    assert status == 422 and "page_size" in body["params"]["errors"]


@pytest.mark.django_db
def test_product_filters_by_category_subtree_and_brand(client_owner, owner, units):
    drinks = catalog.create_category(user=owner, code="D", name="饮料")
    soda = catalog.create_category(user=owner, code="D1", name="汽水", parent=drinks)
    brand = catalog.create_brand(user=owner, name="可口可乐公司")
    catalog.create_product(
        user=owner, code="P1", name="可乐", base_unit=units["ge"], category=soda, brand=brand
    )
    catalog.create_product(user=owner, code="P2", name="薯片", base_unit=units["ge"])
    _s, page = call(client_owner, "get", "/products", {"category": drinks.pk})
    assert [p["code"] for p in page["items"]] == ["P1"]
    _s, page = call(client_owner, "get", "/skus", {"brand": brand.pk})
    assert [s["code"] for s in page["items"]] == ["P1"]
    status, body = call(client_owner, "get", "/products", {"category": 999})
    assert status == 422 and "category" in body["params"]["errors"]


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(
    client_owner, owner, units, django_assert_max_num_queries
):
    for i in range(5):
        catalog.create_product(user=owner, code=f"P{i}", name=f"商品{i}", base_unit=units["ge"])
    with django_assert_max_num_queries(12):
        status, page = call(client_owner, "get", "/skus")
    assert status == 200 and page["count"] == 5


@pytest.mark.django_db
def test_patch_keeps_the_input_rules(client_owner, coke):
    for bad in ({"name": ""}, {"name": None}, {"shelf_life_days": -1}, {"code": "x" * 41}):
        status, body = call(client_owner, "patch", f"/products/{coke.pk}", bad)
        assert status == 422 and set(body["params"]["errors"]) == set(bad), bad
    status, body = call(client_owner, "patch", f"/products/{coke.pk}", {"category_id": None})
    assert status == 200 and body["category_id"] is None and body["name"] == "可口可乐 330ml"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("unit", "field", "value"),
    [
        (0, "purchase_price", "1e400"),  # could not even be quantized: 500 before
        (0, "retail_price", "123456789012345678"),  # written, then unreadable on SQLite
        (1, "factor", "1e40"),
    ],
)
def test_absurd_numbers_in_a_skus_units_are_field_errors(
    client_owner, coke, units, unit, field, value
):
    sku = coke.skus.get()
    rows = [
        {"unit_id": units["ge"].pk, "factor": "1"},
        {"unit_id": units["xiang"].pk, "factor": "24"},
    ]
    rows[unit][field] = value
    status, body = call(client_owner, "put", f"/skus/{sku.pk}/units", {"units": rows})
    assert status == 422, body
    assert f"units.{unit}.{field}" in body["params"]["errors"]
    status, body = call(client_owner, "get", f"/skus/{sku.pk}")
    assert status == 200  # still readable, nothing was written


@pytest.mark.django_db
def test_absurd_shelf_life_is_refused(client_owner, coke, units):
    """Before: 保质期 99999999999999 天 was saved (an overflow on PostgreSQL)."""
    status, body = call(
        client_owner,
        "post",
        "/products",
        {
            "code": "P9",
            "name": "q",
            "base_unit_id": units["ge"].pk,
            "shelf_life_days": 99999999999999,
        },
    )
    assert (status, list(body["params"]["errors"])) == (422, ["shelf_life_days"])
    status, body = call(client_owner, "patch", f"/products/{coke.pk}", {"shelf_life_days": 36501})
    assert status == 422
    assert call(client_owner, "patch", f"/products/{coke.pk}", {"shelf_life_days": 365})[0] == 200


@pytest.mark.django_db
def test_add_a_colour_later_through_the_api(client_owner, client_for, user_factory, units):
    payload = {
        "code": "FZ009",
        "name": "卫衣",
        "base_unit_id": units["jian"].pk,
        "units": [{"unit_id": units["jian"].pk, "retail_price": "99"}],
        "attribute1": "颜色",
        "values1": ["红"],
        "attribute2": "尺码",
        "values2": ["M", "L"],
        "variants": None,
        "tracking": "none",
    }
    _s, product = call(client_owner, "post", "/products", payload)
    status, product = call(
        client_owner,
        "post",
        f"/products/{product['id']}/variants",
        {
            "values1": ["黑"],
            "barcodes": [{"value1": "黑", "value2": "L", "barcode": "6911111111110"}],
        },
    )
    assert status == 201, product
    assert [s["spec"] for s in product["skus"]][2:] == ["黑 / M", "黑 / L"]
    assert product["skus"][3]["units"][0]["retail_price"] == "99"
    assert Sku.objects.get(spec="黑 / L").barcodes.get().code == "6911111111110"
    status, _body = call(
        client_owner, "post", f"/products/{product['id']}/variants", {"values1": ["黑"]}
    )
    assert status == 422
    keeper = client_for(user_factory(roles=["keeper"]))
    status, _b = call(keeper, "post", f"/products/{product['id']}/variants", {"values2": ["XL"]})
    assert status == 403
