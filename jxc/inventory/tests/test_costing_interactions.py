"""The costing engine's harder interactions: backdating across transfers and returns, periodic
transfer cycles, FIFO re-sequencing, negative pools. Figures are worked out by hand in
docstrings and comments, postings go through the public writer (LedgerKit), every test ends
with the ledger self-check. kit.day(n) is 2026-01-n.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.inventory.choices import MoveReason as R
from jxc.inventory.models import CostPool, StockBalance, StockMove
from jxc.inventory.selectors import layers_consumed
from jxc.inventory.services import settle_periodic_average
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def fresh(mv):
    mv.refresh_from_db()
    return mv


def pool(sku, wh=None):
    qs = CostPool.objects.filter(sku=sku)
    if wh is not None:
        qs = qs.filter(warehouse=wh)
    return qs.get()


def state(p):
    return (p.qty, p.value)


def bal(sku, wh):
    return StockBalance.objects.get(sku=sku, warehouse=wh)


def done():
    assert not CostPool.objects.filter(qty=0).exclude(value=0).exists()
    assert not StockBalance.objects.filter(on_hand=0).exclude(value=0).exists()
    assert_ledger_consistent()


def test_backdated_receipt_re_values_a_linked_customer_return(kit):
    """Moving average. d1 +10 @ 10; d10 delivery 4 (40.00); d15 return 2 linked (20.00).
    Backdated d5 +10 @ 20 → avg (100 + 200)/20 = 15:
      delivery 4 × 15 = 60.00 → 16 / 240.00
      the return comes back at the cost the delivery now left with: 2 × 15 = 30.00
      → 18 / 270.00, avg 15."""
    sku, wh = kit.sku("S1"), kit.warehouse("W1")
    kit.receive(sku, wh, "10", "10", day=1)
    delivery = kit.issue(sku, wh, "4", day=10)
    back = kit.sales_return(sku, wh, "2", day=15, origin=delivery)
    assert fresh(back).value == D("20.00")
    kit.receive(sku, wh, "10", "20", day=5)
    assert (fresh(delivery).value, fresh(back).value) == (D("-60.00"), D("30.00"))
    p = pool(sku)
    assert (p.qty, p.value, p.unit_cost) == (D(18), D("270.00"), D("15"))
    done()


def test_company_pool_backdated_receipt_re_values_transfer_and_warehouse_values(kit):
    """Company pool. A: d1 +4 @ 10. d3 transfer 2 A→B (2 × 10 = 20.00). d10 issue 1 at B (10.00).
    Backdated d2 +2 @ 16 into A → pool 6 / 72.00, unit 12:
      transfer on d3 = 2 × 12 = 24.00 out and in; pool unchanged 6 / 72.00
      d10 issue at B = 12.00 → pool 5 / 60.00
    Warehouse values: A 4 × 12 = 48.00, B 1 × 12 = 12.00."""
    sku, a, b = kit.sku("S2"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "4", "10", day=1)
    out, inn = kit.transfer(sku, a, b, "2", day=3)
    iss = kit.issue(sku, b, "1", day=10)
    assert fresh(iss).value == D("-10.00")
    kit.receive(sku, a, "2", "16", day=2)
    assert (fresh(out).value, fresh(inn).value) == (D("-24.00"), D("24.00"))
    assert fresh(iss).value == D("-12.00")
    assert state(pool(sku)) == (D(5), D("60.00"))
    assert (bal(sku, a).value, bal(sku, b).value) == (D("48.00"), D("12.00"))
    done()


def test_fifo_backdated_issue_re_sequences_the_layers_later_issues_consume(kit):
    """FIFO. r1 d1 2 @ 1.00, r2 d2 2 @ 2.00; d10 issue 2 → r1 2 (2.00).
    Backdated d5 issue 1 → takes r1 1 (1.00); the d10 issue now takes r1 1 + r2 1 = 3.00,
    and its consumed layers say so. Left: r2 1 @ 2.00."""
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("S3"), kit.warehouse("W1")
    r1 = kit.receive(sku, wh, "2", "1.00", day=1)
    r2 = kit.receive(sku, wh, "2", "2.00", day=2)
    late = kit.issue(sku, wh, "2", day=10)
    assert fresh(late).value == D("-2.00")
    early = kit.issue(sku, wh, "1", day=5)
    assert fresh(early).value == D("-1.00")
    late = fresh(late)
    assert late.value == D("-3.00")
    assert [(u.layer.move_id, u.qty, u.value) for u in layers_consumed(late)] == [
        (r1.pk, D(1), D("1.00")),
        (r2.pk, D(1), D("2.00")),
    ]
    assert state(pool(sku)) == (D(1), D("2.00"))
    done()


def test_per_warehouse_backdated_receipt_flows_through_fifo_transfer(kit):
    """Per-warehouse FIFO. A: d1 3 @ 5.00. d10 transfer 2 A→B (10.00). d20 B issue 2 (10.00).
    A backdated receipt into A on 2025-12-31, 1 @ 1.00, becomes A's oldest layer → the d10 transfer now takes 1 @ 1.00 + 1 @ 5.00 = 6.00,
    B's layers follow, and B's d20 issue is 6.00. A keeps 2 @ 5.00 = 10.00."""
    kit.company(cost_scope="warehouse", costing_method="fifo")
    sku, a, b = kit.sku("S4"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "3", "5.00", day=1)
    out, inn = kit.transfer(sku, a, b, "2", day=10)
    ib = kit.issue(sku, b, "2", day=20)
    assert fresh(ib).value == D("-10.00")
    kit.receive(sku, a, "1", "1.00", day=dt.date(2025, 12, 31))
    assert (fresh(out).value, fresh(inn).value) == (D("-6.00"), D("6.00"))
    assert fresh(ib).value == D("-6.00")
    assert state(pool(sku, a)) == (D(2), D("10.00"))
    assert state(pool(sku, b)) == (0, 0)
    done()


@pytest.mark.parametrize("ab_day,ba_day", [(5, 6), (6, 5)])
def test_periodic_per_warehouse_transfer_cycle(kit, ab_day, ba_day):
    """全月一次加权平均, per-warehouse pools, a cycle in one month.
    A: d1 +10 @ 10 (100.00); B: d1 +10 @ 20 (200.00). Transfer 5 A→B and 2 B→A (on d5 and d6,
    either order: the month's unit does not depend on the order inside the month).
    Units (the linear system):  uA = (100 + 2·uB)/12,  uB = (200 + 5·uA)/15
      → 180·uA = 1500 + 2(200 + 5·uA) → 170·uA = 1900 → uA = 11.176470588…
      uB = (200 + 55.882352941…)/15 = 17.058823529…
    A→B: 5 × 11.1764705882 = 55.882… → 55.88;  B→A: 2 × 17.0588235294 = 34.1176… → 34.12.
    Ending: A 7 / (100 + 34.12 − 55.88) = 78.24;  B 13 / (200 + 55.88 − 34.12) = 221.76;
    together 300.00 (nothing created or lost).
    (Review finding: one transfer-in kept a stale value after settlement — 50.00 / 58.33 —
    so the pools lost 5.88 / gained 2.45; fixed in ebe6881.)"""
    kit.company(costing_method="periodic_average", cost_scope="warehouse")
    sku, a, b = kit.sku("S5"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "10", "10", day=1)
    kit.receive(sku, b, "10", "20", day=1)
    if ab_day < ba_day:
        ab_out, ab_in = kit.transfer(sku, a, b, "5", day=ab_day)
        ba_out, ba_in = kit.transfer(sku, b, a, "2", day=ba_day)
    else:
        ba_out, ba_in = kit.transfer(sku, b, a, "2", day=ba_day)
        ab_out, ab_in = kit.transfer(sku, a, b, "5", day=ab_day)
    settle_periodic_average(year=2026, month=1)
    # value is neither created nor lost: 300.00 in both pools together
    assert pool(sku, a).value + pool(sku, b).value == D("300.00")
    assert (fresh(ab_out).value, fresh(ab_in).value) == (D("-55.88"), D("55.88"))
    assert (fresh(ba_out).value, fresh(ba_in).value) == (D("-34.12"), D("34.12"))
    assert state(pool(sku, a)) == (D(7), D("78.24"))
    assert state(pool(sku, b)) == (D(13), D("221.76"))
    done()


def test_negative_pool_backdated_covering_receipt(kit):
    """Negative allowed. d1 +2 @ 10; d10 issue 5 → 50.00 (pool −3 / −30.00).
    d20 +5 @ 12 covers: value after 2 × 12 = 24.00, in 54.00, variance 6.00.
    Backdated d5 +4 @ 13: d5 pool 6 / 72.00, avg (20 + 52)/6 = 12; d10 issue 5 → 60.00
    → 1 / 12.00; d20 +5 @ 12 into a positive pool: ordinary 60.00, variance 0 → 6 / 72.00."""
    sku, wh = kit.sku("S7"), kit.warehouse("W1", allow_negative=True)
    kit.receive(sku, wh, "2", "10", day=1)
    out = kit.issue(sku, wh, "5", day=10)
    cover = kit.receive(sku, wh, "5", "12", day=20)
    assert (fresh(cover).value, fresh(cover).variance) == (D("54.00"), D("6.00"))
    kit.receive(sku, wh, "4", "13", day=5)
    assert fresh(out).value == D("-60.00")
    cover = fresh(cover)
    assert (cover.value, cover.variance) == (D("60.00"), D("0.00"))
    assert state(pool(sku)) == (D(6), D("72.00"))
    done()


def test_count_gain_without_cost_at_current_average(kit):
    """3 for 10.00 (avg 3.3333333333). 盘盈 1 without a cost → 3.33 (current cost);
    avg = 13.33 / 4 = 3.3325. 盘亏 4 empties → 13.33."""
    sku, wh = kit.sku("S8"), kit.warehouse("W1")
    kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    gain = kit.post([kit.line(sku, wh, "1", R.COUNT_GAIN, 2)])[0]
    assert fresh(gain).value == D("3.33")
    assert pool(sku).unit_cost == D("3.3325")
    loss = kit.post([kit.line(sku, wh, "-4", R.COUNT_LOSS, 3)])[0]
    assert fresh(loss).value == D("-13.33")
    done()


def test_cost_adjustment_sets_the_unit_cost_and_revalues_later_issues(kit):
    """d1 +4 for 10.00 (2.5); d10 issue 1 → 2.50. Backdated 成本调整 on d5 to unit 3.10:
    value change 4 × 3.10 − 10.00 = +2.40 → 4 / 12.40; the d10 issue → 3.10 → 3 / 9.30."""
    sku, wh = kit.sku("S9"), kit.warehouse("W1")
    kit.post([kit.line(sku, wh, "4", R.PURCHASE_RECEIPT, 1, value="10.00")])
    out = kit.issue(sku, wh, "1", day=10)
    adj = kit.adjust(sku, wh, day=5, unit_cost="3.10")
    assert fresh(adj).value == D("2.40")
    assert fresh(out).value == D("-3.10")
    assert state(pool(sku)) == (D(3), D("9.30"))
    done()


def test_reversal_of_a_transfer_after_destination_issued_some(kit):
    """Per-warehouse average. A +4 @ 5 (20.00); B +1 @ 8 (8.00). Transfer 2 A→B (10.00):
    B 3 / 18.00, avg 6. B issues 1 → 6.00 → 2 / 12.00.
    红冲 the transfer: A gets back exactly what left (10.00) → 4 / 20.00. B gives back 2, which
    empties B's pool, so that move takes all B holds: −12.00 (at the current average 2 × 6 as
    well) and B ends 0 / 0.00 — no value left at zero quantity."""
    kit.company(cost_scope="warehouse")
    sku, a, b = kit.sku("S10"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "4", "5", day=1)
    kit.receive(sku, b, "1", "8", day=1)
    moves = kit.transfer(sku, a, b, "2", day=2)
    assert fresh(kit.issue(sku, b, "1", day=3)).value == D("-6.00")
    rev = {m.warehouse_id: fresh(m) for m in kit.reverse(moves[0], day=4)}
    assert state(pool(sku, a)) == (D(4), D("20.00"))
    assert state(pool(sku, b)) == (0, 0)
    assert rev[a.pk].value == D("10.00")
    assert rev[b.pk].value == D("-12.00")
    done()


def test_periodic_company_pool_warehouse_values_after_settlement(kit):
    """全月一次加权平均, company pool. Jan: A +3 for 10.00 (d1); B +1 @ 4.00 (d2);
    A issues 1 (d5); transfer 1 A→B (d6).
    unit = (10.00 + 4.00)/(3 + 1) = 3.5 → the issue 3.50; the transfer 3.50 out and in;
    pool 3 / 10.50; warehouses A 1 × 3.5 = 3.50, B 2 × 3.5 = 7.00."""
    kit.company(costing_method="periodic_average")
    sku, a, b = kit.sku("S11"), kit.warehouse("A"), kit.warehouse("B")
    kit.post([kit.line(sku, a, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    kit.receive(sku, b, "1", "4.00", day=2)
    out = kit.issue(sku, a, "1", day=5)
    t_out, t_in = kit.transfer(sku, a, b, "1", day=6)
    settle_periodic_average(year=2026, month=1)
    assert fresh(out).value == D("-3.50")
    assert (fresh(t_out).value, fresh(t_in).value) == (D("-3.50"), D("3.50"))
    assert state(pool(sku)) == (D(3), D("10.50"))
    assert (bal(sku, a).value, bal(sku, b).value) == (D("3.50"), D("7.00"))
    done()


def test_fifo_negative_stock_where_allowed(kit):
    """FIFO, negative allowed. r1 2 @ 10; issue 5 → 2 × 10 + 3 at the last cost 10 = 50.00
    (pool −3 / −30.00). r2 5 @ 12 covers: pool after 2 × 12 = 24.00, value in 54.00,
    variance 60.00 − 54.00 = 6.00. Issue 2 → the 2 left at 12 = 24.00 → 0 / 0."""
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("S12"), kit.warehouse("W1", allow_negative=True)
    kit.receive(sku, wh, "2", "10", day=1)
    assert fresh(kit.issue(sku, wh, "5", day=2)).value == D("-50.00")
    assert state(pool(sku)) == (D(-3), D("-30.00"))
    cover = fresh(kit.receive(sku, wh, "5", "12", day=3))
    assert (cover.value, cover.variance) == (D("54.00"), D("6.00"))
    assert state(pool(sku)) == (D(2), D("24.00"))
    assert fresh(kit.issue(sku, wh, "2", day=4)).value == D("-24.00")
    assert state(pool(sku)) == (0, 0)
    done()


def test_fifo_reversal_of_an_untouched_receipt_restores_exactly(kit):
    """FIFO: r1 3 for 10.00, r2 2 @ 4.00. 红冲 r2 (nothing since) → −8.00, pool 3 / 10.00,
    then issue 3 takes r1's whole layer 10.00."""
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("S13"), kit.warehouse("W1")
    kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    r2 = kit.receive(sku, wh, "2", "4.00", day=2)
    (rev,) = kit.reverse(r2, day=3)
    assert fresh(rev).value == D("-8.00")
    assert state(pool(sku)) == (D(3), D("10.00"))
    assert fresh(kit.issue(sku, wh, "3", day=4)).value == D("-10.00")
    done()


