"""月结 stories across the period close (jxc.core.periods) and the stock ledger: Given stock and
postings in a month, When the month is closed (or settled, or reopened), Then nothing is
posted or re-valued in it and the next month starts from its settled end. Figures worked out
by hand, postings through the public writer (LedgerKit) and the documents' services, every
story ends with the ledger self-check. kit.day(n) is 2026-01-n.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.core.errors import (
    PeriodClosed,
)
from jxc.core.periods import close_period
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.models import CostPool, StockBalance, StockMove
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def fresh(mv):
    mv.refresh_from_db()
    return mv


def pool(sku, wh=None, batch=None):
    qs = CostPool.objects.filter(sku=sku)
    if wh is not None:
        qs = qs.filter(warehouse=wh)
    if batch is not None:
        qs = qs.filter(batch=batch)
    return qs.get()


def state(p):
    return (p.qty, p.value)


def no_value_at_zero_quantity():
    """Policy 'rounding': no pool and no warehouse ever holds value at zero quantity."""
    assert not CostPool.objects.filter(qty=0).exclude(value=0).exists()
    assert not StockBalance.objects.filter(on_hand=0).exclude(value=0).exists()


def done():
    no_value_at_zero_quantity()
    assert_ledger_consistent()


def test_closed_period_nothing_posted_or_revalued(kit, owner):
    """Moves on 2025-12-10 (+10 @ 10) and 2026-01-15 (−4 → 40.00). Closing January (the first
    close) locks everything up to 2026-01-31: a receipt dated 2025-12-20 (which would
    re-value the January issue) and one dated 2026-01-31 are refused (PeriodClosed); a 红冲
    dated in January is refused; a receipt on 2026-02-01 is fine and the January issue keeps
    40.00."""
    sku, wh = kit.sku("CP1"), kit.warehouse("W1")
    rec = kit.receive(sku, wh, "10", "10", day=dt.date(2025, 12, 10))
    jan = kit.issue(sku, wh, "4", day=15)
    close_period(year=2026, month=1, user=owner)
    before = StockMove.objects.count()
    for day in (dt.date(2025, 12, 20), dt.date(2026, 1, 31)):
        with pytest.raises(PeriodClosed):
            kit.receive(sku, wh, "5", "40", day=day)
    with pytest.raises(PeriodClosed):
        kit.reverse(jan, day=20)
    assert StockMove.objects.count() == before
    kit.receive(sku, wh, "5", "40", day=32)
    assert fresh(jan).value == D("-40.00")
    assert fresh(rec).value == D("100.00")
    assert state(pool(sku)) == (D(11), D("260.00"))
    done()


def test_periodic_settlement_re_costs_the_next_month_from_the_settled_end(kit, owner):
    """Jan: +3 for 10.00 (d1), issue 1 (d2, provisional 3.33), +1 @ 6.00 (d3).
    Provisional after d3: (6.67 + 6.00)/3 = 4.2233333333.
    Feb: issue 1 (d33) provisional round(4.2233333333) = 4.22.
    Settle Jan: unit = 16.00 / 4 = 4.00 → Jan issue 4.00; end 3 / 12.00.
    Feb is re-costed from 3 / 12.00 (avg 4): Feb issue 4.00 → 2 / 8.00."""
    kit.company(costing_method="periodic_average")
    sku, wh = kit.sku("S6"), kit.warehouse("W1")
    kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, 1, value="10.00")])
    jan = kit.issue(sku, wh, "1", day=2)
    kit.receive(sku, wh, "1", "6.00", day=3)
    feb = kit.issue(sku, wh, "1", day=33)
    assert (fresh(jan).value, fresh(feb).value) == (D("-3.33"), D("-4.22"))
    close_period(year=2026, month=1, user=owner)
    assert (fresh(jan).value, fresh(feb).value) == (D("-4.00"), D("-4.00"))
    assert state(pool(sku)) == (D(2), D("8.00"))
    done()


def test_reversal_in_the_open_month_of_a_receipt_from_a_closed_month(kit, owner):
    """Dec 2025 +10 @ 10; Jan issue 4 (40.00); close January; Feb 1 +5 @ 40 → 11 / 260.00,
    avg 260/11 = 23.6363636364. 红冲 the December receipt dated Feb 2: out at the current
    average 10 × 23.6363636364 = 236.363… → 236.36; value + variance = −100.00; pool
    1 / 23.64. The January issue keeps 40.00."""
    sku, wh = kit.sku("S17"), kit.warehouse("W1")
    rec = kit.receive(sku, wh, "10", "10", day=dt.date(2025, 12, 10))
    jan = kit.issue(sku, wh, "4", day=15)
    close_period(year=2026, month=1, user=owner)
    kit.receive(sku, wh, "5", "40", day=32)
    (rev,) = kit.reverse(rec, day=33)
    rev = fresh(rev)
    assert rev.value == D("-236.36")
    assert rev.value + rev.variance == D("-100.00")
    assert state(pool(sku)) == (D(1), D("23.64"))
    assert fresh(jan).value == D("-40.00")
    done()


def test_periodic_month_with_opening_only(kit, owner):
    """Dec 2025 +3 for 10.00, December closed. January only issues 1 and 1:
    unit = (10.00 + 0)/(3 + 0) = 3.3333333333 → 3.33 each; ending 10.00 − 6.66 = 3.34 for 1."""
    kit.company(costing_method="periodic_average")
    sku, wh = kit.sku("S20"), kit.warehouse("W1")
    kit.post([kit.line(sku, wh, "3", R.PURCHASE_RECEIPT, dt.date(2025, 12, 1), value="10.00")])
    close_period(year=2025, month=12, user=owner)
    a = kit.issue(sku, wh, "1", day=5)
    b = kit.issue(sku, wh, "1", day=6)
    close_period(year=2026, month=1, user=owner)
    assert (fresh(a).value, fresh(b).value) == (D("-3.33"), D("-3.33"))
    assert state(pool(sku)) == (D(1), D("3.34"))
    done()
