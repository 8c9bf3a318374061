"""The line grid saved by a user without ``cost.view`` keeps the unit costs another user
entered (issue 11 §2; the rule: jxc/inventory/documents/tests/test_hidden_cost_kept.py)."""

from decimal import Decimal as D

import pytest

from jxc.inventory.documents.tests import conftest as doc_fixtures
from jxc.inventory.documents.tests.conftest import TODAY
from jxc.inventory.documents.tests.test_hidden_cost_kept import (
    draft_with_unit_costs,
    line_prices,
)
from jxc.web.tests.test_stock_documents_web import grid

stock_world = doc_fixtures.stock_world


@pytest.mark.django_db
def test_keeper_saving_the_web_line_grid_keeps_the_unit_costs(client_for, stock_world):
    w = stock_world
    doc = draft_with_unit_costs(w)
    keeper = client_for(w.keeper)
    page = keeper.get(f"/inventory/other-receipts/{doc.pk}/edit/")
    assert "7.3791" not in page.content.decode()  # the grid never had it
    response = keeper.post(
        f"/inventory/other-receipts/{doc.pk}/edit/",
        {
            "warehouse": w.md.pk,
            "date": TODAY.isoformat(),
            "reason": "gift",
            # the keeper removed nothing, changed a quantity, added a line
            **grid(
                {"sku": w.sku_a.pk, "qty": "4"},
                {"sku": w.sku_b.pk, "qty": "1"},
                {"sku": w.sku_k.pk, "qty": "1"},
            ),
        },
    )
    assert response.status_code == 302
    assert line_prices(doc) == [
        (w.sku_a.pk, D(4), D("7.3791")),
        (w.sku_b.pk, D(1), D("11.4137")),
        (w.sku_k.pk, D(1), None),
    ]
