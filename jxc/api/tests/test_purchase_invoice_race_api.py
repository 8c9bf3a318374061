"""Two users registering one supplier invoice number at once, through the API and the screen:
the database's unique constraint answers 422 ``duplicate_invoice_number`` (the screen: the
Chinese message), never a 500."""

import pytest

from jxc.api.tests.conftest import call
from jxc.purchasing.models import PurchaseInvoice
from jxc.purchasing.tests.conftest import shop  # noqa: F401
from jxc.purchasing.tests.test_invoice_numbers import _receipt, race  # noqa: F401


@pytest.mark.django_db
def test_the_race_through_the_api_is_422_and_on_the_screen_in_chinese(client_for, shop, race):  # noqa: F811
    receipt = _receipt(shop)
    client = client_for(shop.user)
    body = {"receipt_ids": [receipt.pk], "invoice_number": "R9", "date": "2026-03-05"}
    status, _draft = call(client, "post", "/purchase-invoices/from-documents", body, key="r-1")
    assert status == 201
    status, err = call(client, "post", "/purchase-invoices/from-documents", body, key="r-2")
    assert (status, err["code"]) == (422, "duplicate_invoice_number"), err
    assert "invoice_number" in err["params"]["errors"]
    response = client.post(
        f"/purchasing/receipts/{receipt.pk}/invoice/", {"invoice_number": "R9"}, follow=True
    )
    assert response.status_code == 200
    assert "的发票 R9 已登记" in response.content.decode()
    assert PurchaseInvoice.objects.count() == 1
