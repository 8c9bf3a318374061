"""采购入库单: against approved order lines (several orders), accepted / rejected with reason,
over-receipt tolerance, posting into stock at the order price excl. VAT, 在途 taken off, the
order 已完成 when all is in, and the payable in the party ledger."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.approvals.errors import DownstreamExists
from jxc.core.documents import actions
from jxc.core.documents.lines import LineInput
from jxc.core.errors import InvalidTransition, OverReceipt, ValidationFailed
from jxc.finance.checks import party_ledger_problems
from jxc.finance.models import OpenItem, PartyBalance, PartyLedgerEntry
from jxc.inventory.models import StockBalance, StockMove
from jxc.inventory.testing import assert_ledger_consistent
from jxc.purchasing import receipts, services
from jxc.purchasing.models import PurchaseOrder, PurchaseReceipt
from jxc.purchasing.tests.conftest import DAY

pytestmark = pytest.mark.django_db
D = Decimal


def _approved(shop, lines, **header):
    po = services.create_purchase_order(
        user=shop.user,
        supplier=header.pop("supplier", shop.supplier),
        warehouse=shop.warehouse,
        date=DAY,
        lines=lines,
        **header,
    )
    return services.approve_purchase_order(actions.submit(po, user=shop.user), user=shop.user)


def _receipt(shop, lines, **header):
    return receipts.create_purchase_receipt(
        user=shop.user,
        supplier=header.pop("supplier", shop.supplier),
        warehouse=shop.warehouse,
        date=header.pop("date", DAY),
        lines=lines,
        **header,
    )


def _post(shop, receipt):
    done = actions.approve(actions.submit(receipt, user=shop.user), user=shop.user)
    return receipts.post_purchase_receipt(done, user=shop.user)


def _balance(shop, sku):
    return StockBalance.objects.get(sku=sku, warehouse=shop.warehouse)


def test_receive_everything_into_stock_at_the_price_excl_vat(shop):
    po = _approved(
        shop,
        [LineInput(sku=shop.cola.pk, qty=D(2), unit=shop.box.pk, price=D("27.12"))],
    )  # 含税 27.12 a box = 24.00 不含税 = 2.00 a bottle
    receipt = receipts.receive_orders([po], user=shop.user, date=DAY)
    line = receipt.lines.get()
    assert (line.qty, line.unit_id, line.base_qty, line.source_line_id) == (
        D(2), shop.box.pk, D(24), po.lines.get().pk
    )  # fmt: skip
    assert (receipt.net_amount, receipt.tax_amount, receipt.total_amount) == (
        D("48.00"), D("6.24"), D("54.24")
    )  # fmt: skip
    receipt = _post(shop, receipt)
    b = _balance(shop, shop.cola)
    assert (b.on_hand, b.value, b.on_order) == (D(24), D("48.00"), D(0))
    move = StockMove.objects.get(source_kind="purchase_receipt")
    assert (move.unit_cost, move.reason, move.source_number) == (
        D(2), "purchase_receipt", receipt.number
    )  # fmt: skip
    assert PurchaseOrder.objects.get(pk=po.pk).status == "done"
    entry = PartyLedgerEntry.objects.get()
    assert (entry.amount, entry.side, entry.supplier_id, entry.source_number) == (
        D("54.24"), "payable", shop.supplier.pk, receipt.number
    )  # fmt: skip
    assert entry.due_date == DAY + dt.timedelta(days=30) == receipt.due_date
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == D("54.24")
    assert_ledger_consistent()
    assert party_ledger_problems() == []
    with pytest.raises(InvalidTransition):
        receipts.post_purchase_receipt(receipt, user=shop.user)
    assert PartyLedgerEntry.objects.count() == 1


def test_two_partial_arrivals_with_a_rejection(shop):
    po = _approved(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D("1.13"))])
    po_line = po.lines.get()
    with pytest.raises(ValidationFailed) as exc:
        _receipt(
            shop,
            [LineInput(sku=shop.cola.pk, qty=D(6), source_line=po_line.pk, rejected_qty=D(2))],
        )
    assert "lines.0.reject_reason" in exc.value.errors
    first = _receipt(
        shop,
        [
            LineInput(
                sku=shop.cola.pk, qty=D(6), source_line=po_line.pk, rejected_qty=D(2),
                reject_reason="破损",
            )
        ],
    )  # fmt: skip
    assert first.lines.get().arrived_qty == D(8)
    _post(shop, first)
    assert _balance(shop, shop.cola).on_order == D(4)
    assert PurchaseOrder.objects.get(pk=po.pk).status == "approved"
    with pytest.raises(DownstreamExists) as exc:  # [Approvals]: receipts made from it
        services.unapprove_purchase_order(po, user=shop.user)
    assert exc.value.code == "downstream_exists"
    second = receipts.receive_orders([PurchaseOrder.objects.get(pk=po.pk)], user=shop.user)
    assert second.lines.get().qty == D(4)
    _post(shop, second)
    b = _balance(shop, shop.cola)
    assert (b.on_hand, b.on_order) == (D(10), D(0))
    assert PurchaseOrder.objects.get(pk=po.pk).status == "done"
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == D("11.30")
    assert OpenItem.objects.filter(is_open=True).count() == 2  # one open item per receipt
    assert_ledger_consistent()
    assert party_ledger_problems() == []


def test_over_receipt_refused_beyond_the_tolerance(shop):
    po = _approved(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D(1))])
    source = po.lines.get().pk
    with pytest.raises(OverReceipt) as exc:
        _receipt(shop, [LineInput(sku=shop.cola.pk, qty=D(11), source_line=source)])
    assert exc.value.code == "over_receipt" and "lines.0.qty" in exc.value.errors
    assert not PurchaseReceipt.objects.exists()
    from jxc.core.services import update_company

    update_company(user=shop.user, over_receipt_tolerance=D(10))
    receipt = _receipt(shop, [LineInput(sku=shop.cola.pk, qty=D(11), source_line=source)])
    with pytest.raises(OverReceipt):  # 11 + 1 > 10 × 110 %
        _receipt(
            shop,
            [
                LineInput(sku=shop.cola.pk, qty=D(6), source_line=source),
                LineInput(sku=shop.cola.pk, qty=D(6), source_line=source),
            ],
        )
    _post(shop, receipt)
    b = _balance(shop, shop.cola)
    assert (b.on_hand, b.on_order) == (D(11), D(0))  # 在途 never below zero


def test_receipt_checked_again_when_posted(shop):
    po = _approved(shop, [LineInput(sku=shop.cola.pk, qty=D(10), price=D(1))])
    source = po.lines.get().pk
    a = _receipt(shop, [LineInput(sku=shop.cola.pk, qty=D(8), source_line=source)])
    b = _receipt(shop, [LineInput(sku=shop.cola.pk, qty=D(8), source_line=source)])
    _post(shop, a)
    with pytest.raises(OverReceipt):
        _post(shop, b)
    assert PurchaseReceipt.objects.get(pk=b.pk).status == "approved"
    assert _balance(shop, shop.cola).on_hand == D(8)


def test_several_orders_of_one_supplier_in_one_receipt(shop):
    one = _approved(shop, [LineInput(sku=shop.cola.pk, qty=D(3), price=D(2))])
    two = _approved(shop, [LineInput(sku=shop.tea.pk, qty=D(1), unit=shop.box.pk, price=D(24))])
    receipt = receipts.receive_orders([one, two], user=shop.user, date=DAY)
    assert receipt.lines.count() == 2
    _post(shop, receipt)
    assert set(PurchaseOrder.objects.values_list("status", flat=True)) == {"done"}
    assert _balance(shop, shop.tea).on_hand == D(12)


def test_lines_of_another_supplier_or_a_closed_order_refused(shop):
    from jxc.partners.services import create_supplier

    other = create_supplier(user=shop.user, code="GYS2", name="供应商二")
    po = _approved(shop, [LineInput(sku=shop.cola.pk, qty=D(3), price=D(2))], supplier=other)
    with pytest.raises(ValidationFailed) as exc:
        _receipt(shop, [LineInput(sku=shop.cola.pk, qty=D(1), source_line=po.lines.get().pk)])
    assert "lines.0.source_line" in exc.value.errors
    mine = _approved(shop, [LineInput(sku=shop.cola.pk, qty=D(3), price=D(2))])
    services.close_purchase_order(mine, user=shop.user, reason="不要了")
    with pytest.raises(ValidationFailed) as exc:
        _receipt(shop, [LineInput(sku=shop.cola.pk, qty=D(1), source_line=mine.lines.get().pk)])
    assert "lines.0.source_line" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        _receipt(shop, [LineInput(sku=shop.tea.pk, qty=D(1), source_line=mine.lines.get().pk)])
    assert "lines.0.sku" in exc.value.errors
    with pytest.raises(ValidationFailed):
        _receipt(shop, [LineInput(sku=shop.cola.pk, qty=D(1))])
    assert not PurchaseReceipt.objects.exists()


def test_approval_rules_see_the_order_total_and_a_draft_receipt_blocks_unapproval(shop):
    from jxc.approvals.errors import DownstreamExists
    from jxc.approvals.facts import facts_of

    po = _approved(shop, [LineInput(sku=shop.cola.pk, qty=D(3), price=D("11.30"))])
    assert facts_of(po, shop.user).amount == po.total_amount == D("33.90")
    draft = receipts.receive_orders([po], user=shop.user, date=DAY)
    with pytest.raises(DownstreamExists):
        services.unapprove_purchase_order(po, user=shop.user)
    actions.void(draft, user=shop.user, reason="重复")
    po = services.unapprove_purchase_order(po, user=shop.user)
    assert po.status == "submitted" and _balance(shop, shop.cola).on_order == 0
