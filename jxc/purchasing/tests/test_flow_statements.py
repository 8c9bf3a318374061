"""The purchase flow's round trips (issue 14 benchmark): each step in a bounded number of SQL
statements whatever the number of lines — the draft written whole (its amounts computed
before the INSERTs), the order lines read once, settlement written set-based. Counted with
Django's CaptureQueriesContext (BEGIN, SAVEPOINT and COMMIT included)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.core.documents import actions, pricing
from jxc.core.documents.lines import LineInput
from jxc.finance import payments
from jxc.finance.checks import party_ledger_problems
from jxc.finance.models import OpenItem, Settlement
from jxc.purchasing import receipts, services
from jxc.purchasing.tests.conftest import DAY

pytestmark = pytest.mark.django_db
D = Decimal


def _lines(shop, n):
    skus = [shop.cola.pk, shop.tea.pk]
    return [
        LineInput(sku=skus[i % 2], qty=D(i + 1), price=D("2.35") + i, unit=shop.unit.pk)
        for i in range(n)
    ]


def _statements(fn):
    with CaptureQueriesContext(connection) as found:
        result = fn()
    return result, len(found.captured_queries)


def _flow(shop, account, n):
    """Order → approve → receive → post → pay; the statements of each step."""
    counts = {}
    po, counts["order"] = _statements(
        lambda: services.create_purchase_order(
            user=shop.user,
            supplier=shop.supplier,
            warehouse=shop.warehouse,
            date=DAY,
            lines=_lines(shop, n),
        )
    )
    po = services.approve_purchase_order(actions.submit(po, user=shop.user), user=shop.user)
    receipt, counts["receive"] = _statements(
        lambda: receipts.receive_orders([po], user=shop.user, date=DAY)
    )
    receipt = actions.approve(actions.submit(receipt, user=shop.user), user=shop.user)
    receipt, counts["post"] = _statements(
        lambda: receipts.post_purchase_receipt(receipt, user=shop.user)
    )
    _pay, counts["payment"] = _statements(
        lambda: payments.record_supplier_payment(
            user=shop.user,
            supplier=shop.supplier,
            account=account,
            amount=receipt.total_amount,
            date=DAY,
        )
    )
    return po, receipt, counts


@pytest.fixture
def account(shop):
    from jxc.finance.services import create_account

    return create_account(user=shop.user, code="YH1", name="工行", kind="bank")


def test_each_step_of_the_flow_takes_a_bounded_number_of_statements(shop, account):
    _flow(shop, account, 2)  # the first flow creates the balance rows of SKUs and supplier
    _po, _r, counts = _flow(shop, account, 2)
    # before: order 19, receive 20, post 38, payment 29 — amounts written after the INSERTs,
    # order lines, company and SKU facts read twice, a savepoint per party-ledger call, three
    # statements per settled pair
    assert counts["order"] <= 14, counts
    assert counts["receive"] <= 12, counts
    assert counts["post"] <= 32, counts
    assert counts["payment"] <= 24, counts


def test_the_statements_do_not_grow_with_the_lines(shop, account):
    _flow(shop, account, 2)
    _po, _r, two = _flow(shop, account, 2)
    _po, _r, six = _flow(shop, account, 6)
    assert six == two


def test_a_draft_written_whole_holds_the_amounts_of_its_lines(shop, account):
    po, receipt, _counts = _flow(shop, account, 3)
    for x in po.lines.order_by("line_no"):
        a = pricing.line_amounts(
            qty=x.qty,
            price=x.price,
            tax_rate=x.tax_rate,
            discount_rate=x.discount_rate,
            includes_tax=po.prices_include_tax,
            factor=x.factor,
        )
        assert (x.net_amount, x.tax_amount, x.gross_amount, x.unit_cost) == (
            a.net,
            a.tax,
            a.gross,
            a.unit_cost,
        )
    po.refresh_from_db()
    assert po.status == "done"
    assert po.total_amount == sum(x.gross_amount for x in po.lines.all())
    receipt.refresh_from_db()
    assert receipt.total_amount == po.total_amount
    assert [x.unit_cost for x in receipt.lines.order_by("line_no")] == [
        x.unit_cost for x in po.lines.order_by("line_no")
    ]
    # the payment met the receipt exactly: nothing open, the books tie
    assert not OpenItem.objects.filter(supplier=shop.supplier, is_open=True).exists()
    assert Settlement.objects.filter(supplier=shop.supplier).count() == 1
    assert party_ledger_problems() == []
