"""The line grid's server side: the SKU lookup the picker and the scan queue ask (variant,
unit of a box barcode, available quantity in the document's warehouse, 3箱5瓶), the 合计 row
of the detail page and the print, 保存并过账, the ``mixed_qty`` filter."""

from decimal import Decimal as D

import pytest
from django.template import Context, Template

from jxc.inventory.documents.models import OtherIssue, OtherReceipt
from jxc.inventory.documents.tests import conftest as doc_fixtures
from jxc.inventory.documents.tests.conftest import TODAY, receive
from jxc.inventory.models import StockBalance
from jxc.web.tests.test_stock_documents_web import grid

pytestmark = pytest.mark.django_db
stock_world = doc_fixtures.stock_world


def test_lookup_of_scanned_codes_names_the_unit_of_a_box_barcode(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 41, "2")
    client = client_for(w.owner)
    r = client.get(
        "/docs/grid/skus/",
        {"code": ["6900000000028", "6900000000011", "A001", "NOPE"], "warehouse": w.zc.pk},
    )
    found = r.json()["found"]
    assert set(found) == {"6900000000028", "6900000000011", "A001"}
    box = found["6900000000028"]
    assert box["unit"] == str(w.box.pk) and box["exact"] is True
    assert box["available"] == "41" and box["available_text"] == "3箱5个"
    assert found["6900000000011"]["unit"] == str(w.pcs.pk)
    assert found["A001"]["unit"] == str(w.pcs.pk)  # a SKU code: the base unit


def test_lookup_by_text_puts_an_exact_barcode_first_and_quantities_only_for_a_known_warehouse(
    client_for, stock_world
):
    w = stock_world
    receive(w, w.sku_b, w.bj, 5, "3")
    keeper = client_for(w.keeper)
    matches = keeper.get("/docs/grid/skus/", {"q": "6900000000035"}).json()["matches"]
    assert [m["code"] for m in matches] == ["B001"] and matches[0]["exact"]
    # No warehouse (or one the user may not use): no quantities at all, not zero.
    assert matches[0]["available"] is None
    owner_seen = client_for(w.owner).get("/docs/grid/skus/", {"q": "B001", "warehouse": w.bj.pk})
    assert owner_seen.json()["matches"][0]["available"] == "5"
    unknown = keeper.get("/docs/grid/skus/", {"q": "B001", "warehouse": 999_999}).json()
    assert unknown["matches"][0]["available"] is None
    assert client_for(w.owner).get("/docs/grid/skus/", {"q": ""}).json()["matches"] == []


