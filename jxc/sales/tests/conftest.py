"""Fixtures of the sales tests: a customer, a warehouse with a 次品 bin, SKUs kept in 个 and 箱
(12) with retail / wholesale / lowest prices, and stock received through the ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

D = Decimal


@dataclass
class World:
    user: Any
    customer: Any
    warehouse: Any
    bad_bin: Any
    unit: Any
    box: Any
    cola: Any
    tea: Any
    today: dt.date

    def receive(
        self, sku, qty, cost, *, batch=None, expiry=None, bin=None, warehouse=None, date=None
    ):
        from jxc.inventory.choices import MoveReason
        from jxc.inventory.ledger.types import StockLine
        from jxc.inventory.services import ensure_batch, record_moves
        from jxc.inventory.testing import LedgerKit

        b = ensure_batch(sku=sku, number=batch, expiry_date=expiry) if batch else None
        line = StockLine(
            sku=sku,
            warehouse=warehouse or self.warehouse,
            qty=D(qty),
            reason=MoveReason.PURCHASE_RECEIPT,
            date=date or self.today - dt.timedelta(days=10),
            unit_cost=D(cost),
            batch=b,
            bin=bin,
        )
        return record_moves([line], source=LedgerKit.ref("test"), user=self.user)[0]


def make_sku(owner, code, unit, box, *, retail, wholesale, min_price="0", tracking="none"):
    from jxc.catalog import services as catalog
    from jxc.catalog.rules import UnitSpec

    prices = {
        "retail_price": D(retail),
        "wholesale_price": D(wholesale),
        "member_price": D(0),
        "min_price": D(min_price),
        "purchase_price": D(1),
    }
    box_prices = {k: v * 12 for k, v in prices.items()}
    product = catalog.create_product(
        user=owner,
        code=code,
        name=f"商品{code}",
        base_unit=unit,
        tracking=tracking,
        units=[
            UnitSpec(unit_id=unit.pk, prices=prices, barcode=f"69{code.ljust(11, '0')}"[:13]),
            UnitSpec(unit_id=box.pk, factor=D(12), prices=box_prices),
        ],
    )
    return product.skus.get()


@pytest.fixture
def world(owner):
    from django.utils import timezone

    from jxc.catalog import services as catalog
    from jxc.inventory.services import create_bin, create_warehouse
    from jxc.partners.services import create_customer

    unit = catalog.create_unit(user=owner, name="个")
    box = catalog.create_unit(user=owner, name="箱")
    wh = create_warehouse(user=owner, code="WH1", name="总仓")
    return World(
        user=owner,
        customer=create_customer(
            user=owner,
            code="KH1",
            name="客户一",
            payment_terms_days=30,
            credit_limit=D("10000"),
            price_level="wholesale",
        ),
        warehouse=wh,
        bad_bin=create_bin(user=owner, warehouse=wh, code="CP", name="次品"),
        unit=unit,
        box=box,
        cola=make_sku(owner, "COLA", unit, box, retail="3.00", wholesale="2.50", min_price="2.00"),
        tea=make_sku(owner, "TEA", unit, box, retail="5.00", wholesale="4.00"),
        today=timezone.localdate(),
    )
