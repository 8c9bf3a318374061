"""The ledger's plain-SQL reads give the same decimals as the ORM, without a float on the way."""

from decimal import Decimal

import pytest

from jxc.inventory.ledger.sql import Reader, to_decimal
from jxc.inventory.models import CostPool, StockBalance, StockMove

pytestmark = pytest.mark.django_db


def test_reader_decimals_equal_the_orms(kit):
    """3 for 10.00 → unit cost 3.3333333333 (10 places); a quantity with 6 places."""
    sku, wh = kit.sku("SQL1"), kit.warehouse("W1")
    kit.receive(sku, wh, "3", value="10.00")
    kit.receive(sku, wh, "0.000001", "7.1234567891")
    for model, fields in (
        (StockMove, ["id", "qty", "unit_cost", "value", "pool_unit_cost_after"]),
        (CostPool, ["id", "qty", "value", "unit_cost"]),
    ):
        orm = {r["id"]: r for r in model.objects.values(*fields)}
        read = Reader(model, fields).values("1 = 1", [])
        assert read and all(orm[r["id"]] == r for r in read)
        assert all(isinstance(r[f], Decimal | None) for r in read for f in fields[1:])


def test_reader_zeros_have_the_fields_places_like_the_orms(kit):
    """A zero comes back as the field's zero (0.000000, 0.00), as the ORM gives it — also
    when the reader hands out one made in advance (SQLite keeps a zero as an integer)."""
    sku, wh = kit.sku("SQL0"), kit.warehouse("W0")
    kit.receive(sku, wh, "3", value="10.00")
    kit.issue(sku, wh, "3")  # the balance at zero: quantity, value and buckets
    fields = ["id", "on_hand", "reserved", "on_order", "in_transit", "value"]
    orm = {r["id"]: r for r in StockBalance.objects.values(*fields)}
    read = Reader(StockBalance, fields).values("1 = 1", [])
    assert read
    for r in read:
        for f in fields[1:]:
            assert r[f] == 0 and r[f].as_tuple() == orm[r["id"]][f].as_tuple(), (f, r[f])


def test_to_decimal_refuses_floats():
    assert to_decimal("3.3333333333", 10) == Decimal("3.3333333333")
    assert to_decimal(12, 2) == Decimal("12.00")
    with pytest.raises(TypeError):
        to_decimal(0.1, 2)
