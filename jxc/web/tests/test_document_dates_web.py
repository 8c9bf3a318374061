"""The document forms refuse a date beyond the company's future limit on the date field
(issue 11 §3; the API side is jxc/api/tests/test_document_dates.py)."""

import pytest

from jxc.inventory.documents.models import StockDocument
from jxc.inventory.documents.tests import conftest as doc_fixtures
from jxc.web.tests.test_stock_documents_web import grid

pytestmark = pytest.mark.django_db
stock_world = doc_fixtures.stock_world


def test_the_web_form_refuses_a_far_date_on_the_date_field(client_for, stock_world):
    w = stock_world
    client = client_for(w.owner)
    response = client.post(
        "/inventory/other-receipts/new/",
        {
            "warehouse": w.zc.pk,
            "date": "9999-12-31",
            "reason": "other",
            **grid({"sku": w.sku_a.pk, "qty": "1", "price": "2"}),
        },
    )
    assert response.status_code in (200, 400, 422)
    assert not StockDocument.objects.exists()
    form = response.context["form"]
    assert "date" in form.errors, form.errors
