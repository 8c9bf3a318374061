"""老板's home page in the browser: after a counter sale the owner sees today's sales, gross
profit and margin, cash by account and the 30-day chart drawn by ECharts (from static files);
a salesperson sees the sales without the profit."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jxc.finance.models import Account
from jxc.retail.services import Paid, record_counter_sale
from jxc.retail.tests.test_counter import COLA, TEA
from jxc.sales.tests.conftest import world  # noqa: F401
from tests.browser.test_counter import till  # noqa: F401

pytestmark = pytest.mark.browser


def test_owner_home_figures_and_chart(page, till, login, user_factory):  # noqa: F811
    from jxc.core.models import User

    record_counter_sale(
        user=User.objects.get(username="cashier"), warehouse=till.warehouse,
        items=[(COLA, Decimal(2)), (TEA, Decimal(1))],
        paid=[Paid(Account.objects.get(code="XJ"), Decimal("11.00"))],
    )  # fmt: skip
    user_factory(roles=["owner"], username="laoban")
    login(page, "laoban")
    page.goto("/")
    expect(page.get_by_test_id("owner-today")).to_contain_text("9.73")
    expect(page.get_by_test_id("owner-today-profit")).to_contain_text("54.8%")
    expect(page.get_by_test_id("owner-accounts")).to_contain_text("11.00")
    expect(page.locator("[data-testid=owner-chart] canvas")).to_have_count(1)
    user_factory(roles=["sales"], username="xiaowang")
    page.context.clear_cookies()
    login(page, "xiaowang")
    page.goto("/")
    expect(page.get_by_test_id("owner-today")).to_contain_text("9.73")
    expect(page.get_by_test_id("owner-today-profit")).to_have_count(0)
