"""The product import takes the VIP price (VIP价) beside 零售价 / 批发价 / 会员价 — the price a VIP
customer's orders start from (jxc/sales/tests/test_vip_price.py) — on new products and when an
existing code is updated; the template names the column."""

import io
from decimal import Decimal as D

import openpyxl
import pytest

from jxc.catalog.models import Product, SkuUnit
from jxc.imports import services
from jxc.imports.registry import spec_for
from jxc.imports.tests.conftest import xlsx
from jxc.imports.workbook import template

pytestmark = pytest.mark.django_db

HEADER = ["商品编码", "名称", "基本单位", "零售价", "会员价", "VIP价"]


def _import(w, rows, **kwargs):
    batch = services.preview_import("products", user=w.owner, data=xlsx([HEADER, *rows]), **kwargs)
    assert batch.problems == [], batch.problems
    services.confirm_import(batch, user=w.owner)
    return batch


def test_vip_price_column_is_imported_and_in_the_template(stock_world):
    w = stock_world
    sheet = openpyxl.load_workbook(io.BytesIO(template(spec_for("products")))).active
    assert "VIP价" in [c.value for c in sheet[1]]
    _import(w, [["V01", "矿泉水", "个", "2", "1.8", "1.6"]])
    base = SkuUnit.objects.get(sku__product=Product.objects.get(code="V01"), is_base=True)
    assert (base.retail_price, base.member_price, base.vip_price) == (D(2), D("1.8"), D("1.6"))


def test_a_negative_vip_price_is_named_with_its_column(stock_world):
    w = stock_world
    batch = services.preview_import(
        "products", user=w.owner, data=xlsx([HEADER, ["V02", "矿泉水", "个", "2", "1.8", "-1"]])
    )
    assert batch.problems and any("VIP" in str(p) for p in batch.problems), batch.problems
    assert not Product.objects.filter(code="V02").exists()
