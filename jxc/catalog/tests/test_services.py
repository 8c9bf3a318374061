"""Catalog services: create a product with units, prices, barcodes and a variant matrix."""

from decimal import Decimal

import pytest

from jxc.catalog import selectors, services
from jxc.catalog.models import Barcode, Product, Sku
from jxc.catalog.rules import UnitSpec, VariantSpec
from jxc.core.errors import ValidationFailed
from jxc.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return services.create_unit(user=None, name="个"), services.create_unit(user=None, name="箱")


def _shirt(units, **kw):
    ge, xiang = units
    args = dict(
        user=None,
        code="P",
        name="可口可乐",
        base_unit=ge,
        units=[
            UnitSpec(
                unit_id=ge.pk,
                prices={"purchase_price": Decimal("2.5"), "retail_price": Decimal("3.5")},
            ),
            UnitSpec(
                unit_id=xiang.pk, factor=Decimal("12"), prices={"retail_price": Decimal("40")}
            ),
        ],
        attribute1="颜色",
        values1=["红", "蓝"],
        attribute2="尺码",
        values2=["S", "M", "L"],
    )
    args.update(kw)
    return services.create_product(**args)


def test_create_product_builds_matrix_units_prices(units):
    p = _shirt(units)
    skus = list(p.skus.order_by("code"))
    assert [s.code for s in skus] == ["P-01", "P-02", "P-03", "P-04", "P-05", "P-06"]
    assert skus[0].spec == "红 / S"
    assert p.mnemonic == "kkkl"
    su = skus[0].units.get(unit=units[1])
    assert su.factor == Decimal("12") and su.retail_price == Decimal("40") and not su.is_base
    base = skus[0].units.get(unit=units[0])
    assert base.is_base and base.purchase_price == Decimal("2.5")
    assert AuditLog.objects.filter(
        object_type__icontains="product", object_id=str(p.pk), action="create"
    ).exists()


def test_variant_barcodes_keep_leading_zero(units):
    variants = [
        VariantSpec(value1="红", code="X-R", barcode="0690000000017"),
        VariantSpec(value1="蓝", code="X-B", barcode="0690000000024"),
    ]
    services.create_product(
        user=None,
        code="X",
        name="T恤",
        base_unit=units[0],
        attribute1="颜色",
        values1=["红", "蓝"],
        variants=variants,
    )
    assert Barcode.objects.get(code="0690000000017").sku.code == "X-R"
    assert selectors.search_skus("0690000000024").get().code == "X-B"


def test_single_sku_takes_unit_barcodes(units):
    ge, xiang = units
    p = services.create_product(
        user=None,
        code="S1",
        name="雪碧",
        base_unit=ge,
        units=[
            UnitSpec(unit_id=ge.pk, barcode="00123"),
            UnitSpec(unit_id=xiang.pk, factor=Decimal(24), barcode="00124"),
        ],
    )
    sku = p.skus.get()
    assert sku.code == "S1"
    assert Barcode.objects.get(code="00124").sku_unit.unit == xiang


def _errors(fn):
    with pytest.raises(ValidationFailed) as exc:
        fn()
    return exc.value.errors


def test_duplicate_code_refused_nothing_saved(units):
    _shirt(units)
    errs = _errors(lambda: _shirt(units))
    assert "code" in errs
    assert Product.objects.count() == 1 and Sku.objects.count() == 6


def test_duplicate_barcode_in_db_and_within_request(units):
    ge = units[0]
    services.create_product(
        user=None,
        code="A",
        name="甲",
        base_unit=ge,
        units=[UnitSpec(unit_id=ge.pk, barcode="0001")],
    )
    errs = _errors(
        lambda: services.create_product(
            user=None,
            code="B",
            name="乙",
            base_unit=ge,
            units=[UnitSpec(unit_id=ge.pk, barcode="0001")],
        )
    )
    assert "barcode" in errs
    errs = _errors(
        lambda: services.create_product(
            user=None,
            code="C",
            name="丙",
            base_unit=ge,
            attribute1="颜色",
            values1=["红", "蓝"],
            variants=[
                VariantSpec(value1="红", barcode="0002"),
                VariantSpec(value1="蓝", barcode="0002"),
            ],
        )
    )
    assert "barcode" in errs
    assert Product.objects.count() == 1


@pytest.mark.parametrize("factor", [Decimal(0), Decimal(-12), Decimal("1.00000000001")])
def test_bad_factor_refused(units, factor):
    ge, xiang = units
    errs = _errors(
        lambda: services.create_product(
            user=None,
            code="F",
            name="F",
            base_unit=ge,
            units=[UnitSpec(unit_id=ge.pk), UnitSpec(unit_id=xiang.pk, factor=factor)],
        )
    )
    assert "units.1.factor" in errs
    assert not Product.objects.exists()


def test_base_factor_must_be_one_and_price_not_negative(units):
    ge = units[0]
    errs = _errors(
        lambda: services.create_product(
            user=None,
            code="F",
            name="F",
            base_unit=ge,
            units=[
                UnitSpec(unit_id=ge.pk, factor=Decimal(2), prices={"retail_price": Decimal("-1")})
            ],
        )
    )
    assert "units.0.factor" in errs and "units.0.retail_price" in errs


def test_search_by_pinyin_code_and_barcode(units):
    _shirt(units)
    assert selectors.search_skus("kkkl").count() == 6
    assert selectors.search_skus("P-04").get().spec == "蓝 / S"
    assert selectors.search_products("kkkl").get().code == "P"


def test_update_sku_units_and_add_barcode(units):
    ge, xiang = units
    p = services.create_product(user=None, code="U", name="U", base_unit=ge)
    sku = p.skus.get()
    services.update_sku_units(
        sku,
        user=None,
        units=[UnitSpec(unit_id=ge.pk), UnitSpec(unit_id=xiang.pk, factor=Decimal(12))],
    )
    assert sku.units.count() == 2
    services.add_barcode(sku, user=None, code="0099")
    errs = _errors(
        lambda: services.update_sku_units(
            sku,
            user=None,
            units=[UnitSpec(unit_id=ge.pk), UnitSpec(unit_id=xiang.pk, factor=Decimal(0))],
        )
    )
    assert "units.1.factor" in errs
    assert sku.units.get(unit=xiang).factor == Decimal(12)


def test_sku_picker_endpoint_finds_by_pinyin_and_exact_barcode(units, client):
    from jxc.core.accounts import create_user, ensure_default_roles

    ensure_default_roles()
    _shirt(units)
    services.add_barcode(Sku.objects.get(code="P-05"), user=None, code="06900001")
    boss = create_user(username="boss", password="Zq8!long-pass", roles=["owner"])
    client.force_login(boss)
    matches = client.get("/docs/grid/skus/", {"q": "kkkl"}).json()["matches"]
    assert len(matches) == 6
    matches = client.get("/docs/grid/skus/", {"q": "06900001"}).json()["matches"]
    assert matches[0]["code"] == "P-05" and matches[0]["exact"]
