"""采购订单 services: drafts with prices from the price list or the last price, amounts with
VAT, 审核 → 在途, 反审核 while nothing is received, 强制结单 releases the rest; every guard."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.core.documents.lines import LineInput
from jxc.core.errors import (
    InvalidTransition,
    OrderPartlyReceived,
    PermissionDenied,
    ValidationFailed,
)
from jxc.inventory.models import StockBalance
from jxc.purchasing import services
from jxc.purchasing.models import LastPurchasePrice, PurchaseOrder, PurchaseOrderLine
from jxc.purchasing.tests.conftest import DAY

pytestmark = pytest.mark.django_db
D = Decimal


def _order(shop, lines, **header):
    return services.create_purchase_order(
        user=shop.user,
        supplier=header.pop("supplier", shop.supplier),
        warehouse=header.pop("warehouse", shop.warehouse),
        date=header.pop("date", DAY),
        lines=lines,
        **header,
    )


def _on_order(shop, sku):
    b = StockBalance.objects.filter(sku=sku, warehouse=shop.warehouse).first()
    return b.on_order if b else D(0)


def test_draft_amounts_tax_exclusive_mixed_rates(shop):
    po = _order(
        shop,
        [
            LineInput(sku=shop.cola.pk, qty=D(10), price=D("2.50"), tax_rate=D(13)),
            LineInput(
                sku=shop.tea.pk,
                qty=D(2),
                unit=shop.box.pk,
                price=D("60"),
                tax_rate=D(9),
                discount_rate=D(5),
                promised_date=DAY + dt.timedelta(days=7),
            ),
        ],
        prices_include_tax=False,
    )
    assert po.number.startswith("CGDD") and po.status == "draft"
    a, b = po.lines.order_by("line_no")
    assert (a.net_amount, a.tax_amount, a.gross_amount) == (D("25.00"), D("3.25"), D("28.25"))
    assert (b.base_qty, b.net_amount, b.tax_amount) == (D(24), D("114.00"), D("10.26"))
    assert b.unit_cost == D("4.75") and b.promised_date == DAY + dt.timedelta(days=7)
    assert (po.net_amount, po.tax_amount, po.total_amount) == (D("139.00"), D("13.51"), D("152.51"))


def test_prices_default_to_the_company_setting_and_rate(shop):
    po = _order(shop, [LineInput(sku=shop.cola.pk, qty=D(1), price=D("11.30"))])
    line = po.lines.get()
    assert po.prices_include_tax is True and line.tax_rate == D(13)
    assert (line.net_amount, line.tax_amount) == (D("10.00"), D("1.30"))


def test_price_comes_from_the_price_list_then_the_last_price(shop):
    services.create_supplier_price(
        user=shop.user,
        supplier=shop.supplier,
        sku=shop.cola,
        unit=shop.unit,
        price=D("2.26"),
        includes_tax=True,
        tax_rate=D(13),
        valid_from=DAY,
    )
    po = _order(shop, [LineInput(sku=shop.cola.pk, qty=D(1))], prices_include_tax=False)
    assert po.lines.get().price == D("2")  # 含税 2.26 as 不含税
    # no price list for tea in boxes: nothing to propose
    with pytest.raises(ValidationFailed) as exc:
        _order(shop, [LineInput(sku=shop.tea.pk, qty=D(1), unit=shop.box.pk)])
    assert "lines.0.price" in exc.value.errors
    po2 = _order(shop, [LineInput(sku=shop.tea.pk, qty=D(1), unit=shop.box.pk, price=D("50"))])
    services.approve_purchase_order(_submitted(po2, shop), user=shop.user)
    last = LastPurchasePrice.objects.get(supplier=shop.supplier, sku=shop.tea)
    assert (last.price, last.unit_id, last.source_number) == (D(50), shop.box.pk, po2.number)
    po3 = _order(shop, [LineInput(sku=shop.tea.pk, qty=D(1), unit=shop.box.pk)])
    assert po3.lines.get().price == D(50)


def test_a_price_from_the_list_turned_to_the_other_tax_mode_is_kept_exact(shop):
    """含税 11.31 from the price list on a 不含税 order is 10.0088… (not a price anyone typed):
    the order takes it whole — no "at most 2 decimal places" on an empty price — and the line
    comes to the list's 含税 amount; a typed price keeps the company's 2 places."""
    services.create_supplier_price(
        user=shop.user,
        supplier=shop.supplier,
        sku=shop.cola,
        unit=shop.unit,
        price=D("11.31"),
        includes_tax=True,
        tax_rate=D(13),
        valid_from=DAY,
    )
    po = _order(shop, [LineInput(sku=shop.cola.pk, qty=D(100))], prices_include_tax=False)
    line = po.lines.get()
    assert line.price == D("10.0088495575") and line.gross_amount == D("1131.00")
    with pytest.raises(ValidationFailed) as exc:
        _order(
            shop,
            [LineInput(sku=shop.cola.pk, qty=D(1), price=D("10.009"))],
            prices_include_tax=False,
        )
    assert "lines.0.price" in exc.value.errors


def test_a_list_price_has_at_most_the_company_price_decimals(shop):
    with pytest.raises(ValidationFailed) as exc:
        services.create_supplier_price(
            user=shop.user,
            supplier=shop.supplier,
            sku=shop.cola,
            unit=shop.unit,
            price=D("2.125"),
            valid_from=DAY,
        )
    assert "price" in exc.value.errors


@pytest.mark.parametrize(
    "line, field",
    [
        (dict(qty=D(0), price=D(1)), "qty"),
        (dict(qty=D(1), price=D(0)), "price"),
        (dict(qty=D(1), price=D(-1)), "price"),
        (dict(qty=D(1), price=D(1), tax_rate=D(101)), "tax_rate"),
        (dict(qty=D(1), price=D(1), discount_rate=D(100)), "discount_rate"),
        (dict(qty=D(1), price=D(1), unit=-1), "unit"),
    ],
)
def test_bad_lines_refused_nothing_written(shop, line, field):
    if line.get("unit") == -1:
        from jxc.catalog import services as catalog

        line["unit"] = catalog.create_unit(user=shop.user, name="吨").pk
    with pytest.raises(ValidationFailed) as exc:
        _order(shop, [LineInput(sku=shop.cola.pk, **line)])
    assert f"lines.0.{field}" in exc.value.errors
    assert not PurchaseOrder.objects.exists()


def test_inactive_supplier_and_sku_refused(shop):
    from jxc.catalog.models import Sku

    shop.supplier.is_active = False
    shop.supplier.save()
    Sku.objects.filter(pk=shop.tea.pk).update(is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        _order(shop, [LineInput(sku=shop.tea.pk, qty=D(1), price=D(1))])
    assert {"supplier", "lines.0.sku"} <= exc.value.errors.keys()


def test_user_without_the_warehouse_refused(shop, user_factory):
    from jxc.inventory.services import set_user_warehouses

    buyer = user_factory(roles=["purchaser"])
    set_user_warehouses(user=shop.user, target=buyer, warehouses=[])
    with pytest.raises(PermissionDenied):
        services.create_purchase_order(
            user=buyer,
            supplier=shop.supplier,
            warehouse=shop.warehouse,
            date=DAY,
            lines=[LineInput(sku=shop.cola.pk, qty=D(1), price=D(1))],
        )
    assert not PurchaseOrder.objects.exists()


def _submitted(po, shop):
    from jxc.core.documents import actions

    return actions.submit(po, user=shop.user)


def test_approve_puts_the_open_quantity_on_order_unapprove_takes_it_off(shop):
    po = _order(
        shop,
        [
            LineInput(sku=shop.cola.pk, qty=D(2), unit=shop.box.pk, price=D(30)),
            LineInput(sku=shop.cola.pk, qty=D(6), price=D(3)),
        ],
    )
    po = services.approve_purchase_order(_submitted(po, shop), user=shop.user)
    assert po.status == "approved" and _on_order(shop, shop.cola) == D(30)
    po = services.unapprove_purchase_order(po, user=shop.user)
    assert po.status == "submitted" and _on_order(shop, shop.cola) == 0
    with pytest.raises(InvalidTransition):
        services.close_purchase_order(po, user=shop.user, reason="x")


def test_unapprove_refused_once_something_is_received(shop):
    po = _order(shop, [LineInput(sku=shop.cola.pk, qty=D(5), price=D(3))])
    po = services.approve_purchase_order(_submitted(po, shop), user=shop.user)
    PurchaseOrderLine.objects.filter(document=po).update(received_qty=D(2))
    with pytest.raises(OrderPartlyReceived) as exc:
        services.unapprove_purchase_order(po, user=shop.user)
    assert exc.value.code == "order_partly_received"
    assert PurchaseOrder.objects.get(pk=po.pk).status == "approved"
    assert _on_order(shop, shop.cola) == D(5)


def test_force_close_releases_what_is_still_open(shop):
    po = _order(shop, [LineInput(sku=shop.cola.pk, qty=D(5), price=D(3))])
    po = services.approve_purchase_order(_submitted(po, shop), user=shop.user)
    # as a receipt of 2 would leave it: 3 open, 3 on order
    PurchaseOrderLine.objects.filter(document=po).update(received_qty=D(2))
    from jxc.inventory.services import record_on_order

    record_on_order(sku=shop.cola, warehouse=shop.warehouse, qty=D(-2))
    with pytest.raises(ValidationFailed):
        services.close_purchase_order(po, user=shop.user, reason=" ")
    po = services.close_purchase_order(po, user=shop.user, reason="供应商缺货")
    assert po.status == "closed" and po.status_reason == "供应商缺货"
    assert _on_order(shop, shop.cola) == 0


def test_update_recomputes_amounts(shop):
    po = _order(shop, [LineInput(sku=shop.cola.pk, qty=D(1), price=D("11.30"))])
    po = services.update_purchase_order(po, user=shop.user, prices_include_tax=False)
    assert po.total_amount == D("12.77")
    po = services.update_purchase_order(
        po, user=shop.user, lines=[LineInput(sku=shop.tea.pk, qty=D(2), price=D(1), tax_rate=D(0))]
    )
    assert (po.net_amount, po.tax_amount, po.total_amount) == (D(2), D(0), D(2))
