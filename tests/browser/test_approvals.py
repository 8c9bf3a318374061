"""A 仓管 submits a 其他出库 above the rule's amount; the owner approves it from 待办 on a phone
(375 px) with the document's summary on the card, one tap; the document is posted and the
keeper sees the notification."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from jxc.approvals import configuration
from jxc.approvals.models import ApprovalRequest
from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.documents.lines import LineInput
from jxc.core.models import Role
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import OtherIssue

D = Decimal


@pytest.fixture
def issue_over_threshold(owner, user_factory):
    pcs = catalog.create_unit(user=owner, name="个")
    cola = catalog.create_product(
        user=owner,
        code="COLA330",
        name="可口可乐 330ml",
        base_unit=pcs,
        units=[UnitSpec(unit_id=pcs.pk, barcode="6901234567892")],
    ).skus.get()
    wh = inventory.create_warehouse(user=owner, code="WH01", name="总仓")
    opening = docs.create_stock_document(
        user=owner,
        kind="opening_stock",
        warehouse=wh,
        date=dt.date.today(),
        lines=[LineInput(sku=cola.pk, qty=D(1000), price=D("2.50"))],
    )
    for step in (docs.submit_document, docs.approve_document, docs.post_document):
        opening = step(opening, user=owner)
    configuration.save_rule(
        user=owner,
        fields={"name": "大额其他出库", "doc_type": "other_issue", "amount_over": D("1000")},
        steps=[{"role": Role.objects.get(code="owner"), "users": [], "mode": "any"}],
    )
    keeper = user_factory(roles=["keeper"], username="keeper", first_name="仓管小李")
    return docs.create_stock_document(
        user=keeper,
        kind="other_issue",
        warehouse=wh,
        date=dt.date.today(),
        reason="internal_use",
        lines=[LineInput(sku=cola.pk, qty=D(600))],  # 600 × 2.50 = 1,500 > 1,000
    )


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_keeper_submits_owner_approves_from_the_inbox_on_a_phone(
    new_page, phone_page, login, issue_over_threshold
):
    doc = issue_over_threshold
    keeper = new_page()
    login(keeper, "keeper")
    keeper.goto(f"/inventory/other-issues/{doc.pk}/")
    keeper.get_by_test_id("btn-submit").click()
    expect(keeper.locator("h1")).to_contain_text("待审核")
    expect(keeper.get_by_test_id("btn-approve")).to_have_count(0)  # the step is the owner's
    expect(keeper.get_by_test_id("approval-timeline")).to_contain_text("已提交")
    run_worker()

    boss = phone_page
    login(boss, "boss")
    expect(boss.get_by_test_id("todo-count")).to_have_text("1")
    boss.get_by_test_id("todo-count").click()
    card = boss.get_by_test_id("todo-card")
    expect(card).to_contain_text(doc.number)
    expect(card).to_contain_text("1500")
    expect(card).to_contain_text("可口可乐 330ml")
    approve = boss.get_by_test_id("btn-todo-approve")
    box = approve.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375  # on screen, no sideways scroll
    assert boss.evaluate("document.documentElement.scrollWidth") <= 375
    approve.click()
    expect(boss.get_by_test_id("todo-empty")).to_be_visible()
    expect(boss.get_by_test_id("todo-count")).to_have_text("0")
    doc.refresh_from_db()
    assert doc.status == "posted"
    assert ApprovalRequest.objects.get(doc_id=doc.pk).status == "approved"
    run_worker()

    keeper.goto("/todo/?tab=notices")
    notices = keeper.get_by_test_id("notice")
    expect(notices.first).to_contain_text(doc.number)
    expect(keeper.locator(".notices")).to_contain_text("审批通过")
    expect(keeper.locator(".notices")).to_contain_text("已过账")
    keeper.goto(f"/inventory/other-issues/{doc.pk}/")
    expect(keeper.get_by_test_id("approval-timeline")).to_contain_text("已通过")
    assert OtherIssue.objects.get(pk=doc.pk).status == "posted"
