"""QA: a price too large for its column says so (was "最多 10 位小数", about decimals)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from jxc.catalog import services as catalog
from jxc.catalog.models import SkuUnit
from jxc.catalog.rules import UnitSpec

pytestmark = pytest.mark.django_db


def test_a_huge_price_on_the_units_page_is_called_too_large(client_owner, owner):
    pcs = catalog.create_unit(user=owner, name="个")
    product = catalog.create_product(
        user=owner,
        code="WJ0001",
        name="中性笔",
        base_unit=pcs,
        units=[UnitSpec(unit_id=pcs.pk, prices={"retail_price": D("2")})],
    )
    sku = product.skus.get()
    response = client_owner.post(
        reverse("web:sku_units", args=[sku.pk]),
        {"unit-0-unit": pcs.pk, "unit-0-retail_price": "1e400"},
    )
    assert response.status_code == 422
    errors = response.context["row_errors"]
    assert any("数值过大" in e for e in errors), errors
    assert not any("位小数" in e for e in errors)
    assert SkuUnit.objects.get(sku=sku).retail_price == D("2")
