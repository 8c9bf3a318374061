"""追加规格 (issue 16 §4): a new colour or a new size on an existing product makes the SKUs
of the new 颜色 × 尺码 cells with the units, factors and prices of the SKU of the same size
(else colour), codes after the last, base-unit barcodes as given; nothing without attributes,
nothing twice, a barcode in use refused."""

from decimal import Decimal as D

import pytest

from jxc.catalog import rules, services
from jxc.catalog.rules import UnitSpec, VariantSpec
from jxc.catalog.variants import add_variants
from jxc.core import barcodes as barcode_rules
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


@pytest.fixture
def scanned_shirt(owner):
    """A product whose SKUs carry the manufacturer's barcodes on their base unit."""
    pcs = services.create_unit(user=owner, name="件")
    return services.create_product(
        user=owner,
        code="POLO",
        name="Polo衫",
        base_unit=pcs,
        units=[UnitSpec(unit_id=pcs.pk, prices={"retail_price": D("99")})],
        attribute1="颜色",
        attribute2="尺码",
        variants=[
            VariantSpec(value1="白", value2="M", barcode="6901234567892"),
            VariantSpec(value1="白", value2="L", barcode="6901234567885"),
        ],
    )


def test_variants_added_later_get_unique_internal_ean13_barcodes(scanned_shirt, owner, settings):
    settings.JXC_INTERNAL_BARCODE_PREFIX = "2088"
    made = add_variants(
        scanned_shirt, user=owner, values1=["黑"], barcodes={("黑", "L"): "6900000099991"}
    )
    codes = {s.value2: s.barcodes.get().code for s in made}
    assert codes["L"] == "6900000099991"  # the one typed wins
    internal = codes["M"]
    assert internal.startswith("2088") and barcode_rules.is_ean13(internal)
    assert internal == barcode_rules.internal_ean13("2088", made[0].pk)
    assert made[0].barcodes.get().sku_unit.is_base
    # someone typed the next SKU's internal code for another SKU: the next free number is used
    taken = barcode_rules.internal_ean13("2088", made[-1].pk + 1)
    services.add_barcode(scanned_shirt.skus.first(), user=owner, code=taken)
    more = add_variants(scanned_shirt, user=owner, values1=["灰"])
    new = [s.barcodes.get().code for s in more]
    assert taken not in new and len(set(new)) == 2
    assert all(barcode_rules.is_ean13(c) and c.startswith("2088") for c in new)


def test_a_product_without_barcodes_gets_none_for_new_variants(shirt, owner):
    made = add_variants(shirt, user=owner, values1=["蓝"])
    assert not any(s.barcodes.exists() for s in made)


@pytest.mark.parametrize(
    "code,ok",
    [
        ("6901234567892", True),
        ("6901234567893", False),
        ("690123456789", False),
        ("69012345678921", False),
        ("690123456789X", False),
        ("６９０１２３４５６７８９２", False),
    ],
)
def test_is_ean13(code, ok):
    assert barcode_rules.is_ean13(code) is ok


def test_internal_prefix_falls_back_to_the_default():
    assert barcode_rules.internal_prefix("29") == "29"
    assert barcode_rules.internal_prefix("690") == "200"  # not restricted circulation
    assert barcode_rules.internal_prefix("") == "200"
    with pytest.raises(ValueError):
        barcode_rules.internal_ean13("2000000", 10**6)
