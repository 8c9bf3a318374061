"""商品, 客户 and 供应商 imports: variants one row each, units with factors and barcodes, the five
prices, category and brand by name; partners with contacts, tier, credit limit, terms;
新增 / 更新 / 跳过 by code."""

from decimal import Decimal as D

import pytest

from jxc.catalog.models import Barcode, Brand, Product, SkuUnit
from jxc.imports import services
from jxc.imports.tests.conftest import xlsx
from jxc.partners.models import Contact, Customer, Supplier

pytestmark = pytest.mark.django_db

P_HEADER = [
    "商品编码",
    "名称",
    "商品分类",
    "品牌",
    "基本单位",
    "SKU编码",
    "颜色",
    "尺码",
    "条码",
    "第二单位",
    "每第二单位含基本单位",
    "第二单位条码",
    "参考进价",
    "零售价",
    "批发价",
    "会员价",
    "最低售价",
]


def test_products_with_units_barcodes_prices_and_variants(stock_world):
    w = stock_world
    data = xlsx(
        [
            P_HEADER,
            [
                "０1001",
                "雪碧",
                "饮料",
                "雪碧",
                "个",
                None,
                None,
                None,
                "06900000001001",
                "箱",
                24,
                "16900000001001",
                "2.1",
                "￥3.50",
                3,
                "3.2",
                "2.8",
            ],
            [
                "T01",
                "T恤",
                "零食",
                "优衣库",
                "个",
                "T01-R-M",
                "红",
                "M",
                "6900000009001",
                None,
                None,
                None,
                30,
                99,
                80,
                90,
                70,
            ],
            [
                "T01",
                "T恤",
                None,
                None,
                "个",
                "T01-R-L",
                "红",
                "L",
                "6900000009002",
                None,
                None,
                None,
                30,
                "109",
                80,
                90,
                70,
            ],
        ],
        text_columns=("A", "I", "L"),
    )
    batch = services.preview_import("products", user=w.owner, data=data)
    assert batch.problems == [] and batch.counts["create"] == 2
    assert not Product.objects.filter(code__in=["01001", "T01"]).exists()
    services.confirm_import(batch, user=w.owner)
    sprite = Product.objects.get(code="01001")  # full-width digit read, leading zero kept
    sku = sprite.skus.get()
    base = SkuUnit.objects.get(sku=sku, is_base=True)
    assert (base.purchase_price, base.retail_price, base.min_price) == (
        D("2.1"),
        D("3.5"),
        D("2.8"),
    )
    box = SkuUnit.objects.get(sku=sku, unit=w.box)
    assert box.factor == 24 and Barcode.objects.get(code="16900000001001").sku_unit == box
    assert Barcode.objects.get(code="06900000001001").sku == sku
    assert Brand.objects.filter(name="雪碧").exists()
    shirt = Product.objects.get(code="T01")
    assert sorted(shirt.skus.values_list("code", "value1", "value2")) == [
        ("T01-R-L", "红", "L"),
        ("T01-R-M", "红", "M"),
    ]
    assert SkuUnit.objects.get(sku__code="T01-R-L", is_base=True).retail_price == D(109)


def test_every_bad_product_row_named(stock_world):
    w = stock_world
    data = xlsx(
        [
            P_HEADER,
            ["X1", "a", "没有的分类", None, "个"],  # 2: unknown category
            ["X2", "b", None, None, "桶"],  # 3: unknown unit
            ["A001", "c", None, None, "个"],  # 4: code exists (add new only)
            ["X3", "d", None, None, "个", None, None, None, "6900000000011"],  # 5: barcode taken
            ["X4", "e", None, None, "个", None, None, None, "123"],  # 6: barcode too short
            ["X5", "f", None, None, "个", None, None, None, None, None, None, None, -1],  # 7
            ["X6", "g", None, None, "个", None, None, None, None, "箱"],  # 8: no factor
            ["X7", "h", None, None, "个", None, "红"],
            ["X7", "h", None, None, "个", None, "红"],  # 10: same variant twice
            [None, "i", None, None, "个"],  # 11: no code
        ]
    )
    batch = services.preview_import("products", user=w.owner, data=data)
    assert sorted({p["row"] for p in batch.problems}) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11] or sorted(
        {p["row"] for p in batch.problems}
    ) == [2, 3, 4, 5, 6, 7, 8, 10, 11]
    assert not Product.objects.filter(code__startswith="X").exists()


