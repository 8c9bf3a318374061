"""What one counter sale (issue 15: ≤ 50 ms server time) costs in SQL statements: the
delivery created, submitted, approved and posted and two 收款单 settled against it, bounded
so a read that creeps back in per line or per payment fails here. The 收款单 are written as
one set (``payments.record_customer_payments``): a further payment method adds only its
audit lines (before: ~24 statements per payment)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.sales.tests.test_statements import shop  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal
COUNTER_SALE = {"sqlite": 70, "postgresql": 60}  # 3 scanned SKUs, two payments (were 97 / 80)


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
    bound = COUNTER_SALE[connection.vendor]
    assert n <= bound, f"{n} statements for a counter sale (bound {bound})"


def test_a_further_payment_method_adds_only_its_audit_lines(shop):  # noqa: F811
    from jxc.finance.services import create_account
    from jxc.retail.services import Paid, record_counter_sale

    user, skus, wh, _customer, _day = shop
    cash, wechat, alipay = (
        create_account(user=user, code=code, name=code, kind=kind)
        for code, kind in (("XJ", "cash"), ("WX", "wechat"), ("ZFB", "alipay"))
    )
    items = [(s.pk, D(1)) for s in skus]  # 3 × 9.00
    record_counter_sale(user=user, warehouse=wh, items=items, paid=[Paid(cash, D(27))])
    _sale, one = _counted(
        lambda: record_counter_sale(user=user, warehouse=wh, items=items, paid=[Paid(cash, D(27))])
    )
    three = [Paid(cash, D(20)), Paid(wechat, D(5)), Paid(alipay, D(2))]
    sale, n = _counted(
        lambda: record_counter_sale(user=user, warehouse=wh, items=items, paid=three)
    )
    assert len(sale.receipts) == 3
    # SQLite: 2 audit lines per further payment; PostgreSQL: in the same round trip
    per_payment = 0 if connection.vendor == "postgresql" else 2
    assert n - one <= 2 * per_payment, f"{n - one} statements for two more payments"
