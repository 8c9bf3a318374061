"""The full document flow through the services (issue 10 §2: ≥ 400 documents/s on SQLite,
≥ 150 on PostgreSQL): 其他入库 then 其他出库 of five lines each, every document created,
submitted, approved and posted by a user with the owner role through
``jxc.inventory.documents.services`` — numbering, permission and warehouse-scope checks,
transitions, audit lines and the ledger, each service call in its own transaction as the
screens and the API make them. Reported beside the rate: the milliseconds each step takes
per document. Then the same again the way the form's 保存并过账 takes it: created, then
提交 → 审核 → 过账 in one transaction (``post_stock_document_at_once``: no approval rule
applies). The ledger self-check runs at the end and must be clean."""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

SIZES = {"tiny": 20, "full": 1000}
LINES = 5
STEPS = ("create", "submit", "approve", "post")


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


def _flow(user, warehouse, docs: list, kind: str, day: dt.date) -> tuple[float, dict]:
    from jxc.inventory.documents import services as s

    steps = dict.fromkeys(STEPS, 0.0)
    started = time.perf_counter()
    for lines in docs:
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
    return time.perf_counter() - started, steps


def _flow_at_once(user, warehouse, docs: list, kind: str, day: dt.date) -> float:
    from jxc.inventory.documents import services as s

    started = time.perf_counter()
    for lines in docs:
        doc = s.create_stock_document(
            user=user, kind=kind, warehouse=warehouse, date=day, reason="other", lines=lines
        )
        s.post_stock_document_at_once(doc, user=user)
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


def _measure(size: int, rng: random.Random, user, skus, warehouse) -> dict:
    from jxc.core.documents.lines import LineInput
    from jxc.inventory.ledger.checks import ledger_problems

    day = dt.date.today()
    receipts = [
        [
            LineInput(
                sku=sku,
                qty=Decimal(rng.randint(3, 6)),
                price=Decimal(rng.randint(100, 9999)) / 100,
            )
            for sku in rng.sample(skus, LINES)
        ]
        for _ in range(size)
    ]
    issues = [
        [LineInput(sku=sku, qty=Decimal(rng.randint(1, 2))) for sku in rng.sample(skus, LINES)]
        for _ in range(size)
    ]
    # stock for the issues whatever the draw: one receipt of every SKU first (not timed)
    _flow(
        user,
        warehouse,
        [[LineInput(sku=sku, qty=Decimal(2 * size), price=Decimal(5)) for sku in skus]],
        "other_receipt",
        day,
    )
    t_in, steps_in = _flow(user, warehouse, receipts, "other_receipt", day)
    t_out, steps_out = _flow(user, warehouse, issues, "other_issue", day)
    t_in_once = _flow_at_once(user, warehouse, receipts, "other_receipt", day)
    t_out_once = _flow_at_once(user, warehouse, issues, "other_issue", day)
    problems = ledger_problems()
    if problems:
        raise AssertionError("ledger self-check after the benchmark: " + "; ".join(problems[:5]))
    return {
        "documents": size,
        "lines_per_document": LINES,
        "receipts_seconds": round(t_in, 3),
        "issues_seconds": round(t_out, 3),
        "receipts_docs_per_s": round(size / t_in, 1),
        "issues_docs_per_s": round(size / t_out, 1),
        "receipts_at_once_docs_per_s": round(size / t_in_once, 1),
        "issues_at_once_docs_per_s": round(size / t_out_once, 1),
        "receipt_step_ms": {k: round(1000 * v / size, 3) for k, v in steps_in.items()},
        "issue_step_ms": {k: round(1000 * v / size, 3) for k, v in steps_out.items()},
    }
