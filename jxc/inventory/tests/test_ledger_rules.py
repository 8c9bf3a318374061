"""Pure stock rules (jxc.inventory.rules): line checks, origins, FEFO, running balances."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.inventory import rules
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.ledger.types import FefoPick, StockLine

DAY = dt.date(2026, 1, 1)


def line(qty, reason, **kw):
    return StockLine(sku=1, warehouse=1, qty=D(qty), reason=reason, date=DAY, **kw)


@pytest.mark.parametrize(
    "bad",
    [
        line("-1", R.PURCHASE_RECEIPT, unit_cost=D(1)),
        line("1", R.SALES_DELIVERY),
        line("1", R.COST_ADJUSTMENT, value=D(1)),
        line("0", R.COST_ADJUSTMENT),
        line("0", R.COST_ADJUSTMENT, value=D(1), unit_cost=D(1)),
        line("1", R.PURCHASE_RECEIPT),
        line("1", R.PURCHASE_RECEIPT, unit_cost=D("-1")),
        line("1", R.PURCHASE_RECEIPT, unit_cost=D("0.00000000001")),
        line("1", R.OTHER_RECEIPT, value=D("0.001")),
        line("1.0000001", R.OTHER_RECEIPT, unit_cost=D(1)),
        line("1", R.TRANSFER_IN),
        line("1", R.TRANSFER_IN, origin=5, origin_line=0),
        line("-1", R.SALES_DELIVERY, release_reserved=D("-1")),
        line("1", "moonwalk"),
    ],
)
def test_bad_lines(bad):
    assert rules.line_problem(0, bad, [bad])


def test_good_lines_and_origin_line_checks():
    out = line("-3", R.TRANSFER_OUT)
    good = [out, line("2", R.TRANSFER_IN, origin_line=0), line("1", R.TRANSFER_IN, origin_line=0)]
    assert rules.line_problems(good) == []
    too_much = [out, line("4", R.TRANSFER_IN, origin_line=0)]
    assert rules.line_problems(too_much)[0][0] == 1
    backwards = [line("3", R.TRANSFER_IN, origin_line=1), out]
    assert rules.line_problems(backwards)[0][0] == 0
    wrong_kind = [line("-3", R.SALES_DELIVERY), line("3", R.TRANSFER_IN, origin_line=0)]
    assert rules.line_problems(wrong_kind)


def test_origin_problem():
    ok = dict(reason=R.SALES_RETURN, sku_id=1, date=DAY, origin_reason=R.SALES_DELIVERY,
              origin_sku_id=1, origin_date=DAY, origin_is_reversal=False)  # fmt: skip
    assert rules.origin_problem(**ok) is None
    assert rules.origin_problem(**{**ok, "origin_reason": R.TRANSFER_OUT})
    assert rules.origin_problem(**{**ok, "origin_sku_id": 2})
    assert rules.origin_problem(**{**ok, "origin_date": DAY + dt.timedelta(days=1)})
    assert rules.origin_problem(**{**ok, "origin_is_reversal": True})
    assert rules.origin_problem(**{**ok, "reason": R.PURCHASE_RETURN,
                                   "origin_reason": R.PURCHASE_RECEIPT}) is None  # fmt: skip


def test_allocate_fefo_takes_lots_in_order():
    lots = [FefoPick(1, None, D(2)), FefoPick(2, None, D(5)), FefoPick(3, None, D(9))]
    assert [(p.batch_id, p.qty) for p in rules.allocate_fefo(lots, D(4))] == [(1, 2), (2, 2)]
    assert sum(p.qty for p in rules.allocate_fefo(lots, D(99))) == 16
    assert rules.allocate_fefo(lots, D(0)) == []


def test_lowest_running_balance():
    assert rules.lowest_running_balance(D(5), [D(-3), D(4), D(-7)]) == D(-1)
    assert rules.lowest_running_balance(D(5), []) == D(5)
