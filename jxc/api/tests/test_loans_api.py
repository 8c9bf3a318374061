"""借出单 / 借入单 through the API: lifecycle, partial 归还, outstanding, errors, scope,
permissions — all from the document platform's generic endpoints."""

from decimal import Decimal as D

import pytest

from jxc.api.tests.conftest import call
from jxc.inventory.documents.tests.conftest import balances, receive
from jxc.inventory.testing import assert_ledger_consistent
from jxc.loans.models import LoanOut
from jxc.loans.tests.conftest import (
    loan_world,  # noqa: F401
    stock_world,  # noqa: F401
)

pytestmark = pytest.mark.django_db
DAY = "2026-11-20"


def loan(w, qty=2, **extra):
    return {
        "warehouse_id": w.zc.pk,
        "date": DAY,
        "customer_id": w.customer.pk,
        "due_date": "2026-11-30",
        "lines": [{"sku_id": w.sku_a.pk, "qty": str(qty)}],
        **extra,
    }


def test_loan_out_lifecycle_with_partial_returns(client_for, loan_world):  # noqa: F811
    w = loan_world
    receive(w, w.sku_a, w.zc, 5, "2")
    client = client_for(w.owner)
    status, doc = call(client, "post", "/loans-out", loan(w, 3), key="k-1")
    assert status == 201 and doc["number"] == "JCD20261120-0001"
    assert doc["status"] == "draft" and set(doc["actions"]) == {"submit", "void"}
    assert doc["partner_name"] == "华联超市" and doc["lines"][0]["open_qty"] == "3"
    assert call(client, "post", "/loans-out", loan(w, 3), key="k-1") == (201, doc)
    assert LoanOut.objects.count() == 1
    for action, state in (("submit", "submitted"), ("approve", "approved"), ("post", "posted")):
        status, doc = call(client, "post", f"/loans-out/{doc['id']}/{action}")
        assert (status, doc["status"]) == (200, state)
    assert set(doc["actions"]) == {"reverse", "return"}
    line = doc["lines"][0]["id"]
    status, doc = call(
        client, "post", f"/loans-out/{doc['id']}/return", {"lines": [{"line_id": line, "qty": "1"}]}
    )
    assert (status, doc["status"], doc["lines"][0]["returned_qty"]) == (200, "posted", "1")
    status, rows = call(client, "get", "/loans-out/outstanding")
    assert status == 200 and [(r["number"], r["open_qty"]) for r in rows] == [(doc["number"], "2")]
    status, body = call(
        client, "post", f"/loans-out/{doc['id']}/return", {"lines": [{"line_id": line, "qty": "9"}]}
    )
    assert status == 422 and f"lines.{line}.qty" in body["params"]["errors"]
    status, body = call(client, "post", f"/loans-out/{doc['id']}/reverse", {"reason": "错"})
    assert (status, body["code"]) == (409, "loan_partly_returned")
    status, doc = call(client, "post", f"/loans-out/{doc['id']}/return", {})
    assert (status, doc["status"]) == (200, "done")
    assert call(client, "get", "/loans-out/outstanding")[1] == []
    assert balances()[(w.sku_a.pk, w.zc.pk)][:2] == (D(5), D("10.00"))
    assert_ledger_consistent()


def test_patch_a_draft_and_list_filters(client_for, loan_world):  # noqa: F811
    w = loan_world
    client = client_for(w.owner)
    _s, doc = call(client, "post", "/loans-out", loan(w))
    status, doc = call(
        client,
        "patch",
        f"/loans-out/{doc['id']}",
        {
            "customer_id": None,
            "supplier_id": w.supplier.pk,
            "lines": [{"sku_id": w.sku_b.pk, "qty": "4"}],
        },
    )
    assert status == 200 and doc["partner_name"] == "可口可乐公司"
    assert [x["sku_code"] for x in doc["lines"]] == ["B001"]
    _s, page = call(client, "get", "/loans-out", {"supplier": w.supplier.pk})
    assert page["count"] == 1
    _s, page = call(client, "get", "/loans-out", {"customer": w.customer.pk})
    assert page["count"] == 0


def test_bad_input_is_a_422_on_its_field(client_for, loan_world):  # noqa: F811
    w = loan_world
    client = client_for(w.owner)
    status, body = call(client, "post", "/loans-out", loan(w, customer_id=None))
    assert status == 422 and "customer" in body["params"]["errors"]
    status, body = call(client, "post", "/loans-out", loan(w, customer_id=999999))
    assert status == 422 and "customer_id" in body["params"]["errors"]
    status, body = call(client, "post", "/loans-out", loan(w, qty=-1))
    assert status == 422 and "lines.0.qty" in body["params"]["errors"]


def test_borrowed_goods_stay_out_of_stock(client_for, loan_world):  # noqa: F811
    w = loan_world
    client = client_for(w.owner)
    before = balances()
    _s, doc = call(
        client, "post", "/loans-in", loan(w, 6, customer_id=None, supplier_id=w.supplier.pk)
    )
    assert doc["number"].startswith("JRD")
    for action in ("submit", "approve", "post"):
        _s, doc = call(client, "post", f"/loans-in/{doc['id']}/{action}")
    assert doc["status"] == "posted" and balances() == before
    assert [r["open_qty"] for r in call(client, "get", "/loans-in/outstanding")[1]] == ["6"]


def test_sales_role_cannot_see_loans(client_for, loan_world):  # noqa: F811
    client = client_for(loan_world.sales)
    assert call(client, "get", "/loans-out")[0] == 403
    assert call(client, "post", "/loans-out", loan(loan_world))[0] == 403
