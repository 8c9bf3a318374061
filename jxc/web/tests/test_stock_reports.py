"""Stock report screens through the test client: figures on the page, cost columns only with
cost.view, warehouse scope, Excel export with Chinese headers, 月结 close and reopen."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jxc.core.documents.lines import LineInput
from jxc.core.models import ClosedPeriod
from jxc.inventory.testing import LedgerKit

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(owner):
    kit = LedgerKit(user=owner)
    a, b = kit.sku("A", price="10"), kit.sku("B", price="3")
    zc, ec = kit.warehouse("ZC"), kit.warehouse("EC")
    kit.receive(a, zc, "10", "12.50", day=2)
    kit.receive(a, zc, "10", "13", day=5)
    kit.issue(a, zc, "5", day=10)
    batch = kit.batch(b, "L20261201", expiry=dt.date(2026, 12, 1))
    kit.receive(b, ec, "3", "2", day=12, batch=batch)
    kit.issue(a, zc, "8", day=dt.date(2026, 2, 8))
    kit.transfer(a, zc, ec, "4", day=dt.date(2026, 2, 15))
    return {"a": a, "b": b, "zc": zc, "ec": ec, "kit": kit, "batch": batch}


def page(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_stock_on_hand_page_and_drill_down(client_owner, ledger):
    body = page(client_owner, "web:stock_balances")
    assert "即时库存" in body and "库存金额" in body
    assert "38.25" in body  # A in ZC: 3 × 12.75
    assert "95.25" in body  # total value: 38.25 + 51.00 + 6.00
    body = page(client_owner, "web:stock_sku", ledger["b"].pk)
    assert "L20261201" in body and "2026-12-01" in body
    assert reverse("web:stock_moves") in body


def test_cost_columns_hidden_without_cost_view(client_for, user_factory, ledger):
    keeper = client_for(user_factory(roles=["keeper"]))
    body = page(keeper, "web:stock_balances")
    assert "库存金额" not in body and "38.25" not in body
    assert "现存量" in body
    body = page(keeper, "web:stock_moves", sku=ledger["a"].pk)
    assert "191.25" not in body


def test_stock_ledger_running_balance_and_search(client_owner, ledger):
    body = page(client_owner, "web:stock_moves", sku=ledger["a"].pk, start="2026-02-01")
    assert "期初余额" in body and "191.25" in body and "151.45" not in body
    assert "38.25" in body  # the balance after the transfer out: 3 left
    # a search that finds exactly one SKU shows its ledger; several: a choice
    body = page(client_owner, "web:stock_moves", q="商品A")
    assert "期初余额" in body
    body = page(client_owner, "web:stock_moves", q="商品")
    assert 'data-testid="sku-candidates"' in body


def test_stock_at_date_and_export(client_owner, ledger):
    body = page(client_owner, "web:stock_at_date", date="2026-01-31")
    assert "191.25" in body and "2026-01-31" in body
    response = client_owner.get(
        reverse("web:stock_at_date"), {"date": "2026-01-31", "export": "xlsx"}
    )
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("SKU 编码", "名称", "单位")
    assert rows[-1][0] == "合计"


def test_movement_summary_page_and_export(client_owner, ledger):
    body = page(client_owner, "web:movement_summary", month="2026-02")
    assert "收发存汇总" in body and "期初" in body and "期末" in body
    assert "调拨出库" in body and "销售出库" in body
    assert "2026-02-01" in body and "2026-02-28" in body
    response = client_owner.get(
        reverse("web:movement_summary"), {"month": "2026-02", "export": "xlsx"}
    )
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert "期初" in rows[0] and "期末" in rows[0]
    header = rows[1]
    assert header[0] == "SKU 编码" and "数量" in header and "金额" in header
    totals = rows[-1]
    assert totals[0] == "合计"
    # the last columns are the closing quantity (then in units), unit cost and amount
    assert (totals[-4], totals[-1]) == (10, 95.25)
    assert header[-3] == "数量（多单位）"


def test_summary_needs_report_permission_and_masks_costs(client_for, user_factory, ledger):
    keeper = client_for(user_factory(roles=["keeper"]))
    assert keeper.get(reverse("web:movement_summary")).status_code == 403
    purchaser = client_for(user_factory(roles=["purchaser"]))  # report.view + cost.view
    assert "191.25" in page(purchaser, "web:movement_summary", month="2026-02")


def test_alerts_page(client_owner, ledger, owner):
    from decimal import Decimal

    from jxc.inventory.services import set_stock_limit

    set_stock_limit(
        user=owner, sku=ledger["a"], warehouse=ledger["zc"], min_qty=Decimal(5), max_qty=None
    )
    body = page(client_owner, "web:stock_alerts", near_expiry_days=365, no_movement_days=30)
    assert "低于安全库存" in body and "L20261201" in body


def test_period_close_and_reopen_screens(client_owner, client_for, user_factory, ledger):
    body = page(client_owner, "web:period_list")
    assert "月结" in body
    response = client_owner.post(reverse("web:period_close"), {"year": 2026, "month": 1})
    assert response.status_code == 302
    assert ClosedPeriod.objects.filter(year=2026, month=1).exists()
    body = page(client_owner, "web:period_list")
    assert 'data-testid="reopen"' in body
    # a month that may not be closed yet: the refusal is shown, nothing closes
    response = client_owner.post(
        reverse("web:period_close"), {"year": 2026, "month": 5}, follow=True
    )
    assert "2026-02" in response.content.decode()
    assert not ClosedPeriod.objects.filter(month=5).exists()

    finance = client_for(user_factory(roles=["finance"]))
    assert 'data-testid="reopen"' not in page(finance, "web:period_list")
    assert finance.post(reverse("web:period_reopen"), {"reason": "x"}).status_code == 403
    client_owner.post(reverse("web:period_reopen"), {"reason": "补录"})
    assert not ClosedPeriod.objects.exists()
    keeper = client_for(user_factory(roles=["keeper"]))
    assert keeper.get(reverse("web:period_list")).status_code == 403


def test_menu_lists_the_report_screens(client_owner):
    body = page(client_owner, "web:home")
    for name in (
        "web:stock_balances",
        "web:stock_moves",
        "web:movement_summary",
        "web:period_list",
    ):
        assert f'href="{reverse(name)}"' in body


def test_home_shows_alert_counts(client_owner, client_for, sales_user, ledger, owner):
    from decimal import Decimal

    from jxc.inventory.services import set_stock_limit

    set_stock_limit(
        user=owner, sku=ledger["a"], warehouse=ledger["zc"], min_qty=Decimal(5), max_qty=None
    )
    body = page(client_owner, "web:home")
    assert 'data-testid="stock-alerts"' in body and "低于安全库存" in body
    start = body.index('data-testid="alert-below_min"')
    value = body.index('class="stat-value"', start)
    assert body[body.index(">", value) + 1 : body.index("<", value)].strip() == "1"
    # the cashier role has no stock.view: no alert block
    cashier = client_for(_user(sales_user, "cashier"))
    assert 'data-testid="stock-alerts"' not in page(cashier, "web:home")


def _user(any_user, role):
    from jxc.core.accounts import create_user

    return create_user(username=f"u-{role}", password="Jxc-test-2026!", roles=[role])


def test_ledger_rows_link_to_their_documents(client_owner, owner, ledger):
    from decimal import Decimal

    from jxc.inventory.documents import services as docs

    doc = docs.create_stock_document(
        user=owner,
        kind="other_receipt",
        warehouse=ledger["zc"],
        date=dt.date(2026, 2, 20),
        reason="gift",
        lines=[LineInput(sku=ledger["a"].pk, qty=Decimal(2), price=Decimal(12))],
    )
    for step in (docs.submit_document, docs.approve_document, docs.post_document):
        step(doc, user=owner)
    body = page(client_owner, "web:stock_moves", sku=ledger["a"].pk, start="2026-02-20")
    assert f'href="{reverse("web:other_receipt_detail", args=[doc.pk])}"' in body
    assert doc.number in body


def test_first_close_may_pick_an_earlier_month(client_owner, ledger):
    body = page(client_owner, "web:period_list")
    assert 'data-testid="first-month"' in body
    client_owner.post(reverse("web:period_close"), {"year": 2026, "month": 10, "ym": "2026-01"})
    assert list(ClosedPeriod.objects.values_list("year", "month")) == [(2026, 1)]
    assert 'data-testid="first-month"' not in page(client_owner, "web:period_list")


def test_movement_summary_by_warehouse_has_the_cost_difference_column(client_owner, owner):
    """Company costing: W1 1 @ 10 on day 1, W2 1 @ 30 on day 2. The summary of day 2 by
    warehouse: W1 10 → 20 (成本差异 +10), W2 0 + 30 → 20 (成本差异 −10), on screen and in the
    Excel file; grouped by SKU there is no such column."""
    kit = LedgerKit(user=owner)
    sku, w1, w2 = kit.sku("A"), kit.warehouse("W1"), kit.warehouse("W2")
    kit.receive(sku, w1, "1", "10", day=1)
    kit.receive(sku, w2, "1", "30", day=2)
    params = {"start": "2026-01-02", "end": "2026-01-02"}
    body = page(client_owner, "web:movement_summary", **params)
    assert "成本差异" in body and "± 成本差异" in body
    response = client_owner.get(reverse("web:movement_summary"), {**params, "export": "xlsx"})
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    col = next(i for r in rows[:2] for i, h in enumerate(r) if h == "成本差异")
    by_wh = {r[3]: r for r in rows[2:-1]}
    assert (by_wh["仓库W1"][col], by_wh["仓库W1"][-1]) == (10, 20)
    assert (by_wh["仓库W2"][col], by_wh["仓库W2"][-1]) == (-10, 20)
    assert rows[-1][col] == 0
    per_sku = page(client_owner, "web:movement_summary", group="sku", **params)
    assert "成本差异" not in per_sku


def test_opening_stock_received_in_the_period_is_not_the_opening_balance(client_owner, owner):
    """期初库存 posted inside the period is a receipt of the period (its own column), not the
    期初 block: A had 2 @ 5 before January; 3 @ 6 of 期初库存 and 1 sold in January. Each row
    ties: 期初 + 入库 − 出库 = 期末, on screen and in the Excel file."""
    from jxc.inventory.choices import MoveReason

    kit = LedgerKit(user=owner)
    sku, wh = kit.sku("A"), kit.warehouse("W1")
    kit.receive(sku, wh, "2", "5", day=dt.date(2025, 12, 20))
    kit.receive(sku, wh, "3", "6", day=dt.date(2026, 1, 3), reason=MoveReason.OPENING)
    kit.issue(sku, wh, "1", day=dt.date(2026, 1, 9))
    response = client_owner.get(
        reverse("web:movement_summary"), {"month": "2026-01", "export": "xlsx"}
    )
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    groups, labels = rows[0], rows[1]

    def figure(group: str, label: str = "数量"):
        # a block's group label is on its first column only (merged over the block)
        start = groups.index(group)
        return rows[2][labels.index(label, start)]

    assert (figure("期初"), figure("期初", "金额")) == (2, 10)
    assert (figure("期初库存"), figure("期初库存", "金额")) == (3, 18)
    assert (figure("入库合计"), figure("出库合计"), figure("期末")) == (3, 1, 4)
    assert figure("期初") + figure("入库合计") - figure("出库合计") == figure("期末")
    body = page(client_owner, "web:movement_summary", month="2026-01")
    assert "期初库存" in body
