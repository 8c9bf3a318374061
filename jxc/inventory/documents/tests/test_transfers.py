"""调拨单: ship, 调拨在途, partial receipts, differences, close, one step, 红冲."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.documents.lines import LineInput
from jxc.core.errors import (
    InsufficientStock,
    InvalidTransition,
    OneStepNotAllowed,
    PermissionDenied,
    ValidationFailed,
)
from jxc.core.services import update_company
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.choices import TRANSFER_STATUS_LABELS
from jxc.inventory.documents.tests.conftest import TODAY, balances, post, receive
from jxc.inventory.documents.transfers import line_states
from jxc.inventory.models import StockMove
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def transfer(w, lines, *, src=None, dst=None, one_step=False, user=None):
    return docs.create_transfer(
        user=user or w.owner,
        from_warehouse=src or w.zc,
        to_warehouse=dst or w.bj,
        date=TODAY,
        lines=lines,
        one_step=one_step,
    )


def test_ship_then_receive_in_two_parts(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "3")
    receive(w, w.sku_b, w.zc, 5, "1.5")
    t = transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(6)), LineInput(sku=w.sku_b.pk, qty=D(5))])
    assert t.number == "DBD20261120-0001"
    t = post(t, w.owner)
    assert t.status == "posted" and t.status_label() == str(TRANSFER_STATUS_LABELS["posted"])
    b = balances()
    assert b[(w.sku_a.pk, w.zc.pk)][:2] == (D(4), D("12.00"))
    assert b[(w.sku_a.pk, w.bj.pk)] == (D(0), D(0), D(6))  # 调拨在途 at the destination
    a_line, _b_line = t.lines.order_by("line_no")
    t = docs.receive_transfer(t, user=w.owner, quantities={a_line.pk: D(4)}, date=TODAY)
    assert t.status == "posted"
    b = balances()
    assert b[(w.sku_a.pk, w.bj.pk)] == (D(4), D("12.00"), D(2))
    t = docs.receive_transfer(t, user=w.owner, date=TODAY)  # the rest
    assert t.status == "done"
    b = balances()
    assert b[(w.sku_a.pk, w.bj.pk)] == (D(6), D("18.00"), D(0))
    assert b[(w.sku_b.pk, w.bj.pk)] == (D(5), D("7.50"), D(0))
    assert all(s.open == 0 and s.difference == 0 for s in line_states(t))
    ins = StockMove.objects.filter(source_kind="transfer", reason="transfer_in")
    assert ins.count() == 3 and all(m.origin_id for m in ins)
    with pytest.raises(InvalidTransition):
        docs.receive_transfer(t, user=w.owner)
    assert_ledger_consistent()


def test_receipt_cannot_take_more_than_in_transit(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "3")
    t = post(transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(5))]), w.owner)
    line = t.lines.get()
    before = balances()
    with pytest.raises(ValidationFailed) as exc:
        docs.receive_transfer(t, user=w.owner, quantities={line.pk: D(6)})
    assert f"lines.{line.pk}.qty" in exc.value.errors
    with pytest.raises(ValidationFailed):
        docs.receive_transfer(t, user=w.owner, quantities={line.pk: D(0)})
    with pytest.raises(ValidationFailed):
        docs.receive_transfer(
            t, user=w.owner, quantities={line.pk: D(1)}, date=TODAY - dt.timedelta(days=1)
        )
    assert balances() == before


def test_close_with_a_difference_returns_or_writes_off(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "3")
    t = post(transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(10))]), w.owner)
    line = t.lines.get()
    docs.receive_transfer(t, user=w.owner, quantities={line.pk: D(7)}, date=TODAY)
    (state,) = line_states(t)
    assert (state.received, state.open, state.difference) == (D(7), D(3), D(3))
    t = docs.close_transfer(t, user=w.owner, difference="return", reason="少到3个退回")
    assert t.status == "done" and t.difference == "return"
    b = balances()
    assert b[(w.sku_a.pk, w.zc.pk)][:2] == (D(3), D("9.00"))
    assert b[(w.sku_a.pk, w.bj.pk)] == (D(7), D("21.00"), D(0))
    (state,) = line_states(t)
    assert (state.returned, state.open, state.difference) == (D(3), D(0), D(3))

    lost = post(transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(2))], src=w.bj, dst=w.zc), w.owner)
    lost = docs.close_transfer(lost, user=w.owner, difference="write_off", reason="途中损坏")
    b = balances()
    assert b[(w.sku_a.pk, w.bj.pk)] == (D(5), D("15.00"), D(0))
    assert b[(w.sku_a.pk, w.zc.pk)][2] == D(0)
    assert line_states(lost)[0].lost == D(2)
    with pytest.raises(ValidationFailed):
        docs.close_transfer(lost, user=w.owner, difference="lose")
    assert_ledger_consistent()


def test_one_step_only_within_a_site(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "3")
    with pytest.raises(OneStepNotAllowed) as exc:
        transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(1))], one_step=True)
    assert exc.value.code == "one_step_not_allowed"
    t = post(transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(4))], dst=w.md, one_step=True), w.owner)
    assert t.status == "done"
    b = balances()
    assert b[(w.sku_a.pk, w.md.pk)] == (D(4), D("12.00"), D(0))
    assert b[(w.sku_a.pk, w.zc.pk)][:2] == (D(6), D("18.00"))
    assert t.lines.get().received_qty == D(4)
    assert_ledger_consistent()


def test_reverse_in_transit_and_after_receipt_restores_everything(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "3")
    before = balances()
    t = post(transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(6))]), w.owner)
    docs.receive_transfer(t, user=w.owner, quantities={t.lines.get().pk: D(2)}, date=TODAY)
    t = docs.reverse_document(t, user=w.owner, reason="调错仓", date=TODAY)
    assert t.status == "reversed"
    after = balances()
    assert after[(w.sku_a.pk, w.zc.pk)] == before[(w.sku_a.pk, w.zc.pk)]
    assert after[(w.sku_a.pk, w.bj.pk)] == (D(0), D(0), D(0))
    done = post(
        transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(6))], dst=w.md, one_step=True), w.owner
    )
    docs.reverse_document(done, user=w.owner, reason="撤销", date=TODAY)
    assert balances()[(w.sku_a.pk, w.zc.pk)] == before[(w.sku_a.pk, w.zc.pk)]
    assert balances()[(w.sku_a.pk, w.md.pk)] == (D(0), D(0), D(0))
    assert_ledger_consistent()


def test_reverse_refused_once_the_goods_are_gone(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 5, "3")
    t = post(transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(5))], dst=w.md, one_step=True), w.owner)
    sold = docs.create_stock_document(
        user=w.owner,
        kind="other_issue",
        warehouse=w.md,
        date=TODAY,
        reason="sample",
        lines=[LineInput(sku=w.sku_a.pk, qty=D(5))],
    )
    post(sold, w.owner)
    before = balances()
    with pytest.raises(InsufficientStock):
        docs.reverse_document(t, user=w.owner, reason="x")
    assert balances() == before


def test_per_warehouse_costing_carries_value(stock_world):
    w = stock_world
    update_company(user=w.owner, cost_scope="warehouse")
    receive(w, w.sku_a, w.zc, 4, "5")
    receive(w, w.sku_a, w.bj, 4, "9")
    t = post(transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(2))]), w.owner)
    docs.receive_transfer(t, user=w.owner, date=TODAY)
    b = balances()
    assert b[(w.sku_a.pk, w.bj.pk)][:2] == (D(6), D("46.00"))  # 36 + 2 × 5
    assert b[(w.sku_a.pk, w.zc.pk)][:2] == (D(2), D("10.00"))
    assert_ledger_consistent()


def test_batches_and_bins_travel(stock_world):
    w = stock_world
    src_bin = inventory.create_bin(user=w.owner, warehouse=w.zc, code="A-01")
    dst_bin = inventory.create_bin(user=w.owner, warehouse=w.md, code="M-01")
    receive(w, w.sku_c, w.zc, 3, "5", batch_number="B1", bin=src_bin.pk)
    t = post(
        transfer(
            w, [LineInput(sku=w.sku_c.pk, qty=D(3), to_bin=dst_bin.pk)], dst=w.md, one_step=True
        ),
        w.owner,
    )
    (inbound,) = StockMove.objects.filter(source_id=t.pk, reason="transfer_in")
    assert inbound.batch.number == "B1" and inbound.bin_id == dst_bin.pk
    with pytest.raises(ValidationFailed) as exc:
        transfer(w, [LineInput(sku=w.sku_c.pk, qty=D(1), to_bin=src_bin.pk)], dst=w.md)
    assert "lines.0.to_bin" in exc.value.errors
    assert_ledger_consistent()


def test_guards(stock_world):
    w = stock_world
    with pytest.raises(ValidationFailed) as exc:
        transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(1))], dst=w.zc)
    assert "to_warehouse" in exc.value.errors
    inventory.set_user_warehouses(user=w.owner, target=w.keeper, warehouses=[w.zc])
    with pytest.raises(PermissionDenied):  # the source is not theirs
        transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(1))], src=w.bj, dst=w.zc, user=w.keeper)
    t = transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(1))])
    t = docs.update_transfer(t, user=w.owner, lines=[LineInput(sku=w.sku_b.pk, qty=D(2))], memo="m")
    assert t.lines.get().sku_id == w.sku_b.pk and t.memo == "m"
    docs.void_document(t, user=w.owner, reason="不调了")
    with pytest.raises(InvalidTransition):
        docs.post_document(t, user=w.owner)


def test_posting_twice_changes_nothing(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 3, "3")
    t = post(transfer(w, [LineInput(sku=w.sku_a.pk, qty=D(3))]), w.owner)
    before, moves = balances(), StockMove.objects.count()
    with pytest.raises(InvalidTransition):
        docs.post_document(t, user=w.owner)
    assert balances() == before and StockMove.objects.count() == moves
