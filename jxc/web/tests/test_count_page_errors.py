"""The count page's refusals at their row (issue 12 [Desk]): 保存 with 1.5 for a whole-number
unit or a word answers the page again (400) with each refusal under its box and every box
as typed, nothing saved; a scan batch records the other typed boxes and names the refused
one by its line."""

from decimal import Decimal as D

import pytest

from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import StockCountLine
from jxc.inventory.documents.tests import conftest as doc_fixtures
from jxc.inventory.documents.tests.conftest import TODAY, receive

pytestmark = pytest.mark.django_db
stock_world = doc_fixtures.stock_world


@pytest.fixture
def sheet(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 14, "2")
    receive(w, w.sku_w, w.zc, 3, "5")  # 千克: fractions allowed
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    a = StockCountLine.objects.get(count=count, sku=w.sku_a)
    rice = StockCountLine.objects.get(count=count, sku=w.sku_w)
    return w, count, a, rice


def test_saving_a_fraction_of_a_whole_unit_is_refused_at_its_row_and_keeps_every_box(
    client_for, sheet
):
    w, count, a, rice = sheet
    r = client_for(w.keeper).post(
        f"/inventory/stock-counts/{count.pk}/counts/",
        {f"counted_{a.pk}": "1.5", f"counted_{rice.pk}": "2.5"},
    )
    assert r.status_code == 400
    body = r.content.decode()
    row = body[body.index(f'id="line-{a.pk}"') :].split("</tr>")[0]
    assert 'class="has-error"' in row and 'value="1.5"' in row
    assert "只能按整个计数" in row.split('data-testid="row-error"')[1]
    rice_row = body[body.index(f'id="line-{rice.pk}"') :].split("</tr>")[0]
    assert 'value="2.5"' in rice_row and "has-error" not in rice_row
    assert {x.counted_qty for x in StockCountLine.objects.filter(count=count)} == {None}


def test_a_word_in_one_box_saves_none_and_says_so_at_its_row(client_for, sheet):
    w, count, a, rice = sheet
    r = client_for(w.keeper).post(
        f"/inventory/stock-counts/{count.pk}/counts/",
        {f"counted_{a.pk}": "abc", f"counted_{rice.pk}": "2.5"},
    )
    assert r.status_code == 400
    row = r.content.decode().split(f'id="line-{a.pk}"')[1].split("</tr>")[0]
    assert 'value="abc"' in row and "has-error" in row
    rice.refresh_from_db()
    assert rice.counted_qty is None  # all or nothing


def test_a_scan_batch_keeps_the_other_typed_boxes_and_names_the_refused_line(client_for, sheet):
    w, count, a, rice = sheet
    answer = (
        client_for(w.keeper)
        .post(
            f"/inventory/stock-counts/{count.pk}/scan/",
            {"code": ["6900000000011"], f"counted_{a.pk}": "1.5", f"counted_{rice.pk}": "2.5"},
            HTTP_ACCEPT="application/json",
        )
        .json()
    )
    assert "只能按整个计数" in answer["errors"][str(a.pk)][0]
    rice.refresh_from_db()
    assert rice.counted_qty == D("2.5")
    a.refresh_from_db()
    assert a.counted_qty == D(1)  # the scan counted; the refused 1.5 was not taken


def test_the_page_marks_whole_number_boxes(client_for, sheet):
    w, count, a, rice = sheet
    body = client_for(w.keeper).get(f"/inventory/stock-counts/{count.pk}/count/").content.decode()
    a_row = body.split(f'id="line-{a.pk}"')[1].split("</tr>")[0]
    rice_row = body.split(f'id="line-{rice.pk}"')[1].split("</tr>")[0]
    assert "data-whole=" in a_row and "data-whole=" not in rice_row
