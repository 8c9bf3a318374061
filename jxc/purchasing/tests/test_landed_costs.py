"""费用分摊单: a charge spread over receipt lines by value, quantity or weight (shares to the
分 adding up), raising their cost; issues made since are re-costed by the ledger and the books
tie; the charge is a payable to its own supplier."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jxc.core.documents.lines import LineInput
from jxc.core.errors import ValidationFailed
from jxc.finance.checks import party_ledger_problems
from jxc.finance.models import PartyBalance
from jxc.inventory.choices import MoveReason
from jxc.inventory.models import StockBalance, StockMove
from jxc.inventory.testing import assert_ledger_consistent
from jxc.purchasing import landed_costs, rules
from jxc.purchasing.models import LandedCost
from jxc.purchasing.tests.conftest import DAY
from jxc.purchasing.tests.helpers import approved_order, post_doc, posted_receipt

pytestmark = pytest.mark.django_db
D = Decimal


@given(
    amount=st.integers(min_value=0, max_value=10**9).map(lambda c: D(c).scaleb(-2)),
    bases=st.lists(st.integers(min_value=0, max_value=10**6).map(D), min_size=1, max_size=12),
)
def test_shares_add_up_to_the_charge_to_the_cent(amount, bases):
    if sum(bases) == 0:
        with pytest.raises(ValueError):
            rules.allocate_charge(amount, bases)
        return
    shares = rules.allocate_charge(amount, bases)
    assert sum(shares) == amount and all(s >= 0 for s in shares)
    total = sum(bases)
    for s, b in zip(shares, bases, strict=True):
        assert abs(s - amount * b / total) < D("0.01")


@pytest.fixture
def freight(shop):
    from jxc.partners.services import create_supplier

    return create_supplier(user=shop.user, code="WL1", name="顺丰物流", payment_terms_days=15)


def _receipt(shop):
    po = approved_order(
        shop,
        [
            LineInput(sku=shop.cola.pk, qty=D(10), price=D(1), tax_rate=D(0)),
            LineInput(sku=shop.tea.pk, qty=D(10), price=D(3), tax_rate=D(0)),
        ],
    )
    return posted_receipt(shop, po)


def _landed(shop, receipt, freight, **header):
    header = {"amount": D("8.00"), "tax_amount": D("0.72"), "method": "value", **header}
    return landed_costs.allocate_to_receipts(
        [receipt], user=shop.user, supplier=freight, date=DAY + dt.timedelta(days=5), **header
    )


def _pool(shop, sku):
    return StockBalance.objects.get(sku=sku, warehouse=shop.warehouse)


def test_landed_cost_after_issues_recosts_the_issue_and_the_books_tie(shop, freight):
    """10 COLA at 1.00 and 10 TEA at 3.00 received; 4 COLA issued; then 8.00 freight by
    value: COLA gets 2.00 (avg 1.20), TEA 6.00 (avg 3.60); the issue is re-costed to 4.80."""
    from jxc.inventory.testing import LedgerKit

    receipt = _receipt(shop)
    kit = LedgerKit(user=shop.user)
    issue = kit.post(
        [
            kit.line(
                shop.cola, shop.warehouse, D(-4), MoveReason.OTHER_ISSUE, DAY + dt.timedelta(days=1)
            )
        ]
    )[0]
    assert issue.value == D("-4.00")
    doc = _landed(shop, receipt, freight)
    assert [x.share for x in doc.lines.order_by("line_no")] == [D("2.00"), D("6.00")]
    doc = post_doc(shop, doc, landed_costs.post_landed_cost)
    issue.refresh_from_db()
    assert issue.value == D("-4.80")  # re-costed by the ledger
    assert (_pool(shop, shop.cola).value, _pool(shop, shop.tea).value) == (D("7.20"), D("36.00"))
    adjust = StockMove.objects.filter(source_kind="landed_cost").order_by("id")
    assert [m.date for m in adjust] == [DAY, DAY] and sum(m.value for m in adjust) == D(8)
    line = receipt.lines.order_by("line_no").first()
    line.refresh_from_db()
    assert line.landed_cost == D("2.00")
    # the charge is owed to the freight company, due after its terms
    assert PartyBalance.objects.get(supplier=freight).balance == D("8.72")
    assert doc.due_date == DAY + dt.timedelta(days=20)
    assert_ledger_consistent()
    assert party_ledger_problems() == []


def test_by_quantity_and_by_weight(shop, freight):
    from jxc.catalog.models import Sku

    receipt = _receipt(shop)
    doc = _landed(shop, receipt, freight, method="quantity", amount=D("5.00"), tax_amount=D(0))
    assert [x.share for x in doc.lines.order_by("line_no")] == [D("2.50"), D("2.50")]
    doc = landed_costs.update_landed_cost(doc, user=shop.user, method="weight")
    with pytest.raises(ValidationFailed) as exc:  # no weights yet: nothing to spread by
        landed_costs.submit_landed_cost(doc, user=shop.user)
    assert "method" in exc.value.errors and "COLA" in exc.value.errors["method"][0]
    Sku.objects.filter(pk=shop.cola.pk).update(weight=D("0.5"))
    Sku.objects.filter(pk=shop.tea.pk).update(weight=D("2"))
    doc = landed_costs.update_landed_cost(doc, user=shop.user, method="weight")
    assert [x.share for x in doc.lines.order_by("line_no")] == [D("1.00"), D("4.00")]
    post_doc(shop, doc, landed_costs.post_landed_cost)
    assert _pool(shop, shop.tea).value == D("34.00")
    assert_ledger_consistent()


def test_bad_landed_costs_refused_nothing_written(shop, freight):
    po = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(2), price=D(1))])
    from jxc.purchasing import receipts

    draft = receipts.receive_orders([po], user=shop.user, date=DAY)
    with pytest.raises(ValidationFailed) as exc:  # a receipt not posted
        _landed(shop, draft, freight)
    assert "lines.0.source_line" in exc.value.errors
    receipt = posted_receipt(shop, po)
    with pytest.raises(ValidationFailed) as exc:
        _landed(shop, receipt, freight, amount=D(-1))
    assert "amount" in exc.value.errors
    freight.is_active = False
    freight.save()
    with pytest.raises(ValidationFailed) as exc:
        _landed(shop, receipt, freight)
    assert "supplier" in exc.value.errors
    assert not LandedCost.objects.exists()
