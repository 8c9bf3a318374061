"""采购退货单 through the API: from a receipt, the stable error codes (more than received,
unlinked without a reason), idempotent creation, posting, cost hiding."""

from decimal import Decimal as D

import pytest

from jxc.api.tests.conftest import call
from jxc.core.documents.lines import LineInput
from jxc.finance.models import PartyBalance
from jxc.purchasing.models import PurchaseReturn
from jxc.purchasing.tests.conftest import shop  # noqa: F401
from jxc.purchasing.tests.helpers import approved_order, posted_receipt

pytestmark = pytest.mark.django_db
DAY = "2026-03-03"


def test_return_through_the_api(client_for, shop, user_factory):  # noqa: F811
    po = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(5), price=D(2), tax_rate=D(0))])
    receipt = posted_receipt(shop, po)
    line = receipt.lines.get()
    client = client_for(shop.user)
    base = {"supplier_id": shop.supplier.pk, "warehouse_id": shop.warehouse.pk, "date": DAY}
    status, err = call(
        client, "post", "/purchase-returns",
        {**base, "lines": [{"sku_id": shop.cola.pk, "qty": "6", "receipt_line_id": line.pk}]},
    )  # fmt: skip
    assert (status, err["code"]) == (422, "return_exceeds_received")
    assert "lines.0.qty" in err["params"]["errors"]
    status, err = call(
        client, "post", "/purchase-returns",
        {**base, "lines": [{"sku_id": shop.cola.pk, "qty": "1", "price": "2"}]},
    )  # fmt: skip
    assert (status, err["code"]) == (422, "validation_failed") and "reason" in err["params"][
        "errors"
    ]
    assert not PurchaseReturn.objects.exists()
    status, draft = call(
        client, "post", "/purchase-returns/from-receipt",
        {"receipt_id": receipt.pk, "date": DAY, "reason": "质量问题"}, key="ret-1",
    )  # fmt: skip
    assert status == 201 and draft["number"].startswith("CGTH")
    assert draft["lines"][0]["receipt_line_id"] == line.pk and D(draft["total_amount"]) == 10
    again = call(
        client, "post", "/purchase-returns/from-receipt",
        {"receipt_id": receipt.pk, "date": DAY, "reason": "质量问题"}, key="ret-1",
    )  # fmt: skip
    assert again[1]["id"] == draft["id"] and PurchaseReturn.objects.count() == 1
    status, draft = call(
        client, "patch", f"/purchase-returns/{draft['id']}",
        {"lines": [{"sku_id": shop.cola.pk, "qty": "2", "receipt_line_id": line.pk}]},
    )  # fmt: skip
    assert status == 200 and D(draft["total_amount"]) == 4
    for action in ("submit", "approve", "post"):
        status, body = call(client, "post", f"/purchase-returns/{draft['id']}/{action}")
        assert status == 200, body
    assert (D(body["stock_cost"]), D(body["price_variance"])) == (4, 0)
    assert PartyBalance.objects.get(supplier=shop.supplier).balance == D(6)
    keeper = client_for(user_factory(roles=["warehouse"]))
    status, seen = call(keeper, "get", f"/purchase-returns/{draft['id']}")
    if status == 200:
        assert "total_amount" not in seen and "price" not in seen["lines"][0]
