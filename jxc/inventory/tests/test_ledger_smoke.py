from decimal import Decimal as D

import pytest

from jxc.inventory.models import StockBalance
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def test_receive_issue(kit):
    sku = kit.sku("A")
    wh = kit.warehouse("ZC")
    kit.receive(sku, wh, "10", "12.5", day=1)
    kit.receive(sku, wh, "10", "13", day=2)
    mv = kit.issue(sku, wh, "5", day=3)
    assert mv.value == D("-63.75")
    b = StockBalance.objects.get(sku=sku, warehouse=wh)
    assert b.on_hand == 15 and b.value == D("191.25")
    # backdated receipt before the issue re-values it
    kit.receive(sku, wh, "10", "10", day=1)
    mv.refresh_from_db()
    assert mv.value == D("-59.17")
    assert_ledger_consistent()
