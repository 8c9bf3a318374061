"""采购申请: from the 低于安全库存 alert (max − projected, rounded up to the MOQ / pack of the
cheapest supplier, what is on order counted), approval by an [Approvals] rule, 生成采购订单
split by chosen supplier; bad input refused."""

from decimal import Decimal

import pytest

from jxc.core.documents import actions
from jxc.core.documents.lines import LineInput
from jxc.core.errors import InvalidTransition, ValidationFailed
from jxc.inventory.services import set_stock_limit
from jxc.purchasing import requisitions, rules, services
from jxc.purchasing.errors import NothingToOrder, SupplierMissing
from jxc.purchasing.models import PurchaseOrder, PurchaseRequisition
from jxc.purchasing.tests.conftest import DAY
from jxc.purchasing.tests.helpers import approved_order

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.mark.parametrize(
    ("target", "projected", "factor", "moq", "pack", "qty"),
    [
        (D(100), D(30), D(1), D(0), D(0), D(70)),
        (D(100), D(30), D(12), D(0), D(0), D(6)),  # 70 个 = 5.83 箱 → 6 箱
        (D(100), D(95), D(1), D(20), D(0), D(20)),  # the MOQ
        (D(100), D(30), D(1), D(0), D(24), D(72)),  # whole packs of 24
        (D(100), D(120), D(1), D(10), D(10), D(0)),  # on order already covers it
    ],
)
def test_suggested_quantity(target, projected, factor, moq, pack, qty):
    assert (
        rules.suggested_quantity(
            target=target, projected=projected, factor=factor, moq=moq, pack=pack
        )
        == qty
    )


@pytest.fixture
def second(shop):
    from jxc.partners.services import create_supplier

    return create_supplier(user=shop.user, code="GYS2", name="供应商二")


def test_alert_to_requisition_to_orders_split_by_supplier(shop, second):
    set_stock_limit(
        user=shop.user, sku=shop.cola, warehouse=shop.warehouse, min_qty=D(20), max_qty=D(100)
    )
    set_stock_limit(
        user=shop.user, sku=shop.tea, warehouse=shop.warehouse, min_qty=D(10), max_qty=D(30)
    )
    # COLA: second is cheaper per 个 (箱 of 12 at 10.80 含税 vs 1.13 a 个), MOQ 2 箱, packs of 3 箱
    services.create_supplier_price(
        user=shop.user,
        supplier=shop.supplier,
        sku=shop.cola,
        unit=shop.unit,
        price=D("1.13"),
        valid_from=DAY,
    )
    services.create_supplier_price(
        user=shop.user,
        supplier=second,
        sku=shop.cola,
        unit=shop.box,
        price=D("10.80"),
        moq=D(2),
        pack_multiple=D(3),
        valid_from=DAY,
    )
    services.create_supplier_price(user=shop.user, supplier=shop.supplier, sku=shop.tea, unit=shop.unit, price=D(2), moq=D(50), valid_from=DAY)  # fmt: skip
    # 12 TEA already on order: 30 − 12 = 18, the MOQ makes it 50
    approved_order(shop, [LineInput(sku=shop.tea.pk, qty=D(12), price=D(2))])
    (req,) = requisitions.requisitions_from_alerts(user=shop.user, date=DAY)
    cola, tea = req.lines.order_by("line_no")
    # COLA 100 − 0 = 100 个 = 8.33 箱 → 9 箱 (3 packs of 3)
    assert (cola.qty, cola.unit_id, cola.supplier_id) == (D(9), shop.box.pk, second.pk)
    assert (tea.qty, tea.unit_id, tea.supplier_id) == (D(50), shop.unit.pk, shop.supplier.pk)
    # approval by a rule over ¥50: the requisition's amount is priced at the quotes
    from jxc.approvals import configuration
    from jxc.core.models import Role

    configuration.save_rule(
        user=shop.user,
        fields={"name": "申请", "doc_type": "purchase_requisition", "amount_over": D(50)},
        steps=[{"role": Role.objects.get(code="owner"), "users": [], "mode": "any"}],
    )
    assert requisitions.requisition_amount(req) == D("197.20")  # 9 × 10.80 + 50 × 2
    req = actions.submit(req, user=shop.user)
    with pytest.raises(InvalidTransition):  # not approved yet
        requisitions.make_orders(req, user=shop.user)
    req = actions.approve(req, user=shop.user)
    assert req.status == "approved"
    with pytest.raises(ValidationFailed) as exc:  # second has no price for TEA
        requisitions.make_orders(req, user=shop.user, suppliers={tea.pk: second.pk}, date=DAY)
    assert (
        "lines.1.supplier" in exc.value.errors
        and not PurchaseOrder.objects.filter(memo__contains=req.number).exists()
    )
    orders = requisitions.make_orders(req, user=shop.user, date=DAY)
    assert [o.supplier_id for o in orders] == sorted([second.pk, shop.supplier.pk])
    by = {o.supplier_id: o for o in orders}
    assert [(x.sku_id, x.qty) for x in by[second.pk].lines.all()] == [(shop.cola.pk, D(9))]
    assert by[second.pk].lines.get().price == D("10.80")  # from the price list
    assert [(x.sku_id, x.qty) for x in by[shop.supplier.pk].lines.all()] == [(shop.tea.pk, D(50))]
    req.refresh_from_db()
    assert req.status == "done"
    with pytest.raises(InvalidTransition):
        requisitions.make_orders(req, user=shop.user)


def test_orders_per_supplier_and_a_missing_supplier_refused(shop, second):
    for who in (shop.supplier, second):
        for sku in (shop.cola, shop.tea):
            services.create_supplier_price(
                user=shop.user, supplier=who, sku=sku, unit=shop.unit, price=D(1), valid_from=DAY
            )
    req = requisitions.create_requisition(
        user=shop.user, warehouse=shop.warehouse, date=DAY,
        lines=[LineInput(sku=shop.cola.pk, qty=D(3)), LineInput(sku=shop.tea.pk, qty=D(2))],
    )  # fmt: skip
    req = actions.approve(actions.submit(req, user=shop.user), user=shop.user)
    cola, tea = req.lines.order_by("line_no")
    with pytest.raises(SupplierMissing) as exc:
        requisitions.make_orders(req, user=shop.user, suppliers={cola.pk: shop.supplier.pk})
    assert exc.value.code == "supplier_missing" and "lines.1.supplier" in exc.value.errors
    assert not PurchaseOrder.objects.exists()
    orders = requisitions.make_orders(
        req, user=shop.user, suppliers={cola.pk: shop.supplier.pk, tea.pk: second.pk}, date=DAY
    )
    assert {o.supplier_id for o in orders} == {shop.supplier.pk, second.pk}
    assert requisitions.orders_of(req) == sorted(o.number for o in orders)


def test_bad_requisitions_refused(shop):
    with pytest.raises(ValidationFailed) as exc:
        requisitions.create_requisition(
            user=shop.user, warehouse=shop.warehouse, date=DAY, needed_by=DAY.replace(day=1),
            lines=[LineInput(sku=shop.cola.pk, qty=D(0))],
        )  # fmt: skip
    assert {"needed_by", "lines.0.qty"} <= set(exc.value.errors)
    assert not PurchaseRequisition.objects.exists()
    assert requisitions.requisitions_from_alerts(user=shop.user, date=DAY) == []
    _ = NothingToOrder
