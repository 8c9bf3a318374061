"""A user without ``cost.view`` saving a draft keeps the unit cost another user entered
(issue 11 §2): the line grid and the API do not show it, so the lines come back without it;
saving must not wipe it. The rule and the service here; the web grid in
jxc/web/tests/test_hidden_cost_kept_web.py, the API in jxc/api/tests/test_hidden_cost_kept_api.py."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.hidden import keep_hidden
from jxc.core.documents.lines import LineInput
from jxc.core.services import update_company
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import OtherReceipt
from jxc.inventory.documents.tests.conftest import TODAY


def L(sku, qty="1", price=None, **kw):
    return LineInput(sku=sku, qty=D(qty), price=None if price is None else D(price), **kw)


# --- the rule ------------------------------------------------------------------------------


def test_each_line_keeps_the_hidden_figure_of_the_saved_line_it_stands_for():
    saved = [{"sku": 1, "price": D("7.3791")}, {"sku": 2, "price": D("11.4137")}]
    kept = keep_hidden([L(1, "5"), L(2, "3")], saved, ["price"])
    assert [(x.sku, x.qty, x.price) for x in kept] == [
        (1, D(5), D("7.3791")),
        (2, D(3), D("11.4137")),
    ]


def test_a_removed_row_above_or_reordered_rows_still_find_their_saved_line():
    saved = [
        {"sku": 1, "price": D("1.1")},
        {"sku": 2, "price": D("2.2")},
        {"sku": 3, "price": None},
    ]
    assert [x.price for x in keep_hidden([L(2), L(3)], saved, ["price"])] == [D("2.2"), None]
    assert [x.price for x in keep_hidden([L(2), L(1)], saved, ["price"])] == [D("2.2"), D("1.1")]


def test_one_saved_line_is_kept_once_and_a_new_line_stays_empty():
    saved = [{"sku": 1, "price": D("4")}]
    kept = keep_hidden([L(1), L(1), L(9)], saved, ["price"])
    assert [x.price for x in kept] == [D("4"), None, None]


def test_a_figure_the_user_entered_is_not_replaced():
    saved = [{"sku": 1, "price": D("4"), "value_change": None}]
    kept = keep_hidden([L(1, price="6")], saved, ["price", "value_change"])
    assert kept[0].price == D("6")


# --- services, web, API (both databases) -----------------------------------------------------


def draft_with_unit_costs(w):
    """An 其他入库 draft in 门店仓 whose unit costs the owner entered (four places: the
    company keeps four)."""
    update_company(user=w.owner, price_decimals=4)
    inventory.set_user_warehouses(user=w.owner, target=w.keeper, warehouses=[w.md])
    return docs.create_stock_document(
        user=w.owner,
        kind="other_receipt",
        warehouse=w.md,
        date=TODAY,
        reason="gift",
        lines=[L(w.sku_a.pk, "2", "7.3791"), L(w.sku_b.pk, "1", "11.4137")],
    )


def line_prices(doc):
    return [(x.sku_id, x.qty, x.price) for x in OtherReceipt.objects.get(pk=doc.pk).lines.all()]


@pytest.mark.django_db
def test_keeper_saving_a_draft_through_the_service_keeps_the_unit_costs(stock_world):
    w = stock_world
    doc = draft_with_unit_costs(w)
    docs.update_stock_document(
        doc, user=w.keeper, lines=[L(w.sku_a.pk, "3"), L(w.sku_b.pk, "1")], memo="多收一个"
    )
    assert line_prices(doc) == [(w.sku_a.pk, D(3), D("7.3791")), (w.sku_b.pk, D(1), D("11.4137"))]
    # the owner sees every figure: an empty unit cost from the owner is an empty unit cost
    docs.update_stock_document(doc, user=w.owner, lines=[L(w.sku_a.pk, "3")])
    assert line_prices(doc) == [(w.sku_a.pk, D(3), None)]
