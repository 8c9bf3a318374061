"""Test helpers for the stock ledger, for any app's tests and scenarios.

    from jxc.inventory.testing import LedgerKit, assert_ledger_consistent

    kit = LedgerKit(user=owner)                     # inside a django_db test
    sku = kit.sku("A", price="5")                    # a product with one SKU (参考进价 5)
    wh = kit.warehouse("ZC")
    kit.receive(sku, wh, "10", "12.50", day=1)      # 采购入库 10 @ 12.50 on 2026-01-01
    kit.issue(sku, wh, "4", day=2)                  # 销售出库
    assert_ledger_consistent()                      # 自检: balances = Σ moves, pools, layers …

Everything goes through the real services (record_moves / reverse_moves).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from jxc.core.documents.models import SourceRef
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.ledger.types import StockLine

_numbers = itertools.count(1)
BASE_DATE = dt.date(2026, 1, 1)


def assert_ledger_consistent(*, deep: bool = True) -> None:
    """Fail with every difference the ledger self-check finds (``jxc check``'s ledger part)."""
    from jxc.inventory.ledger.checks import ledger_problems

    problems = ledger_problems(deep=deep)
    assert not problems, "ledger self-check:\n" + "\n".join(problems[:50])


def assert_costing_identities() -> None:
    """DOMAIN.md §5 identities over the whole ledger (on top of the self-check):

    - a FIFO pool's value is the sum of its layers' values (``costing.state.layer_value``);
    - per-warehouse pools: each warehouse's value is its pool's; company pools: each
      warehouse is worth round(on hand × the pool's unit cost), the warehouses' quantities add
      up to the pool's, and their values to round(pool quantity × unit cost) within half a 分
      per warehouse (FIFO: to the pool's value itself);
    - no pool, no warehouse and no report row holds value at zero quantity;
    - 库存查询(按日期) of the last move's date, per warehouse, equals 即时库存;
    - returns are bounded by their origin: what came back against a move (customer returns
      of a delivery, transfers in of a transfer out, purchase returns of a receipt; net of
      reversals) never exceeds its quantity, and carries the opposite sign.
    """
    from collections import defaultdict

    from jxc.core.numbers import unit_cost_of, value_of
    from jxc.inventory.layer_models import CostLayer
    from jxc.inventory.ledger.costing.state import layer_value
    from jxc.inventory.models import CostPool, StockBalance, StockMove
    from jxc.inventory.snapshots import valued_positions_at

    problems: list[str] = []
    pools = {p.pk: p for p in CostPool.objects.all()}
    layers: dict[int, list] = defaultdict(list)
    for x in CostLayer.objects.filter(remaining__gt=0):
        layers[x.pool_id].append(x)
    balances = list(StockBalance.objects.all())
    for p in pools.values():
        if p.qty == 0 and p.value != 0:
            problems.append(f"pool {p.pk}: value {p.value} at zero quantity")
        if p.method == "fifo" and p.qty > 0:
            v = sum(
                (layer_value(x.base_value, x.remaining, x.base_qty) for x in layers[p.pk]), D(0)
            )
            if v != p.value:
                problems.append(f"pool {p.pk}: layers {v} != value {p.value}")
    for b in balances:
        if b.on_hand == 0 and b.value != 0:
            problems.append(f"balance {b.sku_id}/{b.warehouse_id}: value {b.value} at zero qty")
    by_sku: dict[int, list] = defaultdict(list)
    for b in balances:
        by_sku[b.sku_id].append(b)
    for p in pools.values():
        mine = by_sku.get(p.sku_id, [])
        if p.warehouse_id is not None:
            if p.batch_id is None:
                here = [b for b in mine if b.warehouse_id == p.warehouse_id]
                got = here[0].value if here else D(0)
                if got != p.value:
                    problems.append(f"pool {p.pk}: warehouse value {got} != pool value {p.value}")
            continue
        if p.batch_id is not None or any(
            q.sku_id == p.sku_id and q.pk != p.pk for q in pools.values()
        ):
            continue  # batch pools: checked per batch by the self-check
        rate = unit_cost_of(p.value, p.qty) if p.method == "fifo" and p.qty > 0 else p.unit_cost
        rate = rate or D(0)
        if sum((b.on_hand for b in mine), D(0)) != p.qty:
            problems.append(f"pool {p.pk}: warehouses' quantities != {p.qty}")
        total = sum((b.value for b in mine), D(0))
        whole = value_of(p.qty, rate)
        if abs(total - whole) > D("0.005") * len(mine):
            problems.append(f"pool {p.pk}: warehouses {total} vs qty × unit {whole}")
        if p.method == "fifo" and whole != p.value:
            problems.append(f"pool {p.pk}: FIFO qty × unit {whole} != value {p.value}")
    last = StockMove.objects.order_by("-date").values_list("date", flat=True).first()
    if last is not None:
        report = valued_positions_at(last, use_snapshots=False)
        for b in balances:
            pos = report.get((b.sku_id, b.warehouse_id))
            got = (pos.qty, pos.value) if pos is not None else (D(0), D(0))
            if got != (b.on_hand, b.value):
                problems.append(f"at {last} {b.sku_id}/{b.warehouse_id}: report {got} != 即时库存")
        for key, pos in report.items():
            if pos.qty == 0 and pos.value != 0:
                problems.append(f"at {last} {key}: value {pos.value} at zero quantity")
    back: dict[int, Decimal] = defaultdict(Decimal)
    dependant_of: dict[int, int] = {}
    for mid, origin_id, qty in StockMove.objects.filter(origin__isnull=False).values_list(
        "id", "origin_id", "qty"
    ):
        back[origin_id] += qty
        dependant_of[mid] = origin_id
    for reversed_id, qty in StockMove.objects.filter(
        reverses_id__in=list(dependant_of)
    ).values_list("reverses_id", "qty"):
        back[dependant_of[reversed_id]] += qty
    for origin_id, qty in StockMove.objects.filter(pk__in=list(back)).values_list("id", "qty"):
        if back[origin_id] * qty > 0 or abs(back[origin_id]) > abs(qty):
            problems.append(f"move {origin_id} ({qty}): {back[origin_id]} came back against it")
    assert not problems, "costing identities:\n" + "\n".join(problems[:50])


def D(x) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


class LedgerKit:
    """Builds SKUs and warehouses and posts one-line documents, for tests."""

    def __init__(self, *, user=None, unit_name: str = "个"):
        self.user = user
        self.unit_name = unit_name
        self._unit: Any = None

    # --- master data -----------------------------------------------------------------------

    def company(self, **fields):
        from jxc.core.services import update_company

        return update_company(user=self.user, **fields)

    def sku(self, code: str, *, price: str | None = "0", tracking: str = "none"):
        """A product with one SKU; ``price`` is its reference purchase price (None: none)."""
        from jxc.catalog import services as catalog
        from jxc.catalog.models import Unit
        from jxc.catalog.rules import UnitSpec

        if self._unit is None:
            self._unit = Unit.objects.filter(name=self.unit_name).first() or catalog.create_unit(
                user=self.user, name=self.unit_name
            )
        product = catalog.create_product(
            user=self.user,
            code=code,
            name=f"商品{code}",
            base_unit=self._unit,
            tracking=tracking,
            units=[
                UnitSpec(
                    unit_id=self._unit.pk,
                    prices={} if price is None else {"purchase_price": D(price)},
                )
            ],
        )
        return product.skus.get()

    def warehouse(self, code: str, *, allow_negative: bool = False):
        from jxc.inventory.services import create_warehouse

        return create_warehouse(
            user=self.user, code=code, name=f"仓库{code}", allow_negative=allow_negative
        )

    def batch(self, sku, number: str, *, expiry: dt.date | None = None):
        from jxc.inventory.services import ensure_batch

        return ensure_batch(sku=sku, number=number, expiry_date=expiry)

    # --- postings ------------------------------------------------------------------------

    @staticmethod
    def day(n: int | dt.date) -> dt.date:
        return n if isinstance(n, dt.date) else BASE_DATE + dt.timedelta(days=n - 1)

    @staticmethod
    def ref(kind: str = "test") -> SourceRef:
        n = next(_numbers)
        return SourceRef(kind=kind, id=n, number=f"T{n:05d}")

    def post(self, lines, *, kind: str = "test", source: SourceRef | None = None):
        from jxc.inventory.services import record_moves

        return record_moves(lines, source=source or self.ref(kind), user=self.user)

    def line(self, sku, wh, qty, reason, day=1, **kw) -> StockLine:
        for k in ("unit_cost", "value"):
            if kw.get(k) is not None:
                kw[k] = D(kw[k])
        return StockLine(sku=sku, warehouse=wh, qty=D(qty), reason=reason, date=self.day(day), **kw)

    def receive(self, sku, wh, qty, cost=None, day=1, **kw):
        reason = kw.pop("reason", R.PURCHASE_RECEIPT)
        return self.post([self.line(sku, wh, qty, reason, day, unit_cost=cost, **kw)])[0]

    def issue(self, sku, wh, qty, day=1, **kw):
        reason = kw.pop("reason", R.SALES_DELIVERY)
        return self.post([self.line(sku, wh, -D(qty), reason, day, **kw)])[0]

    def sales_return(self, sku, wh, qty, day=1, *, origin=None, **kw):
        return self.post([self.line(sku, wh, qty, R.SALES_RETURN, day, origin=origin, **kw)])[0]

    def purchase_return(self, sku, wh, qty, day=1, *, origin=None, **kw):
        return self.post(
            [self.line(sku, wh, -D(qty), R.PURCHASE_RETURN, day, origin=origin, **kw)]
        )[0]

    def transfer(self, sku, src, dst, qty, day=1, *, arrive=None):
        """调拨 in one posting (out of ``src``, into ``dst``), both on ``day`` unless ``arrive``."""
        out = self.line(sku, src, -D(qty), R.TRANSFER_OUT, day)
        inn = self.line(sku, dst, qty, R.TRANSFER_IN, arrive or day, origin_line=0)
        return self.post([out, inn], kind="transfer")

    def adjust(self, sku, wh, day=1, *, unit_cost=None, value=None):
        return self.post(
            [self.line(sku, wh, 0, R.COST_ADJUSTMENT, day, unit_cost=unit_cost, value=value)]
        )[0]

    def reverse(self, move_or_source, day=None):
        from jxc.inventory.services import reverse_moves

        if isinstance(move_or_source, SourceRef):
            source = move_or_source
        else:
            mv = move_or_source
            source = SourceRef(kind=mv.source_kind, id=mv.source_id, number=mv.source_number)
            day = day or mv.date
        return reverse_moves(source=source, user=self.user, date=self.day(day or 1))
