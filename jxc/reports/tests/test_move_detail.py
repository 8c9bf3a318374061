"""库存流水 → one move: a FIFO issue shows which receipts' layers it consumed (page and API),
cost figures only with cost.view, and only within the user's warehouses."""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def fifo_issue(kit):
    """FIFO: r1 2 @ 3.00 (day 1), r2 3 @ 5.00 (day 2); issue 4 (day 3) takes 2 @ 3.00 = 6.00
    from r1 and 2 @ 5.00 = 10.00 from r2: value −16.00."""
    kit.company(costing_method="fifo")
    sku, wh = kit.sku("L1"), kit.warehouse("W1")
    r1 = kit.receive(sku, wh, "2", "3.00", day=1)
    r2 = kit.receive(sku, wh, "3", "5.00", day=2)
    issue = kit.issue(sku, wh, "4", day=3)
    return r1, r2, issue


def test_api_lists_the_layers_an_issue_consumed(owner, fifo_issue):
    r1, r2, issue = fifo_issue
    client = Client()
    client.force_login(owner)
    body = client.get(f"/api/v1/stock/moves/{issue.pk}").json()
    assert D(body["value"]) == D("-16.00") and D(body["qty"]) == D("-4")
    got = [(x["receipt_move_id"], D(x["qty"]), D(x["value"])) for x in body["layers"]]
    assert got == [(r1.pk, D("2"), D("6.00")), (r2.pk, D("2"), D("10.00"))]
    assert [D(x["unit_cost"]) for x in body["layers"]] == [D("3"), D("5")]


def test_page_shows_the_layers_and_masks_costs_for_sales(owner, sales_user, fifo_issue):
    r1, _r2, issue = fifo_issue
    url = reverse("web:stock_move_detail", args=[issue.pk])
    boss = Client()
    boss.force_login(owner)
    html = boss.get(url).content.decode()
    assert 'data-testid="layers"' in html
    assert "-16.00" in html and "6.00" in html and "10.00" in html
    assert f"#{r1.pk}" in html

    sales = Client()
    sales.force_login(sales_user)
    response = sales.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "***" in page and "-16.00" not in page and "10.00" not in page
    api = sales.get(f"/api/v1/stock/moves/{issue.pk}").json()
    assert "value" not in api and all("value" not in x for x in api["layers"])


def test_a_move_outside_the_users_warehouses_is_not_found(user_factory, kit, fifo_issue):
    from jxc.inventory.services import set_user_warehouses

    _r1, _r2, issue = fifo_issue
    other = kit.warehouse("W2")
    keeper = user_factory(roles=["keeper"])
    set_user_warehouses(user=None, target=keeper, warehouses=[other])
    client = Client()
    client.force_login(keeper)
    assert client.get(reverse("web:stock_move_detail", args=[issue.pk])).status_code == 404
    assert client.get(f"/api/v1/stock/moves/{issue.pk}").status_code == 404


def test_the_ledger_page_links_each_move_to_its_detail(owner, fifo_issue):
    _r1, _r2, issue = fifo_issue
    client = Client()
    client.force_login(owner)
    html = client.get(reverse("web:stock_moves"), {"sku": issue.sku_id}).content.decode()
    assert reverse("web:stock_move_detail", args=[issue.pk]) in html
