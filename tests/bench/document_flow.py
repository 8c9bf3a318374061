"""The full document flow through the services (issue 10 §2: ≥ 400 documents/s on SQLite,
≥ 150 on PostgreSQL): 其他入库 then 其他出库 of five lines each, every document created,
submitted, approved and posted by a user with the owner role through
``jxc.inventory.documents.services`` — numbering, permission and warehouse-scope checks,
transitions, audit lines and the ledger, each service call in its own transaction as the
screens and the API make them. Reported beside the rate: the milliseconds each step takes
per document. Then the same again the way the form's 保存并过账 takes a new document:
created, 提交, 审核 and 过账 in one transaction (``create_and_post_stock_document``: no
approval rule applies). The ledger self-check runs at the end and must be clean.

How it is timed (``tests/bench/_rounds.py``): four cases — receipts, receipts at once,
issues, issues at once — of ``size`` (1,000; 20 with ``--tiny``) timed documents each, in
``ROUNDS`` (5) rounds of ``size / ROUNDS``, after an untimed warm-up of ``size / 10``
documents per case. The rounds are interleaved (round 1 of each case in that order, then
round 2 …) so a slow spell of the host hits every case alike. Figures per case (``receipts``,
``issues``, ``receipts_at_once``, ``issues_at_once``):

- ``…_docs_per_s``: the **median** over the rounds of the round's documents per second (wall
  clock); ``…_docs_per_s_range``: the slowest and the fastest round;
- ``…_cpu_ms_per_doc``: CPU milliseconds of this process per document (``process_time``),
  median over the rounds;
- ``…_wall_ms``: p50 / p95 / p99 of the per-document wall time over all timed documents;
- ``receipts_seconds`` / ``issues_seconds``: the timed wall seconds of the four-call cases;
  ``receipt_step_ms`` / ``issue_step_ms``: the mean milliseconds per document of each call.

Top level: ``probe_ms`` — a fixed piece of pure-Python work timed before every round, median
and range; when two runs of the same code differ, compare their probes before blaming code.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import time
from decimal import Decimal

from tests.bench import _rounds

SIZES = {"tiny": 20, "full": 1000}
ROUNDS = _rounds.ROUNDS  # the runner's --rounds sets it
LINES = 5
STEPS = ("create", "submit", "approve", "post")
# (case, document kind, documents, at once) in the order of a round
CASES = (
    ("receipts", "other_receipt", "receipts", False),
    ("receipts_at_once", "other_receipt", "receipts", True),
    ("issues", "other_issue", "issues", False),
    ("issues_at_once", "other_issue", "issues", True),
)


def _setup():
    from jxc.catalog import services as catalog
    from jxc.catalog.rules import UnitSpec
    from jxc.core.accounts import create_user, ensure_default_roles
    from jxc.inventory import services as inventory

    ensure_default_roles()
    user = create_user(
        username="bench-flow", password="Zq7!pLx-2026-flow", roles=["owner"], is_superuser=False
    )
    unit = catalog.create_unit(user=user, name="个-flow")
    product = catalog.create_product(
        user=user,
        code="FLOW",
        name="流程压测商品",
        base_unit=unit,
        units=[UnitSpec(unit_id=unit.pk, prices={"purchase_price": Decimal("3")})],
        attribute1="色",
        values1=[f"C{i:02d}" for i in range(20)],
        attribute2="码",
        values2=[f"S{j:02d}" for j in range(10)],
    )
    skus = list(product.skus.order_by("pk").values_list("pk", flat=True))
    warehouse = inventory.create_warehouse(user=user, code="FLOW", name="流程压测仓")
    return user, skus, warehouse


def _one(user, warehouse, lines, kind: str, day: dt.date, steps: dict) -> None:
    """One document created, submitted, approved and posted, each call its own transaction;
    the seconds of each call added to ``steps``."""
    from jxc.inventory.documents import services as s

    t0 = time.perf_counter()
    doc = s.create_stock_document(
        user=user, kind=kind, warehouse=warehouse, date=day, reason="other", lines=lines
    )
    t1 = time.perf_counter()
    doc = s.submit_document(doc, user=user)
    t2 = time.perf_counter()
    doc = s.approve_document(doc, user=user)
    t3 = time.perf_counter()
    s.post_document(doc, user=user)
    t4 = time.perf_counter()
    for name, a, b in zip(STEPS, (t0, t1, t2, t3), (t1, t2, t3, t4), strict=True):
        steps[name] += b - a


def _one_at_once(user, warehouse, lines, kind: str, day: dt.date) -> None:
    """One document created, 提交, 审核 and 过账 in one transaction (保存并过账)."""
    from jxc.inventory.documents import services as s

    s.create_and_post_stock_document(
        user=user, kind=kind, warehouse=warehouse, date=day, reason="other", lines=lines
    )


def _flow(user, warehouse, docs: list, kind: str, day: dt.date) -> tuple[float, dict]:
    steps = dict.fromkeys(STEPS, 0.0)
    started = time.perf_counter()
    for lines in docs:
        _one(user, warehouse, lines, kind, day, steps)
    return time.perf_counter() - started, steps


def _flow_at_once(user, warehouse, docs: list, kind: str, day: dt.date) -> float:
    started = time.perf_counter()
    for lines in docs:
        _one_at_once(user, warehouse, lines, kind, day)
    return time.perf_counter() - started


def run(size: int) -> dict:
    from tests.bench._ledger_bench import drop_ledger_of

    rng = random.Random(7)
    user, skus, warehouse = _setup()
    try:
        return _measure(size, rng, user, skus, warehouse)
    finally:
        # The benchmarks after this one (收发存汇总 …) see only their own ledger.
        drop_ledger_of("FLOW")


def _round(user, warehouse, docs: dict, day, part: slice, series, steps) -> None:
    """One round: each case's documents ``part``, in the order of CASES."""
    for case, kind, which, at_once in CASES:
        if at_once:

            def post(lines, kind=kind):
                _one_at_once(user, warehouse, lines, kind, day)
        else:
            case_steps = steps[which] if series is not None else dict.fromkeys(STEPS, 0.0)

            def post(lines, kind=kind, case_steps=case_steps):
                _one(user, warehouse, lines, kind, day, case_steps)

        items = docs[which][part]
        if series is None:
            for lines in items:
                post(lines)
        else:
            series[case].time(post, items)


