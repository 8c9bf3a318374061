"""进项发票 and the three-way match: a record of the supplier's invoice over receipt lines
(returns as negatives), the number once per supplier, the amount the sum of its lines; the
match per order line (数量不符 / 单价不符 / 未到货 / 超额开票) with the company's tolerance; the
invoice changes nothing in the party ledger."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core import selectors as core_selectors
from jxc.core.documents import actions
from jxc.core.documents.lines import LineInput
from jxc.core.errors import PeriodClosed, ValidationFailed
from jxc.finance.models import PartyBalance, PartyLedgerEntry
from jxc.purchasing import invoices, matching, receipts, returns
from jxc.purchasing.errors import DuplicateInvoiceNumber, InvoiceTotalDiffers
from jxc.purchasing.models import PurchaseInvoice
from jxc.purchasing.tests.conftest import DAY
from jxc.purchasing.tests.helpers import approved_order, post_doc, posted_receipt

pytestmark = pytest.mark.django_db


def _order(shop, qty=D(10), price=D("11.30")):
    return approved_order(shop, [LineInput(sku=shop.cola.pk, qty=qty, price=price)])


def _registered(shop, doc):
    return post_doc(shop, doc, invoices.post_purchase_invoice)


def _line(receipt_line, qty, amount):
    return LineInput(
        sku=receipt_line.sku_id, qty=D(qty), source_line=receipt_line.pk, value_change=D(amount)
    )


def test_invoice_from_receipt_matches_and_leaves_the_payable_alone(shop):
    order = _order(shop)
    receipt = posted_receipt(shop, order)
    entries = PartyLedgerEntry.objects.count()
    balance = PartyBalance.objects.get(supplier=shop.supplier).balance
    inv = invoices.invoice_from(user=shop.user, receipts=[receipt], invoice_number="0001", date=DAY)
    assert (inv.amount, inv.tax_amount, inv.total_amount) == (D("100.00"), D("13.00"), D("113.00"))
    line = inv.lines.get()
    assert (line.qty, line.value_change, line.order_line_id) == (
        D(10), D("100.00"), order.lines.get().pk
    )  # fmt: skip
    assert matching.invoice_match() == []  # drafts are not matched
    inv = _registered(shop, inv)
    assert inv.status == "posted"
    assert matching.invoice_match() == []  # 10 × 10.00 ordered, received and invoiced
    (row,) = matching.invoice_match(mismatches_only=False)
    assert (row.received_qty, row.invoiced_amount, row.difference, row.reason) == (
        D(10), D("100.00"), D(0), None
    )  # fmt: skip
    assert PartyLedgerEntry.objects.count() == entries
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == balance


def test_each_mismatch_reason_and_the_tolerance(shop):
    order = _order(shop)
    first = posted_receipt(shop, order, qty=D(6))  # 6 of 10 arrived
    r_line = first.lines.get()
    # 数量不符: 6 received, 4 invoiced
    inv = invoices.create_purchase_invoice(
        user=shop.user, supplier=shop.supplier, invoice_number="A1", date=DAY,
        amount=D("40.00"), tax_amount=D("5.20"), lines=[_line(r_line, 4, "40.00")],
    )  # fmt: skip
    _registered(shop, inv)
    (row,) = matching.invoice_match()
    assert (row.reason, row.difference, row.invoice_numbers) == ("qty_mismatch", D("-20.00"), "A1")
    # 未到货: 6 received, 8 invoiced (of 10 ordered)
    more = invoices.create_purchase_invoice(
        user=shop.user, supplier=shop.supplier, invoice_number="A2", date=DAY,
        amount=D("40.00"), lines=[_line(r_line, 4, "40.00")],
    )  # fmt: skip
    _registered(shop, more)
    (row,) = matching.invoice_match()
    assert (row.reason, row.invoiced_qty, row.difference) == ("not_received", D(8), D("20.00"))
    assert row.invoice_numbers == "A1, A2"
    # 超额开票: 12 invoiced of 10 ordered
    over = invoices.create_purchase_invoice(
        user=shop.user, supplier=shop.supplier, invoice_number="A3", date=DAY,
        amount=D("40.00"), lines=[_line(r_line, 4, "40.00")],
    )  # fmt: skip
    over = _registered(shop, over)
    assert matching.invoice_match()[0].reason == "over_invoiced"
    # 单价不符: the rest arrives, 10 invoiced at 10.50 instead of 10.00 (void the third)
    PurchaseInvoice.objects.filter(pk=over.pk).update(status="void")
    posted_receipt(shop, order, qty=D(4))
    PurchaseInvoice.objects.filter(pk=more.pk).update(status="void")
    dear = invoices.create_purchase_invoice(
        user=shop.user, supplier=shop.supplier, invoice_number="A4", date=DAY,
        amount=D("63.00"), lines=[_line(r_line, 6, "63.00")],
    )  # fmt: skip
    _registered(shop, dear)
    (row,) = matching.invoice_match()
    assert (row.reason, row.invoiced_qty, row.difference) == ("price_mismatch", D(10), D("3.00"))
    company = core_selectors.company()
    company.invoice_match_tolerance = D("3.00")
    company.save()
    assert matching.invoice_match() == []  # within 3.00
    company.invoice_match_tolerance, company.invoice_match_tolerance_percent = D(0), D("2.5")
    company.save()
    assert matching.invoice_match()[0].reason == "price_mismatch"  # 2.5 % of 100.00 = 2.50
    company.invoice_match_tolerance_percent = D(3)
    company.save()
    assert matching.invoice_match() == []


def test_a_return_is_credited_as_a_negative_line(shop):
    order = _order(shop)
    receipt = posted_receipt(shop, order)
    back = returns.create_purchase_return(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=DAY,
        lines=[LineInput(sku=shop.cola.pk, qty=D(2), source_line=receipt.lines.get().pk)],
    )  # fmt: skip
    back = post_doc(shop, back, returns.post_purchase_return)
    inv = _registered(shop, invoices.invoice_from(
        user=shop.user, receipts=[receipt], invoice_number="B1", date=DAY
    ))  # fmt: skip
    (row,) = matching.invoice_match()
    assert (row.reason, row.received_qty, row.invoiced_qty) == ("not_received", D(8), D(10))
    red = invoices.invoice_from(user=shop.user, returns=[back], invoice_number="B1-红", date=DAY)
    assert [(x.qty, x.value_change) for x in red.lines.all()] == [(D(2), D("-20.00"))]
    assert (red.amount, red.tax_amount) == (D("-20.00"), D("-2.60"))
    _registered(shop, red)
    assert matching.invoice_match() == []
    assert matching.invoice_match(invoice=inv.pk, mismatches_only=False)[0].invoiced_qty == D(8)


def test_invoice_refusals_write_nothing(shop):
    from jxc.partners.services import create_supplier

    order = _order(shop)
    receipt = posted_receipt(shop, order)
    r_line = receipt.lines.get()
    _registered(shop, invoices.invoice_from(
        user=shop.user, receipts=[receipt], invoice_number="C1", date=DAY
    ))  # fmt: skip
    count = PurchaseInvoice.objects.count()
    with pytest.raises(DuplicateInvoiceNumber) as err:
        invoices.invoice_from(user=shop.user, receipts=[receipt], invoice_number=" C1 ", date=DAY)
    assert err.value.code == "duplicate_invoice_number" and "invoice_number" in err.value.errors
    other = create_supplier(user=shop.user, code="GYS2", name="供应商二")
    with pytest.raises(ValidationFailed) as err:
        invoices.create_purchase_invoice(
            user=shop.user, supplier=other, invoice_number="C1", date=DAY, amount=D(1),
            lines=[_line(r_line, 1, "0"), _line(r_line, 1, "1")],
        )  # fmt: skip
    assert set(err.value.errors) == {
        "lines.0.source_line",
        "lines.0.value_change",
        "lines.1.source_line",
    }
    with pytest.raises(ValidationFailed) as err:
        invoices.create_purchase_invoice(
            user=shop.user, supplier=shop.supplier, invoice_number="", date=DAY, lines=[]
        )
    assert set(err.value.errors) == {"invoice_number", "lines"}
    assert PurchaseInvoice.objects.count() == count
    # the amount must be the sum of the lines
    draft = invoices.create_purchase_invoice(
        user=shop.user, supplier=shop.supplier, invoice_number="C2", date=DAY,
        amount=D("99.00"), lines=[_line(r_line, 10, "100.00")],
    )  # fmt: skip
    with pytest.raises(InvoiceTotalDiffers) as err:
        invoices.submit_purchase_invoice(draft, user=shop.user)
    assert err.value.code == "invoice_total_differs"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_voiding_frees_the_number_and_a_closed_period_refuses(shop):
    from jxc.core.periods import close_period

    order = _order(shop)
    receipt = posted_receipt(shop, order)
    inv = invoices.invoice_from(user=shop.user, receipts=[receipt], invoice_number="D1", date=DAY)
    actions.void(inv, user=shop.user, reason="输错")
    again = invoices.invoice_from(user=shop.user, receipts=[receipt], invoice_number="D1", date=DAY)
    assert again.invoice_number == "D1"
    close_period(year=DAY.year, month=DAY.month, user=shop.user)
    with pytest.raises(PeriodClosed):
        invoices.post_purchase_invoice(
            actions.approve(actions.submit(again, user=shop.user), user=shop.user), user=shop.user
        )
    with pytest.raises(ValidationFailed) as err:  # a new draft: the date field is refused
        invoices.invoice_from(user=shop.user, receipts=[receipt], invoice_number="D2", date=DAY)
    assert "date" in err.value.errors


def test_a_draft_receipt_can_be_billed_and_counts_as_not_received(shop):
    order = _order(shop)
    draft = receipts.create_purchase_receipt(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=DAY,
        lines=[LineInput(sku=shop.cola.pk, qty=D(10), source_line=order.lines.get().pk)],
    )  # fmt: skip
    inv = invoices.create_purchase_invoice(
        user=shop.user, supplier=shop.supplier, invoice_number="E1",
        date=DAY + dt.timedelta(days=1), amount=D("100.00"),
        lines=[_line(draft.lines.get(), 10, "100.00")],
    )  # fmt: skip
    _registered(shop, inv)
    (row,) = matching.invoice_match(supplier=shop.supplier.pk, date_from=DAY)
    assert (row.reason, row.received_qty) == ("not_received", D(0))
    assert matching.invoice_match(date_to=DAY) == []
