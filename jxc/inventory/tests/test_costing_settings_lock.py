"""成本核算方法 / 成本池 are fixed once stock is posted (docs/adr/0003): switching them under
existing pools broke the books (a per-warehouse pool at −5 / −25, FIFO ignored by old pools)."""

import pytest
from django.urls import reverse

from jxc.api.tests.conftest import call
from jxc.core.errors import CostingLocked
from jxc.core.selectors import company
from jxc.core.services import update_company
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def _posted(kit):
    sku = kit.sku("A", price="1")
    wh = kit.warehouse("W1")
    kit.receive(sku, wh, "10", "5")
    return sku, wh


def test_costing_can_change_while_nothing_is_posted(kit, owner):
    kit.sku("A")
    update_company(user=owner, costing_method="fifo", cost_scope="warehouse")
    assert (company().costing_method, company().cost_scope) == ("fifo", "warehouse")


@pytest.mark.parametrize(
    "change", [{"cost_scope": "warehouse"}, {"costing_method": "fifo"}], ids=["scope", "method"]
)
def test_costing_change_after_posting_is_refused_and_the_books_stay_whole(kit, owner, change):
    sku, wh = _posted(kit)
    with pytest.raises(CostingLocked) as err:
        update_company(user=owner, **change)
    assert err.value.code == "costing_locked"
    assert (company().costing_method, company().cost_scope) == ("moving_average", "company")
    # The issue that used to be costed at the reference price into a pool at −5 / −25.
    move = kit.issue(sku, wh, "5", day=2)
    assert move.value == -25
    assert_ledger_consistent()


def test_other_company_settings_still_save_after_posting(kit, owner):
    _posted(kit)
    update_company(user=owner, name="新名字", costing_method="moving_average", cost_scope="company")
    assert company().name == "新名字"


def test_api_refuses_a_costing_change_after_posting_with_a_stable_code(kit, client_owner):
    _posted(kit)
    status, body = call(client_owner, "patch", "/company", {"costing_method": "fifo"})
    assert status == 409
    assert body["code"] == "costing_locked"
    assert body["params"]["field"] == "costing_method"
    status, body = call(client_owner, "patch", "/company", {"name": "改名"}, lang="zh-hans")
    assert status == 200 and body["costing_method"] == "moving_average"


def test_settings_screen_explains_the_lock_in_chinese(kit, client_owner):
    _posted(kit)
    url = reverse("web:company_settings")
    form = {
        "name": "好运来",
        "tax_number": "",
        "qty_decimals": "2",
        "price_decimals": "2",
        "costing_method": "moving_average",
        "cost_scope": "warehouse",
    }
    body = client_owner.post(url, form, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已有库存过账" in body
    assert company().cost_scope == "company"
    assert "已有库存过账" in client_owner.get(url).content.decode()
