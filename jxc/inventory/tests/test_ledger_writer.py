"""The ledger writer's guards and the functions beside it: 红冲, reservations and the other
buckets, serial numbers, FEFO, background re-costing, self-check and rebuild."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.errors import (
    AlreadyReversed,
    BucketBelowZero,
    InsufficientAvailable,
    InvalidStockLine,
    NothingToReverse,
    ReversalBlocked,
)
from jxc.inventory import selectors
from jxc.inventory import services as stock
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.layer_models import CostLayer
from jxc.inventory.ledger import writer as ledger
from jxc.inventory.ledger.checks import ledger_problems, rebuild_balances
from jxc.inventory.ledger.tasks import run_recost
from jxc.inventory.models import (
    CostPool,
    LotBalance,
    RecostJob,
    SerialNumber,
    SkuLedger,
    StockBalance,
    StockMove,
)
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def state(sku):
    pools = [
        p
        for p in CostPool.objects.filter(sku=sku)
        .order_by("id")
        .values_list("qty", "value", "unit_cost")
        if p != (0, 0, None)
    ]
    bals = [
        b
        for b in StockBalance.objects.filter(sku=sku)
        .order_by("id")
        .values_list("on_hand", "value", "reserved")
        if any(b)
    ]
    layers = list(CostLayer.objects.filter(pool__sku=sku).order_by("id").values_list("remaining"))
    return pools, bals, [x for x in layers if x[0]]


@pytest.mark.parametrize("method", ["moving_average", "fifo", "periodic_average"])
def test_reversal_of_the_last_document_restores_everything(kit, method):
    kit.company(costing_method=method)
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "3", "3.3333333333")
    kit.receive(sku, wh, "2", "1.07", day=2)
    before = state(sku)
    mv = kit.issue(sku, wh, "4", day=3)
    kit.reverse(mv, day=4)
    assert state(sku) == before
    mv = kit.receive(sku, wh, "7", "2.01", day=5)
    kit.reverse(mv, day=5)
    assert state(sku) == before
    assert_ledger_consistent()


def test_reversal_in_the_middle_restores_quantities_and_keeps_the_books_tied(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A")
    first = kit.receive(sku, wh, "10", "10")
    kit.receive(sku, wh, "10", "20", day=2)
    kit.issue(sku, wh, "5", day=3)
    rev = kit.reverse(first, day=4)[0]
    assert rev.reverses_id == first.pk and rev.qty == -10
    # at the average of the day (15) while the receipt brought 100: variance recorded
    assert (rev.value, rev.variance) == (D("-150.00"), D("50.00"))
    assert StockBalance.objects.get(sku=sku).on_hand == 5
    assert_ledger_consistent()


def test_reversal_guards(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "10", "10")
    delivery = kit.issue(sku, wh, "4", day=2)
    kit.sales_return(sku, wh, "1", day=3, origin=delivery)
    with pytest.raises(ReversalBlocked):
        kit.reverse(delivery, day=3)
    ref = kit.ref()
    with pytest.raises(NothingToReverse):
        stock.reverse_moves(source=ref, user=kit.user, date=dt.date(2026, 1, 5))
    other = kit.receive(sku, wh, "1", "1", day=4)
    kit.reverse(other, day=4)
    with pytest.raises(AlreadyReversed):
        kit.reverse(other, day=4)
    with pytest.raises(InvalidStockLine):
        kit.reverse(kit.receive(sku, wh, "1", "1", day=6), day=5)
    assert_ledger_consistent()


def test_reversal_of_a_transfer_returns_both_sides(kit):
    kit.company(cost_scope="warehouse", costing_method="fifo")
    sku, a, b = kit.sku("A"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "4", "2.5")
    before = state(sku)
    out, _inn = kit.transfer(sku, a, b, "3", day=2)
    kit.reverse(out, day=2)
    assert state(sku) == before
    assert_ledger_consistent()


def test_invalid_lines_are_refused_with_their_number(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A")
    bad = [
        kit.line(sku, wh, "1", R.PURCHASE_RECEIPT, unit_cost="1"),
        kit.line(sku, wh, "1", R.SALES_DELIVERY),
    ]
    with pytest.raises(InvalidStockLine) as exc:
        kit.post(bad)
    assert exc.value.params["line"] == 2
    with pytest.raises(InvalidStockLine):
        kit.post([kit.line(sku, wh, "1", R.PURCHASE_RECEIPT)])  # no cost
    with pytest.raises(InvalidStockLine):
        kit.post([kit.line(sku, wh, "0.0000001", R.OTHER_RECEIPT, unit_cost="1")])
    with pytest.raises(InvalidStockLine):
        kit.post([kit.line(sku, wh, "1", R.TRANSFER_IN)])
    assert not StockMove.objects.exists()


# --- buckets ----------------------------------------------------------------------------------


def test_reserve_is_conditional_and_release_gives_back(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "5", "1")
    stock.reserve(sku=sku, warehouse=wh, qty=D(3))
    with pytest.raises(InsufficientAvailable) as exc:
        stock.reserve(sku=sku, warehouse=wh, qty=D(3))
    assert exc.value.code == "insufficient_available"
    assert selectors.available(sku=sku, warehouse=wh) == 2
    b = stock.reserve(sku=sku, warehouse=wh, qty=D(3), allow_backorder=True)
    assert b.reserved == 6 and b.allow_backorder
    b = stock.release(sku=sku, warehouse=wh, qty=D(3))
    assert b.reserved == 3 and not b.allow_backorder
    with pytest.raises(BucketBelowZero):
        stock.release(sku=sku, warehouse=wh, qty=D(4))
    # an issue may not eat stock reserved for others …
    with pytest.raises(InsufficientAvailable):
        kit.issue(sku, wh, "3", day=2)
    # … but a delivery that fulfils the reservation releases it in the same update
    kit.post([kit.line(sku, wh, "-3", R.SALES_DELIVERY, day=2, release_reserved=D(3))])
    b = StockBalance.objects.get(sku=sku, warehouse=wh)
    assert (b.on_hand, b.reserved) == (2, 0)
    assert_ledger_consistent()


def test_on_order_and_in_transit(kit):
    sku, a, b = kit.sku("A"), kit.warehouse("A"), kit.warehouse("B")
    stock.record_on_order(sku=sku, warehouse=a, qty=D(10))
    kit.post([kit.line(sku, a, "6", R.PURCHASE_RECEIPT, unit_cost="1", receive_on_order=D(6))])
    assert StockBalance.objects.get(sku=sku, warehouse=a).on_order == 4
    with pytest.raises(BucketBelowZero):
        stock.record_on_order(sku=sku, warehouse=a, qty=D(-5))
    out = kit.post([kit.line(sku, a, "-2", R.TRANSFER_OUT, day=2)])[0]
    stock.record_in_transit(sku=sku, warehouse=b, qty=D(2))
    kit.post([kit.line(sku, b, "2", R.TRANSFER_IN, day=3, origin=out, receive_in_transit=D(2))])
    bb = StockBalance.objects.get(sku=sku, warehouse=b)
    assert (bb.on_hand, bb.in_transit, bb.value) == (2, 0, D("2.00"))
    assert_ledger_consistent()


# --- serials, batches, FEFO -------------------------------------------------------------------


def test_serial_numbers_come_in_once_and_go_out_from_where_they_are(kit):
    sku, a = kit.sku("P", tracking="serial"), kit.warehouse("A")
    b = kit.warehouse("B", allow_negative=True)
    kit.receive(sku, a, "2", "1000", serials=("SN1", "SN2"))
    with pytest.raises(InvalidStockLine):
        kit.receive(sku, a, "1", "1000", serials=("SN1",))
    with pytest.raises(InvalidStockLine):
        kit.receive(sku, a, "2", "1000", serials=("SN3",))
    with pytest.raises(InvalidStockLine):
        kit.issue(sku, b, "1", serials=("SN1",))
    mv = kit.issue(sku, a, "1", day=2, serials=("SN2",))
    assert SerialNumber.objects.get(number="SN2").warehouse is None
    kit.reverse(mv, day=3)
    assert SerialNumber.objects.get(number="SN2").warehouse == a
    assert [s.number for s in mv.serials.all()] == ["SN2"]
    assert_ledger_consistent()


def test_fefo_suggestion_and_near_expiry(kit):
    sku, wh = kit.sku("M", tracking="batch"), kit.warehouse("A")
    late = kit.batch(sku, "L-LATE", expiry=dt.date(2026, 12, 1))
    soon = kit.batch(sku, "L-SOON", expiry=dt.date(2026, 3, 1))
    none = kit.batch(sku, "L-NONE")
    for batch in (late, soon, none):
        kit.receive(sku, wh, "5", "1", batch=batch)
    picks = selectors.suggest_batches(sku=sku, warehouse=wh, qty=D(7))
    assert [(p.batch_number, p.qty) for p in picks] == [("L-SOON", 5), ("L-LATE", 2)]
    near = selectors.near_expiry(days=30, today=dt.date(2026, 2, 15))
    assert [lot.batch.number for lot in near] == ["L-SOON"]
    assert LotBalance.objects.filter(sku=sku).count() == 3


def test_batch_of_another_sku_and_missing_batch_are_refused(kit):
    sku, other, wh = (
        kit.sku("M", tracking="batch"),
        kit.sku("N", tracking="batch"),
        kit.warehouse("A"),
    )
    with pytest.raises(InvalidStockLine):
        kit.receive(sku, wh, "1", "1")
    with pytest.raises(InvalidStockLine):
        kit.receive(sku, wh, "1", "1", batch=kit.batch(other, "X"))


# --- background re-costing, self-check, rebuild -----------------------------------------------


def test_large_backdated_posting_is_recosted_in_the_background(kit, monkeypatch):
    monkeypatch.setattr(ledger, "RECOST_THRESHOLD", 3)
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "100", "10", day=1)
    issues = [kit.issue(sku, wh, "1", day=10 + i) for i in range(5)]
    kit.receive(sku, wh, "100", "20", day=5)
    assert selectors.sku_is_recosting(sku)
    assert [i.value for i in StockMove.objects.filter(pk__in=[x.pk for x in issues])] == [
        D("-10.00")
    ] * 5
    assert not ledger_problems()  # consistent, only not re-valued yet
    kit.issue(sku, wh, "1", day=20)  # postings go on meanwhile
    job = RecostJob.objects.get()
    assert job.status == "pending" and job.sku_ids == [sku.pk]
    job = run_recost(job.pk)
    assert job.status == "done" and job.done >= 6
    assert not SkuLedger.objects.get(sku=sku).recosting
    assert {i.value for i in StockMove.objects.filter(pk__in=[x.pk for x in issues])} == {
        D("-15.00")
    }
    assert_ledger_consistent()


def test_rebuild_balances_repairs_and_reports(kit):
    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "10", "10")
    StockBalance.objects.filter(sku=sku).update(on_hand=D(3))
    LotBalance.objects.all().delete()
    problems = ledger_problems()
    assert any("on_hand" in p for p in problems)
    changes = rebuild_balances()
    assert any("balance" in c for c in changes)
    assert rebuild_balances() == []
    assert_ledger_consistent()


def test_moves_record_how_they_were_valued_and_the_database_refuses_unknown_bases(kit):
    from django.db import IntegrityError, transaction

    from jxc.inventory.choices import CostBasis

    sku, wh = kit.sku("A"), kit.warehouse("A")
    receipt = kit.receive(sku, wh, "4", "2")
    issue = kit.issue(sku, wh, "1", day=2)
    reversal = kit.reverse(issue, day=3)[0]
    assert receipt.cost_basis == CostBasis.GIVEN_COST
    assert issue.cost_basis == CostBasis.POOL_COST
    assert reversal.cost_basis == CostBasis.REVERSAL
    assert {m.cost_basis for m in StockMove.objects.all()} <= set(CostBasis.values)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMove.objects.filter(pk=receipt.pk).update(cost_basis="z")


def test_a_refusal_leaves_the_callers_transaction_usable_and_a_failed_write_dooms_it(
    kit, monkeypatch
):
    """record_moves takes no savepoint inside the caller's transaction (docs/ledger.md)."""
    from django.db import connection, transaction

    from jxc.core.errors import InsufficientStock
    from jxc.inventory.ledger import pools

    sku, wh = kit.sku("A"), kit.warehouse("A")
    kit.receive(sku, wh, "2", "1")
    with transaction.atomic():
        with pytest.raises(InsufficientStock):
            kit.issue(sku, wh, "5")
        assert not connection.needs_rollback
        kit.issue(sku, wh, "1")  # the caller's transaction goes on
    assert StockBalance.objects.get(sku=sku, warehouse=wh).on_hand == 1

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pools, "update_rows", boom)
    monkeypatch.setattr(pools.Writes, "update_rows", boom)
    moves = StockMove.objects.count()
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            kit.issue(sku, wh, "1")
        assert connection.needs_rollback  # nothing half-written can be committed
    assert StockMove.objects.count() == moves
    assert StockBalance.objects.get(sku=sku, warehouse=wh).on_hand == 1
    assert_ledger_consistent()
