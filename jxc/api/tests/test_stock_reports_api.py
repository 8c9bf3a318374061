"""Stock reports and 月结 through the API: figures, scope, cost redaction, permissions and
error mapping."""

import datetime as dt

import pytest

from jxc.api.tests.conftest import call
from jxc.core.models import ClosedPeriod
from jxc.inventory.choices import MoveReason as R
from jxc.inventory.testing import LedgerKit

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(owner):
    """A (ZC) and B (EC): A 10 @ 12.50 + 10 @ 13 in January, 5 sold; 8 sold and 4 moved to EC
    in February."""
    kit = LedgerKit(user=owner)
    a, b = kit.sku("A", price="10"), kit.sku("B", price="3")
    zc, ec = kit.warehouse("ZC"), kit.warehouse("EC")
    kit.receive(a, zc, "10", "12.50", day=2)
    kit.receive(a, zc, "10", "13", day=5)
    kit.issue(a, zc, "5", day=10)
    kit.receive(b, ec, "3", "2", day=12)
    kit.issue(a, zc, "8", day=dt.date(2026, 2, 8))
    kit.transfer(a, zc, ec, "4", day=dt.date(2026, 2, 15))
    return {"a": a, "b": b, "zc": zc, "ec": ec, "kit": kit}


def test_movement_summary_by_month(client_owner, ledger):
    status, body = call(client_owner, "get", "/stock/movement-summary", {"year": 2026, "month": 2})
    assert status == 200, body
    assert (body["start"], body["end"]) == ("2026-02-01", "2026-02-28")
    assert body["receipt_reasons"] == [R.TRANSFER_IN]
    assert body["issue_reasons"] == [R.SALES_DELIVERY, R.TRANSFER_OUT]
    rows = {(r["sku_code"], r["warehouse_code"]): r for r in body["items"]}
    a_zc = rows[("A", "ZC")]
    assert a_zc["opening"] == {"qty": "15", "value": "191.25", "unit_cost": "12.75"}
    assert a_zc["issues"][R.SALES_DELIVERY] == {"qty": "8", "value": "102", "unit_cost": "12.75"}
    assert a_zc["closing"] == {"qty": "3", "value": "38.25", "unit_cost": "12.75"}
    assert body["totals"]["closing"]["value"] == "95.25"  # 38.25 + 51.00 + 6.00
    assert body["totals"]["sku_id"] is None
    assert body["count"] == 3


def test_summary_needs_a_period_and_report_permission(client_owner, client_for, user_factory):
    status, body = call(client_owner, "get", "/stock/movement-summary", {})
    assert status == 422 and body["code"] == "validation_failed"
    status, body = call(
        client_owner,
        "get",
        "/stock/movement-summary",
        {"start": "2026-02-10", "end": "2026-02-01"},
    )
    assert status == 422 and "end" in body["params"]["errors"]
    keeper = client_for(user_factory(roles=["keeper"]))
    assert call(keeper, "get", "/stock/movement-summary", {"year": 2026, "month": 2})[0] == 403


def test_costs_are_absent_without_cost_view(client_for, user_factory, ledger):
    keeper = client_for(user_factory(roles=["keeper"]))  # stock.*, no cost.view
    status, body = call(keeper, "get", "/stock/balances")
    assert status == 200, body
    item = body["items"][0]
    assert "on_hand" in item and "value" not in item and "unit_cost" not in item
    assert "value" not in body["totals"]
    status, body = call(keeper, "get", "/stock/moves", {"sku_id": ledger["a"].pk})
    assert status == 200
    assert "value" not in body["items"][0] and "value" not in body["items"][0]["balance"]
    status, body = call(keeper, "get", "/stock/at-date", {"date": "2026-01-31"})
    assert {"qty"} == set(body["totals"])


def test_balances_scope_and_lots(client_for, user_factory, ledger, owner):
    from jxc.inventory.services import set_user_warehouses

    keeper = user_factory(roles=["keeper"])
    set_user_warehouses(user=owner, target=keeper, warehouses=[ledger["ec"]])
    client = client_for(keeper)
    status, body = call(client, "get", "/stock/balances")
    assert status == 200
    assert {(i["sku_code"], i["warehouse_code"], i["on_hand"]) for i in body["items"]} == {
        ("A", "EC", "4"),
        ("B", "EC", "3"),
    }
    assert body["totals"]["on_hand"] == "7"
    # another warehouse's id is refused, not silently widened
    status, body = call(client, "get", "/stock/balances", {"warehouse_id": ledger["zc"].pk})
    assert status == 422 and "warehouse_id" in body["params"]["errors"]
    status, body = call(client, "get", f"/stock/balances/{ledger['a'].pk}/lots")
    assert status == 200 and body == []


