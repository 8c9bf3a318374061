"""出库通知单: made from several approved orders, lines by bin and batch earliest expiry first;
picking confirmed by scanning, short picks recorded; the picked quantities become deliveries."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.inventory.models import LotBalance
from jxc.inventory.testing import assert_ledger_consistent
from jxc.sales import deliveries, orders, picking
from jxc.sales.errors import NotOnPickList

pytestmark = pytest.mark.django_db


def _approved_order(w, customer, *lines):
    o = orders.create_sales_order(
        user=w.user, customer=customer, warehouse=w.warehouse, date=w.today, lines=list(lines)
    )
    return orders.approve_sales_order(orders.submit_sales_order(o, user=w.user), user=w.user)


def test_pick_list_by_fefo_scanned_short_pick_and_delivered(world):
    from jxc.inventory.services import create_bin
    from jxc.partners.services import create_customer

    w = world
    shelf_a = create_bin(user=w.user, warehouse=w.warehouse, code="A1")
    shelf_b = create_bin(user=w.user, warehouse=w.warehouse, code="B1")
    w.receive(w.tea, 4, "2", batch="SOON", expiry=w.today + dt.timedelta(days=20), bin=shelf_b)
    w.receive(w.tea, 10, "2", batch="LATE", expiry=w.today + dt.timedelta(days=200), bin=shelf_a)
    other = create_customer(user=w.user, code="KH2", name="客户二")
    o1 = _approved_order(w, w.customer, LineInput(sku=w.tea.pk, qty=D(3)))
    o2 = _approved_order(w, other, LineInput(sku=w.tea.pk, qty=D(5)))
    pick = picking.create_pick_list([o1, o2], user=w.user)
    lines = [(x.batch_number, x.bin_id, x.qty) for x in pick.lines.order_by("line_no")]
    assert lines == [("SOON", shelf_b.pk, 3), ("SOON", shelf_b.pk, 1), ("LATE", shelf_a.pk, 4)]
    pick = approve(pick, user=w.user)
    barcode = w.tea.barcodes.first().code
    for _ in range(3):
        picking.scan_pick(pick, user=w.user, code=barcode)
    picking.scan_pick(pick, user=w.user, code=barcode, batch="SOON")
    picking.scan_pick(pick, user=w.user, code=barcode, qty=D(3))  # one short on LATE
    with pytest.raises(NotOnPickList) as e:
        picking.scan_pick(pick, user=w.user, code=barcode, qty=D(2))
    assert e.value.code == "not_on_pick_list"
    pick = picking.confirm_pick_list(pick, user=w.user)
    assert [x.short_qty for x in pick.lines.order_by("line_no")] == [0, 0, 1]
    made = picking.deliver_pick_list(pick, user=w.user)
    assert len(made) == 2
    for d in made:
        deliveries.post_sales_delivery(approve(submit(d, user=w.user), user=w.user), user=w.user)
    left = {
        x.batch.number: x.qty for x in LotBalance.objects.filter(sku=w.tea).select_related("batch")
    }
    assert left == {"SOON": 0, "LATE": 7}
    o2.refresh_from_db()
    assert o2.lines.get().delivered_qty == 4 and o2.lines.get().reserved_qty == 1
    assert_ledger_consistent()