def test_detail_and_print_show_a_total_row_and_mixed_units(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    r = client.post(
        "/inventory/other-receipts/new/",
        {
            "date": TODAY.isoformat(),
            "warehouse": w.zc.pk,
            "reason": "other",
            **grid(
                {"sku": w.sku_a.pk, "qty": "3", "unit": w.box.pk, "price": "30"},
                {"sku": w.sku_a.pk, "qty": "5", "unit": w.pcs.pk, "price": "2.5"},
            ),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    doc = OtherReceipt.objects.get()
    page = client.get(f"/inventory/other-receipts/{doc.pk}/").content.decode()
    assert 'data-testid="doc-total"' in page
    total = page[page.index('data-testid="doc-total"') :].split("</tr>")[0]
    assert ">8<" in total and ">41<" in total and ">102.50<" in total
    assert "3箱" in page  # 36 个 in mixed units
    printed = client.get(f"/inventory/other-receipts/{doc.pk}/print/").content.decode()
    assert 'data-testid="print-total"' in printed and "102.50" in printed
    # The keeper sees quantities but not the amounts.
    keeper_page = client_for(w.keeper).get(f"/inventory/other-receipts/{doc.pk}/").content.decode()
    keeper_total = keeper_page[keeper_page.index('data-testid="doc-total"') :].split("</tr>")[0]
    assert "102.50" not in keeper_total and ">41<" in keeper_total


def test_save_and_post_takes_submit_approve_post_in_one_request(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    form = client.get("/inventory/other-receipts/new/").content.decode()
    assert 'data-testid="btn-save-post"' in form
    r = client.post(
        "/inventory/other-receipts/new/",
        {
            "date": TODAY.isoformat(),
            "warehouse": w.zc.pk,
            "reason": "other",
            "and_post": "1",
            **grid({"sku": w.sku_a.pk, "qty": "2", "unit": w.box.pk, "price": "24"}),
        },
    )
    assert r.status_code == 302
    doc = OtherReceipt.objects.get()
    assert doc.status == "posted"
    assert StockBalance.objects.get(sku=w.sku_a, warehouse=w.zc).on_hand == D(24)


def test_save_and_post_of_a_new_document_refused_at_the_post_saves_nothing(client_for, stock_world):
    """A new document is created, submitted, approved and posted in one transaction: the
    refused post leaves no draft behind, and the form shows why."""
    from jxc.core.models import AuditLog

    w = stock_world
    client = client_for(w.owner)
    r = client.post(
        "/inventory/other-issues/new/",
        {
            "date": TODAY.isoformat(),
            "warehouse": w.zc.pk,
            "reason": "other",
            "and_post": "1",
            **grid({"sku": w.sku_a.pk, "qty": "5", "unit": w.pcs.pk}),  # none in stock
        },
    )
    assert r.status_code == 400  # the form again with the refusal, not a redirect
    assert not OtherIssue.objects.exists()
    assert not AuditLog.objects.filter(object_type=OtherIssue._meta.label_lower).exists()
    refusal = r.context["form"].non_field_errors()
    assert refusal and refusal[0] in r.content.decode()


def test_save_and_post_of_a_saved_draft_refused_at_the_post_leaves_the_draft_as_it_was(
    client_for, stock_world
):
    from jxc.core.documents.lines import LineInput
    from jxc.core.models import AuditLog
    from jxc.inventory.documents import services as docs

    w = stock_world
    doc = docs.create_stock_document(
        user=w.owner,
        kind="other_issue",
        warehouse=w.zc,
        date=TODAY,
        reason="other",
        lines=[LineInput(sku=w.sku_a.pk, qty=D(1))],
    )
    client = client_for(w.owner)
    r = client.post(
        f"/inventory/other-issues/{doc.pk}/edit/",
        {
            "date": TODAY.isoformat(),
            "warehouse": w.zc.pk,
            "reason": "other",
            "and_post": "1",
            **grid({"sku": w.sku_a.pk, "qty": "5", "unit": w.pcs.pk}),  # none in stock
        },
        follow=True,
    )
    doc.refresh_from_db()
    # 提交 → 审核 → 过账 are one transaction: the refused post takes the first two back too;
    # the change saved before stays
    assert doc.status == "draft"
    assert doc.lines.get().qty == D(5)
    assert list(
        AuditLog.objects.filter(object_id=str(doc.pk), object_type=doc._meta.label_lower)
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["create", "update"]
    assert [m.level_tag for m in r.context["messages"]] == ["error"]


def test_save_and_post_needs_every_step_and_no_approval(client_for, stock_world, monkeypatch):
    from jxc.web.generic import post_at_once

    w = stock_world
    sales = client_for(w.sales)  # may not even open the form
    assert sales.get("/inventory/other-receipts/new/").status_code == 403
    monkeypatch.setattr(post_at_once, "needs_approval", lambda kind, document=None: True)
    client = client_for(w.owner)
    assert 'btn-save-post"' not in client.get("/inventory/other-receipts/new/").content.decode()
    client.post(
        "/inventory/other-receipts/new/",
        {
            "date": TODAY.isoformat(),
            "warehouse": w.zc.pk,
            "reason": "other",
            "and_post": "1",
            **grid({"sku": w.sku_a.pk, "qty": "2", "unit": w.pcs.pk, "price": "2"}),
        },
    )
    assert OtherReceipt.objects.get().status == "draft"  # saved, nothing more


def test_needs_approval_is_false_until_approval_rules_exist():
    from jxc.core.documents.approval import needs_approval

    assert needs_approval("other_receipt") is False


@pytest.mark.parametrize(
    ("qty", "units", "text"),
    [
        ("41", [("瓶", "1"), ("箱", "12")], "3箱5瓶"),
        ("41.000000", [{"name": "瓶", "factor": "1"}, {"name": "箱", "factor": "12"}], "3箱5瓶"),
        ("7", [("个", "1")], ""),  # one unit: the base quantity says it all
        ("", [("瓶", "1"), ("箱", "12")], ""),
    ],
)
def test_mixed_qty_filter(qty, units, text):
    out = Template("{% load stock_docs %}{{ q|mixed_qty:units }}").render(
        Context({"q": qty, "units": units})
    )
    assert out == text


def test_count_scans_in_a_batch_add_to_typed_quantities(client_for, stock_world):
    from jxc.inventory.documents import services as docs
    from jxc.inventory.documents.models import StockCountLine

    w = stock_world
    receive(w, w.sku_a, w.zc, 14, "2")
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    line = StockCountLine.objects.get(count=count, sku=w.sku_a)
    client = client_for(w.keeper)
    r = client.post(
        f"/inventory/stock-counts/{count.pk}/scan/",
        {
            "code": ["6900000000011", "6900000000028", "NOPE", "6900000000035"],
            f"counted_{line.pk}": "7",
        },
        HTTP_ACCEPT="application/json",
    )
    answer = r.json()
    assert [x["ok"] for x in answer["results"]] == [True, True, False, True]
    assert answer["counted"][str(line.pk)] == "20"  # typed 7 + 1 + a box of 12
    assert answer["results"][2]["text"].startswith("✗ NOPE")
    assert len(answer["new_rows"]) == 1 and "B001" in answer["new_rows"][0]  # 薯片 joined
    line.refresh_from_db()
    assert line.counted_qty == D(20)
    bad = client.post(
        f"/inventory/stock-counts/{count.pk}/scan/",
        {"code": ["6900000000011"], f"counted_{line.pk}": "abc"},
        HTTP_ACCEPT="application/json",
    ).json()
    assert bad["errors"][str(line.pk)] and bad["counted"][str(line.pk)] == "21"


def test_stock_on_hand_shows_mixed_units_beside_the_base_quantity(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 41, "2")  # 个, 箱 of 12
    receive(w, w.sku_b, w.zc, 5, "3")  # one unit only
    page = client_for(w.owner).get("/inventory/stock/").content.decode()
    assert "3箱5个" in page and ">41<" in page
    chips = page[page.index("B001") :].split("</tr>")[0]
    assert "in-units" not in chips  # one unit: its base quantity says it all


def test_no_total_row_where_nothing_adds_up(client_for, stock_world):
    from jxc.inventory.documents import services as docs

    w = stock_world
    receive(w, w.sku_a, w.zc, 14, "2")
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    page = client_for(w.owner).get(f"/inventory/stock-counts/{count.pk}/").content.decode()
    assert 'data-testid="doc-line"' in page and 'data-testid="doc-total"' not in page


@pytest.mark.parametrize("typed", ["1e2", "2E1", "nan", "Infinity", "1.2.3", "壹"])
def test_a_number_cell_takes_plain_numbers_only(typed):
    from django.http import QueryDict

    from jxc.web.generic.line_grid import parse_lines

    data = QueryDict(mutable=True)
    data.setlist("line_sku", ["1"])
    data.setlist("line_qty", ["1"])
    data.setlist("line_price", [typed])
    parsed = parse_lines(data, ["qty", "price"])
    assert list(parsed.errors) == ["lines.0.price"]


def test_a_number_cell_reads_thousands_and_signs():
    from decimal import Decimal

    from django.http import QueryDict

    from jxc.web.generic.line_grid import parse_lines

    data = QueryDict(mutable=True)
    data.setlist("line_sku", ["1"])
    data.setlist("line_qty", ["1,200.5"])
    data.setlist("line_price", ["-3"])
    parsed = parse_lines(data, ["qty", "price"])
    assert not parsed.errors
    assert (parsed.lines[0].qty, parsed.lines[0].price) == (Decimal("1200.5"), Decimal(-3))
