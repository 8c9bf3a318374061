"""What a 进项发票 may name beyond a posted receipt's lines: a return made without a receipt
line (unlinked, with its reason) is credited by a line naming that return line — a negative
amount, outside the three-way match — and an invoice that comes before the goods names the
draft receipt's lines (the rule in docs/purchasing.md "进项发票": every billed line is a receipt
line; the match shows it 未到货 until the receipt is posted)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.documents import actions
from jxc.core.documents.lines import LineInput
from jxc.core.errors import ValidationFailed
from jxc.finance.models import PartyLedgerEntry
from jxc.inventory.choices import MoveReason
from jxc.inventory.testing import LedgerKit
from jxc.purchasing import invoices, matching, receipts, returns
from jxc.purchasing.models import PurchaseInvoiceLine
from jxc.purchasing.tests.conftest import DAY
from jxc.purchasing.tests.helpers import approved_order, post_doc, posted_receipt

pytestmark = pytest.mark.django_db


def _unlinked_return(shop, qty=2, price="2"):
    kit = LedgerKit(user=shop.user)
    kit.post([kit.line(shop.tea, shop.warehouse, 5, MoveReason.OTHER_RECEIPT, DAY, unit_cost=2)])
    draft = returns.create_purchase_return(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=DAY,
        reason="质量问题", prices_include_tax=False,
        lines=[LineInput(sku=shop.tea.pk, qty=D(qty), price=D(price), tax_rate=D(13))],
    )  # fmt: skip
    return post_doc(shop, draft, returns.post_purchase_return)


def _registered(shop, doc):
    return post_doc(shop, doc, invoices.post_purchase_invoice)


def test_an_unlinked_return_is_credited_on_a_red_invoice(shop):
    back = _unlinked_return(shop)  # 2 × 2.00 net, 13 % VAT
    entries = PartyLedgerEntry.objects.count()
    red = invoices.invoice_from(user=shop.user, returns=[back], invoice_number="HZ-1", date=DAY)
    (line,) = red.lines.all()
    assert (line.source_line_id, line.return_line_id) == (None, back.lines.get().pk)
    assert (line.sku_id, line.qty, line.value_change) == (shop.tea.pk, D(2), D("-4.00"))
    assert (red.amount, red.tax_amount, red.total_amount) == (D("-4.00"), D("-0.52"), D("-4.52"))
    assert line.source_label == f"{back.number} #1"
    red = _registered(shop, red)
    assert red.status == "posted"
    assert PartyLedgerEntry.objects.count() == entries  # a record: the payable is untouched
    assert matching.invoice_match(invoice=red.pk, mismatches_only=False) == []


def test_a_credit_keeps_its_return_line_when_the_draft_is_edited_and_beside_a_receipt(shop):
    order = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D("11.30"))])
    receipt = posted_receipt(shop, order)
    back = _unlinked_return(shop)
    inv = invoices.invoice_from(user=shop.user, receipts=[receipt], invoice_number="M1", date=DAY)
    inv = invoices.add_documents(inv, user=shop.user, returns=[back])
    inv = invoices.add_documents(inv, user=shop.user, returns=[back])  # added once only
    rows = list(inv.lines.order_by("line_no"))
    assert [(x.source_line_id, x.return_line_id) for x in rows] == [
        (receipt.lines.get().pk, None), (None, back.lines.get().pk)
    ]  # fmt: skip
    # the grid sends the lines back without the return line: the credit keeps it
    edited = [
        LineInput(sku=shop.cola.pk, qty=D(10), source_line=rows[0].source_line_id,
                  value_change=D("100.00")),
        LineInput(sku=shop.tea.pk, qty=D(2), value_change=D("-3.50")),
    ]  # fmt: skip
    inv = invoices.update_purchase_invoice(inv, user=shop.user, lines=edited, amount=D("96.50"))
    credit = inv.lines.get(line_no=2)
    assert (credit.return_line_id, credit.value_change) == (back.lines.get().pk, D("-3.50"))
    inv = _registered(shop, inv)
    assert inv.status == "posted"


def test_credit_refusals_write_nothing(shop):
    back = _unlinked_return(shop)
    line = back.lines.get()
    with pytest.raises(ValidationFailed) as err:  # a credit is negative
        invoices.create_purchase_invoice(
            user=shop.user, supplier=shop.supplier, invoice_number="N1", date=DAY,
            amount=D(4), lines=[LineInput(sku=shop.tea.pk, qty=D(2), value_change=D(4))],
            credits=[line.pk],
        )  # fmt: skip
    assert "lines.0.value_change" in err.value.errors
    from jxc.partners.services import create_supplier

    other = create_supplier(user=shop.user, code="GYS2", name="供应商二")
    with pytest.raises(ValidationFailed) as err:  # another supplier's return
        invoices.create_purchase_invoice(
            user=shop.user, supplier=other, invoice_number="N2", date=DAY, amount=D(-4),
            lines=[LineInput(sku=shop.tea.pk, qty=D(2), value_change=D(-4))],
            credits=[line.pk],
        )  # fmt: skip
    assert "lines.0.source_line" in err.value.errors
    with pytest.raises(ValidationFailed) as err:  # a line naming nothing
        invoices.create_purchase_invoice(
            user=shop.user, supplier=shop.supplier, invoice_number="N3", date=DAY,
            amount=D(-4), lines=[LineInput(sku=shop.tea.pk, qty=D(2), value_change=D(-4))],
        )  # fmt: skip
    assert "lines.0.source_line" in err.value.errors
    assert not PurchaseInvoiceLine.objects.exists()


def test_invoice_before_the_goods_names_the_draft_receipt_and_matches_once_posted(shop):
    """The supplier's invoice comes first: it bills the lines of the receipt drafted from the
    order (nothing in stock yet); 未到货 until the receipt is posted, then it matches."""
    order = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(11), price=D("11.30"))])
    draft = receipts.create_purchase_receipt(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=DAY,
        lines=[LineInput(sku=shop.cola.pk, qty=D(10), source_line=order.lines.get().pk)],
    )  # fmt: skip
    inv = invoices.invoice_from(user=shop.user, receipts=[draft], invoice_number="PRE-1", date=DAY)
    inv = _registered(shop, inv)
    (row,) = matching.invoice_match(invoice=inv.pk)
    assert (row.reason, row.received_qty, row.invoiced_qty) == ("not_received", D(0), D(10))
    post_doc(shop, draft, receipts.post_purchase_receipt)
    assert matching.invoice_match(invoice=inv.pk) == []
    # an invoice naming an order line directly (no receipt line) is refused
    with pytest.raises(ValidationFailed) as err:
        invoices.create_purchase_invoice(
            user=shop.user, supplier=shop.supplier, invoice_number="PRE-2",
            date=DAY + dt.timedelta(days=1), amount=D(100),
            lines=[LineInput(sku=shop.cola.pk, qty=D(10), value_change=D(100))],
        )  # fmt: skip
    assert "lines.0.source_line" in err.value.errors
    # a voided draft receipt: the invoice can no longer be submitted
    other = receipts.create_purchase_receipt(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=DAY,
        lines=[LineInput(sku=shop.cola.pk, qty=D(1), source_line=order.lines.get().pk)],
    )  # fmt: skip
    early = invoices.invoice_from(user=shop.user, receipts=[other], invoice_number="PRE-3")
    actions.void(other, user=shop.user, reason="没到")
    with pytest.raises(ValidationFailed):
        invoices.submit_purchase_invoice(early, user=shop.user)
