"""红冲 of a posted 采购退货单 and 费用分摊单, by the platform's reversal (the opposite stock moves,
linked to the originals): the goods and the value come back, the receipt lines are as before,
the payable is restored (the party ledger's 红冲 when nothing of it was settled, else an
opposite entry of the document), the document reads 已红冲; twice is refused; the books tie."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.documents.lines import LineInput
from jxc.core.errors import InvalidTransition, ValidationFailed
from jxc.finance.checks import party_ledger_problems
from jxc.finance.models import OpenItem, PartyBalance, PartyLedgerEntry
from jxc.inventory.models import StockBalance, StockMove
from jxc.inventory.testing import assert_ledger_consistent
from jxc.purchasing import landed_costs, returns, reversals
from jxc.purchasing.tests.conftest import DAY
from jxc.purchasing.tests.helpers import approved_order, post_doc, posted_receipt

pytestmark = pytest.mark.django_db
LATER = DAY + dt.timedelta(days=3)


def _balance(shop):
    return StockBalance.objects.get(sku=shop.cola, warehouse=shop.warehouse)


def _receipt(shop):
    po = approved_order(
        shop, [LineInput(sku=shop.cola.pk, qty=D(3), price=D("1.13"), tax_rate=D(13))],
        prices_include_tax=True,
    )  # fmt: skip
    return posted_receipt(shop, po)  # 3 at 1.00 net, 3.39 payable


def test_reversing_a_linked_return_restores_stock_receipt_line_and_payable(shop):
    receipt = _receipt(shop)
    line = receipt.lines.get()
    draft = returns.create_purchase_return(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=DAY,
        lines=[LineInput(sku=shop.cola.pk, qty=D(1), source_line=line.pk)],
    )  # fmt: skip
    back = post_doc(shop, draft, returns.post_purchase_return)
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == D("2.26")
    with pytest.raises(ValidationFailed):  # a reason is required
        reversals.reverse_purchase_return(back, user=shop.user, reason="")
    with pytest.raises(ValidationFailed) as err:  # never before the return's moves
        reversals.reverse_purchase_return(
            back, user=shop.user, reason="退错了", date=DAY - dt.timedelta(days=1)
        )
    assert "date" in err.value.errors
    done = reversals.reverse_purchase_return(back, user=shop.user, reason="退错了", date=LATER)
    assert (done.status, done.status_reason) == ("reversed", "退错了")
    b = _balance(shop)
    assert (b.on_hand, b.value) == (D(3), D("3.00"))
    original, counter = StockMove.objects.filter(source_kind="purchase_return").order_by("id")
    assert (counter.reverses_id, counter.qty, counter.value, counter.date) == (
        original.pk, D(1), D("1.00"), LATER
    )  # fmt: skip
    line.refresh_from_db()
    assert line.returned_qty == 0
    # the credit had met the receipt: the reversal owes the supplier again, as its own entry
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == D("3.39")
    entries = PartyLedgerEntry.objects.filter(source_kind="purchase_return").order_by("id")
    assert [e.amount for e in entries] == [D("-1.13"), D("1.13")]
    assert OpenItem.objects.get(pk=entries[1].pk).open_amount == D("1.13")
    with pytest.raises(InvalidTransition):
        reversals.reverse_purchase_return(done, user=shop.user, reason="again")
    # the whole line can be returned again
    again = returns.create_purchase_return(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=LATER,
        lines=[LineInput(sku=shop.cola.pk, qty=D(3), source_line=line.pk)],
    )  # fmt: skip
    post_doc(shop, again, returns.post_purchase_return)
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == 0
    assert_ledger_consistent()
    assert party_ledger_problems() == []


def test_reversing_an_unlinked_return_with_an_unsettled_credit_uses_the_ledger_reversal(shop):
    """No payable to meet: the credit stays open, and the party ledger's own 红冲 takes it."""
    from jxc.inventory.choices import MoveReason
    from jxc.inventory.testing import LedgerKit

    kit = LedgerKit(user=shop.user)
    kit.post([kit.line(shop.cola, shop.warehouse, 5, MoveReason.OTHER_RECEIPT, DAY, unit_cost=2)])
    draft = returns.create_purchase_return(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=DAY,
        reason="质量问题", prices_include_tax=False,
        lines=[LineInput(sku=shop.cola.pk, qty=D(2), price=D(2), tax_rate=D(0))],
    )  # fmt: skip
    back = post_doc(shop, draft, returns.post_purchase_return)
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == D("-4.00")
    reversals.reverse_purchase_return(back, user=shop.user, reason="供应商不认")
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == 0
    original, counter = PartyLedgerEntry.objects.filter(source_kind="purchase_return").order_by(
        "id"
    )
    assert counter.reverses_id == original.pk
    assert not OpenItem.objects.filter(is_open=True).exists()
    assert (_balance(shop).on_hand, _balance(shop).value) == (D(5), D("10.00"))
    assert_ledger_consistent()
    assert party_ledger_problems() == []


@pytest.fixture
def freight(shop):
    from jxc.partners.services import create_supplier

    return create_supplier(user=shop.user, code="WL1", name="顺丰物流", payment_terms_days=15)


def test_reversing_a_landed_cost_takes_the_charge_out_of_cost_and_payable(shop, freight):
    receipt = _receipt(shop)
    doc = landed_costs.allocate_to_receipts(
        [receipt], user=shop.user, supplier=freight, date=DAY, amount=D("0.90"),
        tax_amount=D("0.09"), method="value",
    )  # fmt: skip
    doc = post_doc(shop, doc, landed_costs.post_landed_cost)
    assert (_balance(shop).on_hand, _balance(shop).value) == (D(3), D("3.90"))
    assert PartyBalance.objects.get(supplier=freight).balance == D("0.99")
    done = reversals.reverse_landed_cost(doc, user=shop.user, reason="运费算错", date=LATER)
    assert done.status == "reversed"
    assert (_balance(shop).on_hand, _balance(shop).value) == (D(3), D("3.00"))
    line = receipt.lines.get()
    assert line.landed_cost == 0
    assert PartyBalance.objects.get(supplier=freight).balance == 0
    assert not OpenItem.objects.filter(supplier=freight, is_open=True).exists()
    counter = StockMove.objects.filter(source_kind="landed_cost", reverses__isnull=False).get()
    assert (counter.value, counter.date) == (D("-0.90"), LATER)
    assert_ledger_consistent()
    assert party_ledger_problems() == []


def test_reversing_a_paid_landed_cost_leaves_the_supplier_owing_it_back(shop, freight):
    from jxc.finance.payments import record_supplier_payment
    from jxc.finance.services import create_account

    receipt = _receipt(shop)
    doc = landed_costs.allocate_to_receipts(
        [receipt], user=shop.user, supplier=freight, date=DAY, amount=D("0.90"),
        tax_amount=D("0.09"), method="value",
    )  # fmt: skip
    doc = post_doc(shop, doc, landed_costs.post_landed_cost)
    bank = create_account(user=shop.user, code="YH1", name="工商银行", kind="bank")
    record_supplier_payment(
        user=shop.user, supplier=freight, account=bank, amount=D("0.99"), date=DAY
    )
    assert PartyBalance.objects.get(supplier=freight).balance == 0
    reversals.reverse_landed_cost(doc, user=shop.user, reason="运费退回")
    assert PartyBalance.objects.get(supplier=freight).balance == D("-0.99")
    (open_credit,) = OpenItem.objects.filter(supplier=freight, is_open=True)
    assert open_credit.amount == D("-0.99")
    assert_ledger_consistent()
    assert party_ledger_problems() == []
