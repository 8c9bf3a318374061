"""Warehouse documents through the API: lifecycle, idempotency, errors, scope, cost fields."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jxc.api.tests.conftest import API, call
from jxc.inventory import services as inventory
from jxc.inventory.documents.models import StockDocument, Transfer
from jxc.inventory.documents.tests import conftest as doc_fixtures
from jxc.inventory.documents.tests.conftest import balances, receive
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db

DAY = "2026-11-20"
stock_world = doc_fixtures.stock_world


def other_issue(w, qty=1, **extra):
    return {
        "warehouse_id": w.zc.pk,
        "date": DAY,
        "reason": "sample",
        "lines": [{"sku_id": w.sku_a.pk, "qty": str(qty)}],
        **extra,
    }


def test_other_issue_lifecycle(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 5, "2")
    client = client_for(w.owner)
    status, doc = call(client, "post", "/other-issues", other_issue(w, 2), key="k-1")
    assert status == 201 and doc["number"] == "QTCK20261120-0001"
    assert doc["status"] == "draft" and set(doc["actions"]) == {"submit", "void"}
    assert doc["lines"][0]["base_qty"] == "2" and doc["reason_label"] == "样品"
    again = call(client, "post", "/other-issues", other_issue(w, 2), key="k-1")
    assert again == (201, doc) and StockDocument.objects.count() == 2  # the receipt + this one
    for action, state in (("submit", "submitted"), ("approve", "approved"), ("post", "posted")):
        status, doc = call(client, "post", f"/other-issues/{doc['id']}/{action}")
        assert (status, doc["status"]) == (200, state)
    assert doc["actions"] == ["reverse"] and doc["status_label"] == "已过账"
    status, body = call(client, "post", f"/other-issues/{doc['id']}/post")
    assert (status, body["code"]) == (409, "invalid_transition")
    status, body = call(client, "post", f"/other-issues/{doc['id']}/reverse", {"reason": ""})
    assert status == 422 and "reason" in body["params"]["errors"]
    status, doc = call(
        client, "post", f"/other-issues/{doc['id']}/reverse", {"reason": "录错", "date": DAY}
    )
    assert (status, doc["status"], doc["reversal_date"]) == (200, "reversed", DAY)
    assert balances()[(w.sku_a.pk, w.zc.pk)][0] == D(5)
    _s, page = call(client, "get", "/other-issues", {"status": "reversed"})
    assert page["count"] == 1 and page["items"][0]["id"] == doc["id"]
    assert call(client, "get", "/other-receipts")[1]["count"] == 1
    assert_ledger_consistent()


def test_errors_map_to_codes(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    status, body = call(client, "post", "/other-issues", other_issue(w, 0, reason="surplus"))
    assert status == 422 and {"reason", "lines.0.qty"} <= set(body["params"]["errors"])
    status, doc = call(client, "post", "/other-issues", other_issue(w, 3))
    call(client, "post", f"/other-issues/{doc['id']}/submit")
    call(client, "post", f"/other-issues/{doc['id']}/approve")
    status, body = call(client, "post", f"/other-issues/{doc['id']}/post")
    assert (status, body["code"]) == (409, "insufficient_stock")
    status, body = call(client, "patch", f"/other-issues/{doc['id']}", {"memo": "x"})
    assert (status, body["code"]) == (409, "not_editable")
    status, body = call(client, "post", "/other-issues", {**other_issue(w), "warehouse_id": 999})
    assert status == 422 and "warehouse_id" in body["params"]["errors"]


def test_patch_a_draft_replaces_lines(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    _s, doc = call(client, "post", "/other-receipts", {**other_issue(w), "reason": "gift"})
    status, doc = call(
        client,
        "patch",
        f"/other-receipts/{doc['id']}",
        {"memo": "改", "lines": [{"sku_id": w.sku_b.pk, "qty": "4", "unit_cost": "1.5"}]},
    )
    assert status == 200 and doc["memo"] == "改"
    assert [(x["sku_id"], x["cost_amount"]) for x in doc["lines"]] == [(w.sku_b.pk, "6")]


def test_scope_permissions_and_cost_redaction(client_for, stock_world):
    w = stock_world
    mine = receive(w, w.sku_a, w.md, 2, "7")
    theirs = receive(w, w.sku_a, w.zc, 2, "7")
    inventory.set_user_warehouses(user=w.owner, target=w.keeper, warehouses=[w.md])
    keeper = client_for(w.keeper)
    status, doc = call(keeper, "get", f"/other-receipts/{mine.pk}")
    assert status == 200 and "unit_cost" not in doc["lines"][0]  # no cost.view
    assert "cost_amount" not in doc["lines"][0]
    assert call(keeper, "get", f"/other-receipts/{theirs.pk}")[0] == 404
    assert call(keeper, "post", "/other-issues", other_issue(w))[0] == 422  # ZC out of scope
    status, body = call(client_for(w.sales), "get", "/other-receipts")
    assert (status, body["code"]) == (403, "permission_denied")
    boss_doc = call(client_for(w.owner), "get", f"/other-receipts/{mine.pk}")[1]
    assert boss_doc["lines"][0]["unit_cost"] == "7"
    assert call(keeper, "post", "/cost-adjustments", {**other_issue(w), "reason": ""})[0] == 403


def test_transfer_ship_receive_close(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "3")
    client = client_for(w.owner)
    payload = {
        "from_warehouse_id": w.zc.pk,
        "to_warehouse_id": w.bj.pk,
        "date": DAY,
        "lines": [{"sku_id": w.sku_a.pk, "qty": "8"}],
    }
    status, t = call(client, "post", "/transfers", payload, key="t-1")
    assert status == 201 and t["number"].startswith("DBD")
    for action in ("submit", "approve", "post"):
        status, t = call(client, "post", f"/transfers/{t['id']}/{action}")
    assert t["status_label"] == "调拨在途" and "receive" in t["actions"]
    line = t["lines"][0]["id"]
    status, t = call(
        client,
        "post",
        f"/transfers/{t['id']}/receive",
        {"lines": [{"line_id": line, "qty": "5"}], "date": DAY},
    )
    assert status == 200 and t["lines"][0]["open_qty"] == "3"
    status, body = call(
        client, "post", f"/transfers/{t['id']}/receive", {"lines": [{"line_id": line, "qty": "9"}]}
    )
    assert status == 422
    status, t = call(
        client, "post", f"/transfers/{t['id']}/close", {"difference": "write_off", "reason": "丢失"}
    )
    assert (status, t["status"], t["difference"]) == (200, "done", "write_off")
    assert t["lines"][0]["lost_qty"] == "3" and t["lines"][0]["difference"] == "3"
    status, body = call(
        client, "post", "/transfers", {**payload, "to_warehouse_id": w.bj.pk, "one_step": True}
    )
    assert (status, body["code"]) == (422, "one_step_not_allowed")
    assert Transfer.objects.count() == 1
    status, wh = call(client, "patch", f"/warehouses/{w.bj.pk}", {"site": "杭州"})
    assert (status, wh["site"]) == (200, "杭州")
    status, body = call(client, "post", "/transfers", {**payload, "one_step": True})
    assert status == 201 and body["one_step"] is True
    assert_ledger_consistent()


def test_stock_count_scan_review_confirm(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 3, "2")
    client = client_for(w.owner)
    status, count = call(
        client, "post", "/stock-counts", {"warehouse_id": w.zc.pk, "date": DAY, "blind": True}
    )
    assert status == 201 and count["lines"][0]["book_qty"] is None  # blind
    for _i in range(2):
        status, line = call(
            client, "post", f"/stock-counts/{count['id']}/scan", {"code": "6900000000011"}
        )
    assert (status, line["counted_qty"]) == (200, "2")
    status, body = call(client, "post", f"/stock-counts/{count['id']}/scan", {"code": "zzz"})
    assert (status, body["code"]) == (404, "unknown_barcode")
    status, count = call(
        client,
        "put",
        f"/stock-counts/{count['id']}/counts",
        {"lines": [{"line_id": line["id"], "counted_qty": "2"}]},
    )
    assert status == 200
    call(client, "post", f"/stock-counts/{count['id']}/submit")
    status, review = call(client, "get", f"/stock-counts/{count['id']}/review")
    assert (review["loss_qty"], review["loss_value"], review["value"]) == ("-1", "-2", "-2")
    assert review["rows"][0]["book_qty"] == "3"
    call(client, "post", f"/stock-counts/{count['id']}/approve")
    status, count = call(client, "post", f"/stock-counts/{count['id']}/post")
    assert count["status"] == "posted"
    assert balances()[(w.sku_a.pk, w.zc.pk)][0] == D(2)
    status, batch = call(
        client,
        "post",
        "/stock-counts/batch",
        {"date": DAY, "sheets": [{"warehouse_id": w.md.pk}, {"warehouse_id": w.bj.pk}]},
    )
    assert status == 201 and len(batch["items"]) == 2
    assert_ledger_consistent()


def test_count_review_hides_values_without_cost_view_and_book_figures_while_blind(
    client_for, user_factory, stock_world
):
    w = stock_world
    receive(w, w.sku_a, w.zc, 3, "2")
    owner = client_for(w.owner)
    _s, count = call(owner, "post", "/stock-counts", {"warehouse_id": w.zc.pk, "date": DAY})
    line = count["lines"][0]
    path = f"/stock-counts/{count['id']}"
    call(owner, "put", f"{path}/counts", {"lines": [{"line_id": line["id"], "counted_qty": "1"}]})
    keeper = client_for(user_factory(roles=["keeper"]))
    status, review = call(keeper, "get", f"{path}/review")
    assert status == 200 and review["loss_qty"] == "-2"
    assert not {"gain_value", "loss_value", "value"} & set(review)
    assert "value" not in review["rows"][0] and review["rows"][0]["variance"] == "-2"

    call(owner, "patch", path, {"blind": True})
    for client in (owner, keeper):
        _s, review = call(client, "get", f"{path}/review")
        assert review["loss_qty"] is None and review["gain_qty"] is None, review
        assert review["rows"][0]["book_qty"] is None and review["rows"][0]["variance"] is None
    _s, review = call(owner, "get", f"{path}/review")
    assert review["loss_value"] is None and review["value"] is None
    call(owner, "post", f"{path}/submit")
    _s, review = call(keeper, "get", f"{path}/review")
    assert review["loss_qty"] == "-2" and "loss_value" not in review


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_count_import_and_opening_import(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    header = ["SKU code or barcode", "Warehouse code", "Quantity", "Unit cost"]
    bad = _xlsx([header, ["A001", "ZC", 1, 1], ["NOPE", "ZC", 1, 1], ["A001", "XX", "x", 1]])
    response = client.post(
        f"{API}/opening-stock/import",
        {"file": SimpleUploadedFile("o.xlsx", bad), "date": DAY, "post": "true"},
    )
    body = response.json()
    assert response.status_code == 422 and body["code"] == "import_rows_invalid"
    assert sorted({r["row"] for r in body["params"]["rows"]}) == ["3", "4"]
    assert not StockDocument.objects.exists()
    good = _xlsx([header, ["A001", "ZC", 4, 2.5]])
    response = client.post(
        f"{API}/opening-stock/import",
        {"file": SimpleUploadedFile("o.xlsx", good), "date": DAY, "post": "true"},
    )
    assert response.status_code == 200 and response.json()[0]["status"] == "posted"
    _s, count = call(client, "post", "/stock-counts", {"warehouse_id": w.zc.pk, "date": DAY})
    sheet = _xlsx([["SKU code or barcode", "Counted quantity"], ["A001", 6]])
    response = client.post(
        f"{API}/stock-counts/{count['id']}/import", {"file": SimpleUploadedFile("c.xlsx", sheet)}
    )
    assert response.status_code == 200 and response.json()["lines"][0]["counted_qty"] == "6"


def test_a_count_sheet_over_the_inline_rows_answers_with_its_import_job(
    client_for, stock_world, monkeypatch
):
    """More rows than are applied at once: 202 with the import job (its result resolved from
    the committed chunks), not the count sheet."""
    from jxc.imports import services

    monkeypatch.setattr(services, "INLINE_ROWS", 1)
    w = stock_world
    client = client_for(w.owner)
    _s, count = call(client, "post", "/stock-counts", {"warehouse_id": w.zc.pk, "date": DAY})
    sheet = _xlsx([["SKU code or barcode", "Counted quantity"], ["A001", 6], ["B001", 2]])
    response = client.post(
        f"{API}/stock-counts/{count['id']}/import", {"file": SimpleUploadedFile("c.xlsx", sheet)}
    )
    job = response.json()
    assert response.status_code == 202, job
    assert (
        job["kind"] == "import:stock-count"
        and job["total"] == 2
        and isinstance(job["result"], dict)
    )


def test_kits_and_assemblies(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 4, "2")
    receive(w, w.sku_b, w.zc, 2, "1")
    client = client_for(w.owner)
    status, kit = call(
        client,
        "put",
        f"/kits/{w.sku_k.pk}",
        {"components": [{"sku_id": w.sku_a.pk, "qty": "2"}, {"sku_id": w.sku_b.pk, "qty": "1"}]},
    )
    assert status == 200 and len(kit["components"]) == 2
    assert call(client, "get", "/kits")[1][0]["sku_id"] == w.sku_k.pk
    status, a = call(
        client,
        "post",
        "/assemblies",
        {"warehouse_id": w.zc.pk, "date": DAY, "kit_sku_id": w.sku_k.pk, "qty": "2"},
    )
    assert status == 201 and a["number"].startswith("ZZD") and len(a["lines"]) == 2
    for action in ("submit", "approve", "post"):
        status, a = call(client, "post", f"/assemblies/{a['id']}/{action}")
    assert a["status"] == "posted"
    assert balances()[(w.sku_k.pk, w.zc.pk)][:2] == (D(2), D("10.00"))
    status, body = call(
        client,
        "post",
        "/assemblies",
        {"warehouse_id": w.zc.pk, "date": DAY, "kit_sku_id": w.sku_a.pk, "qty": "1"},
    )
    assert (status, body["code"]) == (422, "no_kit_definition")
    assert_ledger_consistent()


def test_assemblies_on_the_platform_kind_kit_bin_and_patch(client_for, stock_world):
    """The declared type's API: ``kind`` one of its values (default 组装), the kit's bin among
    the user's warehouses' and of the document's, a PATCH that recomputes the components."""
    from jxc.inventory.documents import services as docs

    w = stock_world
    docs.set_kit(user=w.owner, sku=w.sku_k, components=[(w.sku_a.pk, D(2))])
    elsewhere = inventory.create_bin(user=w.owner, warehouse=w.md, code="M-1")
    here = inventory.create_bin(user=w.owner, warehouse=w.zc, code="Z-1")
    client = client_for(w.owner)
    made = {"warehouse_id": w.zc.pk, "date": DAY, "kit_sku_id": w.sku_k.pk, "qty": "1"}
    status, body = call(client, "post", "/assemblies", {**made, "kind": "kit"})
    assert status == 422 and "kind" in str(body)
    status, body = call(client, "post", "/assemblies", {**made, "kit_bin_id": elsewhere.pk})
    assert status == 422 and "kit_bin" in str(body), body
    status, a = call(
        client, "post", "/assemblies", {**made, "kind": "disassembly", "kit_bin_id": here.pk}
    )
    assert status == 201 and a["number"].startswith("CXD")
    assert (a["kind"], a["kind_label"], a["kit_bin_id"], a["kit_sku_code"]) == (
        "disassembly",
        "拆卸",
        here.pk,
        "K001",
    )
    status, a = call(client, "patch", f"/assemblies/{a['id']}", {"qty": "3"})
    assert status == 200 and [x["base_qty"] for x in a["lines"]] == ["6"]
    status, body = call(client, "patch", f"/assemblies/{a['id']}", {"kind": "assembly"})
    assert status == 422 and "kind" in str(body), body
