"""What one order-to-cash flow costs in SQL statements (issue 15's speed
figures rest on them): bounds per step, so a read that creeps back in per line or per
document fails here (the counter sale's bound: jxc/retail/tests/test_statements.py). A basket typed with its prices for a customer without a credit limit
and SKUs without a lowest price reads no price resolution, no settings and no receivables."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.core.documents import actions
from jxc.core.documents.lines import LineInput
from jxc.sales import deliveries, orders
from jxc.sales.tests.conftest import make_sku

pytestmark = pytest.mark.django_db
D = Decimal

# statements per step of a 3-line flow (the same for 5 lines: nothing is read per line)
BOUNDS = {"create": 12, "submit": 10, "approve": 20, "deliver": 14, "post": 40}


@pytest.fixture
def shop(owner):
    from django.utils import timezone

    from jxc.catalog import services as catalog
    from jxc.core.documents.models import SourceRef
    from jxc.inventory.choices import MoveReason
    from jxc.inventory.ledger.types import StockLine
    from jxc.inventory.services import create_warehouse, record_moves
    from jxc.partners.services import create_customer

    unit = catalog.create_unit(user=owner, name="个")
    box = catalog.create_unit(user=owner, name="箱")
    skus = [make_sku(owner, f"S{i}", unit, box, retail="9", wholesale="8") for i in range(3)]
    wh = create_warehouse(user=owner, code="WH1", name="总仓", kind="store")
    day = timezone.localdate()
    record_moves(
        [
            StockLine(sku=s, warehouse=wh, qty=D(100), reason=MoveReason.OPENING,
                      date=day, unit_cost=D("3.25"))
            for s in skus
        ],
        source=SourceRef(kind="test_opening", id=1, number="OPEN"),
        user=owner,
    )  # fmt: skip
    customer = create_customer(user=owner, code="KH1", name="客户一")
    return owner, skus, wh, customer, day


def _counted(fn):
    with CaptureQueriesContext(connection) as q:
        out = fn()
    return out, len(q.captured_queries)


def test_order_to_delivery_statements_per_step_are_bounded(shop):
    user, skus, wh, customer, day = shop
    lines = [LineInput(sku=s.pk, qty=D(2), price=D("7.50")) for s in skus]

    def flow() -> dict[str, int]:
        counts = {}
        o, counts["create"] = _counted(
            lambda: orders.create_sales_order(
                user=user, customer=customer, warehouse=wh, date=day, lines=lines
            )
        )
        o, counts["submit"] = _counted(lambda: orders.submit_sales_order(o, user=user))
        o, counts["approve"] = _counted(lambda: orders.approve_sales_order(o, user=user))
        d, counts["deliver"] = _counted(lambda: deliveries.deliver_orders([o], user=user, date=day))
        d = actions.approve(actions.submit(d, user=user), user=user)
        d, counts["post"] = _counted(lambda: deliveries.post_sales_delivery(d, user=user))
        assert d.status == "posted"
        o.refresh_from_db()
        assert o.status == "done"
        return counts

    flow()  # first use: settings and balance rows made, statements prepared
    counts = flow()
    over = {k: (n, BOUNDS[k]) for k, n in counts.items() if n > BOUNDS[k]}
    assert not over, f"statements (counted, bound) per step: {over}; all: {counts}"
