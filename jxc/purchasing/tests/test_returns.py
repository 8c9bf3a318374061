"""采购退货单: linked to receipt lines or unlinked with a reason; out of stock at the policy
cost, the payable reduced and settled against the receipt, credit − stock cost as the price
variance; never more than received."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.core.documents.lines import LineInput
from jxc.core.errors import ValidationFailed
from jxc.finance.checks import party_ledger_problems
from jxc.finance.models import OpenItem, PartyBalance
from jxc.inventory.models import StockBalance, StockMove
from jxc.inventory.testing import assert_ledger_consistent
from jxc.purchasing import returns
from jxc.purchasing.errors import ReturnExceedsReceived
from jxc.purchasing.models import PurchaseReturn
from jxc.purchasing.tests.conftest import DAY
from jxc.purchasing.tests.helpers import approved_order, post_doc, posted_receipt

pytestmark = pytest.mark.django_db
D = Decimal


def _return(shop, lines, **header):
    return returns.create_purchase_return(
        user=shop.user,
        supplier=header.pop("supplier", shop.supplier),
        warehouse=shop.warehouse,
        date=header.pop("date", DAY + dt.timedelta(days=1)),
        lines=lines,
        **header,
    )


def test_linked_return_leaves_stock_at_cost_reduces_the_payable_and_settles_the_receipt(shop):
    po = approved_order(
        shop, [LineInput(sku=shop.cola.pk, qty=D(3), price=D("1.13"), tax_rate=D(13))],
        prices_include_tax=True,
    )  # fmt: skip
    receipt = posted_receipt(shop, po)  # 3 at 1.00 net, 3.39 payable
    line = receipt.lines.get()
    draft = returns.return_receipt(receipt, user=shop.user, date=DAY + dt.timedelta(days=1))
    assert draft.lines.get().qty == D(3)
    draft = returns.update_purchase_return(
        draft,
        user=shop.user,
        lines=[LineInput(sku=shop.cola.pk, qty=D(1), source_line=line.pk)],
    )
    assert (draft.net_amount, draft.tax_amount, draft.total_amount) == (
        D("1.00"), D("0.13"), D("1.13")
    )  # fmt: skip
    posted = post_doc(shop, draft, returns.post_purchase_return)
    assert posted.status == "posted"
    b = StockBalance.objects.get(sku=shop.cola, warehouse=shop.warehouse)
    assert (b.on_hand, b.value) == (D(2), D("2.00"))
    move = StockMove.objects.get(source_kind="purchase_return")
    assert (move.qty, move.value, move.reason) == (D(-1), D("-1.00"), "purchase_return")
    posted.refresh_from_db()
    assert (posted.stock_cost, posted.price_variance) == (D("1.00"), D("0.00"))
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == D("2.26")
    item = OpenItem.objects.get(entry__source_number=receipt.number)
    assert item.open_amount == D("2.26")  # the credit met the receipt it returns
    assert not OpenItem.objects.get(entry__source_number=posted.number).is_open
    line.refresh_from_db()
    assert line.returned_qty == D(1)
    # the rest, twice: the second is refused (only 2 left), nothing written
    with pytest.raises(ReturnExceedsReceived) as exc:
        _return(shop, [LineInput(sku=shop.cola.pk, qty=D(3), source_line=line.pk)])
    assert exc.value.code == "return_exceeds_received" and "lines.0.qty" in exc.value.errors
    assert PurchaseReturn.objects.count() == 1
    last = post_doc(
        shop,
        _return(shop, [LineInput(sku=shop.cola.pk, qty=D(2), source_line=line.pk)]),
        returns.post_purchase_return,
    )
    assert last.total_amount == D("2.26")  # the whole line's credit, to the 分
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == 0
    assert_ledger_consistent()
    assert party_ledger_problems() == []


def test_price_variance_when_the_average_moved(shop):
    """Moving average: out at the current average (1.50), credit at the receipt's 1.00 net."""
    first = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(2), price=D(1), tax_rate=D(0))])
    second = approved_order(
        shop, [LineInput(sku=shop.cola.pk, qty=D(2), price=D(2), tax_rate=D(0))]
    )
    receipt = posted_receipt(shop, first)
    posted_receipt(shop, second)
    ret = post_doc(
        shop,
        _return(shop, [LineInput(sku=shop.cola.pk, qty=D(1), source_line=receipt.lines.get().pk)]),
        returns.post_purchase_return,
    )
    ret.refresh_from_db()
    assert (ret.net_amount, ret.stock_cost, ret.price_variance) == (
        D("1.00"), D("1.50"), D("-0.50")
    )  # fmt: skip
    assert_ledger_consistent()