def _measure(size: int, rng: random.Random, user, skus, warehouse) -> dict:
    from jxc.core.documents.lines import LineInput
    from jxc.inventory.ledger.checks import ledger_problems

    warmup, rounds, per_round = _rounds.plan(size, ROUNDS)
    total = warmup + rounds * per_round
    day = dt.date.today()
    docs = {
        "receipts": [
            [
                LineInput(
                    sku=sku,
                    qty=Decimal(rng.randint(3, 6)),
                    price=Decimal(rng.randint(100, 9999)) / 100,
                )
                for sku in rng.sample(skus, LINES)
            ]
            for _ in range(total)
        ],
        "issues": [
            [LineInput(sku=sku, qty=Decimal(rng.randint(1, 2))) for sku in rng.sample(skus, LINES)]
            for _ in range(total)
        ],
    }
    # stock for the issues whatever the draw: one receipt of every SKU first (not timed)
    _flow(
        user,
        warehouse,
        [[LineInput(sku=sku, qty=Decimal(2 * total), price=Decimal(5)) for sku in skus]],
        "other_receipt",
        day,
    )
    _round(user, warehouse, docs, day, slice(0, warmup), None, None)
    gc.collect()
    series = {case: _rounds.Series() for case, *_ in CASES}
    steps = {which: dict.fromkeys(STEPS, 0.0) for which in docs}
    probes = []
    for r in range(rounds):
        probes.append(_rounds.probe())
        start = warmup + r * per_round
        _round(user, warehouse, docs, day, slice(start, start + per_round), series, steps)
    problems = ledger_problems()
    if problems:
        raise AssertionError("ledger self-check after the benchmark: " + "; ".join(problems[:5]))
    timed = rounds * per_round
    result: dict = {
        "documents": timed,
        "rounds": rounds,
        "documents_per_round": per_round,
        "warmup_documents": warmup,
        "lines_per_document": LINES,
        **_rounds.probe_figures(probes),
        "receipts_seconds": round(series["receipts"].seconds, 3),
        "issues_seconds": round(series["issues"].seconds, 3),
    }
    for case, *_ in CASES:
        result.update(series[case].figures(case))
    result["receipt_step_ms"] = {
        k: round(1000 * v / timed, 3) for k, v in steps["receipts"].items()
    }
    result["issue_step_ms"] = {k: round(1000 * v / timed, 3) for k, v in steps["issues"].items()}
    return result
