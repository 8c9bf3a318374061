"""The 库存预警 lists' statements (jxc/reports/alerts.py): the limit lists read each limit's
balance by one join on the balance's key, not a sub-select per limit and column, and the lists
take the SKU's product and unit by prefetch, not in their join. A PostgreSQL that believes the
tables empty (statistics taken while they were) nested its loops over products × SKUs × limits
and ran the sub-selects once per combination: the alert scan ran minutes on the demo's data
(jxc/cli/tests/test_demo_alert_scan.py loads it). The rows stay what they were."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.inventory import services as inventory
from jxc.reports import alerts

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def limits(kit, owner):
    """ZC: A 10 on hand (minimum 20), B none on hand (minimum 5, no balance row in ZC), C 8 on
    hand (maximum 5); EC: A 4 on hand (minimum 3: not short)."""
    a, b, c = kit.sku("A", price="1"), kit.sku("B", price="1"), kit.sku("C", price="1")
    zc, ec = kit.warehouse("ZC"), kit.warehouse("EC")
    kit.receive(a, zc, "10", "2", day=2)
    kit.receive(c, zc, "8", "2", day=2)
    kit.receive(a, ec, "4", "2", day=2)
    for sku, wh, low, high in ((a, zc, "20", None), (b, zc, "5", None), (c, zc, None, "5")):
        inventory.set_stock_limit(
            user=owner,
            sku=sku,
            warehouse=wh,
            min_qty=D(low) if low else None,
            max_qty=D(high) if high else None,
        )
    inventory.set_stock_limit(user=owner, sku=a, warehouse=ec, min_qty=D("3"), max_qty=None)
    return zc


def test_limit_lists_read_the_balance_by_one_join_not_a_sub_select_per_limit(limits, owner):
    low = alerts.below_min(user=owner)
    high = alerts.above_max(user=owner)
    for qs in (low, high):
        assert str(qs.query).upper().count("SELECT") == 1, str(qs.query)
    assert [(x.sku.code, x.on_hand, x.shortage) for x in low] == [
        ("A", D("10"), D("10")),
        ("B", D("0"), D("5")),  # no balance row: 0 on hand, as before
    ]
    assert [(x.sku.code, x.on_hand, x.excess) for x in high] == [("C", D("8"), D("3"))]
    assert (low.count(), high.count()) == (2, 1)
    assert {x.sku.code for x in alerts.below_min(user=owner, warehouse=limits)} == {"A", "B"}


def test_alert_lists_leave_the_skus_product_and_unit_out_of_their_join(limits, owner):
    lists = {
        "below_min": alerts.below_min(user=owner),
        "above_max": alerts.above_max(user=owner),
        "no_movement": alerts.no_movement(user=owner, days=0),
    }
    for name, qs in lists.items():
        sql = str(qs.query)
        assert "catalog_product" not in sql and "catalog_unit" not in sql, name
        with CaptureQueriesContext(connection) as ctx:
            units = [x.sku.product.base_unit.name for x in qs]
        assert units, name
        # the warehouse scope, the list, its SKUs' products, their units: whatever the rows
        assert len(ctx.captured_queries) <= 4, (name, [q["sql"] for q in ctx.captured_queries])