def test_update_and_skip_existing_product_codes(stock_world):
    w = stock_world
    data = xlsx(
        [
            P_HEADER,
            [
                "A001",
                "可口可乐 330ml",
                "饮料",
                None,
                "个",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "4.5",
            ],
        ]
    )
    skip = services.preview_import("products", user=w.owner, data=data, mode="skip")
    assert skip.status == "ready" and skip.counts == {"create": 0, "update": 0, "skip": 1}
    services.confirm_import(skip, user=w.owner)
    assert Product.objects.get(code="A001").name == "可口可乐"
    update = services.preview_import("products", user=w.owner, data=data, mode="update")
    services.confirm_import(update, user=w.owner)
    product = Product.objects.get(code="A001")
    assert product.name == "可口可乐 330ml"
    assert SkuUnit.objects.get(sku=w.sku_a, is_base=True).retail_price == D("4.5")


C_HEADER = ["编码", "名称", "联系人", "电话", "职务", "账期（天）", "客户分层", "信用额度"]


def test_customers_with_contacts_tier_credit_and_terms(stock_world):
    w = stock_world
    data = xlsx(
        [
            C_HEADER,
            ["C001", "华联超市", "李四", "13812345678", "采购", 30, "VIP", "50,000"],
            ["C002", "张三便利店", None, None, None, None, "重点客户", None],
        ]
    )
    batch = services.preview_import("customers", user=w.owner, data=data)
    assert batch.problems == []
    services.confirm_import(batch, user=w.owner)
    c = Customer.objects.get(code="C001")
    assert (c.tier, c.credit_limit, c.payment_terms_days) == ("vip", D(50000), 30)
    assert Contact.objects.get(customer=c).phone == "13812345678"
    assert Customer.objects.get(code="C002").tier == "key"
    again = services.preview_import("customers", user=w.owner, data=data)
    assert {p["row"] for p in again.problems} == {2, 3}  # add new only: the codes are taken
    data2 = xlsx([C_HEADER, ["C001", "华联超市(新)", None, None, None, 45, None, 80000]])
    services.confirm_import(
        services.preview_import("customers", user=w.owner, data=data2, mode="update"), user=w.owner
    )
    c.refresh_from_db()
    assert (c.name, c.payment_terms_days, c.credit_limit) == ("华联超市(新)", 45, D(80000))


def test_bad_customer_and_supplier_rows_named(stock_world):
    w = stock_world
    data = xlsx(
        [
            C_HEADER,
            ["C1", "好", None, "123", None, None, None, None],  # 2: bad phone (model validator)
            ["C 2", "好", None, None, None, None, None, None],  # 3: bad code
            ["C3", "好", None, None, None, -1, None, None],  # 4: negative terms
            ["C4", "好", None, None, None, None, "金牌", None],  # 5: unknown tier
            ["C5", "好", None, None, None, None, None, "1e20"],  # 6: too large
            ["C1", "好", None, None, None, None, None, None],  # 7: same code as row 2
        ]
    )
    batch = services.preview_import("customers", user=w.owner, data=data)
    assert sorted({p["row"] for p in batch.problems}) == [2, 3, 4, 5, 6, 7]
    assert not Customer.objects.exists()
    s = xlsx([["编码", "名称", "交货周期（天）"], ["S1", "供应商一", 7], ["S2", None, 3]])
    batch = services.preview_import("suppliers", user=w.owner, data=s)
    assert [p["row"] for p in batch.problems] == [3]
    good = xlsx([["编码", "名称", "交货周期（天）"], ["S1", "供应商一", 7]])
    services.confirm_import(
        services.preview_import("suppliers", user=w.owner, data=good), user=w.owner
    )
    assert Supplier.objects.get(code="S1").lead_time_days == 7
