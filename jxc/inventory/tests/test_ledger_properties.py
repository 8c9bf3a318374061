"""Property tests of the ledger (hypothesis) over random histories of receipts, issues,
customer returns, transfers and count gains/losses, for every costing method and pool scope:

(a) the self-check passes after every posting;
(b) no pool holds value at zero quantity (part of the self-check);
(c) posting the same history in a random entry order — so most postings are backdated,
    and stock may be negative for a while (the warehouses allow it) — ends in exactly the
    same move values as posting it in date order;
(d) 红冲 of a document restores every balance exactly: the last one to its state before,
    any earlier one to the quantities the history has without it.

Each example runs in a savepoint that is rolled back, so examples do not see each other.
"""

import itertools
import os
import random
from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jxc.core.errors import InsufficientStock, ReversalBlocked
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.layer_models import CostLayer
from jxc.inventory.models import CostPool, StockBalance, StockMove
from jxc.inventory.testing import LedgerKit, assert_ledger_consistent

pytestmark = pytest.mark.django_db

_codes = itertools.count(1)

SETTINGS = settings(
    max_examples=int(os.environ.get("JXC_LEDGER_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

op = st.tuples(
    st.sampled_from(["in", "in", "out", "out", "ret", "xfer", "gain", "loss"]),
    st.integers(0, 1),  # sku
    st.integers(0, 1),  # warehouse
    st.integers(1, 9),  # quantity
    st.integers(1, 2999),  # cost in 分
)
configs = st.sampled_from(
    [
        ("moving_average", "company"),
        ("moving_average", "warehouse"),
        ("fifo", "company"),
        ("fifo", "warehouse"),
        ("periodic_average", "company"),
    ]
)


class _Rollback(Exception):
    pass


def _plan(ops):
    """Turn raw draws into a feasible history in date order: an issue never takes more than
    is on hand on its date, a return never more than its delivery left."""
    stock: dict[tuple, int] = {}
    deliveries: list[list] = []  # [doc index, sku, wh, returnable]
    docs = []
    for kind, s, w, q, cents in ops:
        have = stock.get((s, w), 0)
        if kind in ("out", "loss", "xfer") and have < q:
            kind = "in"
        if kind == "ret":
            open_ = [d for d in deliveries if d[3] > 0]
            if not open_:
                kind = "in"
            else:
                d = open_[q % len(open_)]
                q = min(q, d[3])
                d[3] -= q
                s, w = d[1], d[2]
                docs.append(("ret", s, w, q, cents, d[0]))
                stock[(s, w)] = stock.get((s, w), 0) + q
                continue
        if kind in ("in", "gain"):
            stock[(s, w)] = have + q
        elif kind in ("out", "loss"):
            stock[(s, w)] = have - q
            if kind == "out":
                deliveries.append([len(docs), s, w, q])
        elif kind == "xfer":
            stock[(s, w)] = have - q
            stock[(s, 1 - w)] = stock.get((s, 1 - w), 0) + q
        docs.append((kind, s, w, q, cents, None))
    return docs


def _lines(kit, doc, day, skus, whs, posted):
    kind, s, w, q, cents, origin = doc
    sku, wh = skus[s], whs[w]
    if kind == "in":
        return [kit.line(sku, wh, q, R.PURCHASE_RECEIPT, day, unit_cost=D(cents) / 100)]
    if kind == "gain":
        return [kit.line(sku, wh, q, R.COUNT_GAIN, day)]
    if kind == "out":
        return [kit.line(sku, wh, -q, R.SALES_DELIVERY, day)]
    if kind == "loss":
        return [kit.line(sku, wh, -q, R.COUNT_LOSS, day)]
    if kind == "ret":
        return [kit.line(sku, wh, q, R.SALES_RETURN, day, origin=posted[origin][0])]
    return [
        kit.line(sku, wh, -q, R.TRANSFER_OUT, day),
        kit.line(sku, whs[1 - w], q, R.TRANSFER_IN, day, origin_line=0),
    ]


def _world(kit, method, scope, *, price="1", allow_negative=False):
    kit.company(costing_method=method, cost_scope=scope)
    n = next(_codes)
    skus = [kit.sku(f"P{n}S{i}", price=price) for i in range(2)]
    whs = [kit.warehouse(f"W{n}H{i}", allow_negative=allow_negative) for i in range(2)]
    return skus, whs


def _values(moves):
    return [(m.qty, m.value, m.unit_cost, m.variance) for m in moves]


def _post_all(kit, docs, skus, whs, order, *, check_each=True, posted=None):
    """Post ``docs`` (document i dated day i + 1) in ``order``; a posting refused for lack of
    stock (its receipts are not in yet) waits and is tried again after the next success."""
    posted = {} if posted is None else posted
    waiting = list(order)
    while waiting:
        progressed = False
        for i in list(waiting):
            doc = docs[i]
            if doc[0] in ("ret", "pret") and doc[5] not in posted:
                continue
            try:
                with transaction.atomic():
                    if len(doc) > 6:  # planned with lots (_plan_lots)
                        lines = _lot_lines(kit, doc, i + 1, skus, whs, [], posted)
                    else:
                        lines = _lines(kit, doc, i + 1, skus, whs, posted)
                    posted[i] = kit.post(lines)
            except InsufficientStock:
                continue
            waiting.remove(i)
            progressed = True
            if check_each:
                assert_ledger_consistent(deep=False)
        assert progressed, f"stuck with {waiting}"
    return posted


def _run_in_savepoint(fn):
    try:
        with transaction.atomic():
            fn()
            raise _Rollback
    except _Rollback:
        pass


@SETTINGS
@given(ops=st.lists(op, min_size=1, max_size=18), config=configs, seed=st.integers(0, 10**6))
def test_random_entry_order_ends_in_the_same_values(owner, ops, config, seed):
    """(a) (b) (c): date order and a random (backdating) entry order agree to the 分 (with
    purchase returns against earlier receipts among the documents)."""
    kit = LedgerKit(user=owner)
    # every third customer return drawn becomes a purchase return against a receipt
    ops = [("pret" if k == "ret" and c % 3 == 0 else k, *r, c) for k, *r, c in ops]
    docs = _plan_lots(ops, 1)

    def body():
        skus1, whs1 = _world(kit, *config)
        first = _post_all(kit, docs, skus1, whs1, range(len(docs)))
        # In a random order a posting may come before the receipts it needs: the second
        # world allows negative stock, and the final values must agree all the same.
        skus2, whs2 = _world(kit, *config, allow_negative=True)
        order = list(range(len(docs)))
        random.Random(seed).shuffle(order)
        second = _post_all(kit, docs, skus2, whs2, order)
        for i in range(len(docs)):
            a = _values(StockMove.objects.filter(pk__in=[m.pk for m in first[i]]).order_by("id"))
            b = _values(StockMove.objects.filter(pk__in=[m.pk for m in second[i]]).order_by("id"))
            assert a == b, f"document {i} {docs[i]}: {a} != {b}"
        for s1, s2 in zip(skus1, skus2, strict=True):
            assert _pools(s1) == _pools(s2)
        assert_ledger_consistent()

    _run_in_savepoint(body)


def _pools(sku):
    return sorted(
        (
            p.key.replace(f"w{p.warehouse_id}", f"w{p.warehouse.code[-1]}")
            if p.warehouse_id
            else p.key,
            p.qty,
            p.value,
            p.unit_cost,
        )
        for p in CostPool.objects.filter(sku=sku).select_related("warehouse")
    )


def _state(skus):
    pools = sorted(
        (p.pk, p.qty, p.value, p.unit_cost)
        for p in CostPool.objects.filter(sku__in=skus)
        if (p.qty, p.value, p.unit_cost) != (0, 0, None)
    )
    bals = sorted(
        (b.pk, b.on_hand, b.value, b.reserved)
        for b in StockBalance.objects.filter(sku__in=skus)
        if b.on_hand or b.value or b.reserved
    )
    layers = sorted(
        (x.pk, x.remaining) for x in CostLayer.objects.filter(pool__sku__in=skus) if x.remaining
    )
    return pools, bals, layers


def _quantities(skus, whs):
    return {
        (s.pk, w.pk): StockBalance.objects.filter(sku=s, warehouse=w)
        .values_list("on_hand", flat=True)
        .first()
        or D(0)
        for s in skus
        for w in whs
    }


@SETTINGS
@given(
    ops=st.lists(op, min_size=1, max_size=14),
    last=op,
    config=configs,
    pick=st.integers(0, 100),
)
def test_reversal_restores_every_balance(owner, ops, last, config, pick):
    """(d) reversing the last document gives back the exact state before it (quantities,
    values, unit costs, FIFO layers); reversing any earlier one gives back the quantities
    of the history without it, and the books stay tied."""
    kit = LedgerKit(user=owner)
    docs = _plan([*ops, last])

    def body():
        skus, whs = _world(kit, *config)
        posted = _post_all(kit, docs[:-1], skus, whs, range(len(docs) - 1), check_each=False)
        before = _state(skus)
        day = len(docs)
        moves = _post_all(
            kit, docs, skus, whs, [len(docs) - 1], check_each=False, posted=dict(posted)
        )[len(docs) - 1]
        kit.reverse(moves[0], day=day)
        assert _state(skus) == before
        assert_ledger_consistent()
        # an earlier document, reversed at the end
        i = pick % len(posted)
        mv = posted[i][0]
        expected = _quantities(skus, whs)
        for m in posted[i]:
            expected[(m.sku_id, m.warehouse_id)] -= m.qty
        try:
            with transaction.atomic():
                kit.reverse(mv, day=day + 1)
        except (ReversalBlocked, InsufficientStock):
            return  # a return depends on it, or taking it out would go below zero
        assert _quantities(skus, whs) == expected
        assert_ledger_consistent()

    _run_in_savepoint(body)


# --- DOMAIN.md §5 identities after every step, every method × scope ---------------------------

ALL_CONFIGS = st.sampled_from(
    [
        ("moving_average", "company"),
        ("moving_average", "warehouse"),
        ("fifo", "company"),
        ("fifo", "warehouse"),
        ("periodic_average", "company"),
        ("periodic_average", "warehouse"),
        ("specific", "company"),
        ("specific", "warehouse"),
    ]
)

step = st.tuples(
    st.sampled_from(["in", "in", "out", "out", "ret", "pret", "xfer", "gain", "loss"]),
    st.integers(0, 1),  # sku
    st.integers(0, 1),  # warehouse
    st.integers(1, 9),  # quantity
    st.integers(1, 2999),  # cost in 分 (its parity picks the batch under 个别计价)
)


def _plan_lots(ops, batches: int):
    """Like :func:`_plan`, with lots (batch 0 or 1 under 个别计价) and purchase returns
    (``pret``: against an earlier receipt, from any warehouse holding the lot — under FIFO
    per warehouse the receipt's layers may have moved there by transfer)."""
    stock: dict[tuple, int] = {}
    deliveries: list[list] = []  # [doc index, sku, wh, lot, returnable]
    receipts: list[list] = []  # [doc index, sku, lot, returnable]
    docs = []
    for kind, s, w, q, cents in ops:
        b = cents % batches
        have = stock.get((s, w, b), 0)
        if kind in ("out", "loss", "xfer") and have < q:
            kind = "in"
        if kind == "ret":
            open_ = [d for d in deliveries if d[4] > 0]
            if not open_:
                kind = "in"
            else:
                d = open_[q % len(open_)]
                q = min(q, d[4])
                d[4] -= q
                s, w, b = d[1], d[2], d[3]
                docs.append(("ret", s, w, q, cents, d[0], b))
                stock[(s, w, b)] = stock.get((s, w, b), 0) + q
                continue
        if kind == "pret":
            open_ = [r for r in receipts if r[3] > 0 and stock.get((r[1], w, r[2]), 0) > 0]
            if not open_:
                kind = "in"
            else:
                r = open_[q % len(open_)]
                s, b = r[1], r[2]
                q = min(q, r[3], stock[(s, w, b)])
                r[3] -= q
                stock[(s, w, b)] -= q
                docs.append(("pret", s, w, q, cents, r[0], b))
                continue
        if kind in ("in", "gain"):
            stock[(s, w, b)] = have + q
            if kind == "in":
                receipts.append([len(docs), s, b, q])
        elif kind in ("out", "loss"):
            stock[(s, w, b)] = have - q
            if kind == "out":
                deliveries.append([len(docs), s, w, b, q])
        elif kind == "xfer":
            stock[(s, w, b)] = have - q
            stock[(s, 1 - w, b)] = stock.get((s, 1 - w, b), 0) + q
        docs.append((kind, s, w, q, cents, None, b))
    return docs


def _lot_lines(kit, doc, day, skus, whs, lots, posted):
    kind, s, w, q, cents, origin, b = doc
    sku, wh = skus[s], whs[w]
    lot = {"batch": lots[s][b]} if lots else {}
    if kind == "in":
        return [kit.line(sku, wh, q, R.PURCHASE_RECEIPT, day, unit_cost=D(cents) / 100, **lot)]
    if kind == "gain":
        return [kit.line(sku, wh, q, R.COUNT_GAIN, day, **lot)]
    if kind == "out":
        return [kit.line(sku, wh, -q, R.SALES_DELIVERY, day, **lot)]
    if kind == "loss":
        return [kit.line(sku, wh, -q, R.COUNT_LOSS, day, **lot)]
    if kind == "ret":
        return [kit.line(sku, wh, q, R.SALES_RETURN, day, origin=posted[origin][0], **lot)]
    if kind == "pret":
        return [kit.line(sku, wh, -q, R.PURCHASE_RETURN, day, origin=posted[origin][0], **lot)]
    return [
        kit.line(sku, wh, -q, R.TRANSFER_OUT, day, **lot),
        kit.line(sku, whs[1 - w], q, R.TRANSFER_IN, day, origin_line=0, **lot),
    ]


@SETTINGS
@given(ops=st.lists(step, min_size=1, max_size=18), config=ALL_CONFIGS)
def test_every_step_keeps_the_costing_identities(owner, ops, config):
    """After every posting of a random history, for every costing method × pool scope: the
    self-check passes and DOMAIN.md §5's identities hold (FIFO pool = Σ layers, warehouse
    values vs the pool, no value at zero quantity, the at-date report = 即时库存, returns
    bounded by their origin); a periodic month is then settled and checked again."""
    from jxc.inventory.services import settle_periodic_average
    from jxc.inventory.testing import assert_costing_identities

    method, scope = config
    batches = 2 if method == "specific" else 1
    docs = _plan_lots(ops, batches)
    kit = LedgerKit(user=owner)

    def body():
        kit.company(costing_method=method, cost_scope=scope)
        n = next(_codes)
        tracking = "batch" if batches > 1 else "none"
        skus = [kit.sku(f"I{n}S{i}", price="1", tracking=tracking) for i in range(2)]
        whs = [kit.warehouse(f"I{n}H{i}") for i in range(2)]
        lots = [[kit.batch(s, f"L{j}") for j in range(2)] for s in skus] if batches > 1 else []
        posted: dict[int, list] = {}
        for i, doc in enumerate(docs):
            posted[i] = kit.post(_lot_lines(kit, doc, i + 1, skus, whs, lots, posted))
            assert_ledger_consistent(deep=False)
            assert_costing_identities()
        if method == "periodic_average":
            settle_periodic_average(year=2026, month=1)
            assert_ledger_consistent()
            assert_costing_identities()

    _run_in_savepoint(body)
