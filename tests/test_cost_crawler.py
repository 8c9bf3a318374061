"""查看成本 by crawling: as every role without ``cost.view``, every GET operation of the
OpenAPI document, every screen of the menu with the pages and exports it links to, and no
cost figure anywhere — by the fields' marks and by the shop's distinctive figures
(docs/cost-visibility.md). A blind count being counted gives its book quantity away nowhere.
"""

from __future__ import annotations

import time

import pytest
from django.test import Client

from jxc.core import jobs
from jxc.core.models import Role
from jxc.core.permissions import DEFAULT_ROLES, VIEW_COST, all_permissions, matches
from jxc.imports import registry, workbook
from jxc.imports import services as imports
from tests.cost_crawler import Crawl, Figures, api_calls, build_shop

pytestmark = pytest.mark.django_db

# The built-in roles without cost.view, and one that may do everything but see costs.
ROLES = [code for code, (_label, perms) in DEFAULT_ROLES.items() if not matches(perms, VIEW_COST)]
ALL_BUT_COST = "all_but_cost"


@pytest.fixture
def shop(owner, user_factory):
    built = build_shop(owner)
    Role.objects.create(
        code=ALL_BUT_COST,
        name="all but cost",
        permissions=[p for p in all_permissions() if not p.startswith("cost.")],
    )
    # Named by role, not by the worker's user counter: a page shows its user's name, and a
    # counter at "user-123" would read as the blind count's difference of -123.
    built["users"] = {
        code: user_factory(roles=[code], username=f"crawl-{code}")
        for code in [*ROLES, ALL_BUT_COST]
    }
    # 仓管's background count import (its job: GET /import-jobs/{id})
    jobs.start_import(
        kind="import:stock-count",
        user=built["users"]["keeper"],
        handler=imports.HANDLER,
        items=[],
        subject_id=built["blind"].pk,
    )
    # 导入: a customers file previewed from its own template by the user who may import (a
    # batch is its user's: GET /import-batches/{id} and its errors copy)
    imports.preview_import(
        "customers",
        user=built["users"][ALL_BUT_COST],
        data=workbook.template(registry.spec_for("customers")),
        filename="customers.xlsx",
    )
    built["figures"] = Figures.of_shop()
    owner_client = Client()
    owner_client.force_login(owner)
    built["owner_client"] = owner_client
    return built


def test_the_roles_without_cost_view():
    assert set(ROLES) == {"sales", "keeper", "cashier"}


def test_no_api_answer_gives_a_role_without_cost_view_a_cost_figure(shop):
    started = time.monotonic()
    figures = shop["figures"]  # what the crawl looks for
    assert {"7.3791", "11.4137", "7.4126", "152.43"} <= {format(v, "f") for v in figures.values}
    assert figures.in_text("单价 7.37910000 元, 1,152.43") == ["7.3791"]
    assert figures.in_text("17.37911") == [] and figures.in_text("id=73791") == []
    assert figures.in_text('"created_at": "2026-12-06T20:01:11.4137Z"') == []  # a clock
    assert figures.in_number(7.3791) and not figures.in_number(23)
    openapi = shop["owner_client"].get("/api/v1/openapi.json").json()
    calls, missing = api_calls(openapi, shop["owner_client"])
    assert not missing, f"GET operations with no id to call them with: {missing}"
    covered: set[str] = set()
    leaks: list[str] = []
    for code, user in shop["users"].items():
        crawl = Crawl(user, shop["figures"], shop["blind"])
        crawl.api(openapi, calls)
        covered |= crawl.api_ok
        leaks += [f"[{code}] {leak}" for leak in crawl.leaks]
    # a document's PDF is the screens' printer: the screens' crawl reads it (below)
    gets = {p for p, ops in openapi["paths"].items() if "get" in ops and not p.endswith("/pdf")}
    assert not leaks, "\n".join(leaks)
    assert covered == gets - {"/api/v1/openapi.json"}, f"never answered: {gets - covered}"
    print(
        f"API: {len(gets)} GET operations, {len(calls)} calls per role, {time.monotonic() - started:.1f}s"
    )


def test_no_screen_print_or_export_shows_a_role_without_cost_view_a_cost_figure(shop):
    started = time.monotonic()
    leaks: list[str] = []
    pages: set[str] = set()
    exports: set[str] = set()
    pdfs: set[str] = set()
    for code, user in shop["users"].items():
        crawl = Crawl(user, shop["figures"], shop["blind"])
        crawl.screens()
        pages |= crawl.pages
        exports |= crawl.exports
        pdfs |= crawl.pdfs
        leaks += [f"[{code}] {leak}" for leak in crawl.leaks]
    assert not leaks, "\n".join(leaks)
    blind = shop["blind"].pk
    for expected in (f"/{blind}/review/", f"/{blind}/print/", f"/{blind}/count/"):
        assert any(p.endswith(expected) for p in pages), expected
    assert any("stock-counts" in p and "print" in p for p in pages)
    assert len(exports) >= 10, exports
    assert any("stock-counts" in p for p in pdfs) and any("other-receipts" in p for p in pdfs)
    print(f"screens: {len(pages)} pages, {len(exports)} exports, {time.monotonic() - started:.1f}s")


def test_the_crawl_catches_the_count_review_leak_it_was_written_for(shop, monkeypatch):
    """Before marks, the count review gave 仓管 and 销售 its gain/loss values and a blind
    draft's gain/loss quantities: with those marks taken away again, the crawl fails."""
    from jxc.api.stock_counts import ReviewOut, ReviewRowOut

    for schema in (ReviewOut, ReviewRowOut):
        for info in schema.model_fields.values():
            monkeypatch.setattr(info, "json_schema_extra", None)
    openapi = shop["owner_client"].get("/api/v1/openapi.json").json()
    review = "/api/v1/stock-counts/{id}/review"
    calls, _missing = api_calls(openapi, shop["owner_client"], only=review)
    crawl = Crawl(shop["users"]["keeper"], shop["figures"], shop["blind"])
    crawl.api(openapi, calls)
    assert len(calls) == 6  # three counts, with and without ?differences
    leaks = "\n".join(crawl.leaks)
    assert "152.43" in leaks  # the draft count's loss value
    assert f"/stock-counts/{shop['blind'].pk}/review: a blind count's book figure" in leaks
