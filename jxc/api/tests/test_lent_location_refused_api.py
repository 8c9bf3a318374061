"""A lent-out location (借出仓) is no document's warehouse in the API either (issue 11
leftovers, docs/adr/0004): other documents refuse it with 422 on the warehouse; a loan of a
serial-tracked SKU is refused with ``serial_tracked_not_lendable``."""

import pytest

from jxc.api.tests.conftest import call
from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.inventory import services as inventory
from jxc.loans.tests.conftest import (
    loan_world,  # noqa: F401
    stock_world,  # noqa: F401
)

pytestmark = pytest.mark.django_db
DAY = "2026-11-20"


def test_other_documents_refuse_a_lent_out_location(client_for, loan_world):  # noqa: F811
    w = loan_world
    lent = inventory.lent_location(w.zc)
    client = client_for(w.owner)
    line = [{"sku_id": w.sku_a.pk, "qty": "1", "unit_cost": "1"}]
    for path, body in (
        ("/other-receipts", {"warehouse_id": lent.pk, "reason": "gift", "lines": line}),
        ("/other-issues", {"warehouse_id": lent.pk, "reason": "sample", "lines": line}),
        ("/transfers", {"from_warehouse_id": w.zc.pk, "to_warehouse_id": lent.pk, "lines": line}),
        ("/stock-counts", {"scopes": [{"warehouse_id": lent.pk}]}),
        ("/loans-out", {"warehouse_id": lent.pk, "customer_id": w.customer.pk, "lines": line}),
    ):
        status, answer = call(client, "post", path, {"date": DAY, **body})
        assert status == 422, (path, answer)
        assert any("warehouse" in k for k in answer["params"]["errors"]), (path, answer)


def test_a_serial_tracked_sku_cannot_be_lent(client_for, loan_world):  # noqa: F811
    w = loan_world
    serial = catalog.create_product(
        user=w.owner,
        code="S001",
        name="对讲机",
        base_unit=w.pcs,
        tracking="serial",
        units=[UnitSpec(unit_id=w.pcs.pk, barcode="6900000000097")],
    ).skus.get()
    body = {
        "warehouse_id": w.zc.pk,
        "date": DAY,
        "customer_id": w.customer.pk,
        "lines": [{"sku_id": w.sku_a.pk, "qty": "1"}, {"sku_id": serial.pk, "qty": "1"}],
    }
    for path in ("/loans-out", "/loans-in"):
        status, answer = call(client_for(w.owner), "post", path, body)
        assert (status, answer["code"]) == (422, "serial_tracked_not_lendable")
        assert answer["params"]["field"] == "lines.1.sku" and "S001" in answer["message"]
