"""Fixtures of the purchasing tests: a supplier, a warehouse and SKUs kept in 个 and 箱 (12)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

DAY = dt.date(2026, 3, 2)


@dataclass
class Shop:
    user: Any
    supplier: Any
    warehouse: Any
    unit: Any
    box: Any
    cola: Any
    tea: Any


@pytest.fixture
def shop(owner, settings):
    from jxc.catalog import services as catalog
    from jxc.catalog.rules import UnitSpec
    from jxc.inventory.services import create_warehouse
    from jxc.partners.services import create_supplier

    unit = catalog.create_unit(user=owner, name="个")
    box = catalog.create_unit(user=owner, name="箱")

    def sku(code):
        product = catalog.create_product(
            user=owner,
            code=code,
            name=f"商品{code}",
            base_unit=unit,
            units=[UnitSpec(unit_id=unit.pk), UnitSpec(unit_id=box.pk, factor=Decimal(12))],
        )
        return product.skus.get()

    return Shop(
        user=owner,
        supplier=create_supplier(user=owner, code="GYS1", name="供应商一", payment_terms_days=30),
        warehouse=create_warehouse(user=owner, code="WH1", name="总仓"),
        unit=unit,
        box=box,
        cola=sku("COLA"),
        tea=sku("TEA"),
    )
