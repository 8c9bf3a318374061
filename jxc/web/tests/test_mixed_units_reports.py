"""Mixed units in every stock report (issue 12 [Desk]): a SKU kept in 个 and 箱 of 12 shows
41 个 as 3箱5个 beside the base quantity in 即时库存, 库存流水, 按日期库存, 收发存汇总, the SKU's
and the move's drill-downs, and each Excel export has the text in a column after the number
(which stays a number); a SKU with one unit, and a quantity below one box, show nothing more."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jxc.inventory.documents.tests import conftest as doc_fixtures
from jxc.inventory.documents.tests.conftest import TODAY, receive
from jxc.inventory.models import StockMove

pytestmark = pytest.mark.django_db
stock_world = doc_fixtures.stock_world

MONTH = f"{TODAY:%Y-%m}"


@pytest.fixture
def stocked(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 41, "2")  # 个 and 箱 of 12
    receive(w, w.sku_b, w.zc, 41, "3")  # one unit only
    return w


REPORTS = [
    ("web:stock_balances", {}),
    ("web:stock_moves", {"sku": "A"}),
    ("web:stock_moves", {"start": TODAY.isoformat()}),
    ("web:stock_at_date", {"date": TODAY.isoformat()}),
    ("web:movement_summary", {"month": MONTH}),
]


def _params(w, params):
    return {k: (w.sku_a.pk if v == "A" else v) for k, v in params.items()}


@pytest.mark.parametrize(("name", "params"), REPORTS)
def test_every_stock_report_shows_mixed_units_beside_the_base_quantity(
    client_for, stocked, name, params
):
    w = stocked
    body = client_for(w.owner).get(reverse(name), _params(w, params)).content.decode()
    assert 'data-testid="in-units">3箱5个</span>' in body, name
    # the base quantity stays the figure of its cell
    assert '>41<span class="in-units"' in body, name


def test_drill_downs_show_mixed_units(client_for, stocked):
    w = stocked
    client = client_for(w.owner)
    body = client.get(reverse("web:stock_sku", args=[w.sku_a.pk])).content.decode()
    assert body.count(">3箱5个<") >= 2  # by warehouse and the lots
    move = StockMove.objects.get(sku=w.sku_a)
    body = client.get(reverse("web:stock_move_detail", args=[move.pk])).content.decode()
    assert "3箱5个" in body
    body = client.get(reverse("web:stock_sku", args=[w.sku_b.pk])).content.decode()
    assert "in-units" not in body  # one unit: nothing to add


@pytest.mark.parametrize(("name", "params"), REPORTS)
def test_every_export_has_the_mixed_units_in_a_column_after_the_number(
    client_for, stocked, name, params
):
    w = stocked
    response = client_for(w.owner).get(reverse(name), {**_params(w, params), "export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    header = next(r for r in rows if any(str(c).endswith("（多单位）") for c in r if c))
    a_row = next(r for r in rows if "3箱5个" in r)
    i = a_row.index("3箱5个")
    assert a_row[i - 1] == 41  # the number before it, still a number
    assert str(header[i]).endswith("（多单位）")
    b_rows = [r for r in rows if "B001" in r]
    assert not [c for r in b_rows for c in r if isinstance(c, str) and "箱" in c]


def test_a_quantity_below_one_larger_unit_adds_nothing(client_for, stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 5, "2")
    body = client_for(w.owner).get(reverse("web:stock_balances")).content.decode()
    assert "in-units" not in body
