"""Pure rules of the warehouse documents: no database."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jxc.core.documents.lines import LineInput, SkuFacts, line_errors, parse_serials
from jxc.core.documents.lots import Lot, allocate
from jxc.inventory.choices import MoveReason
from jxc.inventory.documents import assembly_rules, count_rules, in_transit_rules, rules
from jxc.inventory.documents.rules import PostLine

DAY = dt.date(2026, 11, 20)
PCS, BOX, KG = 1, 2, 3
FACTS = {
    10: SkuFacts(id=10, label="A001 可乐", base_unit_id=PCS, units={PCS: D(1), BOX: D(12)}),
    11: SkuFacts(id=11, label="C001 牛奶", tracking="batch", base_unit_id=PCS, units={PCS: D(1)}),
    12: SkuFacts(id=12, label="S001 手机", tracking="serial", base_unit_id=PCS, units={PCS: D(1)}),
    13: SkuFacts(
        id=13, label="W001 大米", base_unit_id=KG, units={KG: D(1)}, fraction_units=frozenset({KG})
    ),
}


def errors(lines, **kw):
    kw.setdefault("incoming", True)
    return line_errors(lines, FACTS, **kw)


# --- line checks ---------------------------------------------------------------------------


def test_good_lines_have_no_errors():
    assert errors([LineInput(sku=10, qty=D(2), unit=BOX, price=D("30"))]) == {}
    assert errors([LineInput(sku=13, qty=D("1.25"))]) == {}


def test_no_lines():
    assert set(errors([])) == {"lines"}


@pytest.mark.parametrize(
    ("line", "key"),
    [
        (LineInput(sku=99, qty=D(1)), "lines.0.sku"),
        (LineInput(sku=10, qty=D(0)), "lines.0.qty"),
        (LineInput(sku=10, qty=D(-1)), "lines.0.qty"),
        (LineInput(sku=10, qty=D("1.5")), "lines.0.qty"),  # 个 is counted in whole units
        (LineInput(sku=10, qty=D(1), unit=KG), "lines.0.unit"),
        (LineInput(sku=10, qty=D(1), price=D("-1")), "lines.0.price"),
        (LineInput(sku=13, qty=D("0.0000001")), "lines.0.qty"),  # more places than stored
        (LineInput(sku=11, qty=D(1)), "lines.0.batch_number"),
        (LineInput(sku=12, qty=D(2), serials=("X1",)), "lines.0.serials"),
        (LineInput(sku=12, qty=D(2), serials=("X1", "X1")), "lines.0.serials"),
        (LineInput(sku=10, qty=D(1), serials=("X1",)), "lines.0.serials"),
        (
            LineInput(
                sku=11,
                qty=D(1),
                batch_number="B1",
                production_date=DAY,
                expiry_date=DAY - dt.timedelta(days=1),
            ),
            "lines.0.expiry_date",
        ),
    ],
)
def test_each_line_error(line, key):
    assert key in errors([line])


def test_every_error_at_once():
    found = errors([LineInput(sku=99, qty=D(1)), LineInput(sku=10, qty=D(0))])
    assert {"lines.0.sku", "lines.1.qty"} <= set(found)


def test_opening_needs_price_and_issue_may_leave_batch_to_fefo():
    assert "lines.0.price" in errors([LineInput(sku=10, qty=D(1))], needs_price=True)
    assert errors([LineInput(sku=11, qty=D(1))], incoming=False) == {}
    assert "lines.0.batch_number" in errors(
        [LineInput(sku=11, qty=D(1))], incoming=False, allow_no_batch_out=False
    )


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        (LineInput(sku=10, price=D("3.5")), True),
        (LineInput(sku=10, value_change=D("-12.30")), True),
        (LineInput(sku=10), False),
        (LineInput(sku=10, price=D(3), value_change=D(1)), False),
        (LineInput(sku=10, price=D(-3)), False),
        (LineInput(sku=10, value_change=D(0)), False),
    ],
)
def test_cost_adjustment_lines(line, ok):
    assert (errors([line], cost_adjustment=True) == {}) is ok


def test_reasons_fit_the_direction():
    assert rules.header_errors("other_receipt", reason="gift") == {}
    assert "reason" in rules.header_errors("other_receipt", reason="damage")
    assert "reason" in rules.header_errors("other_issue", reason="surplus")
    assert "reason" in rules.header_errors("other_issue", reason="")
    assert rules.header_errors("opening_stock", reason="") == {}


def test_serials_parse():
    assert parse_serials("a1, b2\nc3  d4，e5") == ("a1", "b2", "c3", "d4", "e5")
    assert parse_serials(["x", " ", "y "]) == ("x", "y")


# --- stock lines of the simple documents ----------------------------------------------------


def test_receipt_lines_carry_the_cost_as_entered_per_base_unit():
    """DOMAIN.md §5: an incoming move's unit cost is the cost as entered (30.01 per 箱 of 12 →
    2.5008333333 per 个); the ledger values it round(24 × 2.5008333333) = 60.02."""
    line = PostLine(
        id=5, sku=10, qty=D(2), base_qty=D(24), unit=BOX, price=D("30.01"), factor=D(12)
    )
    (out,) = rules.stock_lines_for_document("other_receipt", warehouse=1, date=DAY, lines=[line])
    assert (out.qty, out.unit_cost, out.value, out.reason) == (
        D(24),
        D("2.5008333333"),
        None,
        MoveReason.OTHER_RECEIPT,
    )
    assert (out.entered_qty, out.entered_unit, out.source_line) == (D(2), BOX, 5)


def test_receipt_without_price_leaves_cost_to_the_pool():
    line = PostLine(id=5, sku=10, qty=D(3), base_qty=D(3))
    (out,) = rules.stock_lines_for_document("other_receipt", warehouse=1, date=DAY, lines=[line])
    assert out.value is None and out.unit_cost is None


def test_issue_lines_one_per_lot_negative():
    line = PostLine(
        id=7,
        sku=11,
        qty=D(5),
        base_qty=D(5),
        lots=(Lot(qty=D(3), batch=1), Lot(qty=D(2), batch=2, bin=9)),
    )
    out = rules.stock_lines_for_document("other_issue", warehouse=1, date=DAY, lines=[line])
    assert [(x.qty, x.batch, x.bin) for x in out] == [(D(-3), 1, None), (D(-2), 2, 9)]
    assert all(x.reason == MoveReason.OTHER_ISSUE and x.source_line == 7 for x in out)


def test_opening_and_cost_adjustment_lines():
    (op,) = rules.stock_lines_for_document(
        "opening_stock",
        warehouse=1,
        date=DAY,
        lines=[PostLine(id=1, sku=10, qty=D(10), base_qty=D(10), price=D("1.005"))],
    )
    assert (op.reason, op.unit_cost, op.value) == (MoveReason.OPENING, D("1.005"), None)
    new_cost, delta = rules.stock_lines_for_document(
        "cost_adjustment",
        warehouse=1,
        date=DAY,
        lines=[
            PostLine(id=1, sku=10, qty=D(0), base_qty=D(0), price=D("36"), factor=D(12)),
            PostLine(id=2, sku=13, qty=D(0), base_qty=D(0), value_change=D("-5")),
        ],
    )
    assert (new_cost.qty, new_cost.unit_cost, new_cost.value) == (D(0), D(3), None)
    assert (delta.qty, delta.value, delta.reason) == (D(0), D(-5), MoveReason.COST_ADJUSTMENT)


def test_allocate_takes_in_order_and_reports_the_rest():
    lots = [Lot(qty=D(2), batch=1), Lot(qty=D(5), batch=2)]
    taken, rest = allocate(D(4), lots)
    assert [(x.batch, x.qty) for x in taken] == [(1, D(2)), (2, D(2))] and rest == 0
    taken, rest = allocate(D(9), lots)
    assert sum(x.qty for x in taken) == D(7) and rest == D(2)


# --- 调拨 (goods on their way, one-step moves) -------------------------------------------


def test_one_step_transfer_in_lines_name_their_out_lines():
    lines = [
        PostLine(id=1, sku=10, qty=D(3), base_qty=D(3)),
        PostLine(
            id=2, sku=11, qty=D(4), base_qty=D(4), lots=(Lot(D(1), batch=7), Lot(D(3), batch=8))
        ),
    ]
    out = rules.one_step_lines(source=1, target=2, date=DAY, lines=lines, to_bins={2: 55})
    outs, ins = out[:3], out[3:]
    assert [x.qty for x in outs] == [D(-3), D(-1), D(-3)] and {x.warehouse for x in outs} == {1}
    assert [x.origin_line for x in ins] == [0, 1, 2]
    assert [(x.qty, x.batch, x.bin, x.warehouse) for x in ins] == [
        (D(3), None, None, 2),
        (D(1), 7, 55, 2),
        (D(3), 8, 55, 2),
    ]


def test_arrival_takes_slices_in_order_with_serials():
    slices = [
        in_transit_rules.ShippedSlice(move=100, line=1, sku=10, qty=D(3), done=D(1)),
        in_transit_rules.ShippedSlice(move=101, line=1, sku=10, qty=D(4)),
        in_transit_rules.ShippedSlice(
            move=102, line=2, sku=12, qty=D(3), done=D(1), serials=("S1", "S2", "S3")
        ),
    ]
    out = in_transit_rules.arrival_lines(
        warehouse=2, date=DAY, slices=slices, quantities={1: D(5), 2: D(2)}, bins={}
    )
    assert [(x.origin, x.qty, x.receive_in_transit) for x in out] == [
        (100, D(2), D(2)),
        (101, D(3), D(3)),
        (102, D(2), D(2)),
    ]
    assert out[2].serials == ("S2", "S3")
    back = in_transit_rules.arrival_lines(
        warehouse=1, date=DAY, slices=slices, quantities={1: D(1)}, bins={}, from_transit=False
    )
    assert back[0].receive_in_transit == 0 and back[0].origin == 100


def test_receipt_errors():
    states = [in_transit_rules.LineInTransit(line=1, label="A", shipped=D(10), received=D(8))]
    assert in_transit_rules.receipt_errors(states, {1: D(2)}) == {}
    assert "lines.1.qty" in in_transit_rules.receipt_errors(states, {1: D(3)})
    assert "lines" in in_transit_rules.receipt_errors(states, {1: D(0)})
    assert "lines" in in_transit_rules.receipt_errors(states, {9: D(1)})
    assert states[0].open == D(2) and states[0].difference == D(2)


# --- 组装 / 拆卸 -----------------------------------------------------------------------------


def test_kit_comes_in_at_the_components_value():
    outs = assembly_rules.assembly_out_lines(
        warehouse=1, date=DAY, lines=[PostLine(id=1, sku=10, qty=D(4), base_qty=D(4))]
    )
    assert outs[0].qty == D(-4) and outs[0].reason == MoveReason.ASSEMBLY_OUT
    kit = assembly_rules.kit_in_line(
        kit=20, warehouse=1, date=DAY, qty=D(2), component_values=[D("-8.00"), D("-3.33")]
    )
    assert (kit.qty, kit.value, kit.reason) == (D(2), D("11.33"), MoveReason.ASSEMBLY_IN)
    assert assembly_rules.component_quantities([(10, D(2)), (11, D("0.5"))], D(3)) == [
        (10, D(6)),
        (11, D("1.5")),
    ]


def test_split_value_examples():
    assert assembly_rules.split_value(D("10.00"), [D(1), D(1), D(1)]) == [
        D("3.33"),
        D("3.34"),
        D("3.33"),
    ]
    assert assembly_rules.split_value(D("10"), [D(0), D(0)]) == [D(5), D(5)]
    assert assembly_rules.split_value(D("7"), []) == []


@given(
    st.decimals(min_value=D("-10000"), max_value=D("10000"), places=2),
    st.lists(st.decimals(min_value=D(0), max_value=D(1000), places=4), min_size=1, max_size=8),
)
def test_split_value_adds_up_exactly(total, weights):
    shares = assembly_rules.split_value(total, weights)
    assert sum(shares) == total and len(shares) == len(weights)
    assert all(s == s.quantize(D("0.01")) for s in shares)


def test_disassembly_components_share_the_kit_value():
    lines = [
        PostLine(id=1, sku=10, qty=D(2), base_qty=D(2)),
        PostLine(id=2, sku=11, qty=D(1), base_qty=D(1)),
    ]
    out = assembly_rules.component_in_lines(
        warehouse=1, date=DAY, lines=lines, kit_value=D("9.99"), weights=[D(4), D(2)]
    )
    assert [x.value for x in out] == [D("6.66"), D("3.33")]
    assert all(x.reason == MoveReason.ASSEMBLY_IN and x.qty > 0 for x in out)
    (kit_out,) = [assembly_rules.kit_out_line(kit=20, warehouse=1, date=DAY, qty=D(3))]
    assert kit_out.qty == D(-3) and kit_out.reason == MoveReason.ASSEMBLY_OUT


# --- 盘点 ----------------------------------------------------------------------------------


def test_lot_key_and_bin_range():
    assert count_rules.lot_key(None, None) == "0-0" and count_rules.lot_key(3, 7) == "3-7"
    assert count_rules.in_bin_range("A-05", "A-01", "A-10")
    assert not count_rules.in_bin_range("B-01", "A-01", "A-10")
    assert count_rules.in_bin_range("B-01", "A-01", "")
    assert not count_rules.in_bin_range(None, "A-01", "A-10")
    assert count_rules.in_bin_range(None, "", "")


def test_variance_and_scan():
    assert count_rules.variance(D(10), D(8), uncounted_as_zero=False) == D(-2)
    assert count_rules.variance(D(10), None, uncounted_as_zero=False) == 0
    assert count_rules.variance(D(10), None, uncounted_as_zero=True) == D(-10)
    assert count_rules.scanned(None) == D(1)
    assert count_rules.scanned(D(1)) == D(2)
    assert count_rules.scanned(D(2), D(12)) == D(14)
    assert count_rules.book_at_freeze(D(7), [D(-2), D(-1)]) == D(10)


def test_count_lines_post_gains_and_losses_only():
    lines = [
        count_rules.CountLineValues(id=1, sku=10, book=D(10), counted=D(12)),
        count_rules.CountLineValues(id=2, sku=11, book=D(5), counted=D(4), batch=3, bin=4),
        count_rules.CountLineValues(id=3, sku=13, book=D(2), counted=D(2)),
        count_rules.CountLineValues(id=4, sku=12, book=D(1), counted=None),
    ]
    out = count_rules.count_stock_lines(warehouse=1, date=DAY, lines=lines, uncounted_as_zero=False)
    assert [(x.source_line, x.qty, x.reason) for x in out] == [
        (1, D(2), MoveReason.COUNT_GAIN),
        (2, D(-1), MoveReason.COUNT_LOSS),
    ]
    assert (out[1].batch, out[1].bin) == (3, 4)
    zeroed = count_rules.count_stock_lines(
        warehouse=1, date=DAY, lines=lines, uncounted_as_zero=True
    )
    assert [x.qty for x in zeroed] == [D(2), D(-1), D(-1)]


def test_variance_review_totals():
    lines = [
        count_rules.CountLineValues(id=1, sku=10, book=D(10), counted=D(12), unit_cost=D("2.5")),
        count_rules.CountLineValues(id=2, sku=11, book=D(5), counted=D(4), unit_cost=D("3.333")),
        count_rules.CountLineValues(id=3, sku=13, book=D(2), counted=None),
    ]
    review = count_rules.variance_review(lines, uncounted_as_zero=False)
    assert (review.lines, review.counted, review.uncounted) == (3, 2, 1)
    assert (review.gain_qty, review.loss_qty) == (D(2), D(-1))
    assert (review.gain_value, review.loss_value, review.net_value) == (
        D("5.00"),
        D("-3.33"),
        D("1.67"),
    )
    assert (
        len(count_rules.variance_review(lines, uncounted_as_zero=False, only_differences=True).rows)
        == 2
    )
