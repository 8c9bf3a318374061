"""追加规格 (issue 16 §4): a new colour or a new size on an existing product makes the SKUs
of the new 颜色 × 尺码 cells with the units, factors and prices of the SKU of the same size
(else colour), codes after the last, base-unit barcodes as given; nothing without attributes,
nothing twice, a barcode in use refused."""

from decimal import Decimal as D

import pytest

from jxc.catalog import rules, services
from jxc.catalog.rules import UnitSpec, VariantSpec
from jxc.catalog.variants import add_variants
from jxc.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirt(owner):
    pcs = services.create_unit(user=owner, name="件")
    box = services.create_unit(user=owner, name="箱")
    return services.create_product(
        user=owner,
        code="TS",
        name="T恤",
        base_unit=pcs,
        units=[
            UnitSpec(unit_id=pcs.pk, prices={"retail_price": D("59")}),
            UnitSpec(unit_id=box.pk, factor=D(20), prices={"retail_price": D("1000")}),
        ],
        attribute1="颜色",
        attribute2="尺码",
        variants=[
            VariantSpec(value1="红", value2="M"),
            VariantSpec(value1="红", value2="XL", prices={"retail_price": D("69")}),
        ],
    )


def test_a_new_colour_gets_every_size_with_the_prices_of_that_size(shirt, owner):
    made = add_variants(shirt, user=owner, values1=["蓝"], barcodes={("蓝", "XL"): "6900000099991"})
    assert [(s.value1, s.value2, s.code) for s in made] == [
        ("蓝", "M", "TS-03"),
        ("蓝", "XL", "TS-04"),
    ]
    blue_xl = made[1]
    units = {u.unit.name: u for u in blue_xl.units.select_related("unit")}
    assert units["件"].is_base and units["件"].retail_price == D("69")  # XL's own price
    assert units["箱"].factor == D(20) and units["箱"].retail_price == D("1000")
    assert blue_xl.barcodes.get().code == "6900000099991"
    assert not made[0].barcodes.exists()
    assert blue_xl.spec == "蓝 / XL"


def test_a_new_size_gets_every_colour(shirt, owner):
    add_variants(shirt, user=owner, values1=["蓝"])
    made = add_variants(shirt, user=owner, values2=["XXL"])
    assert [(s.value1, s.value2) for s in made] == [("红", "XXL"), ("蓝", "XXL")]
    assert shirt.skus.count() == 6


def test_nothing_new_or_no_attribute_is_refused(shirt, owner):
    with pytest.raises(ValidationFailed):
        add_variants(shirt, user=owner, values1=["红"])
    plain = services.create_product(user=owner, code="P1", name="杯子", base_unit=shirt.base_unit)
    with pytest.raises(ValidationFailed) as exc:
        add_variants(plain, user=owner, values1=["蓝"])
    assert "values1" in exc.value.errors


def test_a_barcode_in_use_is_refused_and_nothing_is_made(shirt, owner):
    add_variants(shirt, user=owner, values1=["蓝"], barcodes={("蓝", "M"): "6900000099991"})
    with pytest.raises(ValidationFailed) as exc:
        add_variants(shirt, user=owner, values1=["白"], barcodes={("白", "M"): "6900000099991"})
    assert "barcodes" in exc.value.errors
    assert not shirt.skus.filter(value1="白").exists()


@pytest.mark.parametrize(
    ("existing", "v1", "v2", "cells"),
    [
        ([("红", "M")], ["蓝"], [], [("蓝", "M")]),
        ([("红", "M")], [], ["L"], [("红", "L")]),
        ([("红", "M")], ["蓝"], ["L"], [("红", "L"), ("蓝", "M"), ("蓝", "L")]),
        ([("红", "")], ["蓝", "红", " "], [], [("蓝", "")]),
    ],
)
def test_new_variant_cells(existing, v1, v2, cells):
    assert rules.new_variant_cells(existing, v1, v2) == cells


def test_variant_template_prefers_the_same_size():
    existing = [("红", "M"), ("红", "XL"), ("白", "S")]
    assert rules.variant_template(("蓝", "XL"), existing) == ("红", "XL")
    assert rules.variant_template(("白", "XXL"), existing) == ("白", "S")
    assert rules.variant_template(("蓝", "XXL"), existing) == ("红", "M")
