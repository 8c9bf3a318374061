"""老板's home page: today's and this month's sales with gross profit and margin from posted
sales, receivables and payables, cash by account and the 30-day chart data (ECharts from
static, no CDN); a salesperson without cost.view sees the sales but no profit."""

import json
import re
from decimal import Decimal

import pytest

from jxc.retail.services import Paid, record_counter_sale
from jxc.retail.tests.test_counter import COLA, TEA, counter  # noqa: F401
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_home_shows_real_figures_and_hides_cost_without_permission(
    client_for,
    counter,  # noqa: F811
    user_factory,
):
    w, cashier, cash, _wechat = counter
    record_counter_sale(
        user=cashier, warehouse=w.warehouse, items=[(COLA, Decimal(2)), (TEA, Decimal(1))],
        paid=[Paid(cash, Decimal("11.00"))],
    )  # fmt: skip
    page = client_for(w.user).get("/").content.decode()
    # 11.00 incl. 13% VAT → 9.73 excl. VAT; cost 2 × 1.20 + 2.00 = 4.40; profit 5.33 (54.8%)
    today = re.search(r'data-testid="owner-today".*?</div>', page, re.S).group(0)
    assert "9.73" in today and "5.33" in today and "54.8%" in today
    assert "现金" in page and "11.00" in page  # cash by account
    assert "vendor/echarts/echarts.min.js" in page and "cdn" not in page.lower()
    data = json.loads(re.search(r'id="owner-chart-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert len(data["days"]) == 30 and data["sales"][-1] == "9.73" and data["profit"][-1] == "5.33"
    sales = client_for(user_factory(roles=["sales"])).get("/").content.decode()
    assert 'data-testid="owner-today"' in sales and "9.73" in sales
    assert "owner-today-profit" not in sales and "5.33" not in sales
    chart = json.loads(
        re.search(r'id="owner-chart-data"[^>]*>(.*?)</script>', sales, re.S).group(1)
    )
    assert chart["profit"] == []
    till = client_for(cashier).get("/").content.decode()  # a cashier: neither sales nor money
    assert 'data-testid="owner-panel"' not in till
    # a keeper ships and views deliveries, yet does not see what the company sold
    store = client_for(user_factory(roles=["keeper"])).get("/").content.decode()
    assert 'data-testid="owner-panel"' not in store and "9.73" not in store
