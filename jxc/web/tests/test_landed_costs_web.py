"""费用分摊单 screens: 费用分摊 on a posted receipt makes a draft, another receipt added by its
number, the header (supplier, amount, method) saved through the form, posted from the page."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.lines import LineInput
from jxc.inventory.models import StockBalance
from jxc.purchasing.models import LandedCost
from jxc.purchasing.tests.conftest import shop  # noqa: F401
from jxc.purchasing.tests.helpers import approved_order, posted_receipt

pytestmark = pytest.mark.django_db


def test_landed_cost_from_two_receipts_in_the_browser(client_for, shop):  # noqa: F811
    one = posted_receipt(
        shop, approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(4), price=D(1))])
    )
    two = posted_receipt(
        shop, approved_order(shop, [LineInput(sku=shop.tea.pk, qty=D(4), price=D(1))])
    )
    client = client_for(shop.user)
    assert "/purchasing/landed-costs/" in client.get("/").content.decode()
    assert (
        'data-testid="landed-cost-form"'
        in client.get(f"/purchasing/receipts/{one.pk}/").content.decode()
    )
    response = client.post(f"/purchasing/receipts/{one.pk}/landed-cost/")
    doc = LandedCost.objects.get()
    assert response["Location"].endswith(f"/{doc.pk}/edit/")
    client.post(f"/purchasing/landed-costs/{doc.pk}/add-receipt/", {"number": two.number})
    assert doc.lines.count() == 2
    lines = list(doc.lines.order_by("line_no"))
    form = {
        "supplier": shop.supplier.pk, "date": "2026-03-05", "charge_kind": "freight",
        "method": "quantity", "amount": "3.00", "tax_amount": "0",
        "line_sku": [x.sku_id for x in lines], "line_sku_label": ["", ""],
        "line_source": [x.source_line_id for x in lines], "line_source_label": ["", ""],
        "line_qty": ["4", "4"], "line_unit": ["", ""], "line_memo": ["", ""],
    }  # fmt: skip
    response = client.post(f"/purchasing/landed-costs/{doc.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    for action in ("submit", "approve", "post"):
        client.post(f"/purchasing/landed-costs/{doc.pk}/do/{action}/")
    doc.refresh_from_db()
    assert doc.status == "posted"
    values = dict(StockBalance.objects.values_list("sku__code", "value"))
    assert values == {"COLA": D("5.04"), "TEA": D("5.04")}  # 4 × 1.00 ÷ 1.13 = 3.54, + 1.50 each
    page = client.get(f"/purchasing/landed-costs/{doc.pk}/").content.decode()
    assert one.number in page and two.number in page
