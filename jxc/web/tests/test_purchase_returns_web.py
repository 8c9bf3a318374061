"""采购退货单 screens: 退货 on a posted receipt makes a draft opened in the grid, the grid's
errors (more than received), detail with credit, stock cost and variance, the menu."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.lines import LineInput
from jxc.purchasing.models import PurchaseReturn
from jxc.purchasing.tests.conftest import shop  # noqa: F401
from jxc.purchasing.tests.helpers import approved_order, posted_receipt

pytestmark = pytest.mark.django_db


def test_return_from_a_receipt_in_the_browser(client_for, shop):  # noqa: F811
    po = approved_order(shop, [LineInput(sku=shop.cola.pk, qty=D(5), price=D(2), tax_rate=D(0))])
    receipt = posted_receipt(shop, po)
    client = client_for(shop.user)
    assert "/purchasing/returns/" in client.get("/").content.decode()
    page = client.get(f"/purchasing/receipts/{receipt.pk}/").content.decode()
    assert 'data-testid="return-form"' in page
    response = client.post(f"/purchasing/receipts/{receipt.pk}/return/", {"reason": "破损"})
    ret = PurchaseReturn.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{ret.pk}/edit/")
    line = receipt.lines.get()
    form = {
        "supplier": shop.supplier.pk, "warehouse": shop.warehouse.pk, "date": "2026-03-03",
        "prices_include_tax": "on", "reason": "破损",
        "line_sku": [shop.cola.pk], "line_sku_label": ["COLA"], "line_source": [line.pk],
        "line_source_label": [f"{receipt.number} #1"], "line_qty": ["9"], "line_unit": [""],
        "line_price": [""], "line_tax_rate": [""], "line_bin": [""], "line_batch": [""],
        "line_serials": [""], "line_memo": [""],
    }  # fmt: skip
    response = client.post(f"/purchasing/returns/{ret.pk}/edit/", form)
    assert response.status_code == 400
    assert "最多还能退" in response.context["grid_state"]["errors"]["0.qty"][0]
    form["line_qty"] = ["2"]
    response = client.post(f"/purchasing/returns/{ret.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    ret.refresh_from_db()
    assert ret.total_amount == D(4) and ret.lines.get().qty == D(2)
    for action in ("submit", "approve", "post"):
        client.post(f"/purchasing/returns/{ret.pk}/do/{action}/")
    ret.refresh_from_db()
    assert ret.status == "posted"
    page = client.get(f"/purchasing/returns/{ret.pk}/").content.decode()
    assert receipt.number in page and "4.00" in page