def test_reversal_dated_before_the_original_is_refused(kit):
    from jxc.core.errors import DomainError

    sku, wh = kit.sku("S14"), kit.warehouse("W1")
    rec = kit.receive(sku, wh, "2", "4.00", day=10)
    before = StockMove.objects.count()
    with pytest.raises(DomainError):
        kit.reverse(rec, day=9)
    assert StockMove.objects.count() == before
    done()


def test_per_warehouse_backdated_transfer_re_values_the_destination(kit):
    """Per-warehouse average. A +10 @ 10 (d1); B +10 @ 20 (d1); B issues 5 on d10 (100.00).
    Backdated transfer 10 A→B on d5: B = (200 + 100)/20 = 15 → the d10 issue 75.00;
    B 15 / 225.00; A 0 / 0.00."""
    kit.company(cost_scope="warehouse")
    sku, a, b = kit.sku("S15"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "10", "10", day=1)
    kit.receive(sku, b, "10", "20", day=1)
    iss = kit.issue(sku, b, "5", day=10)
    assert fresh(iss).value == D("-100.00")
    kit.transfer(sku, a, b, "10", day=5)
    assert fresh(iss).value == D("-75.00")
    assert state(pool(sku, b)) == (D(15), D("225.00"))
    assert state(pool(sku, a)) == (0, 0)
    done()


