"""What one posting costs the database, counted (issue 10 §2: the stable measure of posting
speed on a shared machine; docs/ledger.md "Benchmark"). A five-line document of SKUs that
were posted before: on PostgreSQL every statement the writer runs is a round trip."""

import datetime as dt
import sys
from decimal import Decimal

import pytest
from django.db import connection, transaction

from jxc.inventory.choices import MoveReason as R
from jxc.inventory.ledger.types import StockLine
from jxc.inventory.services import record_moves
from jxc.inventory.testing import LedgerKit, assert_ledger_consistent

pytestmark = pytest.mark.django_db


class _Statements:
    def __init__(self):
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def _five_line_postings(kit, method: str, scope: str):
    """The benchmark's shape: five SKUs, two warehouses, opening stock; returns a function
    posting a five-line receipt or issue in one warehouse and the statements it ran."""
    kit.company(costing_method=method, cost_scope=scope)
    skus = [kit.sku(f"ST{i}", price="1") for i in range(5)]
    whs = [kit.warehouse("STW1"), kit.warehouse("STW2")]
    for wh in whs:
        kit.post([kit.line(s, wh, "100", R.OPENING, unit_cost="10") for s in skus])

    def post(sign: int, reason: str, wh=whs[0]) -> list[str]:
        lines = [
            kit.line(s, wh, str(sign * (i + 1)), reason, unit_cost="12.5" if sign > 0 else None)
            for i, s in enumerate(skus)
        ]
        counted = _Statements()
        with transaction.atomic(), connection.execute_wrapper(counted):
            kit.post(lines)
        return counted.sql

    return post


def _expected(sqlite: int, postgresql: int) -> int:
    return sqlite if connection.vendor == "sqlite" else postgresql


@pytest.mark.parametrize(
    ("method", "scope", "receipt", "issue"),
    [
        # SQLite: 3 reads (SKU locks with the SKUs and company, balances with the warehouses,
        # pools), the moves, the pools, the balances (the other warehouse's value with them);
        # FIFO: + new layers / + the layers' remainders and the layer uses (an issue's
        # oldest open layers come with the pools read). PostgreSQL: the reads in one round
        # trip, the writes in another.
        ("moving_average", "company", (6, 2), (6, 2)),
        ("fifo", "warehouse", (7, 2), (8, 2)),
    ],
)
def test_a_five_line_posting_takes_a_fixed_number_of_statements(kit, method, scope, receipt, issue):
    post = _five_line_postings(kit, method, scope)
    post(1, R.PURCHASE_RECEIPT)  # the first posting after the opening may read what it needs
    received = post(1, R.PURCHASE_RECEIPT)
    issued = post(-1, R.SALES_DELIVERY)
    assert len(received) == _expected(*receipt), received
    assert len(issued) == _expected(*issue), issued
    assert_ledger_consistent()


def test_the_other_warehouses_are_revalued_from_the_lock_read(kit):
    """Company pool: a receipt in one warehouse moves the unit cost, so the SKU's stock in
    the other warehouse is valued again — from the balance rows read with the locks, in the
    same UPDATE as the touched rows (no statement of its own)."""
    from jxc.core.numbers import unit_cost_of, value_of
    from jxc.inventory.models import StockBalance
    from jxc.inventory.testing import D

    post = _five_line_postings(kit, "moving_average", "company")
    statements = post(1, R.PURCHASE_RECEIPT)
    assert not [s for s in statements if 'SET "value" = ' in s and "on_hand" not in s]
    other = StockBalance.objects.filter(warehouse__code="STW2", sku__code="ST0").get()
    # 200 at 10 + 1 at 12.5 → average 2012.50 / 201 (10.0124378109); STW2 holds 100 of it
    assert other.value == value_of(D("100"), unit_cost_of(D("2012.50"), D("201"))) == D("1001.24")
    assert_ledger_consistent()


def test_a_posting_looks_the_database_wrapper_up_a_few_times_not_per_statement():
    """Each ``connections[alias]`` raises and catches a RuntimeError inside asgiref (no
    running event loop): count those while a five-line document is posted."""
    if connection.vendor != "sqlite":
        pytest.skip("the count is of the SQLite path (the driver's connection)")
    kit = LedgerKit(user=None, unit_name="个-runner")
    skus = [kit.sku(f"RUN{i}", price="1") for i in range(5)]
    wh = kit.warehouse("RUNW")
    day = dt.date(2026, 3, 1)

    def doc(qty):
        return [
            StockLine(
                sku=s.pk,
                warehouse=wh.pk,
                qty=Decimal(qty),
                reason=R.PURCHASE_RECEIPT,
                date=day,
                unit_cost=Decimal("2.5"),
            )
            for s in skus
        ]

    with transaction.atomic():
        record_moves(doc(3), source=kit.ref("receipt"), user=None)
        record_moves(doc(3), source=kit.ref("receipt"), user=None)  # warm: rows exist
    lookups = [0]

    def tracer(frame, event, arg):
        if event == "exception" and arg[0] is RuntimeError:
            if frame.f_code.co_name == "_get_storage":
                lookups[0] += 1
        return tracer

    with transaction.atomic():
        sys.settrace(tracer)
        try:
            record_moves(doc(2), source=kit.ref("receipt"), user=None)
        finally:
            sys.settrace(None)
    assert lookups[0] <= 3, f"{lookups[0]} connection lookups for one posting (was 26)"
