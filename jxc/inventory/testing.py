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
