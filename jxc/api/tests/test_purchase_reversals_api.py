"""红冲 of a 采购退货单 and a 费用分摊单 through the API (`POST …/{id}/reverse`, a reason
required) and the 红冲 button on their pages."""

import datetime as dt
from decimal import Decimal as D

import pytest

from jxc.api.tests.conftest import call
from jxc.core.documents.lines import LineInput
from jxc.purchasing import landed_costs, returns
from jxc.purchasing.tests.conftest import DAY, shop  # noqa: F401
from jxc.purchasing.tests.helpers import approved_order, post_doc, posted_receipt

pytestmark = pytest.mark.django_db


def test_reverse_a_return_and_a_landed_cost_through_the_api_and_the_pages(client_for, shop):  # noqa: F811
    po = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(3), price=D(1), tax_rate=D(0))])
    receipt = posted_receipt(shop, po)
    back = returns.create_purchase_return(
        user=shop.user, supplier=shop.supplier, warehouse=shop.warehouse, date=DAY,
        lines=[LineInput(sku=shop.cola.pk, qty=D(1), source_line=receipt.lines.get().pk)],
    )  # fmt: skip
    back = post_doc(shop, back, returns.post_purchase_return)
    landed = landed_costs.allocate_to_receipts(
        [receipt], user=shop.user, supplier=shop.supplier, date=DAY, amount=D("0.30"),
        tax_amount=D(0), method="value",
    )  # fmt: skip
    landed = post_doc(shop, landed, landed_costs.post_landed_cost)
    client = client_for(shop.user)
    page = client.get(f"/purchasing/returns/{back.pk}/").content.decode()
    assert 'data-testid="btn-reverse"' in page
    status, err = call(client, "post", f"/purchase-returns/{back.pk}/reverse", {"reason": ""})
    assert status == 422, err
    later = (DAY + dt.timedelta(days=2)).isoformat()
    status, out = call(
        client, "post", f"/purchase-returns/{back.pk}/reverse", {"reason": "退错", "date": later}
    )
    assert (status, out["status"]) == (200, "reversed"), out
    status, err = call(client, "post", f"/purchase-returns/{back.pk}/reverse", {"reason": "再来"})
    assert status == 409, err
    page = client.get(f"/purchasing/landed-costs/{landed.pk}/").content.decode()
    assert 'data-testid="btn-reverse"' in page
    response = client.post(
        f"/purchasing/landed-costs/{landed.pk}/do/reverse/", {"reason": "运费算错"}
    )
    assert response.status_code == 302
    landed.refresh_from_db()
    assert (landed.status, landed.status_reason) == ("reversed", "运费算错")
