"""The FilterSets shared by the web lists and the API: search, active, foreign keys, ordering."""

from decimal import Decimal

import pytest

from jxc.catalog import services as catalog
from jxc.catalog.filters import ProductFilterSet, SkuFilterSet
from jxc.catalog.models import Product, Sku
from jxc.catalog.rules import UnitSpec
from jxc.finance import services as finance
from jxc.finance.filters import AccountFilterSet
from jxc.finance.models import Account
from jxc.inventory import services as inventory
from jxc.inventory.filters import BinFilterSet, WarehouseFilterSet
from jxc.inventory.models import Bin, Warehouse
from jxc.partners import services as partners
from jxc.partners.filters import CustomerFilterSet, SupplierFilterSet
from jxc.partners.models import Customer, Supplier


class Req:
    def __init__(self, user):
        self.user = user


@pytest.fixture
def goods(owner):
    ge = catalog.create_unit(user=owner, name="个")
    xiang = catalog.create_unit(user=owner, name="箱")
    drinks = catalog.create_category(user=owner, code="D", name="饮料")
    soda = catalog.create_category(user=owner, code="D1", name="汽水", parent=drinks)
    snacks = catalog.create_category(user=owner, code="S", name="零食")
    brand = catalog.create_brand(user=owner, name="可口可乐公司")
    coke = catalog.create_product(
        user=owner,
        code="P001",
        name="可口可乐",
        base_unit=ge,
        category=soda,
        brand=brand,
        units=[
            UnitSpec(unit_id=ge.pk, barcode="6901234567892"),
            UnitSpec(unit_id=xiang.pk, factor=Decimal(24)),
        ],
    )
    chips = catalog.create_product(
        user=owner, code="P002", name="薯片", base_unit=ge, category=snacks
    )
    catalog.set_active(chips, active=False, user=owner)
    return {"coke": coke, "chips": chips, "drinks": drinks, "brand": brand}


@pytest.mark.django_db
def test_product_filters(goods):
    def codes(params):
        fs = ProductFilterSet(params, queryset=Product.objects.all())
        assert fs.is_valid(), fs.errors
        return [p.code for p in fs.qs]

    assert codes({"q": "kkkl"}) == ["P001"]
    assert codes({"q": "6901234567892"}) == ["P001"]
    assert codes({"active": "false"}) == ["P002"]
    assert codes({"active": "true"}) == ["P001"]
    # the parent category takes its subtree
    assert codes({"category": str(goods["drinks"].pk)}) == ["P001"]
    assert codes({"brand": str(goods["brand"].pk)}) == ["P001"]
    assert codes({"ordering": "-code"}) == ["P002", "P001"]
    fs = ProductFilterSet({"ordering": "memo"}, queryset=Product.objects.all())
    assert not fs.is_valid() and "ordering" in fs.errors


@pytest.mark.django_db
def test_sku_filters(goods):
    fs = SkuFilterSet({"q": "kkkl"}, queryset=Sku.objects.all())
    assert [s.code for s in fs.qs] == ["P001"]
    fs = SkuFilterSet({"category": str(goods["drinks"].pk)}, queryset=Sku.objects.all())
    assert [s.code for s in fs.qs] == ["P001"]


@pytest.mark.django_db
def test_partner_and_account_filters(owner, sales_user):
    partners.create_supplier(user=owner, code="S1", name="华东文具")
    partners.create_supplier(user=owner, code="S2", name="南方食品")
    partners.create_customer(user=owner, code="C1", name="张三超市", tier="vip")
    partners.create_customer(user=owner, code="C2", name="李四", salesperson=sales_user)
    fs = SupplierFilterSet({"q": "hdwj"}, queryset=Supplier.objects.all())
    assert [s.code for s in fs.qs] == ["S1"]
    fs = CustomerFilterSet({"tier": "vip"}, queryset=Customer.objects.all())
    assert [c.code for c in fs.qs] == ["C1"]
    fs = CustomerFilterSet({"salesperson": str(sales_user.pk)}, queryset=Customer.objects.all())
    assert [c.code for c in fs.qs] == ["C2"]
    finance.create_account(user=owner, code="A1", name="现金", kind="cash")
    finance.create_account(user=owner, code="A2", name="工商银行", kind="bank")
    fs = AccountFilterSet({"kind": "bank"}, queryset=Account.objects.all())
    assert [a.code for a in fs.qs] == ["A2"]


@pytest.mark.django_db
def test_bin_filter_offers_only_warehouses_in_scope(owner, user_factory):
    main = inventory.create_warehouse(user=owner, code="W1", name="总仓")
    store = inventory.create_warehouse(user=owner, code="W2", name="门店", kind="store")
    inventory.create_bin(user=owner, warehouse=main, code="A-01")
    inventory.create_bin(user=owner, warehouse=store, code="B-01")
    keeper = user_factory(roles=["keeper"])
    inventory.set_user_warehouses(user=owner, target=keeper, warehouses=[store])
    fs = BinFilterSet({"warehouse": str(store.pk)}, queryset=Bin.objects.all(), request=Req(keeper))
    assert [b.code for b in fs.qs] == ["B-01"]
    fs = BinFilterSet({"warehouse": str(main.pk)}, queryset=Bin.objects.all(), request=Req(keeper))
    assert not fs.is_valid() and "warehouse" in fs.errors
    fs = WarehouseFilterSet({"kind": "store"}, queryset=Warehouse.objects.all())
    assert [w.code for w in fs.qs] == ["W2"]
