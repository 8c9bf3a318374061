"""The costing engine's rules, without a database (jxc.inventory.ledger.costing; DOMAIN.md §5)."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jxc.core.errors import NoCostHistory
from jxc.inventory.ledger.costing.returns import pieces_from
from jxc.inventory.ledger.costing.settlement import (
    PeriodicMove,
    settle_periodic,
    solve_periodic_units,
)
from jxc.inventory.ledger.costing.state import (
    AVERAGE,
    FIFO,
    ISSUE,
    NEUTRAL,
    RECEIPT,
    REVALUE,
    CostSpec,
    Piece,
    PoolState,
)
from jxc.inventory.ledger.costing.valuation import cost_move

K = iter(range(10**6))


def rec(q, cost=None, value=None, **kw):
    return CostSpec(
        RECEIPT, D(q), key=(next(K),), unit_cost=cost and D(cost), value=value and D(value), **kw
    )


def iss(q, **kw):
    return CostSpec(ISSUE, -D(q), key=(next(K),), **kw)


def test_moving_average_formula_and_issue_leaves_the_average():
    """avg = (value + q·c)/(qty + q); an issue is round(q × avg) and keeps avg."""
    pool = PoolState(AVERAGE)
    cost_move(pool, rec(3, "10"))
    cost_move(pool, rec(1, "11"))
    assert pool.unit_cost == D("10.25")
    out = cost_move(pool, iss(1))
    assert out.value == D("-10.25") and pool.unit_cost == D("10.25")
    pool = PoolState(AVERAGE)
    cost_move(pool, rec(3, value="10.00"))  # 3.3333333333
    out = cost_move(pool, iss(1))
    assert out.value == D("-3.33")
    assert pool.value == D("6.67") and pool.unit_cost == D("3.3333333333")  # not 6.67 / 2
    out = cost_move(pool, iss(2))  # empties the pool: takes all that is left
    assert out.value == D("-6.67") and pool.qty == 0 and pool.value == 0


def test_fifo_consumes_oldest_layers_first():
    pool = PoolState(FIFO)
    cost_move(pool, rec(10, "1"))
    cost_move(pool, rec(10, "2"))
    out = cost_move(pool, iss(15))
    assert out.value == D("-20.00")
    assert [(u.qty, u.value) for u in out.uses] == [(D(10), D("10.00")), (D(5), D("10.00"))]
    assert pool.value == D("10.00") and pool.layers[0].qty == 5


def test_fifo_prefer_named_layer_first():
    pool = PoolState(FIFO)
    cost_move(pool, rec(10, "1"))
    second = cost_move(pool, rec(10, "2")).new_layers[0].key
    out = cost_move(pool, iss(4, prefer=(second,)))
    assert out.value == D("-8.00")


def test_no_cost_history_uses_reference_price_or_refuses():
    pool = PoolState(AVERAGE)
    out = cost_move(pool, iss(2, fallback_cost=D("4.5")))
    assert out.value == D("-9.00") and out.fallback_used == D("4.5") and pool.qty == -2
    with pytest.raises(NoCostHistory):
        cost_move(PoolState(AVERAGE), iss(1, sku_label="X"))
    with pytest.raises(NoCostHistory):
        cost_move(PoolState(FIFO), iss(1, sku_label="X"))


def test_receipt_into_negative_pool_sets_its_cost_and_records_variance():
    """DOMAIN.md §5 negative stock: the pool after holds qty after × receipt cost."""
    pool = PoolState(AVERAGE, D(0), D(0), D("10"))
    cost_move(pool, iss(5))  # -5 @ 10 = -50
    assert (pool.qty, pool.value) == (D(-5), D("-50.00"))
    out = cost_move(pool, rec(8, "12"))  # brings 96; pool after 3 × 12 = 36
    assert out.value == D("86.00") and out.variance == D("10.00")
    assert (pool.qty, pool.value, pool.unit_cost) == (D(3), D("36.00"), D("12"))
    pool = PoolState(AVERAGE, D(-5), D("-50.00"), D("10"))
    out = cost_move(pool, rec(2, "12"))  # still negative: -3 × 12
    assert pool.value == D("-36.00") and out.value == D("14.00") and out.variance == D("10.00")


def test_revalue():
    pool = PoolState(AVERAGE)
    cost_move(pool, rec(4, "10"))
    out = cost_move(pool, CostSpec(REVALUE, D(0), unit_cost=D("12.5")))
    assert out.value == D("10.00") and pool.value == D("50.00")
    out = cost_move(pool, CostSpec(REVALUE, D(0), value=D("-2.00")))
    assert pool.value == D("48.00") and pool.unit_cost == D("12")
    fifo = PoolState(FIFO)
    cost_move(fifo, rec(1, "1"))
    cost_move(fifo, rec(1, "3"))
    cost_move(fifo, CostSpec(REVALUE, D(0), key=(99,), value=D("1.00")))
    assert fifo.value == D("5.00") and len(fifo.layers) == 1


def test_neutral_pair_leaves_the_pool_as_it_was():
    pool = PoolState(AVERAGE)
    cost_move(pool, rec(3, value="10.00"))
    before = pool.snapshot()
    out = cost_move(pool, CostSpec(NEUTRAL, D(-1)))
    back = cost_move(pool, CostSpec(NEUTRAL, D(1), pieces=(Piece(D(1), -out.value),)))
    assert out.value == D("-3.33") and back.value == D("3.33") and pool.snapshot() == before


def test_undo_restores_the_state_before():
    pool = PoolState(AVERAGE)
    cost_move(pool, rec(3, value="10.00"))
    before = pool.snapshot()
    r = cost_move(pool, rec(7, "1.11"))
    after = pool.snapshot()
    out = cost_move(pool, CostSpec(ISSUE, D(-7), undo=(before, after)))
    assert out.value == -r.value and pool.snapshot() == before


def test_pieces_from_slices_an_outgoing_move():
    segs = [(D(2), D("3.00"), ("a",)), (D(1), D("2.00"), ("b",))]
    first = pieces_from(segs, D(0), D(1))
    rest = pieces_from(segs, D(1), D(2))
    assert sum(p.value for p in first + rest) == D("5.00")
    assert pieces_from(segs, D(0), D(3), keep_layers=True)[1].layer_key == ("b",)


def test_periodic_settlement_ties_to_the_fen():
    m = PeriodicMove
    s = settle_periodic(
        D(1),
        D("1.00"),
        [
            m(1, "in", D(2), D("3.00")),
            m(2, "out", D(-1), D("-1.00")),
            m(3, "out", D(-2), D("-2.00")),
        ],
    )
    assert s.unit_cost == D("1.3333333333")
    assert s.values[2] == D("-1.33") and s.values[3] == D("-2.67")  # residue to the last
    assert (s.closing_qty, s.closing_value) == (D(0), D(0))


def test_periodic_units_of_a_transfer_cycle():
    """A → B and B → A in one month: one linear system."""
    units = solve_periodic_units(
        {"A": (D(10), D("100"), {"B": D(5)}), "B": (D(10), D("200"), {"A": D(5)})}
    )
    # uA·15 = 100 + 5 uB ; uB·15 = 200 + 5 uA  →  uA = 12.5, uB = 17.5
    assert units == {"A": D("12.5"), "B": D("17.5")}


ops = st.lists(
    st.tuples(st.sampled_from(["in", "out", "adj"]), st.integers(1, 20), st.integers(1, 5000)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(ops, st.sampled_from([AVERAGE, FIFO]))
def test_engine_invariants(history, method):
    """Whatever happens: value = Σ move values, no value at zero quantity, FIFO layers hold
    the pool's quantity and value, and (stock never negative here) values stay ≥ 0."""
    pool = PoolState(method)
    total = D(0)
    for kind, q, cents in history:
        if kind == "in":
            out = cost_move(pool, rec(q, D(cents) / 100))
        elif kind == "out":
            if pool.qty < q:
                continue
            out = cost_move(pool, iss(q))
        else:
            if pool.qty <= 0:
                continue
            out = cost_move(pool, CostSpec(REVALUE, D(0), key=(next(K),), unit_cost=D(cents) / 100))
        total += out.value
        assert pool.value == total
        assert pool.qty != 0 or pool.value == 0
        assert pool.value >= 0
        if method == FIFO:
            assert sum(x.qty for x in pool.layers) == pool.qty
            assert sum(x.value for x in pool.layers) == pool.value


