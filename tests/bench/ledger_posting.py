"""Posting through the stock ledger (issue 10 §2: 5-line receipts and 5-line issues with
costing, ≥ 1,000 documents/s on SQLite, ≥ 300 on PostgreSQL, every method): each document is
one ``record_moves`` call in its own transaction, as a posting service would make it. Two
cases on SKUs of their own in one database: moving average (company pool) and FIFO with
per-warehouse pools. The ledger self-check runs at the end and must be clean.

How it is timed (``tests/bench/_rounds.py``): ``size`` (1,000; 40 with ``--tiny``) timed
receipts and as many timed issues per case, in ``ROUNDS`` (5) rounds of ``size / ROUNDS``
documents, after an untimed warm-up of ``size / 10`` receipts and issues per case. The rounds
are interleaved — round 1 of moving-average receipts, FIFO receipts, moving-average issues,
FIFO issues, then round 2 … — so a slow spell of the host hits every case alike; the company's
costing method is switched to the case's before each of its rounds (untimed; the writer reads
it per posting). Figures per case:

- ``receipts_docs_per_s`` / ``issues_docs_per_s``: the **median** over the rounds of the
  round's documents per second (wall clock); ``…_range``: the slowest and the fastest round;
- ``…_cpu_ms_per_doc``: CPU milliseconds of this process per document (``process_time``),
  median over the rounds — on SQLite everything but the disk waits, steadier than the wall;
- ``…_wall_ms``: p50 / p95 / p99 of the per-document wall time over all timed documents
  (the slow tail is mostly WAL checkpoints and commits);
- ``receipt_ms`` / ``issue_ms``: 1,000 / the median rate; ``moves_per_s``: moves (5 a
  document) per second at the two median rates.

Top level: ``probe_ms`` — a fixed piece of pure-Python work timed before every round, median
and range; when two runs of the same code differ, compare their probes before blaming code.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from tests.bench import _rounds

SIZES = {"tiny": 40, "full": 1000}
ROUNDS = _rounds.ROUNDS  # the runner's --rounds sets it
SKUS = 200
LINES = 5
CASES = (
    ("moving_average_company", "moving_average", "company", "PA"),
    ("fifo_per_warehouse", "fifo", "warehouse", "PF"),
)
PHASES = (("receipts", "receipt"), ("issues", "issue"))


def _setup(method: str, scope: str, tag: str):
    from jxc.inventory.testing import LedgerKit
    from tests.bench._ledger_bench import use_costing

    use_costing(method, scope)
    kit = LedgerKit(user=None, unit_name="个-posting")  # leave "个" to other benchmarks
    skus = [kit.sku(f"{tag}{i:04d}", price="1") for i in range(SKUS)]
    whs = [kit.warehouse(f"{tag}W{i}") for i in range(2)]
    return kit, [s.pk for s in skus], [w.pk for w in whs]


def _docs(kit, skus, whs, n, *, sign, reason, day, rng):
    from jxc.inventory.ledger.types import StockLine

    docs = []
    for i in range(n):
        wh = whs[i % len(whs)]
        lines = [
            StockLine(
                sku=s,
                warehouse=wh,
                qty=Decimal(sign * rng.randint(1, 3)),
                reason=reason,
                date=day,
                unit_cost=Decimal(rng.randint(100, 9999)) / 100 if sign > 0 else None,
            )
            for s in rng.sample(skus, LINES)
        ]
        docs.append(lines)
    return docs


def opening(skus, whs, total, day) -> list[list]:
    """Opening stock per warehouse (one document each), enough for ``total`` issues of up to
    3 of a SKU whatever the draw."""
    from jxc.inventory.choices import MoveReason as R
    from jxc.inventory.ledger.types import StockLine

    return [
        [
            StockLine(
                sku=s,
                warehouse=wh,
                qty=Decimal(3 * total),
                reason=R.OPENING,
                date=day,
                unit_cost=Decimal("10"),
            )
            for s in skus
        ]
        for wh in whs
    ]


def _post(kit, docs, kind) -> float:
    from django.db import transaction

    from jxc.inventory.services import record_moves

    started = time.perf_counter()
    for lines in docs:
        with transaction.atomic():
            record_moves(lines, source=kit.ref(kind), user=None)
    return time.perf_counter() - started


@dataclass
class _Case:
    method: str
    scope: str
    tag: str
    kit: object
    docs: dict[str, list]
    series: dict[str, _rounds.Series] = field(
        default_factory=lambda: {p: _rounds.Series() for p, _ in PHASES}
    )


def _prepare(total: int, method: str, scope: str, tag: str) -> _Case:
    from jxc.inventory.choices import MoveReason as R

    rng = random.Random(42)
    kit, skus, whs = _setup(method, scope, tag)
    day = dt.date(2026, 3, 1)
    receipts = _docs(kit, skus, whs, total, sign=1, reason=R.PURCHASE_RECEIPT, day=day, rng=rng)
    issues = _docs(kit, skus, whs, total, sign=-1, reason=R.SALES_DELIVERY, day=day, rng=rng)
    _post(kit, opening(skus, whs, total, day), "opening")
    return _Case(method, scope, tag, kit, {"receipts": receipts, "issues": issues})


def _round(cases: list[_Case], part: slice, timed: bool) -> None:
    """One round: every case's receipts, then every case's issues (the documents ``part``)."""
    from django.db import transaction

    from jxc.inventory.services import record_moves
    from tests.bench._ledger_bench import use_costing

    for phase, kind in PHASES:
        for case in cases:
            use_costing(case.method, case.scope)
            kit = case.kit

            def one(lines, kit=kit, kind=kind):
                with transaction.atomic():
                    record_moves(lines, source=kit.ref(kind), user=None)

            docs = case.docs[phase][part]
            if timed:
                case.series[phase].time(one, docs)
            else:
                for lines in docs:
                    one(lines)


def _check(cases: list[_Case]) -> None:
    """The ledger is right, and each case posted with its own method: the switching of the
    company's method between rounds reached the writer."""
    from jxc.inventory.ledger.checks import ledger_problems
    from jxc.inventory.models import CostPool

    problems = ledger_problems()
    if problems:
        raise AssertionError("ledger self-check after the benchmark: " + "; ".join(problems[:5]))
    for case in cases:
        pools = CostPool.objects.filter(sku__code__startswith=case.tag)
        methods = set(pools.values_list("method", flat=True))
        per_warehouse = None not in set(pools.values_list("warehouse_id", flat=True))
        if methods != {case.method} or per_warehouse != (case.scope == "warehouse"):
            raise AssertionError(
                f"{case.tag}: pools {methods} per warehouse {per_warehouse}, "
                f"expected {case.method} / {case.scope}"
            )


