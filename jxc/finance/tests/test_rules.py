"""往来账 rules (pure): line checks, due dates, oldest-first allocation, aging, statement."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jxc.finance import rules
from jxc.finance.rules import Open, PartyLine

D = Decimal
DAY = dt.date(2026, 3, 1)


def _line(**kw):
    base = dict(side="payable", partner_id=1, amount=D("10.00"), date=DAY)
    return PartyLine(**{**base, **kw})


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"side": "other"}, "book"),
        ({"kind": "gift"}, "kind"),
        ({"partner_id": 0}, "partner"),
        ({"amount": D(0)}, "zero"),
        ({"amount": D("1.001")}, "decimal places"),
        ({"amount": D("1e13")}, "too large"),
        ({"due_date": DAY - dt.timedelta(days=1)}, "due date"),
    ],
)
def test_party_line_problems_name_each_refusal(kw, words):
    with translation.override("en"):
        problems = rules.party_line_problems([_line(), _line(**kw)])
    assert [i for i, _p in problems] == [1]
    assert words in problems[0][1].lower()


def test_party_line_problems_accept_negative_amounts():
    assert rules.party_line_problems([_line(amount=D("-99.99"), kind="payment")]) == []


def test_due_date_follows_payment_terms():
    assert rules.due_date_for(DAY, 30) == dt.date(2026, 3, 31)
    assert rules.due_date_for(DAY, 0) == DAY


def test_allocate_takes_oldest_due_first_and_stops_at_the_amount():
    items = [
        Open(3, dt.date(2026, 1, 5), dt.date(2026, 2, 4), D("50")),
        Open(1, dt.date(2026, 1, 1), dt.date(2026, 3, 1), D("70")),
        Open(2, dt.date(2026, 1, 2), None, D("30")),  # due on its date: first
    ]
    assert rules.allocate(D("100"), items) == [(2, D("30")), (3, D("50")), (1, D("20"))]


def test_allocate_never_more_than_open_in_all():
    items = [Open(1, DAY, None, D("-5")), Open(2, DAY, None, D("-7"))]
    assert rules.allocate(D("100"), items) == [(1, D("5")), (2, D("7"))]
    assert rules.allocate(D("0"), items) == []


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    amount=st.decimals(min_value=0, max_value=10_000, places=2),
    opens=st.lists(st.decimals(min_value="0.01", max_value=5_000, places=2), max_size=8),
)
def test_allocate_stays_within_both_sides(amount, opens):
    items = [Open(i, DAY + dt.timedelta(days=i % 3), None, o) for i, o in enumerate(opens)]
    plan = rules.allocate(amount, items)
    taken = sum((a for _i, a in plan), D(0))
    assert taken == min(amount, sum(opens, D(0)))
    by_id = {i.id: i.open for i in items}
    assert all(0 < a <= by_id[i] for i, a in plan)


@pytest.mark.parametrize(
    "days, bucket",
    [
        (-1, "not_due"),
        (0, "0-30"),
        (30, "0-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
    ],
)
def test_aging_bucket_edges(days, bucket):
    assert rules.aging_bucket(DAY, DAY + dt.timedelta(days=days)) == bucket


def test_aging_adds_up_to_what_is_open():
    items = [
        Open(1, DAY, DAY, D("100")),
        Open(2, DAY, dt.date(2026, 5, 1), D("40")),
        Open(3, dt.date(2025, 10, 1), None, D("-15")),
    ]
    got = rules.aging(items, dt.date(2026, 4, 15))
    # the credit (a return of 2025-10-01) is taken off the oldest open document, not aged
    assert got == {"not_due": D("40"), "0-30": 0, "31-60": D("85"), "61-90": 0, "90+": 0,
                   "credit": 0}  # fmt: skip
    assert sum(got.values()) == D("125")


def test_aging_credits_net_oldest_due_first_and_the_rest_stands_apart():
    """未核销贷项: a credit never shows as a negative age bucket; it meets the oldest due
    documents first (as 核销 would), what no document takes is its own column (≤ 0)."""
    owed = {"not_due": D("40"), "0-30": D("10"), "31-60": D("0"), "61-90": D("5"), "90+": D("7")}
    buckets, left = rules.net_credits(owed, D("-13.50"))
    assert buckets == {"not_due": D("40"), "0-30": D("8.50"), "31-60": 0, "61-90": 0, "90+": 0}
    assert left == 0
    buckets, left = rules.net_credits(owed, D("-70.01"))
    assert all(v == 0 for v in buckets.values()) and left == D("-8.01")
    only_credit = rules.aging([Open(1, DAY, None, D("-200.00"))], DAY)
    assert only_credit["credit"] == D("-200.00")
    assert all(only_credit[b] == 0 for b in rules.AGING_BUCKETS)


def test_statement_rows_run_the_balance_from_the_opening():
    rows = rules.statement_rows(
        D("10"), [(DAY, "CGRK-1", "", D("100")), (DAY, "FK-1", "", D("-60.50"))]
    )
    assert [(r.increase, r.decrease, r.balance) for r in rows] == [
        (D("100"), 0, D("110")),
        (0, D("60.50"), D("49.50")),
    ]


_amounts = st.lists(
    st.tuples(st.integers(1, 50), st.decimals(D("0.01"), D("500"), places=2)),
    max_size=6,
    unique_by=lambda t: t[0],
)


@given(debits=_amounts, credits=_amounts)
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_pair_settlements_never_takes_more_than_an_item_offers(debits, credits):
    credits = [(i + 100, a) for i, a in credits]
    pairs = rules.pair_settlements(debits, credits)
    assert all(a > 0 for _d, _c, a in pairs)
    for i, offered in debits:
        assert sum((a for d, _c, a in pairs if d == i), D(0)) <= offered
    for i, offered in credits:
        assert sum((a for _d, c, a in pairs if c == i), D(0)) <= offered
    total = sum((a for _d, _c, a in pairs), D(0))
    assert total == min(sum((a for _i, a in debits), D(0)), sum((a for _i, a in credits), D(0)))


def test_pair_settlements_follows_the_order_given():
    assert rules.pair_settlements([(1, D(5)), (2, D(5))], [(9, D(3)), (8, D(10))]) == [
        (1, 9, D(3)),
        (1, 8, D(2)),
        (2, 8, D(5)),
    ]


def test_overdue_after_credits_takes_the_oldest_due_first():
    """逾期应收 by the 账龄 rule: a credit covers the oldest overdue documents first; what is
    left is overdue since the oldest document it leaves (partly) open."""
    jan, feb, mar = dt.date(2026, 1, 10), dt.date(2026, 2, 10), dt.date(2026, 3, 10)
    docs = [(mar, D("40.00")), (jan, D("100.00")), (feb, D("60.00"))]  # any order
    assert rules.overdue_after_credits(docs, D("0")) == (D("200.00"), jan)
    assert rules.overdue_after_credits(docs, D("-30.00")) == (D("170.00"), jan)
    assert rules.overdue_after_credits(docs, D("-100.00")) == (D("100.00"), feb)
    assert rules.overdue_after_credits(docs, D("-159.99")) == (D("40.01"), feb)
    assert rules.overdue_after_credits(docs, D("-160.00")) == (D("40.00"), mar)
    assert rules.overdue_after_credits(docs, D("-200.00")) == (D("0"), None)
    assert rules.overdue_after_credits(docs, D("-250.00")) == (D("0"), None)
    assert rules.overdue_after_credits([], D("-5")) == (D("0"), None)
