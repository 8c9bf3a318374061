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