def test_company_pool_backdated_issue_breaking_a_warehouse_later_balance_is_refused(kit):
    """Company pool: A +5 (d1), transfer 5 A→B (d10). A backdated issue of 1 from A on d5
    leaves A at −1 after d10: refused, although the pool as a whole still has 4."""
    from jxc.core.errors import InsufficientStock

    sku, a, b = kit.sku("S16"), kit.warehouse("A"), kit.warehouse("B")
    kit.receive(sku, a, "5", "2", day=1)
    kit.transfer(sku, a, b, "5", day=10)
    before = StockMove.objects.count()
    with pytest.raises(InsufficientStock):
        kit.issue(sku, a, "1", day=5)
    assert StockMove.objects.count() == before
    done()


def test_company_pool_one_warehouse_negative_the_other_positive(kit):
    """Company pool; A allows negative, B does not. B +4 @ 10. A issues 2 → at avg 10 = 20.00;
    pool 2 / 20.00; A −2 × 10 = −20.00, B 4 × 10 = 40.00.
    A +1 @ 13: the pool's quantity (2) is > 0, so an ordinary average: (20 + 13)/3 = 11, no
    variance; A −1 × 11 = −11.00, B 4 × 11 = 44.00 (together 33.00 = the pool)."""
    sku = kit.sku("S18")
    a, b = kit.warehouse("A", allow_negative=True), kit.warehouse("B")
    kit.receive(sku, b, "4", "10", day=1)
    assert fresh(kit.issue(sku, a, "2", day=2)).value == D("-20.00")
    assert (bal(sku, a).value, bal(sku, b).value) == (D("-20.00"), D("40.00"))
    rec = fresh(kit.receive(sku, a, "1", "13", day=3))
    assert (rec.value, rec.variance) == (D("13.00"), D("0.00"))
    assert pool(sku).unit_cost == D("11")
    assert (bal(sku, a).value, bal(sku, b).value) == (D("-11.00"), D("44.00"))
    done()


