"""Catalog rules: variant matrix, codes, unit list checks, exact decimals. No database."""

from decimal import Decimal

import pytest

from jxc.catalog import rules
from jxc.catalog.rules import UnitSpec


def test_matrix_is_every_combination_in_entered_order():
    assert rules.variant_matrix(["红", "蓝"], ["S", "M", "L"]) == [
        ("红", "S"),
        ("红", "M"),
        ("红", "L"),
        ("蓝", "S"),
        ("蓝", "M"),
        ("蓝", "L"),
    ]


def test_matrix_without_attributes_is_one_sku_and_drops_blanks_and_repeats():
    assert rules.variant_matrix([], []) == [("", "")]
    assert rules.variant_matrix([" 红 ", "", "红"], []) == [("红", "")]


def test_variant_codes_and_spec_text():
    assert rules.variant_code("P", 1, 1) == "P"
    assert rules.variant_code("P", 3, 6) == "P-03"
    assert rules.variant_spec_text("红", "L") == "红 / L"
    assert rules.variant_spec_text("红", "") == "红"


def test_unit_list_valid():
    units = [
        UnitSpec(unit_id=1),
        UnitSpec(unit_id=2, factor=Decimal("12"), prices={"retail_price": Decimal("30")}),
    ]
    assert rules.unit_errors(units, base_unit_id=1) == {}


@pytest.mark.parametrize(
    ("units", "key"),
    [
        ([UnitSpec(unit_id=1), UnitSpec(unit_id=2, factor=Decimal(0))], "units.1.factor"),
        ([UnitSpec(unit_id=1), UnitSpec(unit_id=2, factor=Decimal(-2))], "units.1.factor"),
        (
            [UnitSpec(unit_id=1), UnitSpec(unit_id=2, factor=Decimal("1.00000000001"))],
            "units.1.factor",
        ),
        ([UnitSpec(unit_id=1, factor=Decimal(2))], "units.0.factor"),
        ([UnitSpec(unit_id=1), UnitSpec(unit_id=1)], "units.1.unit"),
        ([UnitSpec(unit_id=2)], "units"),
        ([UnitSpec(unit_id=1, prices={"retail_price": Decimal("-0.01")})], "units.0.retail_price"),
        (
            [
                UnitSpec(unit_id=1, barcode="ab"),
            ],
            "units.0.barcode",
        ),
        (
            [
                UnitSpec(unit_id=1, barcode="0123"),
                UnitSpec(unit_id=2, factor=Decimal(6), barcode="0123"),
            ],
            "units.1.barcode",
        ),
    ],
)
def test_unit_list_guards(units, key):
    assert key in rules.unit_errors(units, base_unit_id=1)


def test_parse_decimal_refuses_rather_than_truncates():
    assert rules.parse_decimal(" 12.5 ", places=2) == Decimal("12.5")
    with pytest.raises(ValueError):
        rules.parse_decimal("1.001", places=2)
    with pytest.raises(ValueError):
        rules.parse_decimal("abc", places=2)
    with pytest.raises(ValueError):
        rules.parse_decimal("NaN", places=2)


@pytest.mark.parametrize(
    ("raw", "places", "expected"),
    [
        ("1e400", 10, "数值过大：必须小于 1,000,000,000。"),
        ("123456789012345678", 10, "数值过大：必须小于 1,000,000,000。"),
        ("1e40", 10, "数值过大：必须小于 1,000,000,000。"),
        ("99999999999999999.5", 2, "数值过大：必须小于 10,000,000,000,000。"),
        ("123456.7890123457", 10, "数字位数过多：最多 15 位有效数字。"),
        ("0.12345678901", 10, "最多 10 位小数。"),
        ("1.001", 2, "最多 2 位小数。"),
    ],
)
def test_a_number_too_large_for_its_column_says_so(raw, places, expected):
    """QA: a price of 1e400 was answered with "最多 10 位小数" (about decimals)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        with pytest.raises(ValueError) as exc:
            rules.parse_decimal(raw, places=places)
        assert str(exc.value.args[0]) == expected
        units = [UnitSpec(unit_id=1, prices={"retail_price": Decimal(raw)})]
        if places == 10:
            assert [
                str(m) for m in rules.unit_errors(units, base_unit_id=1)["units.0.retail_price"]
            ] == [expected]
            factor = [UnitSpec(unit_id=1), UnitSpec(unit_id=2, factor=Decimal(raw))]
            assert [
                str(m) for m in rules.unit_errors(factor, base_unit_id=1)["units.1.factor"]
            ] == [expected]
            variant = [rules.VariantSpec(prices={"retail_price": Decimal(raw)})]
            assert [str(m) for m in rules.variant_errors(variant)["variants.0.retail_price"]] == [
                expected
            ]


BOTTLE_BOX = [("瓶", Decimal(1)), ("箱", Decimal(12))]


@pytest.mark.parametrize(
    ("qty", "units", "text"),
    [
        (Decimal(41), BOTTLE_BOX, "3箱5瓶"),
        (Decimal(36), BOTTLE_BOX, "3箱"),
        (Decimal(5), BOTTLE_BOX, "5瓶"),
        (Decimal(0), BOTTLE_BOX, "0瓶"),
        (Decimal("0.000000"), BOTTLE_BOX, "0瓶"),
        (Decimal(-14), BOTTLE_BOX, "-1箱2瓶"),
        (Decimal("12.5"), BOTTLE_BOX, "1箱0.5瓶"),
        (Decimal("41.000000"), BOTTLE_BOX, "3箱5瓶"),
        # 件 / 盒 (10) / 箱 (120): largest first, empty middle units left out
        (Decimal(245), [("件", Decimal(1)), ("箱", Decimal(120)), ("盒", Decimal(10))], "2箱5件"),
        (
            Decimal(255),
            [("件", Decimal(1)), ("箱", Decimal(120)), ("盒", Decimal(10))],
            "2箱1盒5件",
        ),
        # a unit smaller than the base is not used; a single unit is the number and its name
        (Decimal("1.5"), [("千克", Decimal(1)), ("克", Decimal("0.001"))], "1.5千克"),
        (Decimal(7), [("个", Decimal(1))], "7个"),
        # a factor with places: 2.5 kg bags
        (Decimal(6), [("千克", Decimal(1)), ("袋", Decimal("2.5"))], "2袋1千克"),
    ],
)
def test_mixed_quantity_shows_the_largest_units_first(qty, units, text):
    assert rules.mixed_quantity(qty, units) == text


def test_mixed_quantity_adds_back_to_the_base_quantity():
    units = [("瓶", Decimal(1)), ("箱", Decimal(24)), ("板", Decimal(6))]
    for n in range(0, 200):
        text = rules.mixed_quantity(Decimal(n), units)
        total, number = 0, ""
        for ch in text:
            if ch.isdigit():
                number += ch
            else:
                total += int(number) * {"瓶": 1, "箱": 24, "板": 6}[ch]
                number = ""
        assert total == n, text
