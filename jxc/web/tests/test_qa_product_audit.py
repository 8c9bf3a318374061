"""QA: the product page's 操作记录 read raw values (``库存上下限 ZC: — → ['24', '240']``);
it reads as the generic 操作记录 does, cost figures still masked without cost.view."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.inventory import services as inventory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def wj0001(owner):
    pcs = catalog.create_unit(user=owner, name="个")
    box = catalog.create_unit(user=owner, name="箱")
    product = catalog.create_product(
        user=owner,
        code="WJ0001",
        name="中性笔",
        base_unit=pcs,
        attribute1="颜色",
        values1=["红", "蓝"],
        units=[UnitSpec(unit_id=pcs.pk, prices={"purchase_price": D("1.65")})],
    )
    sku = product.skus.order_by("code").first()
    catalog.update_sku_units(
        sku,
        user=owner,
        units=[
            UnitSpec(unit_id=pcs.pk, prices={"purchase_price": D("1.80")}),
            UnitSpec(unit_id=box.pk, factor=D(24), prices={"retail_price": D("60")}),
        ],
    )
    zc = inventory.create_warehouse(user=owner, code="ZC", name="总仓")
    inventory.set_stock_limit(user=owner, sku=sku, warehouse=zc, min_qty=D(24), max_qty=D(240))
    return product


def test_product_audit_reads_as_words(client_owner, wj0001):
    body = _text(client_owner.get(reverse("web:product_detail", args=[wj0001.pk])))
    assert "库存上下限 ZC: — → 24 / 240" in body
    assert "计量单位: 箱, 换算率: 24, 零售价: 60" in body
    assert "参考进价: 1.8" in body
    assert "WJ0001-01, WJ0001-02" in body  # the product's SKUs by code
    assert "[&#x27;" not in body and "{&#x27;" not in body and "stock_limit" not in body


def test_product_audit_masks_costs_without_cost_view(client_for, sales_user, wj0001):
    page = _text(client_for(sales_user).get(reverse("web:product_detail", args=[wj0001.pk])))
    body = page[page.index("操作记录 时间") :]  # the audit trail only, not the price table
    assert "库存上下限 ZC: — → 24 / 240" in body
    assert "零售价: 60" in body
    assert "1.8" not in body and "1.65" not in body and "参考进价" not in body
