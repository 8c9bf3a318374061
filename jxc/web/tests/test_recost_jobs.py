"""成本重算中 on the screens: a backdated receipt with more later moves than the threshold
is re-costed in the background; until its job has run the SKU carries the tag on 即时库存, the
drill-down, 库存流水, 收发存汇总 and the product page, and 库存 → 成本重算任务 shows the job
(polling while it waits). After the job: no tag, progress complete, polling stops."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jxc.inventory.ledger import writer as ledger
from jxc.inventory.ledger.tasks import run_recost
from jxc.inventory.models import RecostJob
from jxc.inventory.testing import LedgerKit

pytestmark = pytest.mark.django_db

TAG = 'data-testid="recosting-tag"'


@pytest.fixture
def backdated(owner, monkeypatch):
    """A: 100 @ 10 on day 1, five sales on days 10–14, then 100 @ 20 dated day 5 (six later
    moves, threshold lowered to 3). B: stock, nothing backdated."""
    monkeypatch.setattr(ledger, "RECOST_THRESHOLD", 3)
    kit = LedgerKit(user=owner)
    a, b = kit.sku("A"), kit.sku("B")
    wh = kit.warehouse("ZC")
    kit.receive(a, wh, "100", "10", day=1)
    kit.receive(b, wh, "5", "3", day=1)
    for i in range(5):
        kit.issue(a, wh, "1", day=10 + i)
    late = kit.receive(a, wh, "100", "20", day=5)
    return {"a": a, "b": b, "wh": wh, "late": late, "job": RecostJob.objects.get()}


def get(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def rows_with_tag(body: str) -> list[str]:
    return [r for r in body.split("<tr")[1:] if TAG in r]


def screens(client, backdated):
    a = backdated["a"]
    return {
        "balances": get(client, "web:stock_balances"),
        "drill": get(client, "web:stock_sku", a.pk),
        "moves": get(client, "web:stock_moves"),
        "ledger": get(client, "web:stock_moves", sku=a.pk),
        "summary": get(client, "web:movement_summary", month="2026-01"),
        "at_date": get(client, "web:stock_at_date", date="2026-01-31"),
        "product": get(client, "web:product_detail", a.product_id),
    }


def test_tag_and_job_while_recosting_then_gone_once_it_has_run(client_owner, backdated):
    job = backdated["job"]
    pages = screens(client_owner, backdated)
    # the list pages tag A's rows and only A's
    for name in ("balances", "moves", "summary", "at_date"):
        tagged = rows_with_tag(pages[name])
        assert tagged and all("商品A" in r and "商品B" not in r for r in tagged), name
        assert "成本重算中" in pages[name]
    assert len(rows_with_tag(pages["moves"])) == 7  # every move of A is tagged
    # the SKU pages: the tag with the job's progress and a link to the task list
    for name in ("drill", "ledger"):
        body = pages[name]
        assert 'data-testid="recosting-note"' in body and "成本重算中" in body, name
        assert f"#recost-job-{job.pk}" in body and "0 / 6" in body
    assert pages["product"].count(TAG) == 1 and "成本重算中" in pages["product"]
    assert "成本重算中" not in get(client_owner, "web:stock_sku", backdated["b"].pk)

    body = get(client_owner, "web:recost_jobs")
    assert "成本重算任务" in body and f'id="recost-job-{job.pk}"' in body
    assert 'data-status="pending"' in body and "等待中" in body
    assert backdated["late"].source_number in body and "商品A" in body
    assert 'hx-trigger="every 3s"' in body and 'data-testid="polling"' in body
    assert 'value="0"' in body  # the progress bar

    # the Excel export of 即时库存 says it in its note column
    response = client_owner.get(reverse("web:stock_balances"), {"export": "xlsx"})
    sheet = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert sheet[0][-1] == "备注"
    assert {r[0]: r[-1] for r in sheet[1:-1]} == {"A": "成本重算中", "B": None}

    # 月结 is refused meanwhile and says where to watch it
    body = get(client_owner, "web:period_list")
    assert 'data-testid="recost-jobs-link"' in body and "成本" in body

    run_recost(job.pk)

    assert 'data-testid="recost-jobs-link"' not in get(client_owner, "web:period_list")
    pages = screens(client_owner, backdated)
    for name, body in pages.items():
        assert TAG not in body and "成本重算中" not in body, name
        assert 'data-testid="recosting-note"' not in body
    body = client_owner.get(reverse("web:recost_jobs"), headers={"HX-Request": "true"})
    html = body.content.decode()
    assert "<html" not in html  # the polled fragment only
    assert 'data-status="done"' in html and 'value="100"' in html and "100%" in html
    assert "hx-trigger" not in html and 'data-testid="polling"' not in html


def test_recost_jobs_need_stock_and_cost_view_and_are_in_the_menu(
    client_for, user_factory, backdated
):
    nobody = client_for(user_factory(roles=[]))
    assert nobody.get(reverse("web:recost_jobs")).status_code == 403
    finance = client_for(user_factory(roles=["finance"]))  # stock.view and cost.view
    body = get(finance, "web:recost_jobs")
    assert reverse("web:recost_jobs") in body  # the menu item 库存 → 成本重算任务
    assert f'id="recost-job-{backdated["job"].pk}"' in body


def test_a_failed_job_shows_its_error(client_owner, backdated):
    RecostJob.objects.filter(pk=backdated["job"].pk).update(
        status="failed", error="ValueError: boom"
    )
    body = get(client_owner, "web:recost_jobs")
    assert 'data-status="failed"' in body and "ValueError: boom" in body
    assert "hx-trigger" not in body


def test_recost_jobs_page_needs_cost_view_even_by_url(client_for, user_factory, backdated):
    """仓管 sees stock but not costs: the jobs page (costs being re-valued) is refused even
    when typed as a URL, not only left out of the menu."""
    keeper = user_factory(roles=["keeper"])
    assert keeper.has_jxc_perm("stock.view") and not keeper.has_jxc_perm("cost.view")
    url = reverse("web:recost_jobs")
    assert client_for(keeper).get(url).status_code == 403
    assert client_for(keeper).get(url, headers={"HX-Request": "true"}).status_code == 403