def test_periodic_per_warehouse_source_emptied_by_transfer_and_destination_ends_empty(kit):
    """全月一次加权平均, per-warehouse. A +3 for 10.00 (d1); transfer 3 A→B (d5) empties A, so it
    carries all 10.00 (not 3 × 3.3333333333 = 10.00 — the same here, A ends 0 / 0.00).
    B: unit = 10.00 / 3 = 3.3333333333; issues 1 (d10) → 3.33 and 2 (d20) → 6.666… → 6.67;
    B ends at quantity 0, so the last issue takes the residue: 10.00 − 3.33 = 6.67 (ties)."""
    kit.company(costing_method="periodic_average", cost_scope="warehouse")
    sku, a, b = kit.sku("S19"), kit.warehouse("A"), kit.warehouse("B")
    kit.post([kit.line(sku, a, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    out, inn = kit.transfer(sku, a, b, "3", day=5)
    i1 = kit.issue(sku, b, "1", day=10)
    i2 = kit.issue(sku, b, "2", day=20)
    settle_periodic_average(year=2026, month=1)
    assert (fresh(out).value, fresh(inn).value) == (D("-10.00"), D("10.00"))
    assert (fresh(i1).value, fresh(i2).value) == (D("-3.33"), D("-6.67"))
    assert state(pool(sku, a)) == (0, 0) and state(pool(sku, b)) == (0, 0)
    done()


def test_specific_linked_customer_return_goes_back_into_its_batch(kit):
    """个别计价: L1 4 @ 5.00 and 2 @ 6.20 → 5.40; L2 3 @ 9.99. Delivery 2 of L1 → 10.80.
    L1 +1 @ 8.40: (4 × 5.40 + 8.40)/5 = (21.60 + 8.40)/5 = 6.00.
    Linked return 1 into L1 → at the delivery's 5.40; L1 = (30.00 + 5.40)/6 = 5.90. L2 untouched."""
    kit.company(costing_method="specific")
    sku, wh = kit.sku("S21", tracking="batch"), kit.warehouse("W1")
    l1, l2 = kit.batch(sku, "L1"), kit.batch(sku, "L2")
    kit.receive(sku, wh, "4", "5.00", day=1, batch=l1)
    kit.receive(sku, wh, "2", "6.20", day=1, batch=l1)
    kit.receive(sku, wh, "3", "9.99", day=1, batch=l2)
    delivery = fresh(kit.issue(sku, wh, "2", day=2, batch=l1))
    assert delivery.value == D("-10.80")
    kit.receive(sku, wh, "1", "8.40", day=3, batch=l1)
    back = fresh(kit.sales_return(sku, wh, "1", day=4, origin=delivery, batch=l1))
    assert back.value == D("5.40")
    p1 = CostPool.objects.get(sku=sku, batch=l1)
    assert (p1.qty, p1.value, p1.unit_cost) == (D(6), D("35.40"), D("5.9"))
    assert state(CostPool.objects.get(sku=sku, batch=l2)) == (D(3), D("29.97"))
    done()
