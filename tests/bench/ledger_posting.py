"""Posting through the stock ledger (issue 3: 5-line receipts and 5-line issues with costing,
≥ 1,000 documents/s on SQLite): each document is one ``record_moves`` call in its own
transaction, as a posting service would make it. Moving average (company pool) is the
headline; FIFO with per-warehouse pools is reported beside it. The ledger self-check runs at
the end and must be clean."""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

SIZES = {"tiny": 40, "full": 1000}
SKUS = 200
LINES = 5


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


def _post(kit, docs, kind) -> float:
    from django.db import transaction

    from jxc.inventory.services import record_moves

    started = time.perf_counter()
    for lines in docs:
        with transaction.atomic():
            record_moves(lines, source=kit.ref(kind), user=None)
    return time.perf_counter() - started


def _case(n: int, method: str, scope: str, tag: str) -> dict:
    from jxc.inventory.choices import MoveReason as R
    from jxc.inventory.ledger.checks import ledger_problems

    rng = random.Random(42)
    kit, skus, whs = _setup(method, scope, tag)
    day = dt.date(2026, 3, 1)
    receipts = _docs(kit, skus, whs, n, sign=1, reason=R.PURCHASE_RECEIPT, day=day, rng=rng)
    issues = _docs(kit, skus, whs, n, sign=-1, reason=R.SALES_DELIVERY, day=day, rng=rng)
    # opening stock: enough for the issues whatever the draw
    for wh in whs:
        from jxc.inventory.ledger.types import StockLine

        _post(
            kit,
            [
                [
                    StockLine(
                        sku=s,
                        warehouse=wh,
                        qty=Decimal(3 * n),
                        reason=R.OPENING,
                        date=day,
                        unit_cost=Decimal("10"),
                    )
                    for s in skus
                ]
            ],
            "opening",
        )
    t_in = _post(kit, receipts, "receipt")
    t_out = _post(kit, issues, "issue")
    problems = ledger_problems()
    if problems:
        raise AssertionError("ledger self-check after the benchmark: " + "; ".join(problems[:5]))
    return {
        "receipts_docs_per_s": round(n / t_in, 1),
        "issues_docs_per_s": round(n / t_out, 1),
        "moves_per_s": round(2 * n * LINES / (t_in + t_out), 1),
        "receipt_ms": round(1000 * t_in / n, 3),
        "issue_ms": round(1000 * t_out / n, 3),
    }


def run(size: int) -> dict:
    from tests.bench._ledger_bench import drop_ledger_of, use_costing

    try:
        return {
            "documents": size,
            "lines_per_document": LINES,
            "moving_average_company": _case(size, "moving_average", "company", "PA"),
            "fifo_per_warehouse": _case(size, "fifo", "warehouse", "PF"),
        }
    finally:
        drop_ledger_of("PA")
        drop_ledger_of("PF")
        use_costing("moving_average", "company")
