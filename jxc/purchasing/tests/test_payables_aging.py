"""应付账龄 with 采购退货 and 预付: a credit of ours with a supplier (a return after the receipt
was paid, a prepayment) is never a negative age bucket. It is netted against the supplier's
open receipts the oldest due first; what no receipt takes stands apart as 未核销贷项; the
columns add up to the supplier's balance."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.core.documents.lines import LineInput
from jxc.finance import payments, rules, selectors
from jxc.finance.models import PartyBalance
from jxc.purchasing import returns
from jxc.purchasing.tests.conftest import DAY
from jxc.purchasing.tests.helpers import approved_order, post_doc, posted_receipt

pytestmark = pytest.mark.django_db
D = Decimal


def _balance(supplier):
    return PartyBalance.objects.get(side="payable", supplier=supplier).balance


def test_a_purchase_return_or_prepayment_is_netted_or_stands_apart(shop):
    from jxc.finance.services import create_account
    from jxc.partners.services import create_supplier

    bank = create_account(user=shop.user, code="YH1", name="工行", kind="bank")
    other = create_supplier(user=shop.user, code="GYS2", name="供应商二", payment_terms_days=30)

    def pay(supplier, amount, day):
        payments.record_supplier_payment(
            user=shop.user, supplier=supplier, account=bank, amount=D(amount), date=day
        )

    # GYS1: a receipt paid in full, then 2 of its 10 returned: the credit has nothing to meet
    receipt = posted_receipt(shop, approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(10),
                                                                   price=D("5"))]))  # fmt: skip
    pay(shop.supplier, receipt.total_amount, DAY + dt.timedelta(days=1))
    back = post_doc(
        shop,
        returns.create_purchase_return(
            user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse,
            date=DAY + dt.timedelta(days=2),
            lines=[LineInput(sku=shop.cola.pk, qty=D(2), source_line=receipt.lines.get().pk)],
        ),
        returns.post_purchase_return,
    )  # fmt: skip
    # GYS2: 20 paid in advance (预付), then a receipt the prepayment was not settled against
    pay(other, "20", DAY)
    later = posted_receipt(
        shop,
        approved_order(shop, [LineInput(sku=shop.tea.pk, qty=D(10), price=D("5"))],
                       supplier=other),
        date=DAY + dt.timedelta(days=1),
    )  # fmt: skip

    # 45 days on: GYS2's receipt (due in 30) is 14 days past due; the return and the
    # prepayment have no due date — before the rule they showed negative in 31–60
    as_of = DAY + dt.timedelta(days=45)
    aged = selectors.payables_aging(as_of=as_of)
    one = aged[shop.supplier.pk]
    assert all(v == 0 for v in one["buckets"].values())
    assert one["credit"] == -back.total_amount == one["total"] == _balance(shop.supplier)
    two = aged[other.pk]
    assert two["buckets"]["0-30"] == later.total_amount - 20 and two["credit"] == 0
    assert sum(two["buckets"].values()) == two["total"] == _balance(other)
    assert all(v >= 0 for a in aged.values() for v in a["buckets"].values())
    total = sum((a["total"] for a in aged.values()), D(0))
    assert total == selectors.book_total("payable")
    assert sum(a["credit"] for a in aged.values()) == -back.total_amount
    assert set(aged[other.pk]["buckets"]) == set(rules.AGING_BUCKETS)
