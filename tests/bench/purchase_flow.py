"""Purchase-to-pay (issue 14, benchmark): two figures.

- ``full_flow``: the whole loop through the services, 5 lines — 采购订单 created → 提交 →
  审核 (在途) → 生成入库单 → 提交 → 审核 → 过账 (stock in at the order price, the payable) →
  付款单 of the receipt's total, settled oldest first — one after another (target ≥ 300
  flows/s on SQLite, ≥ 120 on PostgreSQL). Reported: flows/s, CPU milliseconds per flow, the
  SQL statements of one flow (counted on an untimed flow) and milliseconds per step.
- ``at_scale``: N orders and 2N receipts for several suppliers (full size 10,000 / 20,000;
  one supplier takes half of them), each receipt owed in the party ledger and most of them
  paid by a monthly 付款单 settled against them; then the 供应商对账单 for the year and the
  应付账龄 of the busiest supplier (target ≤ 300 ms each; best of five runs, first run too).
  The rows are written set-based, as posting would leave them (orders done, receipts
  posted, entries, open items, settlements, balances), because thirty thousand documents
  through the services would take the whole benchmark run; the party ledger's self-check
  proves them consistent before anything is measured.

The stock ledger and party ledger self-checks run at the end and must be clean."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal

SIZES = {"tiny": 20, "full": 10_000}
FLOWS = {"tiny": 10, "full": 500}
LINES = 5
SUPPLIERS = 5
TARGET_FLOWS = {"sqlite": 300, "postgresql": 120}
TARGET_MS = 300
CENT = Decimal("0.01")


def _setup():
    from django.utils import timezone

    from jxc.catalog import services as catalog
    from jxc.catalog.rules import UnitSpec
    from jxc.core.accounts import create_user, ensure_default_roles
    from jxc.finance.services import create_account
    from jxc.inventory import services as inventory
    from jxc.partners.services import create_supplier

    ensure_default_roles()
    user = create_user(
        username="bench-purchase", password="Zq7!pLx-2026-buy", roles=["owner"], is_superuser=False
    )
    unit = catalog.create_unit(user=user, name="个-purchase")
    product = catalog.create_product(
        user=user,
        code="PB",
        name="采购压测商品",
        base_unit=unit,
        units=[UnitSpec(unit_id=unit.pk, prices={"purchase_price": Decimal("3")})],
        attribute1="色",
        values1=[f"C{i:02d}" for i in range(4)],
        attribute2="码",
        values2=[f"S{j:02d}" for j in range(5)],
    )
    skus = list(product.skus.order_by("pk").values_list("pk", flat=True))
    warehouse = inventory.create_warehouse(user=user, code="PB", name="采购压测仓")
    suppliers = [
        create_supplier(user=user, code=f"PB-GYS{i}", name=f"压测供应商{i}", payment_terms_days=30)
        for i in range(SUPPLIERS)
    ]
    account = create_account(user=user, code="PB-YH", name="压测银行", kind="bank")
    return user, skus, warehouse, suppliers, account, timezone.localdate()


def _full_flow(size: int, rng, user, skus, warehouse, supplier, account, day) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jxc.core.documents import actions
    from jxc.core.documents.lines import LineInput
    from jxc.finance.payments import record_supplier_payment
    from jxc.purchasing import receipts, services

    baskets = [
        [
            LineInput(
                sku=s, qty=Decimal(rng.randint(1, 9)), price=Decimal(rng.randint(200, 499)) / 100
            )
            for s in rng.sample(skus, LINES)
        ]
        for _ in range(size + 2)
    ]

    def flow(lines, times=None):
        t0 = time.perf_counter()
        po = services.create_purchase_order(
            user=user, supplier=supplier, warehouse=warehouse, date=day, lines=lines
        )
        t1 = time.perf_counter()
        po = services.approve_purchase_order(actions.submit(po, user=user), user=user)
        t2 = time.perf_counter()
        r = receipts.receive_orders([po], user=user, date=day)
        r = actions.approve(actions.submit(r, user=user), user=user)
        t3 = time.perf_counter()
        r = receipts.post_purchase_receipt(r, user=user)
        t4 = time.perf_counter()
        record_supplier_payment(
            supplier=supplier, user=user, account=account, amount=r.total_amount, date=day
        )
        t5 = time.perf_counter()
        if times is not None:
            for name, a, b in zip(times, (t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5), strict=True):
                times[name] += b - a

    flow(baskets[0])  # warm-up: the caches every later flow finds filled
    with CaptureQueriesContext(connection) as counted:  # one flow's SQL statements, untimed
        flow(baskets[1])
    steps = dict.fromkeys(("order", "approve", "receive", "post", "payment"), 0.0)
    began = time.perf_counter()
    cpu = time.process_time()
    for lines in baskets[2:]:
        flow(lines, steps)
    wall = time.perf_counter() - began
    cpu = time.process_time() - cpu
    return {
        "flows": size,
        "lines_per_order": LINES,
        "seconds": round(wall, 3),
        "flows_per_s": round(size / wall, 1),
        "cpu_seconds": round(cpu, 3),
        "cpu_ms_per_flow": round(1000 * cpu / size, 3),
        "statements_per_flow": len(counted.captured_queries),
        "step_ms": {k: round(1000 * v / size, 3) for k, v in steps.items()},
    }


# --- the story at scale -------------------------------------------------------------------------


def _supplier_shares(n: int, suppliers: int) -> list[int]:
    """How many orders each supplier gets: the first (the busiest) half, the rest evenly."""
    busiest = n // 2
    rest = n - busiest
    others = [rest // (suppliers - 1)] * (suppliers - 1)
    others[0] += rest - sum(others)
    return [busiest, *others]


def _build(n: int, rng, user, skus, warehouse, suppliers, account, today) -> dict:
    """N orders of two lines, each received in two receipts (one a line), the receipts owed in
    the party ledger (due after 30 days), and per supplier and month a 付款单 settling that
    month's receipts — except the last two months, left open for the aging. Set-based."""
    from django.db import connection, transaction

    from jxc.core.choices import DocumentStatus as S
    from jxc.core.documents import pricing
    from jxc.finance.models import (
        OpenItem,
        PartyBalance,
        PartyLedgerEntry,
        Settlement,
        SupplierPayment,
    )
    from jxc.purchasing.models import (
        PurchaseOrder,
        PurchaseOrderLine,
        PurchaseReceipt,
        PurchaseReceiptLine,
    )

    start = today - dt.timedelta(days=364)
    batch = 2000
    with transaction.atomic():
        orders: list[PurchaseOrder] = []
        plan: list[list[tuple[int, Decimal, Decimal]]] = []
        for s_i, count in enumerate(_supplier_shares(n, len(suppliers))):
            for _ in range(count):
                day = start + dt.timedelta(days=rng.randrange(365))
                orders.append(
                    PurchaseOrder(
                        number=f"PB-PO{len(orders) + 1:07d}",
                        date=day,
                        status=S.DONE,
                        supplier=suppliers[s_i],
                        warehouse=warehouse,
                        created_by=user,
                        approved_by=user,
                    )
                )
                plan.append(
                    [
                        (s, Decimal(rng.randint(1, 20)), Decimal(rng.randint(200, 999)) / 100)
                        for s in rng.sample(skus, 2)
                    ]
                )
        lines, receipts = [], []
        for o, wanted in zip(orders, plan, strict=True):
            total = Decimal(0)
            for no, (sku, qty, price) in enumerate(wanted, 1):
                a = pricing.line_amounts(
                    qty=qty,
                    price=price,
                    tax_rate=Decimal(13),
                    discount_rate=Decimal(0),
                    includes_tax=True,
                    factor=Decimal(1),
                )
                total += a.gross
                lines.append(
                    PurchaseOrderLine(
                        document=o,
                        line_no=no,
                        sku_id=sku,
                        qty=qty,
                        base_qty=qty,
                        price=price,
                        net_amount=a.net,
                        tax_amount=a.tax,
                        gross_amount=a.gross,
                        unit_cost=a.unit_cost,
                        received_qty=qty,
                    )
                )
            o.net_amount = sum((x.net_amount for x in lines[-2:]), Decimal(0))
            o.tax_amount = sum((x.tax_amount for x in lines[-2:]), Decimal(0))
            o.total_amount = total
        PurchaseOrder.objects.bulk_create(orders, batch_size=batch)
        for x in lines:
            x.document_id = x.document.pk
        PurchaseOrderLine.objects.bulk_create(lines, batch_size=batch)
        receipt_lines = []
        for i, x in enumerate(lines):
            o = x.document
            day = min(o.date + dt.timedelta(days=rng.randrange(0, 7)), today)
            r = PurchaseReceipt(
                number=f"PB-RK{i + 1:07d}",
                date=day,
                status=S.POSTED,
                supplier_id=o.supplier_id,
                warehouse=warehouse,
                created_by=user,
                approved_by=user,
                posted_by=user,
                net_amount=x.net_amount,
                tax_amount=x.tax_amount,
                total_amount=x.gross_amount,
                due_date=day + dt.timedelta(days=30),
            )
            receipts.append(r)
            receipt_lines.append(
                PurchaseReceiptLine(
                    document=r,
                    line_no=1,
                    sku_id=x.sku_id,
                    qty=x.qty,
                    base_qty=x.qty,
                    source_line=x,
                    price=x.price,
                    net_amount=x.net_amount,
                    tax_amount=x.tax_amount,
                    gross_amount=x.gross_amount,
                    unit_cost=x.unit_cost,
                )
            )
        PurchaseReceipt.objects.bulk_create(receipts, batch_size=batch)
        for rl in receipt_lines:
            rl.document_id = rl.document.pk
        PurchaseReceiptLine.objects.bulk_create(receipt_lines, batch_size=batch)

        # the payables, and a 付款单 per supplier and month for all but the last two months
        paid_until = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        by_month: dict[tuple[int, dt.date], list[PurchaseReceipt]] = defaultdict(list)
        for r in receipts:
            by_month[(r.supplier_id, r.date.replace(day=1))].append(r)
        payments: list[tuple[SupplierPayment, list[PurchaseReceipt]]] = []
        for (supplier_id, month), paid in sorted(by_month.items()):
            if month >= paid_until:
                continue
            last = max(x.date for x in paid)
            payments.append(
                (
                    SupplierPayment(
                        number=f"PB-FK{len(payments) + 1:07d}",
                        date=min(last + dt.timedelta(days=30), today),
                        status=S.POSTED,
                        supplier_id=supplier_id,
                        account=account,
                        amount=sum((x.total_amount for x in paid), Decimal(0)),
                        created_by=user,
                        approved_by=user,
                        posted_by=user,
                    ),
                    paid,
                )
            )
        SupplierPayment.objects.bulk_create([p for p, _r in payments], batch_size=batch)
        entries = [
            PartyLedgerEntry(
                side="payable",
                supplier_id=r.supplier_id,
                date=r.date,
                due_date=r.due_date,
                kind="document",
                amount=r.total_amount,
                source_kind=PurchaseReceipt.DOC_TYPE,
                source_id=r.pk,
                source_number=r.number,
                user=user,
            )
            for r in receipts
        ]
        entries += [
            PartyLedgerEntry(
                side="payable",
                supplier_id=p.supplier_id,
                date=p.date,
                kind="payment",
                amount=-p.amount,
                source_kind=SupplierPayment.DOC_TYPE,
                source_id=p.pk,
                source_number=p.number,
                user=user,
            )
            for p, _r in payments
        ]
        PartyLedgerEntry.objects.bulk_create(entries, batch_size=batch)
        paid_ids = {r.pk for _p, rs in payments for r in rs}
        item_of = {}
        for e in entries:
            done = e.kind == "payment" or e.source_id in paid_ids
            item_of[(e.source_kind, e.source_id)] = OpenItem(
                entry=e,
                side="payable",
                supplier_id=e.supplier_id,
                date=e.date,
                due_date=e.due_date,
                amount=e.amount,
                settled=e.amount if done else Decimal(0),
                is_open=not done,
            )
        OpenItem.objects.bulk_create(item_of.values(), batch_size=batch)
        settlements = [
            Settlement(
                side="payable",
                supplier_id=p.supplier_id,
                date=p.date,
                debit=item_of[(PurchaseReceipt.DOC_TYPE, r.pk)],
                credit=item_of[(SupplierPayment.DOC_TYPE, p.pk)],
                amount=r.total_amount,
                source_kind=SupplierPayment.DOC_TYPE,
                source_id=p.pk,
                source_number=p.number,
                user=user,
            )
            for p, rs in payments
            for r in rs
        ]
        Settlement.objects.bulk_create(settlements, batch_size=batch)
        owed: dict[int | None, Decimal] = defaultdict(Decimal)
        for e in entries:
            owed[e.supplier_id] += e.amount
        PartyBalance.objects.bulk_create(
            [PartyBalance(side="payable", supplier_id=k, balance=v) for k, v in owed.items()]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {
        "orders": len(orders),
        "receipts": len(receipts),
        "payments": len(payments),
        "entries": len(entries),
        "busiest_supplier_receipts": sum(1 for r in receipts if r.supplier_id == suppliers[0].pk),
    }


def _timed(fn, runs: int = 5) -> tuple[float, float]:
    """(first run, best run) in milliseconds."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t0))
    return round(times[0], 2), round(min(times), 2)


def _at_scale(n: int, rng, user, skus, warehouse, suppliers, account, today) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jxc.finance.checks import party_ledger_problems
    from jxc.finance.selectors import payables_aging, supplier_statement

    began = time.perf_counter()
    built = _build(n, rng, user, skus, warehouse, suppliers, account, today)
    build_seconds = time.perf_counter() - began
    problems = party_ledger_problems()
    if problems:
        raise AssertionError("party ledger after the build: " + "; ".join(problems[:5]))
    busiest = suppliers[0].pk
    start = today - dt.timedelta(days=364)
    rows: list = []

    def statement():
        _opening, found, _closing = supplier_statement(busiest, date_from=start, date_to=today)
        rows[:] = found

    def aging():
        return payables_aging(as_of=today, supplier_id=busiest)

    st_first, st_best = _timed(statement)
    ag_first, ag_best = _timed(aging)
    with CaptureQueriesContext(connection) as st_sql:
        statement()
    with CaptureQueriesContext(connection) as ag_sql:
        aging()
    return {
        **built,
        "build_seconds": round(build_seconds, 3),
        "statement_rows": len(rows),
        "statement_ms_first": st_first,
        "statement_ms": st_best,
        "aging_ms_first": ag_first,
        "aging_ms": ag_best,
        "statement_sql_statements": len(st_sql.captured_queries),
        "aging_sql_statements": len(ag_sql.captured_queries),
        "target_ms": TARGET_MS,
        "target_met": max(st_best, ag_best) <= TARGET_MS,
    }


def run(size: int) -> dict:
    from django.db import connection

    from jxc.finance.checks import party_ledger_problems
    from jxc.inventory.ledger.checks import ledger_problems
    from tests.bench._ledger_bench import drop_ledger_of

    rng = random.Random(14)
    user, skus, warehouse, suppliers, account, day = _setup()
    flows = FLOWS["tiny"] if size <= SIZES["tiny"] else FLOWS["full"]
    try:
        # the flow's supplier is its own: the scale rows never meet the flow's settlements
        flow = _full_flow(flows, rng, user, skus, warehouse, suppliers[-1], account, day)
        flow["target_flows_per_s"] = TARGET_FLOWS.get(connection.vendor)
        scale = _at_scale(size, rng, user, skus, warehouse, suppliers[:-1], account, day)
        problems = ledger_problems() + party_ledger_problems()
        if problems:
            raise AssertionError("self-checks after the benchmark: " + "; ".join(problems[:5]))
        return {"full_flow": flow, "at_scale": scale}
    finally:
        drop_ledger_of("PB")
