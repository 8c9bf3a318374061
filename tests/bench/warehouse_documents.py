"""Warehouse documents at size: confirming a count of N lines and posting (shipping) a
transfer of N lines, each through the real services in one transaction (target for N = 5,000:
≤ 3 s each). Also reported: posting the N-line opening stock that fills the warehouse, making
the count sheet (book frozen), recording N counted quantities, and receiving the transfer."""

import datetime as dt
import time
from decimal import Decimal

from jxc.core.documents.lines import LineInput

SIZES = {"tiny": 50, "full": 5000}


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, round(time.perf_counter() - started, 3)


def run(size: int) -> dict:
    from jxc.catalog import services as catalog
    from jxc.catalog.rules import UnitSpec
    from jxc.core.accounts import create_user, ensure_default_roles
    from jxc.inventory import services as inventory
    from jxc.inventory.documents import services as docs
    from jxc.inventory.ledger.checks import ledger_problems

    ensure_default_roles()
    user = create_user(
        username="bench-docs", password="Zq7!pLx-2026-wh", roles=["owner"], is_superuser=True
    )
    pcs = catalog.create_unit(user=user, name="个")
    cols = 50 if size >= 500 else 5
    rows = max(size // cols, 1)
    product = catalog.create_product(
        user=user,
        code="BENCH",
        name="压测商品",
        base_unit=pcs,
        units=[UnitSpec(unit_id=pcs.pk, prices={"purchase_price": Decimal("3")})],
        attribute1="色",
        values1=[f"C{i:03d}" for i in range(rows)],
        attribute2="码",
        values2=[f"S{j:02d}" for j in range(cols)],
    )
    skus = list(product.skus.order_by("pk").values_list("pk", flat=True))
    n = len(skus)
    a = inventory.create_warehouse(user=user, code="BA", name="压测A仓")
    b = inventory.create_warehouse(user=user, code="BB", name="压测B仓")
    day = dt.date(2026, 11, 20)

    def lifecycle(doc, post):
        doc = docs.submit_document(doc, user=user)
        doc = docs.approve_document(doc, user=user)
        return post(doc, user=user)

    opening = docs.create_stock_document(
        user=user,
        kind="opening_stock",
        warehouse=a,
        date=day,
        lines=[
            LineInput(sku=s, qty=Decimal(20), price=Decimal("2.5") + Decimal(i % 7) / 10)
            for i, s in enumerate(skus)
        ],
    )
    _doc, opening_s = _timed(lambda: lifecycle(opening, docs.post_document))

    count, freeze_s = _timed(lambda: docs.create_stock_count(user=user, warehouse=a, date=day))
    lines = list(count.lines.order_by("pk").values_list("pk", "book_qty"))
    # Every line differs: gains and losses alternate.
    counted = {pk: book + (1 if i % 2 else -1) for i, (pk, book) in enumerate(lines)}
    _c, record_s = _timed(lambda: docs.record_counts(count, user=user, counts=counted))
    count = docs.approve_document(docs.submit_document(count, user=user), user=user)
    _c, confirm_s = _timed(lambda: docs.post_stock_count(count, user=user))

    transfer = docs.create_transfer(
        user=user,
        from_warehouse=a,
        to_warehouse=b,
        date=day,
        lines=[LineInput(sku=s, qty=Decimal(5)) for s in skus],
    )
    transfer = docs.approve_document(docs.submit_document(transfer, user=user), user=user)
    _t, ship_s = _timed(lambda: docs.post_transfer(transfer, user=user))
    _t, receive_s = _timed(lambda: docs.receive_transfer(transfer, user=user, date=day))

    problems = ledger_problems()
    if problems:
        raise AssertionError("ledger self-check: " + "; ".join(problems[:5]))
    return {
        "lines": n,
        "count_confirm_seconds": confirm_s,
        "transfer_post_seconds": ship_s,
        "target_seconds": 3.0 if n >= 5000 else None,
        "opening_post_seconds": opening_s,
        "count_create_seconds": freeze_s,
        "count_record_seconds": record_s,
        "transfer_receive_seconds": receive_s,
    }
