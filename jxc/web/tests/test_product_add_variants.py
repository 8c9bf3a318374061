"""追加颜色 / 尺码 on the product page (issue 16 §4): the form is there for an editor of a
product with variants, a new colour makes its SKUs (every size, prices of the same size),
a colour that exists is refused in a message, a viewer may not post."""

from decimal import Decimal as D

import pytest

from jxc.catalog import services
from jxc.catalog.rules import UnitSpec, VariantSpec

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirt(owner):
    pcs = services.create_unit(user=owner, name="件")
    return services.create_product(
        user=owner,
        code="TS",
        name="T恤",
        base_unit=pcs,
        units=[UnitSpec(unit_id=pcs.pk, prices={"retail_price": D("59")})],
        attribute1="颜色",
        attribute2="尺码",
        variants=[VariantSpec(value1="红", value2="M"), VariantSpec(value1="红", value2="L")],
    )


def test_a_new_colour_from_the_product_page(client_for, owner, shirt):
    client = client_for(owner)
    page = client.get(f"/catalog/products/{shirt.pk}/").content.decode()
    assert 'data-testid="add-variants"' in page and "新增颜色" in page
    r = client.post(f"/catalog/products/{shirt.pk}/variants/", {"values1": "蓝，白"}, follow=True)
    body = r.content.decode()
    assert "已追加 4 个规格" in body and "TS-03" in body
    assert sorted(shirt.skus.values_list("spec", flat=True)) == sorted(
        ["红 / M", "红 / L", "蓝 / M", "蓝 / L", "白 / M", "白 / L"]
    )
    assert shirt.skus.get(spec="白 / L").units.get().retail_price == D("59")
    r = client.post(f"/catalog/products/{shirt.pk}/variants/", {"values1": "蓝"}, follow=True)
    assert "没有要追加的新颜色或尺码" in r.content.decode()


def test_a_viewer_may_not_add_variants(client_for, user_factory, shirt):
    keeper = client_for(user_factory(roles=["keeper"]))
    r = keeper.post(f"/catalog/products/{shirt.pk}/variants/", {"values1": "蓝"})
    assert r.status_code == 403
    assert shirt.skus.count() == 2
