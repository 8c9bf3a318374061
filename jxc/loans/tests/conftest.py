"""Fixtures of the loan tests: the warehouse documents' stock world (two warehouses of one site,
SKUs, users) plus a customer and a supplier."""

from types import SimpleNamespace

import pytest

from jxc.inventory.documents.tests.conftest import stock_world  # noqa: F401
from jxc.partners import services as partners


@pytest.fixture
def loan_world(stock_world):  # noqa: F811
    w = stock_world
    return SimpleNamespace(
        **vars(w),
        customer=partners.create_customer(user=w.owner, code="KH01", name="华联超市"),
        supplier=partners.create_supplier(user=w.owner, code="GYS01", name="可口可乐公司"),
    )
