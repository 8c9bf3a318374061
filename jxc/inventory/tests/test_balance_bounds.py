"""数值过大 for what the books accumulate: a balance or a pool beyond the bounds is refused (the
writer's check on quantities, the database's checks on quantities and values), so no stored
figure loses digits on SQLite (docs/ledger.md "Bounds")."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from jxc.api.tests.conftest import call
from jxc.core.errors import InvalidStockLine
from jxc.inventory.models import CostPool, StockBalance, StockMove
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db

ALMOST = D("999999999")  # the largest whole quantity in bounds


def test_a_balance_beyond_the_bound_is_refused_by_the_writer(kit):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    kit.receive(sku, wh, ALMOST, "1")
    with pytest.raises(InvalidStockLine) as err:
        kit.receive(sku, wh, "1", "1", day=2)
    assert err.value.code == "value_too_large"
    assert StockBalance.objects.get(sku=sku, warehouse=wh).on_hand == ALMOST
    assert_ledger_consistent()


def test_a_pool_value_beyond_the_bound_is_refused_by_the_database(kit):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    kit.receive(sku, wh, "10000", "999999999")  # 9,999,999,990,000.00: in bounds
    with pytest.raises(IntegrityError), transaction.atomic():
        kit.receive(sku, wh, "10000", "999999999", day=2)
    assert StockMove.objects.count() == 1
    assert CostPool.objects.get(sku=sku).value == D("9999999990000.00")


def _post_receipt(client, sku, wh, qty, price):
    body = {
        "warehouse_id": wh.pk,
        "date": "2026-11-20",
        "reason": "gift",
        "lines": [{"sku_id": sku.pk, "qty": qty, "unit_cost": price}],
    }
    status, doc = call(client, "post", "/other-receipts", body)
    assert status == 201, doc
    for action in ("submit", "approve", "post"):
        status, answer = call(client, "post", f"/other-receipts/{doc['id']}/{action}")
    return status, answer


def test_api_answers_value_too_large_when_the_database_refuses_a_balance(client_owner, kit):
    sku, wh = kit.sku("A", price="1"), kit.warehouse("W1")
    assert _post_receipt(client_owner, sku, wh, "10000", "999999999")[0] == 200
    status, answer = _post_receipt(client_owner, sku, wh, "10000", "999999999")
    assert status == 422, answer
    assert answer["code"] == "value_too_large"
    assert StockMove.objects.count() == 1
