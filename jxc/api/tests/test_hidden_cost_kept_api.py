"""PATCH of a draft's lines without ``unit_cost`` by a user without ``cost.view`` keeps the
unit costs another user entered (issue 11 §2; the rule:
jxc/inventory/documents/tests/test_hidden_cost_kept.py)."""

from decimal import Decimal as D

import pytest

from jxc.api.tests.conftest import call
from jxc.inventory.documents.tests import conftest as doc_fixtures
from jxc.inventory.documents.tests.test_hidden_cost_kept import (
    draft_with_unit_costs,
    line_prices,
)

stock_world = doc_fixtures.stock_world


@pytest.mark.django_db
def test_keeper_patching_lines_without_unit_cost_through_the_api_keeps_them(
    client_for, stock_world
):
    w = stock_world
    doc = draft_with_unit_costs(w)
    keeper = client_for(w.keeper)
    status, body = call(
        keeper,
        "patch",
        f"/other-receipts/{doc.pk}",
        # the first line removed: the second still keeps its own unit cost
        {"lines": [{"sku_id": w.sku_b.pk, "qty": "2"}]},
    )
    assert status == 200 and "unit_cost" not in body["lines"][0]
    assert line_prices(doc) == [(w.sku_b.pk, D(2), D("11.4137"))]
    status, body = call(client_for(w.owner), "get", f"/other-receipts/{doc.pk}")
    assert body["lines"][0]["unit_cost"] == "11.4137"