def test_moves_with_running_balance(client_owner, ledger):
    status, body = call(
        client_owner,
        "get",
        "/stock/moves",
        {"sku_id": ledger["a"].pk, "start": "2026-02-01", "warehouse_id": ledger["zc"].pk},
    )
    assert status == 200, body
    assert body["opening"] == {"qty": "15", "value": "191.25"}
    assert [(i["reason"], i["qty"], i["balance"]["qty"]) for i in body["items"]] == [
        (R.SALES_DELIVERY, "-8", "7"),
        (R.TRANSFER_OUT, "-4", "3"),
    ]
    assert body["items"][0]["source_number"].startswith("T")
    status, body = call(client_owner, "get", "/stock/moves", {"reason": R.TRANSFER_IN})
    assert [i["warehouse_code"] for i in body["items"]] == ["EC"]


def test_at_date(client_owner, ledger):
    status, body = call(
        client_owner, "get", "/stock/at-date", {"date": "2026-01-31", "by_warehouse": "false"}
    )
    assert status == 200, body
    assert {i["sku_code"]: (i["qty"], i["value"]) for i in body["items"]} == {
        "A": ("15", "191.25"),
        "B": ("3", "6"),
    }
    assert body["totals"] == {"qty": "18", "value": "197.25", "unit_cost": "10.9583333333"}


def test_alerts(client_owner, ledger, owner):
    from decimal import Decimal

    from jxc.inventory.services import set_stock_limit

    set_stock_limit(
        user=owner, sku=ledger["a"], warehouse=ledger["zc"], min_qty=Decimal(5), max_qty=None
    )
    set_stock_limit(
        user=owner, sku=ledger["b"], warehouse=ledger["ec"], min_qty=None, max_qty=Decimal(2)
    )
    status, body = call(client_owner, "get", "/stock/alerts", {"no_movement_days": 30})
    assert status == 200, body
    assert body["counts"]["below_min"] == 1 and body["below_min"][0]["shortage"] == "2"
    assert body["counts"]["above_max"] == 1 and body["above_max"][0]["excess"] == "1"
    # nothing has moved since February: everything in stock is 呆滞 after 30 days
    assert body["counts"]["no_movement"] == 3


def test_period_close_and_reopen(client_owner, client_for, user_factory, ledger):
    status, body = call(client_owner, "get", "/periods", {"months": 3})
    assert status == 200 and len(body["months"]) == 3 and body["can_reopen"] is True

    status, body = call(client_owner, "post", "/periods/close", {"year": 2026, "month": 1})
    assert status == 200, body
    assert (body["year"], body["month"]) == (2026, 1)
    status, body = call(client_owner, "post", "/periods/close", {"year": 2026, "month": 3})
    assert status == 409 and body["code"] == "period_not_ready"

    # posting into the closed month is refused with the domain error
    with pytest.raises(Exception) as exc:
        ledger["kit"].receive(ledger["a"], ledger["zc"], "1", "12", day=20)
    assert getattr(exc.value, "code", "") == "period_closed"

    finance = client_for(user_factory(roles=["finance"]))
    status, body = call(finance, "post", "/periods/reopen", {"reason": "补录"})
    assert status == 403
    status, body = call(client_owner, "post", "/periods/reopen", {"reason": ""})
    assert status == 422
    status, body = call(client_owner, "post", "/periods/reopen", {"reason": "补录发票"})
    assert status == 200 and body["month"] == 1
    assert not ClosedPeriod.objects.exists()
    sales = client_for(user_factory(roles=["sales"]))
    assert call(sales, "post", "/periods/close", {"year": 2026, "month": 1})[0] == 403


def test_movement_summary_cost_difference_per_warehouse(
    client_owner, client_for, user_factory, owner
):
    """Company costing: W1 1 @ 10 on day 1, W2 1 @ 30 on day 2 → each warehouse is worth 20 at
    the end of day 2; the summary of day 2 by warehouse ties with cost_difference (W1 +10,
    W2 −10). Without cost.view the field is absent like every cost figure."""
    from jxc.core.models import Role

    kit = LedgerKit(user=owner)
    sku, w1, w2 = kit.sku("A"), kit.warehouse("W1"), kit.warehouse("W2")
    kit.receive(sku, w1, "1", "10", day=1)
    kit.receive(sku, w2, "1", "30", day=2)
    query = {"start": "2026-01-02", "end": "2026-01-02"}
    status, body = call(client_owner, "get", "/stock/movement-summary", query)
    assert status == 200, body
    rows = {r["warehouse_code"]: r for r in body["items"]}
    assert (rows["W1"]["opening"]["value"], rows["W1"]["cost_difference"]) == ("10", "10")
    assert (rows["W2"]["received"]["value"], rows["W2"]["cost_difference"]) == ("30", "-10")
    assert rows["W1"]["closing"]["value"] == rows["W2"]["closing"]["value"] == "20"
    assert body["totals"]["cost_difference"] == "0"
    Role.objects.create(code="viewer", name="报表查看", permissions=["report.view"])
    viewer = client_for(user_factory(roles=["viewer"]))
    status, body = call(viewer, "get", "/stock/movement-summary", query)
    assert status == 200, body
    assert all("cost_difference" not in r and "value" not in r["closing"] for r in body["items"])
