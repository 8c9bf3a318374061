"""费用分摊单 through the API: from receipts (idempotent), the SKU weight, allocation by
weight, posting raises the stock value and owes the freight company; bad input refused."""

from decimal import Decimal as D

import pytest

from jxc.api.tests.conftest import call
from jxc.core.documents.lines import LineInput
from jxc.finance.models import PartyBalance
from jxc.inventory.models import StockBalance
from jxc.purchasing.models import LandedCost
from jxc.purchasing.tests.conftest import shop  # noqa: F401
from jxc.purchasing.tests.helpers import approved_order, posted_receipt

pytestmark = pytest.mark.django_db


def test_landed_cost_through_the_api(client_for, shop):  # noqa: F811
    from jxc.partners.services import create_supplier

    freight = create_supplier(user=shop.user, code="WL1", name="顺丰物流")
    po = approved_order(
        shop,
        [
            LineInput(sku=shop.cola.pk, qty=D(10), price=D(1), tax_rate=D(0)),
            LineInput(sku=shop.tea.pk, qty=D(10), price=D(1), tax_rate=D(0)),
        ],
    )
    receipt = posted_receipt(shop, po)
    client = client_for(shop.user)
    body = {"receipt_ids": [receipt.pk], "supplier_id": freight.pk, "date": "2026-03-05",
            "method": "weight", "amount": "6.00", "tax_amount": "0.54"}  # fmt: skip
    status, err = call(client, "post", "/landed-costs/from-receipts", {**body, "amount": "-1"})
    assert status == 422 and not LandedCost.objects.exists()
    status, draft = call(client, "post", "/landed-costs/from-receipts", body, key="lc-1")
    assert status == 201 and draft["number"].startswith("FYFT") and len(draft["lines"]) == 2
    assert (
        call(client, "post", "/landed-costs/from-receipts", body, key="lc-1")[1]["id"]
        == draft["id"]
    )
    status, err = call(client, "post", f"/landed-costs/{draft['id']}/submit")
    assert (status, err["code"]) == (422, "validation_failed") and "method" in err["params"][
        "errors"
    ]
    for sku, kg in ((shop.cola, "1"), (shop.tea, "2")):
        status, out = call(client, "put", f"/skus/{sku.pk}/weight", {"weight": kg})
        assert status == 200 and D(out["weight"]) == D(kg)
    status, draft = call(client, "patch", f"/landed-costs/{draft['id']}", {"method": "weight"})
    assert [D(x["share"]) for x in draft["lines"]] == [D(2), D(4)]
    for action in ("submit", "approve", "post"):
        status, out = call(client, "post", f"/landed-costs/{draft['id']}/{action}")
        assert status == 200, out
    values = dict(StockBalance.objects.values_list("sku__code", "value"))
    assert values == {"COLA": D(12), "TEA": D(14)}
    assert PartyBalance.objects.get(supplier=freight).balance == D("6.54")
