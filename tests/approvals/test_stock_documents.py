"""The approval rules on the other warehouse documents, as the demo configures them:
盘点单 whose variance value exceeds a threshold, 成本调整单 always, 借出单 above an amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jxc.approvals.errors import NotYourStep
from jxc.approvals.models import ApprovalRequest
from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.inventory.documents import services as docs
from jxc.loans import services as loans
from jxc.loans.models import LoanOut
from tests.approvals.conftest import TODAY, rule

pytestmark = pytest.mark.django_db
D = Decimal


def _count(w, counted: str):
    count = docs.create_stock_count(user=w.keeper, warehouse=w.zc, date=TODAY)
    line = count.lines.get(sku=w.sku_a)
    docs.record_counts(count, user=w.keeper, counts={line.pk: D(counted)})
    return count


def test_a_count_waits_for_the_owner_when_its_variance_value_exceeds_the_threshold(world):
    w = world
    rule(w, doc_type="stock_count", variance_over=D("1000"), steps=[(w.boss_role, [], "any")])
    small = docs.submit_document(_count(w, "1050"), user=w.keeper)  # +50 × 10 = 500
    assert not ApprovalRequest.objects.filter(doc_type="stock_count", doc_id=small.pk).exists()
    assert docs.approve_document(small, user=w.keeper).status == "approved"
    docs.void_document(small, user=w.keeper, reason="重盘")
    big = docs.submit_document(_count(w, "880"), user=w.keeper)  # −120 × 10 = 1,200
    req = ApprovalRequest.objects.get(doc_type="stock_count", doc_id=big.pk)
    assert req.amount == D("1200.00")
    with pytest.raises(NotYourStep):
        docs.approve_document(big, user=w.keeper)
    assert docs.approve_document(big, user=w.owner).status == "approved"


def test_a_cost_adjustment_always_needs_the_owner(world):
    w = world
    rule(w, doc_type="cost_adjustment", steps=[(w.boss_role, [], "any")])
    doc = docs.create_stock_document(
        user=w.owner,
        kind="cost_adjustment",
        warehouse=w.zc,
        date=TODAY,
        lines=[LineInput(sku=w.sku_a.pk, qty=D(0), value_change=D("1"))],
    )
    doc = docs.submit_document(doc, user=w.owner)
    assert (
        ApprovalRequest.objects.get(doc_type="cost_adjustment", doc_id=doc.pk).status == "pending"
    )
    with pytest.raises(NotYourStep):
        docs.approve_document(doc, user=w.sup1)
    assert docs.approve_document(doc, user=w.owner).status == "approved"


def test_a_loan_out_above_the_amount_at_cost_needs_approval(world):
    w = world
    rule(w, doc_type="loan_out", amount_over=D("500"), steps=[(None, [w.sup1], "any")])
    from jxc.partners import services as partners

    customer = partners.create_customer(user=w.owner, code="KH01", name="华联超市")

    def loan(qty):
        return loans.create_loan(
            LoanOut,
            user=w.keeper,
            warehouse=w.zc,
            date=TODAY,
            customer=customer,
            supplier=None,
            lines=[LineInput(sku=w.sku_a.pk, qty=D(qty))],
        )

    cheap = submit(loan("50"), user=w.keeper)  # 500.00: not above
    assert approve(cheap, user=w.keeper).status == "approved"
    dear = submit(loan("51"), user=w.keeper)  # 510.00
    assert ApprovalRequest.objects.get(doc_type="loan_out", doc_id=dear.pk).amount == D("510.00")
    with pytest.raises(NotYourStep):
        approve(dear, user=w.keeper)
    assert approve(dear, user=w.sup1).status == "approved"
