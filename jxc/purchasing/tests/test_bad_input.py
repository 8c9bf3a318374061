"""Issue 14's bad input, where earlier tests did not reach it: a unit not defined for the SKU on
a receipt, a return and a requisition; an inactive supplier on a receipt, a return and a
payment, an inactive SKU on a requisition; a date in a closed period when posting a receipt, a
return, a landed cost, an invoice and a payment; posting twice. Each refused with its code and
nothing written."""

from decimal import Decimal as D

import pytest

from jxc.catalog import services as catalog
from jxc.catalog.models import Sku
from jxc.core.documents import actions
from jxc.core.documents.lines import LineInput
from jxc.core.errors import InvalidTransition, PeriodClosed, ValidationFailed
from jxc.core.periods import close_period
from jxc.finance.models import PartyLedgerEntry, SupplierPayment
from jxc.finance.services import create_account
from jxc.inventory.models import StockMove
from jxc.purchasing import invoices, landed_costs, receipts, requisitions, returns
from jxc.purchasing.models import PurchaseReceipt, PurchaseRequisition, PurchaseReturn
from jxc.purchasing.tests.conftest import DAY
from jxc.purchasing.tests.helpers import approved_order, post_doc, posted_receipt

pytestmark = pytest.mark.django_db


def _counts():
    return (
        StockMove.objects.count(),
        PartyLedgerEntry.objects.count(),
        PurchaseReceipt.objects.count(),
        PurchaseReturn.objects.count(),
        PurchaseRequisition.objects.count(),
    )


def _receipt_draft(shop, order, **line):
    x = order.lines.get()
    return receipts.create_purchase_receipt(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=DAY,
        lines=[LineInput(sku=x.sku_id, qty=D(1), source_line=x.pk, **line)],
    )  # fmt: skip


def _return_draft(shop, receipt, **line):
    x = receipt.lines.get()
    return returns.create_purchase_return(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=DAY,
        lines=[LineInput(sku=x.sku_id, qty=D(1), source_line=x.pk, **line)],
    )  # fmt: skip


def test_a_unit_not_defined_for_the_sku_is_refused(shop):
    ton = catalog.create_unit(user=shop.user, name="吨")
    order = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D(5))])
    receipt = posted_receipt(shop, order, qty=D(5))
    before = _counts()
    with pytest.raises(ValidationFailed) as err:
        _receipt_draft(shop, order, unit=ton.pk)
    assert err.value.code == "validation_failed" and "lines.0.unit" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        _return_draft(shop, receipt, unit=ton.pk)
    assert "lines.0.unit" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        requisitions.create_requisition(
            user=shop.user, warehouse=shop.warehouse, date=DAY,
            lines=[LineInput(sku=shop.cola.pk, qty=D(1), unit=ton.pk)],
        )  # fmt: skip
    assert "lines.0.unit" in err.value.errors
    assert _counts() == before


def test_an_inactive_supplier_or_sku_is_refused(shop):
    order = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D(5))])
    receipt = posted_receipt(shop, order, qty=D(5))
    bank = create_account(user=shop.user, code="YH1", name="工商银行", kind="bank")
    Sku.objects.filter(pk=shop.tea.pk).update(is_active=False)
    shop.supplier.is_active = False
    shop.supplier.save()
    before = _counts()
    with pytest.raises(ValidationFailed) as err:
        _receipt_draft(shop, order)
    assert "supplier" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        _return_draft(shop, receipt)
    assert "supplier" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        from jxc.finance.payments import record_supplier_payment

        record_supplier_payment(
            user=shop.user, supplier=shop.supplier, account=bank, amount=D(10), date=DAY
        )
    assert "supplier" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        invoices.invoice_from(user=shop.user, receipts=[receipt], invoice_number="X1", date=DAY)
    assert "supplier" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        requisitions.create_requisition(
            user=shop.user, warehouse=shop.warehouse, date=DAY,
            lines=[LineInput(sku=shop.tea.pk, qty=D(1))],
        )  # fmt: skip
    assert "lines.0.sku" in err.value.errors
    assert _counts() == before and not SupplierPayment.objects.exists()


def test_a_date_in_a_closed_period_is_refused_when_posting(shop):
    from jxc.finance.payments import record_supplier_payment

    order = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D(5))])
    receipt = posted_receipt(shop, order, qty=D(5))
    bank = create_account(user=shop.user, code="YH1", name="工商银行", kind="bank")
    ready = [
        (_receipt_draft(shop, order), receipts.post_purchase_receipt),
        (_return_draft(shop, receipt), returns.post_purchase_return),
        (
            landed_costs.allocate_to_receipts([receipt], user=shop.user, date=DAY, amount=D(1)),
            landed_costs.post_landed_cost,
        ),
        (
            invoices.invoice_from(
                user=shop.user, receipts=[receipt], invoice_number="P1", date=DAY
            ),
            invoices.post_purchase_invoice,
        ),
    ]
    ready = [
        (actions.approve(actions.submit(doc, user=shop.user), user=shop.user), post)
        for doc, post in ready
    ]
    close_period(year=DAY.year, month=DAY.month, user=shop.user)
    before = _counts()
    for doc, post in ready:
        with pytest.raises(PeriodClosed) as err:
            post(doc, user=shop.user)
        assert err.value.code == "period_closed"
        doc.refresh_from_db()
        assert doc.status == "approved"
    with pytest.raises((PeriodClosed, ValidationFailed)):
        record_supplier_payment(
            user=shop.user, supplier=shop.supplier, account=bank, amount=D(10), date=DAY
        )
    assert _counts() == before and not SupplierPayment.objects.exists()


def test_posting_twice_changes_nothing(shop):
    order = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D(5))])
    receipt = posted_receipt(shop, order, qty=D(5))
    back = post_doc(shop, _return_draft(shop, receipt), returns.post_purchase_return)
    bill = post_doc(
        shop,
        invoices.invoice_from(user=shop.user, receipts=[receipt], invoice_number="T1", date=DAY),
        invoices.post_purchase_invoice,
    )
    before = _counts()
    for doc, post in (
        (receipt, receipts.post_purchase_receipt),
        (back, returns.post_purchase_return),
        (bill, invoices.post_purchase_invoice),
    ):
        with pytest.raises(InvalidTransition) as err:
            post(doc, user=shop.user)
        assert err.value.code == "invalid_transition"
    assert _counts() == before
