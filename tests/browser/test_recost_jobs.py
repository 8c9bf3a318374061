"""Finance watches a background re-costing, in headless Chromium.

A receipt dated before five sales (over the lowered threshold) leaves a 成本重算 job: 即时库存
tags the SKU 成本重算中; 库存 → 成本重算任务 shows the job waiting. The worker runs it while
the page stays open: the list refreshes itself (HTMX polling) to 已完成 at 100%, and 即时库存
no longer shows the tag.
"""

import pytest
from playwright.sync_api import expect

from jxc.inventory.ledger import writer as ledger
from jxc.inventory.ledger.tasks import run_recost
from jxc.inventory.models import RecostJob
from jxc.inventory.testing import LedgerKit


@pytest.fixture
def backdated(owner, monkeypatch):
    monkeypatch.setattr(ledger, "RECOST_THRESHOLD", 3)
    kit = LedgerKit(user=owner)
    cola, zc = kit.sku("COLA"), kit.warehouse("ZC")
    kit.receive(cola, zc, "100", "2", day=1)
    for i in range(5):
        kit.issue(cola, zc, "1", day=10 + i)
    kit.receive(cola, zc, "100", "3", day=5)
    return {"cola": cola, "job": RecostJob.objects.get()}


def test_the_task_list_refreshes_itself_until_the_job_is_done(
    new_page, backdated, login, user_factory, shot
):
    # 成本重算任务 is a cost screen: the menu offers it to those with cost.view (finance, not
    # a keeper — test_desk_words.test_recost_jobs_only_in_the_menu_of_cost_viewers).
    user_factory(roles=["finance"], username="finance")
    page = new_page()
    login(page, "finance")
    page.goto("/inventory/stock/")
    expect(page.get_by_test_id("recosting-tag")).to_have_text("成本重算中")

    page.get_by_role("link", name="成本重算任务").click()
    expect(page.locator("h1")).to_have_text("成本重算任务")
    job = page.get_by_test_id("recost-job")
    expect(job).to_have_attribute("data-status", "pending")
    expect(job).to_contain_text("COLA")

    run_recost(backdated["job"].pk)  # what `jxc worker` does

    # no reload: the polled fragment replaces the list within a few seconds
    expect(page.get_by_test_id("recost-job")).to_have_attribute(
        "data-status", "done", timeout=10_000
    )
    expect(page.get_by_test_id("recost-progress")).to_contain_text("100%")
    expect(page.get_by_test_id("polling")).to_have_count(0)
    shot(page, "recost-jobs")

    page.goto("/inventory/stock/")
    expect(page.get_by_test_id("report-table")).to_contain_text("COLA")
    expect(page.get_by_test_id("recosting-tag")).to_have_count(0)