def test_unlinked_return_needs_a_reason_and_a_price(shop):
    po = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(5), price=D(2), tax_rate=D(0))])
    posted_receipt(shop, po)
    with pytest.raises(ValidationFailed) as exc:
        _return(shop, [LineInput(sku=shop.cola.pk, qty=D(1))])
    assert {"reason", "lines.0.price"} <= set(exc.value.errors)
    assert not PurchaseReturn.objects.exists()
    ret = _return(
        shop, [LineInput(sku=shop.cola.pk, qty=D(1), price=D("2.26"), tax_rate=D(13))],
        reason="质量问题", prices_include_tax=True,
    )  # fmt: skip
    assert (ret.net_amount, ret.total_amount) == (D("2.00"), D("2.26"))
    post_doc(shop, ret, returns.post_purchase_return)
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == D("7.74")
    assert party_ledger_problems() == []


def test_lines_of_another_supplier_or_a_draft_receipt_refused(shop):
    from jxc.partners.services import create_supplier

    other = create_supplier(user=shop.user, code="GYS2", name="供应商二")
    po = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(5), price=D(2))])
    receipt = posted_receipt(shop, po)
    line = receipt.lines.get()
    with pytest.raises(ValidationFailed) as exc:
        _return(shop, [LineInput(sku=shop.cola.pk, qty=D(1), source_line=line.pk)], supplier=other)
    assert "lines.0.source_line" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        _return(shop, [LineInput(sku=shop.tea.pk, qty=D(1), source_line=line.pk)])
    assert "lines.0.sku" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        _return(shop, [LineInput(sku=shop.cola.pk, qty=D(0), source_line=line.pk)])
    assert "lines.0.qty" in exc.value.errors
    assert not PurchaseReturn.objects.exists()


def test_return_checked_again_when_posted(shop):
    po = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(5), price=D(2))])
    line = posted_receipt(shop, po).lines.get()
    a = _return(shop, [LineInput(sku=shop.cola.pk, qty=D(4), source_line=line.pk)])
    b = _return(shop, [LineInput(sku=shop.cola.pk, qty=D(4), source_line=line.pk)])
    post_doc(shop, a, returns.post_purchase_return)
    with pytest.raises(ReturnExceedsReceived):
        post_doc(shop, b, returns.post_purchase_return)
    assert PurchaseReturn.objects.get(pk=b.pk).status == "approved"
    assert StockBalance.objects.get(sku=shop.cola).on_hand == D(1)


def test_the_return_of_a_receipt_in_boxes_is_drafted_in_boxes_then_in_pieces(shop):
    """2 箱 (× 12) received: 生成退货单 drafts 2 箱 (it drafted 24 箱 before: the base
    quantity read in the receipt's unit, refused as more than received); after 6 个 went
    back, what is left (18 个) is not whole boxes and is drafted in 个."""
    po = approved_order(
        shop, [LineInput(sku=shop.cola.pk, qty=D(2), unit=shop.box.pk, price=D("12"))]
    )
    receipt = posted_receipt(shop, po, qty=D(2), unit=shop.box.pk)
    line = receipt.lines.get()
    draft = returns.return_receipt(receipt, user=shop.user, date=DAY + dt.timedelta(days=1))
    x = draft.lines.get()
    assert (x.qty, x.unit_id, x.base_qty) == (D(2), shop.box.pk, D(24))
    draft = returns.update_purchase_return(
        draft,
        user=shop.user,
        lines=[LineInput(sku=shop.cola.pk, qty=D(6), unit=shop.unit.pk, source_line=line.pk)],
    )
    post_doc(shop, draft, returns.post_purchase_return)
    again = returns.return_receipt(receipt, user=shop.user, date=DAY + dt.timedelta(days=1))
    x = again.lines.get()
    assert (x.qty, x.unit_id, x.base_qty) == (D(18), shop.unit.pk, D(18))
