"""What a declared document type gets from the platform's screens without writing it: its
line figures once posted (returned, received, in transit …) and the list and detail scoped
to the user's warehouses."""

from decimal import Decimal as D

import pytest
from django.utils.translation import override

from jxc.core.documents import actions
from jxc.core.documents.lines import LineInput
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.tests.conftest import TODAY, receive, stock_world  # noqa: F401
from jxc.web.views.stock_transfers import SCREENS as TRANSFER_SCREENS

pytestmark = pytest.mark.django_db


def test_a_transfers_declared_line_figures_are_shown_once_it_is_posted(stock_world):  # noqa: F811
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "3")
    t = docs.create_transfer(
        user=w.owner,
        from_warehouse=w.zc,
        to_warehouse=w.bj,
        date=TODAY,
        lines=[LineInput(sku=w.sku_a.pk, qty=D(6))],
    )
    screen = TRANSFER_SCREENS[0]
    figures = ["Received", "returned to source", "transit loss", "In transit", "Difference"]
    with override("en"):
        assert not set(figures) & {str(h) for h in screen.line_table(t, w.owner)["headers"]}
        for step in (actions.submit, actions.approve):
            t = step(t, user=w.owner)
        t = docs.post_transfer(t, user=w.owner)
        table = screen.line_table(t, w.owner)
        headers = [str(h) for h in table["headers"]]
    assert set(figures) <= set(headers)
    row = dict(zip(headers, table["rows"][0], strict=True))
    assert (row["Received"], row["In transit"], row["Difference"]) == ("0", "6", "6")


def test_an_assembly_of_another_warehouse_is_neither_listed_nor_shown(client_for, stock_world):  # noqa: F811
    w = stock_world
    receive(w, w.sku_a, w.zc, 4, "2")
    docs.set_kit(user=w.owner, sku=w.sku_k, components=[(w.sku_a.pk, D(2))])
    a = docs.create_assembly(user=w.owner, warehouse=w.zc, date=TODAY, kit_sku=w.sku_k, qty=D(1))
    inventory.set_user_warehouses(user=w.owner, target=w.keeper, warehouses=[w.md])
    keeper = client_for(w.keeper)
    assert a.number not in keeper.get("/inventory/assemblies/").content.decode()
    assert keeper.get(f"/inventory/assemblies/{a.pk}/").status_code == 404
    assert a.number in client_for(w.owner).get("/inventory/assemblies/").content.decode()
