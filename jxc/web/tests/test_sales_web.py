"""销售 screens: menu, the order form (its grid and the availability panel the grid feeds), an
order typed on the form priced for the customer, 审核 reserving, 生成出库通知单 and scanning,
生成出库单 and posting, the delivery's cost hidden without cost.view, the return screen, lists,
print and export."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.lines import LineInput
from jxc.inventory.models import StockBalance
from jxc.sales import orders
from jxc.sales.models import PickList, SalesDelivery, SalesOrder
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db


def grid(*lines):
    data: dict[str, list] = {}
    keys = ("sku", "sku_label", "qty", "unit", "price", "tax_rate", "discount", "promised", "memo")
    for line in lines:
        for key in keys:
            data.setdefault(f"line_{key}", []).append(str(line.get(key, "")))
    return data


def test_order_form_to_pick_delivery_and_posting(client_for, world):  # noqa: F811
    w = world
    w.receive(w.cola, 30, "1.20", batch=None)
    client = client_for(w.user)
    home = client.get("/").content.decode()
    for url in (
        "/sales/quotations/",
        "/sales/orders/",
        "/sales/pick-lists/",
        "/sales/deliveries/",
        "/sales/returns/",
    ):
        assert url in home
        assert client.get(url).status_code == 200
    form = client.get("/sales/orders/new/").content.decode()
    assert 'data-testid="availability"' in form and "/api/v1/sales-orders/availability" in form
    response = client.post(
        "/sales/orders/new/",
        {
            "customer": w.customer.pk, "warehouse": w.warehouse.pk, "date": w.today.isoformat(),
            "prices_include_tax": "on",
            **grid({"sku": w.cola.pk, "qty": "12"}),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    order = SalesOrder.objects.get()
    assert order.total_amount == D("30.00")  # 12 × 批发价 2.50
    for action in ("submit", "approve"):
        assert client.post(f"/sales/orders/{order.pk}/do/{action}/").status_code == 302
    assert StockBalance.objects.get(sku=w.cola).reserved == 12
    page = client.get(f"/sales/orders/{order.pk}/").content.decode()
    assert 'data-testid="btn-pick"' in page and 'data-testid="btn-deliver"' in page
    response = client.post(f"/sales/orders/{order.pk}/pick/")
    pick = PickList.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/sales/pick-lists/{pick.pk}/"
    )
    client.post(f"/sales/pick-lists/{pick.pk}/do/approve/")
    assert 'data-testid="scan-form"' in client.get(f"/sales/pick-lists/{pick.pk}/").content.decode()
    code = w.cola.barcodes.first().code
    client.post(f"/sales/pick-lists/{pick.pk}/scan/", {"code": code, "qty": "12"})
    client.post(f"/sales/pick-lists/{pick.pk}/do/complete/")
    pick.refresh_from_db()
    assert pick.status == "done" and pick.lines.get().picked_qty == 12
    response = client.post(f"/sales/pick-lists/{pick.pk}/deliver/")
    delivery = SalesDelivery.objects.get()
    assert response.status_code == 302
    for action in ("submit", "approve", "post"):
        assert client.post(f"/sales/deliveries/{delivery.pk}/do/{action}/").status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "posted" and delivery.cost_amount == D("14.40")
    detail = client.get(f"/sales/deliveries/{delivery.pk}/").content.decode()
    assert "14.40" in detail
    assert client.get(f"/sales/deliveries/{delivery.pk}/print/").status_code == 200
    assert client.get("/sales/deliveries/export/").status_code == 200
    assert client.get("/sales/returns/new/").status_code == 200


def test_salesperson_sees_no_cost_on_a_delivery(client_for, user_factory, world):  # noqa: F811
    from jxc.core.documents.actions import approve, submit
    from jxc.sales import deliveries

    w = world
    w.receive(w.cola, 10, "1.37")
    o = orders.create_sales_order(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(3))],
    )  # fmt: skip
    o = orders.approve_sales_order(orders.submit_sales_order(o, user=w.user), user=w.user)
    d = deliveries.deliver_orders([o], user=w.user)
    deliveries.post_sales_delivery(approve(submit(d, user=w.user), user=w.user), user=w.user)
    clerk = client_for(user_factory(roles=["sales"]))
    page = clerk.get(f"/sales/deliveries/{d.pk}/").content.decode()
    assert "4.11" not in page and "7.50" in page  # cost 3 × 1.37 hidden, the amount shown


def test_a_draft_pick_list_opens_shows_each_column_once_and_is_released_by_the_keeper(
    client_for,
    user_factory,
    world,  # noqa: F811
):
    from django.utils.translation import override

    from jxc.sales import picking
    from jxc.web.views.sales import PICKS

    w = world
    w.receive(w.cola, 10, "1.20", batch="B1", bin=w.bad_bin)
    o = orders.create_sales_order(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(4))],
    )  # fmt: skip
    o = orders.approve_sales_order(orders.submit_sales_order(o, user=w.user), user=w.user)
    pick = picking.create_pick_list([o], user=w.user)
    assert pick.status == "draft"
    with override("en"):
        headers = [str(h) for h in PICKS.line_table(pick, w.user)["headers"]]
    assert headers.count("Bin") == 1 and headers.count("Batch number") == 1
    keeper = client_for(user_factory(roles=["keeper"]))
    response = keeper.get(f"/sales/pick-lists/{pick.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="btn-approve"' in page and 'data-testid="btn-edit-doc"' not in page
    assert "B1" in page and "CP" in page
    assert keeper.post(f"/sales/pick-lists/{pick.pk}/do/approve/").status_code == 302
    pick.refresh_from_db()
    assert pick.status == "approved"


def test_the_quotation_form_refuses_a_valid_until_before_the_date_on_that_field(
    client_for,
    world,  # noqa: F811
):
    import datetime as dt

    from jxc.sales.models import Quotation

    w = world
    response = client_for(w.user).post(
        "/sales/quotations/new/",
        {
            "customer": w.customer.pk, "warehouse": w.warehouse.pk, "date": w.today.isoformat(),
            "valid_until": (w.today - dt.timedelta(days=1)).isoformat(),
            "prices_include_tax": "on",
            **grid({"sku": w.cola.pk, "qty": "2"}),
        },
    )  # fmt: skip
    assert response.status_code == 400 and not Quotation.objects.exists()
    assert response.context["form"].errors["valid_until"] == ["有效期至不能早于报价日期。"]


def test_a_delivery_and_its_delivery_note_call_the_returned_quantity_returned_goods(
    client_for,
    world,  # noqa: F811
):
    from django.utils.translation import override

    from jxc.loans.choices import LOAN_OUT
    from jxc.loans.models import LoanOutLine
    from jxc.sales import deliveries

    w = world
    d = deliveries.create_sales_delivery(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(2), price=D("3"))],
    )  # fmt: skip
    client = client_for(w.user)
    for url in (f"/sales/deliveries/{d.pk}/", f"/sales/deliveries/{d.pk}/print/"):
        page = client.get(url).content.decode()
        assert "<th>已退货</th>" in page and "已归还" not in page, url
    with override("zh-hans"):  # a loan's goods come back: 已归还
        assert str(LoanOutLine._meta.get_field("returned_qty").verbose_name) == "已归还"
        assert str(LOAN_OUT.line_figures["returned_qty"]) == "已归还"


def test_the_order_list_search_finds_the_customer_by_name_or_code(client_for, world):  # noqa: F811
    from jxc.partners.services import create_customer

    w = world
    other = create_customer(user=w.user, code="LH01", name="联华超市")
    made = {
        c.pk: orders.create_sales_order(
            user=w.user, customer=c, warehouse=w.warehouse, date=w.today,
            lines=[LineInput(sku=w.cola.pk, qty=D(1), price=D("3"))],
        ).number
        for c in (w.customer, other)
    }  # fmt: skip
    client = client_for(w.user)
    for q in ("联华", "lh0"):
        page = client.get("/sales/orders/", {"q": q}).content.decode()
        assert made[other.pk] in page and made[w.customer.pk] not in page, q


def test_finance_opens_the_deliveries_and_returns_its_customer_statement_links_to(
    client_for,
    user_factory,
    world,  # noqa: F811
):
    from jxc.sales import deliveries, returns

    w = world
    d = deliveries.create_sales_delivery(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(2), price=D("3"))],
    )  # fmt: skip
    r = returns.create_sales_return(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today, reason="破损",
        lines=[LineInput(sku=w.cola.pk, qty=D(1), price=D("3"))],
    )  # fmt: skip
    finance = client_for(user_factory(roles=["finance"]))
    for url in (f"/sales/deliveries/{d.pk}/", f"/sales/returns/{r.pk}/", "/sales/returns/"):
        assert finance.get(url).status_code == 200, url
    assert finance.get(f"/sales/deliveries/{d.pk}/edit/").status_code == 403
