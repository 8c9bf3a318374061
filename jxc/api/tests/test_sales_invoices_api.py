"""销项发票 through the API: recorded against posted deliveries (idempotent), the 未开票出库单
list per customer, over-invoicing refused with its stable code and nothing written, 作废, and
the permission of a warehouse keeper (none)."""

from decimal import Decimal as D

import pytest

from jxc.api.tests.conftest import call
from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.sales import deliveries
from jxc.sales.models import SalesInvoice
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db


def _delivered(w, qty, price):
    d = deliveries.create_sales_delivery(
        user=w.user,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(qty), price=D(price))],
    )
    return deliveries.post_sales_delivery(approve(submit(d, user=w.user), user=w.user), user=w.user)


def _body(w, ds, net, tax="0", number="FP-1"):
    return {
        "customer_id": w.customer.pk,
        "date": w.today.isoformat(),
        "invoice_number": number,
        "net_amount": net,
        "tax_amount": tax,
        "delivery_ids": [d.pk for d in ds],
    }


def test_invoice_against_deliveries_through_the_api(client_for, world):  # noqa: F811
    w = world
    w.receive(w.cola, 30, "1")
    d1, d2 = _delivered(w, 10, "11.30"), _delivered(w, 10, "5.65")
    client = client_for(w.user)
    status, rows = call(client, "get", "/sales-invoices/uninvoiced")
    assert status == 200 and rows[0]["uninvoiced"] == "169.5"
    assert [x["number"] for x in rows[0]["documents"]] == [d1.number, d2.number]
    body = _body(w, [d1, d2], "130", "16.9")
    status, inv = call(client, "post", "/sales-invoices", body, key="fp-1")
    assert status == 201, inv
    assert call(client, "post", "/sales-invoices", body, key="fp-1") == (201, inv)
    assert SalesInvoice.objects.count() == 1
    assert inv["total_amount"] == "146.9" and inv["status"] == "posted"
    assert [(x["number"], x["amount"]) for x in inv["documents"]] == [
        (d1.number, "113"),
        (d2.number, "33.9"),
    ]
    status, rows = call(client, "get", "/sales-invoices/uninvoiced", {"customer_id": w.customer.pk})
    assert rows[0]["documents"][0]["uninvoiced"] == "22.6"
    # over what is left: 422 with the stable code, nothing written
    status, err = call(client, "post", "/sales-invoices", _body(w, [d2], "22.61", number="FP-2"))
    assert status == 422 and err["code"] == "over_invoiced"
    assert "超过" in err["message"] or "net_amount" in err["params"]["errors"]
    assert SalesInvoice.objects.count() == 1
    status, page = call(client, "get", "/sales-invoices", {"q": "FP-1"})
    assert status == 200 and page["count"] == 1
    status, got = call(client, "get", f"/sales-invoices/{inv['id']}")
    assert status == 200 and got == inv
    status, err = call(client, "post", f"/sales-invoices/{inv['id']}/void", {})
    assert status == 422 and err["code"] == "validation_failed"
    status, voided = call(client, "post", f"/sales-invoices/{inv['id']}/void", {"reason": "错"})
    assert status == 200 and voided["status"] == "void"
    _s, rows = call(client, "get", "/sales-invoices/uninvoiced")
    assert rows[0]["uninvoiced"] == "169.5"


def test_invoice_api_refuses_bad_input_and_a_keeper(client_for, user_factory, world):  # noqa: F811
    w = world
    w.receive(w.cola, 30, "1")
    d1 = _delivered(w, 10, "11.30")
    client = client_for(w.user)
    status, err = call(client, "post", "/sales-invoices", {**_body(w, [d1], "0")})
    assert status == 422
    status, err = call(
        client, "post", "/sales-invoices", {**_body(w, [d1], "1"), "delivery_ids": [0]}
    )
    assert status == 422 and "documents" in err["params"]["errors"]
    keeper = client_for(user_factory(roles=["keeper"]))
    assert call(keeper, "post", "/sales-invoices", _body(w, [d1], "1"))[0] == 403
    assert call(keeper, "get", "/sales-invoices/uninvoiced")[0] == 403
    assert not SalesInvoice.objects.exists()
