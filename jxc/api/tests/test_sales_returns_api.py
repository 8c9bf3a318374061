"""销售退货单 from a delivery through the API (``POST /sales-returns/from-delivery``): a linked
draft of what is still returnable (idempotent), lowered with PATCH and posted at the
delivery's price and cost; the stable codes (``nothing_to_return``, ``delivery_not_posted``,
404 out of scope) and the operation in the OpenAPI document."""

from decimal import Decimal as D

import pytest

from jxc.api.tests.conftest import call
from jxc.api.urls import api
from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.finance.models import PartyBalance
from jxc.sales import deliveries
from jxc.sales.models import SalesReturn
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db
PATH = "/sales-returns/from-delivery"


def _delivery(w, qty, *, post=True):
    d = deliveries.create_sales_delivery(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(qty), price=D("3"), discount_rate=D(10))],
    )  # fmt: skip
    if post:
        d = deliveries.post_sales_delivery(
            approve(submit(d, user=w.user), user=w.user), user=w.user
        )
    return d


def test_a_return_from_a_delivery_through_the_api(client_for, world):  # noqa: F811
    w = world
    w.receive(w.cola, 10, "1.00")
    d = _delivery(w, 10)
    line = d.lines.get()
    w.receive(w.cola, 10, "3.00", date=w.today)  # the average moves to 2: back at 1
    owed = PartyBalance.objects.get(side="receivable", customer=w.customer).balance
    client = client_for(w.user)
    body = {"delivery_id": d.pk, "reason": "破损"}
    status, draft = call(client, "post", PATH, body, key="xsth-1")
    assert status == 201 and draft["number"].startswith("XSTH") and draft["status"] == "draft"
    assert (draft["customer_id"], draft["warehouse_id"], draft["reason"]) == (
        w.customer.pk, w.warehouse.pk, "破损"
    )  # fmt: skip
    got = draft["lines"][0]
    assert (got["delivery_line_id"], got["qty"], got["price"], got["discount_rate"]) == (
        line.pk, "10", "3", "10"
    )  # fmt: skip
    assert call(client, "post", PATH, body, key="xsth-1") == (201, draft)
    assert SalesReturn.objects.count() == 1
    status, draft = call(
        client, "patch", f"/sales-returns/{draft['id']}",
        {"lines": [{"sku_id": w.cola.pk, "qty": "4", "delivery_line_id": line.pk}]},
    )  # fmt: skip
    assert status == 200 and draft["total_amount"] == "10.8"  # 4 × 3 × 0.9
    for step in ("submit", "approve", "post"):
        status, draft = call(client, "post", f"/sales-returns/{draft['id']}/{step}")
        assert status == 200, draft
    assert draft["cost_amount"] == "4" and draft["lines"][0]["delivery_line_id"] == line.pk
    assert PartyBalance.objects.get(side="receivable", customer=w.customer).balance == (
        owed - D("10.80")
    )


def test_from_delivery_refusals_keep_their_codes(client_for, world):  # noqa: F811
    w = world
    w.receive(w.cola, 10, "1.00")
    client = client_for(w.user)
    draft = _delivery(w, 2, post=False)
    status, err = call(client, "post", PATH, {"delivery_id": draft.pk})
    assert (status, err["code"]) == (409, "delivery_not_posted")
    assert draft.number in err["message"]
    d = _delivery(w, 2)
    status, made = call(client, "post", PATH, {"delivery_id": d.pk})
    for step in ("submit", "approve", "post"):
        call(client, "post", f"/sales-returns/{made['id']}/{step}")
    status, err = call(client, "post", PATH, {"delivery_id": d.pk})
    assert (status, err["code"]) == (409, "nothing_to_return")
    status, err = call(client, "post", PATH, {"delivery_id": d.pk + 999})
    assert (status, err["code"]) == (404, "not_found")
    assert SalesReturn.objects.count() == 1


def test_from_delivery_is_in_the_openapi_document():
    op = api.get_openapi_schema()["paths"]["/api/v1" + PATH]["post"]
    assert {201, 404, 409, 422} <= {int(code) for code in op["responses"]}
    assert "delivery_not_posted" in op["description"] and "nothing_to_return" in op["description"]
