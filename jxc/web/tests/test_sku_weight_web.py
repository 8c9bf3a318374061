"""重量 on the SKU's page (单位与价格): typed in kg per base unit, shown on the product page,
kept through the service (0 or more, at most 100 t); a bad value is refused on the form with
nothing saved — the units neither."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from jxc.catalog import services as catalog
from jxc.catalog.models import Sku, SkuUnit
from jxc.catalog.rules import UnitSpec

pytestmark = pytest.mark.django_db


@pytest.fixture
def pen(owner):
    pcs = catalog.create_unit(user=owner, name="个")
    product = catalog.create_product(
        user=owner,
        code="WJ0001",
        name="中性笔",
        base_unit=pcs,
        units=[UnitSpec(unit_id=pcs.pk, prices={"retail_price": D("2")})],
    )
    return pcs, product.skus.get()


def test_weight_is_typed_on_the_sku_page_and_shown_on_the_product(client_owner, pen):
    pcs, sku = pen
    url = reverse("web:sku_units", args=[sku.pk])
    page = client_owner.get(url).content.decode()
    assert 'name="weight"' in page and "重量" in page
    response = client_owner.post(
        url, {"weight": "0.35", "unit-0-unit": pcs.pk, "unit-0-retail_price": "2.5"}
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    sku.refresh_from_db()
    assert sku.weight == D("0.35")
    assert SkuUnit.objects.get(sku=sku).retail_price == D("2.5")
    detail = client_owner.get(reverse("web:product_detail", args=[sku.product_id])).content
    assert 'data-testid="sku-weight">0.35<' in detail.decode()
    # the page shows it again as it is kept (no storage padding)
    assert 'value="0.35"' in client_owner.get(url).content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-1", "不能小于 0"), ("100001", "不能大于 100000"), ("abc", "请输入数字"), ("1e400", "")],
)
def test_a_bad_weight_is_refused_and_nothing_is_saved(client_owner, pen, typed, message):
    pcs, sku = pen
    response = client_owner.post(
        reverse("web:sku_units", args=[sku.pk]),
        {"weight": typed, "unit-0-unit": pcs.pk, "unit-0-retail_price": "9"},
    )
    assert response.status_code == 422
    errors = response.context["weight_form"].errors["weight"]
    assert errors and message in " ".join(errors), errors
    assert Sku.objects.get(pk=sku.pk).weight == D(0)
    assert SkuUnit.objects.get(sku=sku).retail_price == D("2")


def test_the_service_bounds_the_weight(owner, pen):
    from jxc.core.errors import ValidationFailed

    _pcs, sku = pen
    for bad in (D("-0.1"), D("100000.5")):
        with pytest.raises(ValidationFailed) as caught:
            catalog.update_sku_weight(sku, user=owner, weight=bad)
        assert "weight" in caught.value.errors
    assert catalog.update_sku_weight(sku, user=owner, weight=D("100000")).weight == D("100000")