@settings(max_examples=300, deadline=None)
@given(
    base_qty=st.integers(1, 10_000),
    base_cents=st.integers(0, 10**9),
    taken=st.lists(st.integers(1, 5_000), min_size=1, max_size=6),
)
def test_a_fifo_take_is_worth_the_layers_value_before_less_after_each_worked_out_once(
    base_qty, base_cents, taken
):
    # the value of a take is the layer's value before less its value after (DOMAIN.md §5:
    # each from the taken side, so the layer empties to exactly its value); worked out as
    # the share taken after less the share taken before, not twice through Layer.value
    from jxc.inventory.ledger.costing import state

    base_value = D(base_cents) / 100
    pool = PoolState(FIFO)
    cost_move(pool, rec(base_qty, value=str(base_value)))
    layer = pool.layers[0]
    calls = []
    real = state.layer_value
    left = D(base_qty)
    for n in taken:
        if left == 0:
            break
        before = real(layer.base_value, layer.qty, layer.base_qty)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(state, "layer_value", lambda *a: calls.append(a) or real(*a))
            out = cost_move(pool, iss(min(n, left)))
        (use,) = out.uses
        after = real(layer.base_value, layer.qty, layer.base_qty)
        assert use.value == before - after and -out.value == use.value
        left -= use.qty
    assert not calls  # fails on the code before: two values per take
    if left == 0:
        assert pool.value == 0 and not pool.layers
