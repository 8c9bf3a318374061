"""What one counter sale (issue 15: ≤ 50 ms server time) costs in SQL statements: the
delivery created, submitted, approved and posted and two 收款单 settled against it, bounded
so a read that creeps back in per line or per payment fails here."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.sales.tests.test_statements import shop  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal
COUNTER_SALE = 108  # 3 scanned SKUs, two payments


def _counted(fn):
    with CaptureQueriesContext(connection) as q:
        out = fn()
    return out, len(q.captured_queries)


def test_counter_sale_statements_are_bounded(shop):  # noqa: F811
    from jxc.finance.services import create_account
    from jxc.retail.services import Paid, record_counter_sale

    user, skus, wh, _customer, _day = shop
    cash = create_account(user=user, code="XJ", name="现金", kind="cash")
    wechat = create_account(user=user, code="WX", name="微信", kind="wechat")
    items = [(s.pk, D(1)) for s in skus]
    paid = [Paid(cash, D(20)), Paid(wechat, D(7))]  # 3 × 9.00
    record_counter_sale(user=user, warehouse=wh, items=items, paid=paid)
    sale, n = _counted(lambda: record_counter_sale(user=user, warehouse=wh, items=items, paid=paid))
    assert sale.delivery.status == "posted" and sale.total == D(27)
    assert n <= COUNTER_SALE, f"{n} statements for a counter sale (bound {COUNTER_SALE})"
