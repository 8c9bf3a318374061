"""Fixtures of the report tests: a small hand-computed history posted through the ledger."""

import datetime as dt
from decimal import Decimal

import pytest

from jxc.inventory.choices import MoveReason as R


@pytest.fixture
def kit(owner):
    from jxc.inventory.testing import LedgerKit

    return LedgerKit(user=owner)


class History:
    """Two SKUs, two warehouses, January and February 2026 (moving average, company pool).

    Jan 02  A  ZC  采购入库 10 @ 12.50     +125.00   pool A 10 / 125.00
    Jan 05  A  ZC  采购入库 10 @ 13.00     +130.00   pool A 20 / 255.00 (avg 12.75)
    Jan 10  A  ZC  销售出库  5             −63.75    pool A 15 / 191.25
    Jan 12  B  EC  采购入库  3 for 10.00   +10.00    pool B  3 / 10.00  (avg 3.3333333333)
    Feb 03  A  ZC  采购入库 10 @ 10.00     +100.00   pool A 25 / 291.25 (avg 11.65)
    Feb 08  A  ZC  销售出库  8             −93.20    pool A 17 / 198.05
    Feb 15  A  ZC→EC 调拨    4             ∓46.60
    Feb 20  B  EC  销售出库  1             −3.33     pool B  2 / 6.67
    """

    def __init__(self, kit):
        self.kit = kit
        self.a = kit.sku("A", price="10")
        self.b = kit.sku("B", price="3")
        self.zc = kit.warehouse("ZC")
        self.ec = kit.warehouse("EC")
        a, b, zc, ec = self.a, self.b, self.zc, self.ec
        kit.receive(a, zc, "10", "12.50", day=2)
        kit.receive(a, zc, "10", "13", day=5)
        self.jan_issue = kit.issue(a, zc, "5", day=10)
        kit.post([kit.line(b, ec, "3", R.PURCHASE_RECEIPT, 12, value="10")])
        kit.receive(a, zc, "10", "10", day=feb(3))
        self.feb_issue = kit.issue(a, zc, "8", day=feb(8))
        kit.transfer(a, zc, ec, "4", day=feb(15))
        kit.issue(b, ec, "1", day=feb(20))


def feb(day: int) -> dt.date:
    return dt.date(2026, 2, day)


def D(x) -> Decimal:
    return Decimal(str(x))


@pytest.fixture
def history(kit):
    return History(kit)