def run(size: int) -> dict:
    from tests.bench._ledger_bench import drop_ledger_of, use_costing

    try:
        return _measure(size)
    finally:
        for _, _, _, tag in CASES:
            drop_ledger_of(tag)
        use_costing("moving_average", "company")


def _measure(size: int) -> dict:
    warmup, rounds, per_round = _rounds.plan(size, ROUNDS)
    total = warmup + rounds * per_round
    cases = [_prepare(total, method, scope, tag) for _, method, scope, tag in CASES]
    _round(cases, slice(0, warmup), timed=False)
    gc.collect()
    probes = []
    for r in range(rounds):
        probes.append(_rounds.probe())
        start = warmup + r * per_round
        _round(cases, slice(start, start + per_round), timed=True)
    _check(cases)

    result: dict = {
        "documents": rounds * per_round,
        "rounds": rounds,
        "documents_per_round": per_round,
        "warmup_documents": warmup,
        "lines_per_document": LINES,
        **_rounds.probe_figures(probes),
    }
    for (name, *_), case in zip(CASES, cases, strict=True):
        receipts, issues = case.series["receipts"], case.series["issues"]
        r_in, r_out = receipts.rate(), issues.rate()
        result[name] = {
            **receipts.figures("receipts"),
            **issues.figures("issues"),
            "moves_per_s": round(2 * LINES / (1 / r_in + 1 / r_out), 1),
            "receipt_ms": round(1000 / r_in, 3),
            "issue_ms": round(1000 / r_out, 3),
        }
    return result
