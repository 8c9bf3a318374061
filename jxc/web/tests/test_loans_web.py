"""借出单 / 借入单 screens: menu, the draft form with the line grid (and its errors), detail
with workflow buttons, 归还 in parts, the outstanding list, print, export, permissions."""

from decimal import Decimal as D

import pytest

from jxc.inventory.documents.tests.conftest import TODAY, balances, receive
from jxc.loans.models import LoanIn, LoanOut
from jxc.loans.tests.conftest import (
    loan_world,  # noqa: F401
    stock_world,  # noqa: F401
)
from jxc.web.tests.test_stock_documents_web import grid

pytestmark = pytest.mark.django_db
DAY = TODAY.isoformat()


def header(w, **extra):
    return {"warehouse": w.zc.pk, "date": DAY, "customer": w.customer.pk, **extra}


def test_menu_has_the_loans_for_keeper_not_for_sales(client_for, loan_world):  # noqa: F811
    w = loan_world
    keeper = client_for(w.keeper).get("/").content.decode()
    assert "/inventory/loans-out/" in keeper and "/inventory/loans-in/" in keeper
    assert "/inventory/loans-out/" not in client_for(w.sales).get("/").content.decode()
    assert client_for(w.sales).get("/inventory/loans-out/").status_code == 403


def test_lend_return_in_parts_and_see_what_is_out(client_for, loan_world):  # noqa: F811
    w = loan_world
    receive(w, w.sku_a, w.zc, 10, "2")
    client = client_for(w.owner)
    assert client.get("/inventory/loans-out/new/").status_code == 200
    response = client.post(
        "/inventory/loans-out/new/",
        {**header(w, memo="展会样品"), **grid({"sku": w.sku_a.pk, "qty": "4"})},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    loan = LoanOut.objects.get()
    assert loan.number.startswith("JCD") and loan.lines.get().base_qty == D(4)
    for action in ("submit", "approve", "post"):
        response = client.post(f"/inventory/loans-out/{loan.pk}/do/{action}/")
        assert response.status_code == 302
    page = client.get(f"/inventory/loans-out/{loan.pk}/").content.decode()
    assert 'data-testid="return-form"' in page and "华联超市" in page
    line = loan.lines.get()
    client.post(f"/inventory/loans-out/{loan.pk}/return/", {f"qty_{line.pk}": "1", "date": DAY})
    assert LoanOut.objects.get().lines.get().returned_qty == D(1)
    assert (
        "/inventory/loans-out/outstanding/" in client.get("/inventory/loans-out/").content.decode()
    )
    out = client.get("/inventory/loans-out/outstanding/").content.decode()
    assert loan.number in out and "华联超市" in out
    response = client.post(f"/inventory/loans-out/{loan.pk}/return/", {f"qty_{line.pk}": "abc"})
    assert response.status_code == 302 and LoanOut.objects.get().lines.get().returned_qty == D(1)
    client.post(f"/inventory/loans-out/{loan.pk}/return/", {f"qty_{line.pk}": "3", "date": DAY})
    assert LoanOut.objects.get().status == "done"
    assert loan.number not in client.get("/inventory/loans-out/outstanding/").content.decode()
    assert balances()[(w.sku_a.pk, w.zc.pk)][0] == D(10)
    assert client.get(f"/inventory/loans-out/{loan.pk}/print/").status_code == 200
    export = client.get("/inventory/loans-out/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


def test_wrong_input_shows_the_errors_and_saves_nothing(client_for, loan_world):  # noqa: F811
    w = loan_world
    client = client_for(w.owner)
    response = client.post(
        "/inventory/loans-out/new/",
        {**header(w, customer=""), **grid({"sku": w.sku_a.pk, "qty": "-2"})},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a customer or a supplier." in body or "请选择客户或供应商" in body
    response = client.post(
        "/inventory/loans-out/new/", {**header(w), **grid({"sku": w.sku_a.pk, "qty": "x"})}
    )
    assert response.status_code == 400
    assert not LoanOut.objects.exists()


def test_loan_in_screens(client_for, loan_world):  # noqa: F811
    w = loan_world
    client = client_for(w.owner)
    response = client.post(
        "/inventory/loans-in/new/",
        {**header(w, customer="", supplier=w.supplier.pk), **grid({"sku": w.sku_b.pk, "qty": "5"})},
    )
    assert response.status_code == 302
    doc = LoanIn.objects.get()
    assert doc.number.startswith("JRD")
    assert client.get("/inventory/loans-in/").status_code == 200
    assert doc.number in client.get("/inventory/loans-in/").content.decode()
    assert client.get(f"/inventory/loans-in/{doc.pk}/edit/").status_code == 200


def test_the_return_step_shows_on_a_posted_loan_only_and_takes_posts_only(client_for, loan_world):  # noqa: F811
    """The detail-page step (jxc.web.generic.steps): no form on a draft, a GET refused, a
    user without the step's permission refused."""
    w = loan_world
    receive(w, w.sku_a, w.zc, 10, "2")
    client = client_for(w.owner)
    client.post("/inventory/loans-out/new/", {**header(w), **grid({"sku": w.sku_a.pk, "qty": "2"})})
    loan = LoanOut.objects.get()
    assert (
        'data-testid="return-form"'
        not in client.get(f"/inventory/loans-out/{loan.pk}/").content.decode()
    )
    assert client.get(f"/inventory/loans-out/{loan.pk}/return/").status_code == 403
    line = loan.lines.get()
    refused = client_for(w.sales).post(
        f"/inventory/loans-out/{loan.pk}/return/", {f"qty_{line.pk}": "1"}
    )
    assert refused.status_code == 403
