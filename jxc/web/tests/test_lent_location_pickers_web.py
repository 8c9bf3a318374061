"""The warehouse pickers of other documents do not offer a lent-out location (借出仓), and a
posted form naming one is refused (issue 11 leftovers, docs/adr/0004)."""

import pytest

from jxc.inventory import services as inventory
from jxc.inventory.documents.tests.conftest import TODAY
from jxc.loans.tests.conftest import (
    loan_world,  # noqa: F401
    stock_world,  # noqa: F401
)
from jxc.web.tests.test_stock_documents_web import grid

pytestmark = pytest.mark.django_db


def _choices(form, name):
    return {str(pk) for pk, _label in form.fields[name].choices if pk}


def test_pickers_leave_out_the_lent_out_location(client_for, loan_world):  # noqa: F811
    w = loan_world
    lent = inventory.lent_location(w.zc)
    client = client_for(w.owner)
    for url, field in (
        ("/inventory/other-receipts/new/", "warehouse"),
        ("/inventory/other-issues/new/", "warehouse"),
        ("/inventory/transfers/new/", "to_warehouse"),
        ("/inventory/assemblies/new/", "warehouse"),
    ):
        form = client.get(url).context["form"]
        offered = _choices(form, field)
        assert str(w.zc.pk) in offered and str(lent.pk) not in offered, url
    state = client.get("/inventory/stock-counts/new/").context["state"]
    offered = {x["id"] for x in state["warehouses"]}
    assert str(w.zc.pk) in offered and str(lent.pk) not in offered
    response = client.post(
        "/inventory/other-receipts/new/",
        {
            "warehouse": lent.pk,
            "date": TODAY.isoformat(),
            "reason": "gift",
            **grid({"sku": w.sku_a.pk, "qty": "1", "price": "1"}),
        },
    )
    assert response.status_code == 400 and response.context["form"].errors["warehouse"]
