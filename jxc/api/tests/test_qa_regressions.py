"""API regressions found by QA: huge numbers are field errors (422), not server errors."""

import pytest

from jxc.api.tests.conftest import call

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("unit", "field", "value"),
    [
        (0, "purchase_price", "1e400"),  # could not even be quantized: 500 before
        (0, "retail_price", "123456789012345678"),  # written, then unreadable on SQLite
        (1, "factor", "1e40"),
    ],
)
def test_absurd_numbers_in_a_skus_units_are_field_errors(
    client_owner, coke, units, unit, field, value
):
    sku = coke.skus.get()
    rows = [
        {"unit_id": units["ge"].pk, "factor": "1"},
        {"unit_id": units["xiang"].pk, "factor": "24"},
    ]
    rows[unit][field] = value
    status, body = call(client_owner, "put", f"/skus/{sku.pk}/units", {"units": rows})
    assert status == 422, body
    assert f"units.{unit}.{field}" in body["params"]["errors"]
    status, body = call(client_owner, "get", f"/skus/{sku.pk}")
    assert status == 200  # still readable, nothing was written


def test_absurd_stock_limits_are_field_errors_and_leave_the_sku_readable(client_owner, coke):
    """Before: max 123456789012345678901 was stored on SQLite; from then on the SKU's stock
    limits and its product page answered 500."""
    from jxc.inventory import services as inventory

    sku = coke.skus.get()
    wh = inventory.create_warehouse(user=None, code="W1", name="总仓")
    for value in ("123456789012345678901", "1e400"):
        status, body = call(
            client_owner,
            "put",
            f"/skus/{sku.pk}/stock-limits/{wh.pk}",
            {"min_qty": "1", "max_qty": value},
        )
        assert (status, list(body["params"]["errors"])) == (422, ["max_qty"])
    assert call(client_owner, "get", f"/skus/{sku.pk}/stock-limits") == (200, [])


def test_absurd_shelf_life_is_refused(client_owner, coke, units):
    """Before: 保质期 99999999999999 天 was saved (an overflow on PostgreSQL)."""
    status, body = call(
        client_owner,
        "post",
        "/products",
        {
            "code": "P9",
            "name": "q",
            "base_unit_id": units["ge"].pk,
            "shelf_life_days": 99999999999999,
        },
    )
    assert (status, list(body["params"]["errors"])) == (422, ["shelf_life_days"])
    status, body = call(client_owner, "patch", f"/products/{coke.pk}", {"shelf_life_days": 36501})
    assert status == 422
    assert call(client_owner, "patch", f"/products/{coke.pk}", {"shelf_life_days": 365})[0] == 200
