"""The warehouse-document screens: lists, draft forms with the line grid, detail with workflow
buttons, print, transfers received and closed, counts scanned / typed / reviewed, kits."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jxc.core.documents.lines import LineInput
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.assembly_models import Assembly, Kit
from jxc.inventory.documents.models import OtherReceipt, StockCount, StockDocument, Transfer
from jxc.inventory.documents.tests import conftest as doc_fixtures
from jxc.inventory.documents.tests.conftest import TODAY, balances, receive

pytestmark = pytest.mark.django_db
stock_world = doc_fixtures.stock_world
DAY = TODAY.isoformat()


def grid(*lines):
    """The line grid's POST lists (line_sku, line_qty …) for the given rows."""
    data: dict[str, list] = {}
    for line in lines:
        for key in (
            "sku",
            "sku_label",
            "qty",
            "unit",
            "price",
            "value",
            "bin",
            "to_bin",
            "batch",
            "production",
            "expiry",
            "serials",
            "memo",
        ):
            data.setdefault(f"line_{key}", []).append(str(line.get(key, "")))
    return data


def test_menu_lists_the_documents(client_for, stock_world):
    body = client_for(stock_world.owner).get("/").content.decode()
    for url in (
        "/inventory/other-receipts/",
        "/inventory/transfers/",
        "/inventory/stock-counts/",
        "/inventory/assemblies/",
        "/inventory/opening-stock/",
        "/inventory/kits/",
    ):
        assert url in body
    keeper_menu = client_for(stock_world.keeper).get("/").content.decode()
    assert "/inventory/cost-adjustments/" not in keeper_menu
    assert "/inventory/stock-counts/" in keeper_menu


