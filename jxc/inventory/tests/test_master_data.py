"""Inventory master data: warehouses, bins, stock limits and the warehouse data scope."""

from decimal import Decimal

import pytest

from jxc.catalog import services as catalog
from jxc.core.accounts import create_user, ensure_default_roles
from jxc.core.errors import DuplicateCode, ValidationFailed
from jxc.core.models import AuditLog
from jxc.inventory import selectors, services
from jxc.inventory.models import Bin, StockLimit, Warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(db):
    ensure_default_roles()
    return create_user(
        username="inv-boss", password="jxc-test-2026", roles=["owner"], is_superuser=True
    )


@pytest.fixture
def keeper(boss):
    return create_user(username="inv-keeper", password="jxc-test-2026", roles=["keeper"])


@pytest.fixture
def sku(boss):
    unit = catalog.create_unit(user=boss, name="个")
    return catalog.create_product(
        user=boss, code="P001", name="可口可乐", base_unit=unit
    ).skus.get()


def _audit(obj):
    return AuditLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def test_create_warehouse_and_store(boss, keeper):
    wh = services.create_warehouse(user=boss, code="ZC", name="总仓", keeper=keeper)
    store = services.create_warehouse(
        user=boss, code="MD01", name="门店", kind="store", allow_negative=True
    )
    assert wh.kind == "warehouse" and wh.keeper == keeper and not wh.allow_negative
    assert store.kind == "store" and store.allow_negative
    assert _audit(wh).get().action == "create"


def test_duplicate_warehouse_code_saves_nothing(boss):
    services.create_warehouse(user=boss, code="ZC", name="总仓")
    with pytest.raises(DuplicateCode) as exc:
        services.create_warehouse(user=boss, code="ZC", name="另一个")
    assert exc.value.code == "duplicate_code" and exc.value.field == "code"
    assert Warehouse.objects.count() == 1


def test_bad_warehouse_fields(boss):
    with pytest.raises(ValidationFailed) as exc:
        services.create_warehouse(user=boss, code="总 仓", name="x", phone="123", kind="moon")
    assert {"code", "phone", "kind"} <= set(exc.value.errors)
    assert not Warehouse.objects.exists()


def test_bin_code_unique_per_warehouse(boss):
    a = services.create_warehouse(user=boss, code="ZC", name="总仓")
    b = services.create_warehouse(user=boss, code="EC", name="二号仓")
    services.create_bin(user=boss, warehouse=a, code="A-01")
    with pytest.raises(DuplicateCode) as exc:
        services.create_bin(user=boss, warehouse=a, code=" A-01 ")
    assert exc.value.code == "duplicate_code"
    assert services.create_bin(user=boss, warehouse=b, code="A-01").warehouse == b
    assert Bin.objects.count() == 2


def test_update_warehouse_audits_from_to(boss):
    wh = services.create_warehouse(user=boss, code="ZC", name="总仓")
    services.update_warehouse(wh, user=boss, name="杭州总仓", allow_negative=True)
    changes = _audit(wh).get(action="update").changes
    assert changes["name"] == ["总仓", "杭州总仓"]
    assert changes["allow_negative"] == [False, True]


def test_deactivate_warehouse_keeps_row(boss):
    wh = services.create_warehouse(user=boss, code="ZC", name="总仓")
    services.set_active(wh, active=False, user=boss, reason="关仓")
    wh.refresh_from_db()
    assert not wh.is_active
    assert _audit(wh).get(action="deactivate").reason == "关仓"
    assert list(selectors.warehouses_for(boss, active_only=True)) == []
    assert list(selectors.warehouses_for(boss)) == [wh]


def test_stock_limit_set_update_remove(boss, sku):
    wh = services.create_warehouse(user=boss, code="ZC", name="总仓")
    services.set_stock_limit(
        user=boss, sku=sku, warehouse=wh, min_qty=Decimal(10), max_qty=Decimal(100)
    )
    services.set_stock_limit(user=boss, sku=sku, warehouse=wh, min_qty=Decimal(20), max_qty=None)
    limit = StockLimit.objects.get()
    assert (limit.min_qty, limit.max_qty) == (Decimal(20), None)
    assert (
        services.set_stock_limit(user=boss, sku=sku, warehouse=wh, min_qty=None, max_qty=None)
        is None
    )
    assert not StockLimit.objects.exists()
    assert _audit(sku).filter(action="update").count() == 3


@pytest.mark.parametrize(
    ("low", "high", "field"),
    [
        (Decimal(10), Decimal(5), "min_qty"),
        (Decimal(-1), None, "min_qty"),
        (None, Decimal(-3), "max_qty"),
    ],
)
def test_stock_limit_guards(boss, sku, low, high, field):
    wh = services.create_warehouse(user=boss, code="ZC", name="总仓")
    with pytest.raises(ValidationFailed) as exc:
        services.set_stock_limit(user=boss, sku=sku, warehouse=wh, min_qty=low, max_qty=high)
    assert field in exc.value.errors
    assert not StockLimit.objects.exists()


def test_warehouses_for_respects_scope(boss, keeper):
    a = services.create_warehouse(user=boss, code="ZC", name="总仓")
    b = services.create_warehouse(user=boss, code="EC", name="二号仓")
    c = services.create_warehouse(user=boss, code="MD01", name="门店", kind="store")
    assert set(selectors.warehouses_for(keeper)) == {a, b, c}  # default: all
    services.set_user_warehouses(user=boss, target=keeper, warehouses=[b, c])
    assert set(selectors.warehouses_for(keeper)) == {b, c}
    assert not selectors.can_use_warehouse(keeper, a)
    assert selectors.can_use_warehouse(keeper, b)
    assert [w.code for w in selectors.search_warehouses("", user=keeper)] == ["EC", "MD01"]
    assert set(selectors.warehouses_for(boss)) == {a, b, c}  # superuser sees all
    line = _audit(keeper).filter(action="update").latest("id")
    assert line.changes["warehouses"] == ["*", ["EC", "MD01"]]  # from all to these two
    services.set_user_warehouses(user=boss, target=keeper, warehouses=[c, b])
    assert _audit(keeper).filter(action="update").latest("id") == line  # unchanged: no line
    services.set_user_warehouses(user=boss, target=keeper, warehouses=None)
    assert set(selectors.warehouses_for(keeper)) == {a, b, c}
    services.set_user_warehouses(user=boss, target=keeper, warehouses=[])
    assert list(selectors.warehouses_for(keeper)) == []