def test_other_receipt_form_detail_workflow_and_print(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    assert client.get("/inventory/other-receipts/new/").status_code == 200
    response = client.post(
        "/inventory/other-receipts/new/",
        {
            "warehouse": w.zc.pk,
            "date": DAY,
            "reason": "gift",
            "memo": "样品到货",
            **grid({"sku": w.sku_a.pk, "qty": "2", "unit": w.box.pk, "price": "30"}),
        },
    )
    assert response.status_code == 302
    doc = OtherReceipt.objects.get()
    assert doc.lines.get().base_qty == D(24)
    detail = client.get(response["Location"]).content.decode()
    assert doc.number in detail and 'data-testid="btn-submit"' in detail
    assert 'data-testid="btn-edit-doc"' in detail and "60" in detail
    edit = client.post(
        f"/inventory/other-receipts/{doc.pk}/edit/",
        {
            "warehouse": w.zc.pk,
            "date": DAY,
            "reason": "sample",
            **grid(
                {"sku": w.sku_a.pk, "qty": "3", "price": "2"},
                {"sku": w.sku_b.pk, "qty": "1", "price": "1"},
            ),
        },
    )
    assert edit.status_code == 302 and doc.lines.count() == 2
    for action in ("submit", "approve", "post"):
        r = client.post(f"/inventory/other-receipts/{doc.pk}/do/{action}/")
        assert r.status_code == 302
    doc.refresh_from_db()
    assert doc.status == "posted"
    assert balances()[(w.sku_a.pk, w.zc.pk)][:2] == (D(3), D("6.00"))
    page = client.get(f"/inventory/other-receipts/{doc.pk}/print/").content.decode()
    assert doc.number in page and "@page" not in page and "stock_print.css" in page
    assert client.get(f"/inventory/other-receipts/{doc.pk}/edit/").status_code == 302  # not a draft
    r = client.post(f"/inventory/other-receipts/{doc.pk}/do/reverse/", {"reason": "错了"})
    doc.refresh_from_db()
    assert r.status_code == 302 and doc.status == "reversed"
    listing = client.get("/inventory/other-receipts/?status=reversed").content.decode()
    assert doc.number in listing


def test_form_errors_are_shown_per_row(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    response = client.post(
        "/inventory/other-issues/new/",
        {
            "warehouse": w.zc.pk,
            "date": DAY,
            "reason": "surplus",
            **grid({"sku": w.sku_a.pk, "qty": "0"}, {"sku": "", "qty": "x"}),
        },
    )
    assert response.status_code == 400
    state = response.context["grid_state"]
    assert "1.qty" in state["errors"] and "1.sku" in state["errors"]
    response = client.post(
        "/inventory/other-issues/new/",
        {
            "warehouse": w.zc.pk,
            "date": DAY,
            "reason": "surplus",
            **grid({"sku": w.sku_a.pk, "qty": "0"}),
        },
    )
    assert response.status_code == 400
    assert "0.qty" in response.context["grid_state"]["errors"]
    assert response.context["form"].errors["reason"]
    assert not StockDocument.objects.exists()


def test_costs_masked_for_the_keeper(client_for, stock_world):
    w = stock_world
    doc = receive(w, w.sku_a, w.zc, 2, "7.5")
    keeper = client_for(w.keeper)
    page = keeper.get(f"/inventory/other-receipts/{doc.pk}/").content.decode()
    assert "***" in page and "7.5" not in page
    form = keeper.get("/inventory/other-receipts/new/")
    assert "price" not in form.context["grid_state"]["columns"]
    assert keeper.get("/inventory/cost-adjustments/").status_code == 403


def test_cost_adjustment_and_opening_import(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    r = client.post(
        "/inventory/cost-adjustments/new/",
        {"warehouse": w.zc.pk, "date": DAY, **grid({"sku": w.sku_a.pk, "price": "3"})},
    )
    assert r.status_code == 302
    # the opening-stock list's import leads to the import framework's screen (jxc.imports)
    assert client.get("/inventory/opening-stock/import/")["Location"] == "/imports/opening-stock/"
    template = client.get("/inventory/opening-stock/template/", follow=True)
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd")
    book = Workbook()
    book.active.append(["商品编码或条码", "仓库编码", "数量", "单位成本"])
    book.active.append(["A001", "ZC", 5, 2])
    book.active.append(["NOPE", "ZC", 1, 1])
    out = io.BytesIO()
    book.save(out)
    r = client.post(
        "/imports/opening-stock/",
        {"file": SimpleUploadedFile("o.xlsx", out.getvalue()), "date": DAY, "post": "on"},
        follow=True,
    )
    assert r.status_code == 422 and 'data-testid="import-errors"' in r.content.decode()
    assert [p["row"] for p in r.context["problems"]] == [3]
    assert not StockDocument.objects.filter(kind="opening_stock").exists()
    # a refusal of the whole file (its date in a closed month) is not shown against 行 0
    from jxc.core.models import ClosedPeriod

    ClosedPeriod.objects.create(year=TODAY.year, month=TODAY.month)
    book.active.delete_rows(3)
    out = io.BytesIO()
    book.save(out)
    r = client.post(
        "/imports/opening-stock/",
        {"file": SimpleUploadedFile("o.xlsx", out.getvalue()), "date": DAY, "post": "on"},
        follow=True,
    )
    page = r.content.decode()
    assert [p["row"] for p in r.context["problems"]] == [0] and "整个文件" in page
    ClosedPeriod.objects.all().delete()
    assert 'data-testid="btn-import"' in client.get("/inventory/opening-stock/").content.decode()


def test_transfer_screens(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "3")
    client = client_for(w.owner)
    r = client.post(
        "/inventory/transfers/new/",
        {
            "from_warehouse": w.zc.pk,
            "to_warehouse": w.bj.pk,
            "date": DAY,
            **grid({"sku": w.sku_a.pk, "qty": "6"}),
        },
    )
    assert r.status_code == 302
    t = Transfer.objects.get()
    for action in ("submit", "approve", "post"):
        client.post(f"/inventory/transfers/{t.pk}/do/{action}/")
    page = client.get(f"/inventory/transfers/{t.pk}/").content.decode()
    assert 'data-testid="receive-form"' in page and 'data-testid="close-form"' in page
    line = t.lines.get()
    client.post(f"/inventory/transfers/{t.pk}/receive/", {f"qty_{line.pk}": "4", "date": DAY})
    line.refresh_from_db()
    assert line.received_qty == D(4)
    assert "已调入" in client.get(f"/inventory/transfers/{t.pk}/").content.decode()
    client.post(f"/inventory/transfers/{t.pk}/close/", {"difference": "return", "reason": "少到"})
    t.refresh_from_db()
    assert t.status == "done" and balances()[(w.sku_a.pk, w.zc.pk)][0] == D(6)
    listing = client.get("/inventory/transfers/").content.decode()
    assert t.number in listing
    assert client.get(f"/inventory/transfers/{t.pk}/print/").status_code == 200
    r = client.post(
        "/inventory/transfers/new/",
        {
            "from_warehouse": w.zc.pk,
            "to_warehouse": w.bj.pk,
            "date": DAY,
            "one_step": "on",
            **grid({"sku": w.sku_a.pk, "qty": "1"}),
        },
    )
    assert r.status_code == 400 and r.context["form"].errors


def test_count_screens_scan_type_review_confirm(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 5, "2")
    receive(w, w.sku_b, w.md, 2, "1")
    client = client_for(w.keeper)
    assert client.get("/inventory/stock-counts/new/").status_code == 200
    r = client.post(
        "/inventory/stock-counts/new/",
        {
            "date": DAY,
            "blind": "on",
            "scope_warehouse": [w.zc.pk, w.md.pk],
            "scope_category": ["", ""],
            "scope_bin_from": ["", ""],
            "scope_bin_to": ["", ""],
        },
    )
    assert r.status_code == 302 and StockCount.objects.count() == 2
    count = StockCount.objects.get(warehouse=w.zc)
    page = client.get(f"/inventory/stock-counts/{count.pk}/count/").content.decode()
    assert 'data-testid="scan-input"' in page and "autofocus" in page
    assert 'data-testid="book"' not in page  # blind
    assert 'data-label="实盘数量"' in page  # the phone's card names the figure
    for _i in range(3):
        r = client.post(
            f"/inventory/stock-counts/{count.pk}/scan/",
            {"code": "6900000000011"},
            headers={"HX-Request": "true"},
        )
    assert 'hx-swap-oob="true"' in r.content.decode() and "→ 3" in r.content.decode()
    r = client.post(f"/inventory/stock-counts/{count.pk}/scan/", {"code": "NOPE"})
    assert "scan-feedback bad" in r.content.decode()
    r = client.post(f"/inventory/stock-counts/{count.pk}/scan/", {"code": "6900000000035"})
    assert r["HX-Refresh"] == "true"  # 薯片 added to the sheet
    line = count.lines.get(sku=w.sku_a)
    client.post(f"/inventory/stock-counts/{count.pk}/counts/", {f"counted_{line.pk}": "4"})
    line.refresh_from_db()
    assert line.counted_qty == D(4)
    review = client.get(f"/inventory/stock-counts/{count.pk}/review/").content.decode()
    assert 'data-testid="blind-note"' in review
    client.post(f"/inventory/stock-counts/{count.pk}/do/submit/")
    review = client.get(
        f"/inventory/stock-counts/{count.pk}/review/?differences=1"
    ).content.decode()
    assert 'data-testid="review-line"' in review and "***" in review  # keeper: no cost.view
    boss = client_for(w.owner)
    review = boss.get(f"/inventory/stock-counts/{count.pk}/review/").content.decode()
    assert '<td class="num">-2.00</td>' in review  # 1 short at 2: money, as every screen shows it
    boss.post(f"/inventory/stock-counts/{count.pk}/do/approve/")
    r = boss.post(f"/inventory/stock-counts/{count.pk}/do/post/")
    count.refresh_from_db()
    assert count.status == "posted"
    assert balances()[(w.sku_a.pk, w.zc.pk)][0] == D(4)
    assert balances()[(w.sku_b.pk, w.zc.pk)][0] == D(1)
    assert boss.get(f"/inventory/stock-counts/{count.pk}/print/").status_code == 200
    assert boss.get(f"/inventory/stock-counts/{count.pk}/").status_code == 200


def test_count_import_on_the_count_page(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 5, "2")
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    book = Workbook()
    book.active.append(["SKU code or barcode", "Counted quantity"])
    book.active.append(["A001", 7])
    out = io.BytesIO()
    book.save(out)
    client = client_for(w.owner)
    r = client.post(
        f"/inventory/stock-counts/{count.pk}/import/",
        {"file": SimpleUploadedFile("c.xlsx", out.getvalue())},
    )
    assert count.lines.get().counted_qty is None  # the import framework's preview first
    client.post(r["Location"] + "confirm/")
    assert count.lines.get().counted_qty == D(7)


def test_kits_and_assembly_screens(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 4, "2")
    receive(w, w.sku_b, w.zc, 2, "1")
    client = client_for(w.owner)
    r = client.post(
        "/inventory/kits/new/",
        {
            "sku_code": "K001",
            **grid({"sku": w.sku_a.pk, "qty": "2"}, {"sku": w.sku_b.pk, "qty": "1"}),
        },
    )
    assert r.status_code == 302 and Kit.objects.get().components.count() == 2
    kit = Kit.objects.get()
    assert "A001" in client.get("/inventory/kits/").content.decode()
    assert client.get(f"/inventory/kits/{kit.pk}/").status_code == 200
    assert client.get(f"/inventory/kits/{kit.pk}/edit/").status_code == 200
    r = client.post(
        "/inventory/assemblies/new/",
        {
            "kind": "assembly",
            "warehouse": w.zc.pk,
            "date": DAY,
            "kit_sku": w.sku_k.pk,
            "qty": "2",
            **grid(),
        },
    )
    assert r.status_code == 302
    a = Assembly.objects.get()
    assert a.lines.count() == 2
    for action in ("submit", "approve", "post"):
        client.post(f"/inventory/assemblies/{a.pk}/do/{action}/")
    a.refresh_from_db()
    assert a.status == "posted" and balances()[(w.sku_k.pk, w.zc.pk)][0] == D(2)
    assert client.get(f"/inventory/assemblies/{a.pk}/print/").status_code == 200


def test_sku_units_and_scope(client_for, stock_world):
    from jxc.inventory import services as inventory

    w = stock_world
    client = client_for(w.owner)
    units = client.get(f"/inventory/docs/sku-units/{w.sku_a.pk}/").json()["units"]
    assert [u["factor"] for u in units] == ["1", "12"]
    theirs = receive(w, w.sku_a, w.zc, 1, "1")
    inventory.set_user_warehouses(user=w.owner, target=w.keeper, warehouses=[w.md])
    keeper = client_for(w.keeper)
    assert keeper.get(f"/inventory/other-receipts/{theirs.pk}/").status_code == 404
    assert keeper.get(f"/inventory/other-receipts/{theirs.pk}/print/").status_code == 404
    assert theirs.number not in keeper.get("/inventory/other-receipts/").content.decode()
    doc = docs.create_stock_document(
        user=w.owner,
        kind="other_issue",
        warehouse=w.md,
        date=TODAY,
        reason="sample",
        lines=[LineInput(sku=w.sku_a.pk, qty=D(1))],
    )
    assert keeper.get(f"/inventory/other-issues/{doc.pk}/").status_code == 200


def test_assembly_form_is_the_declared_header_with_the_grid(client_for, stock_world):
    """The generated header form offers kit SKUs with a definition only and the kit's bin;
    a 拆卸单 saved from it is numbered as one and keeps its typed lines."""
    w = stock_world
    docs.set_kit(user=w.owner, sku=w.sku_k, components=[(w.sku_a.pk, D(2))])
    z1 = inventory.create_bin(user=w.owner, warehouse=w.zc, code="Z-1")
    client = client_for(w.owner)
    body = client.get("/inventory/assemblies/new/").content.decode()
    assert 'name="kit_bin"' in body and "ZC:Z-1" in body and 'name="qty"' in body
    kits = body.split('name="kit_sku"')[1].split("</select>")[0]
    assert f'value="{w.sku_k.pk}"' in kits and f'value="{w.sku_a.pk}"' not in kits
    r = client.post(
        "/inventory/assemblies/new/",
        {
            "kind": "disassembly",
            "warehouse": w.zc.pk,
            "date": DAY,
            "kit_sku": w.sku_k.pk,
            "qty": "1",
            "kit_bin": z1.pk,
            **grid({"sku": w.sku_a.pk, "qty": "3"}),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    a = Assembly.objects.get()
    assert a.number.startswith("CXD") and a.kit_bin == z1
    assert [x.base_qty for x in a.lines.all()] == [D(3)]


def test_kit_form_puts_component_errors_in_the_grid_and_saves_nothing(client_for, stock_world):
    """The grid form (jxc.web.generic.grid_form): a service error on ``components.<i>.<field>``
    lands on that grid cell, the page answers 400 with what was typed, nothing is saved."""
    w = stock_world
    client = client_for(w.owner)
    r = client.post(
        "/inventory/kits/new/",
        {
            "sku_code": "K001",
            **grid({"sku": w.sku_a.pk, "qty": "2"}, {"sku": w.sku_a.pk, "qty": "1"}),
        },
    )
    page = r.content.decode()
    assert r.status_code == 400 and not Kit.objects.exists()
    assert "1.sku" in page  # the second row's SKU cell carries the error
    assert client.get("/inventory/kits/new/").status_code == 200
