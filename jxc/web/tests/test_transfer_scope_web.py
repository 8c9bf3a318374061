"""The 调拨单 form and page across data scopes: a keeper limited to 总仓 sends to any warehouse
of ours (调入仓库 and its 调入货位 offered, never a lent-out location), from theirs alone, in one
step only to a warehouse they hold too; the sender's buttons and 结案 are theirs, 调入 is the
target keeper's."""

from decimal import Decimal as D

import pytest

from jxc.inventory import services as inventory
from jxc.inventory.documents.models import Transfer
from jxc.inventory.documents.tests import conftest as doc_fixtures
from jxc.inventory.documents.tests.conftest import TODAY, receive
from jxc.web.tests.test_stock_documents_web import grid

pytestmark = pytest.mark.django_db
stock_world = doc_fixtures.stock_world
DAY = TODAY.isoformat()


def _offered(form, name) -> set[int]:
    return {int(str(pk)) for pk, _label in form.fields[name].choices if pk}


def _actions(response) -> set[str]:
    return {x["t"].action for x in response.context["transitions"]}


def test_a_keeper_of_one_warehouse_sends_to_any_and_the_target_keeper_receives(
    client_for, stock_world, user_factory
):
    w = stock_world
    bj_keeper = user_factory(roles=["keeper"], username="bj-keeper")
    inventory.set_user_warehouses(user=w.owner, target=w.keeper, warehouses=[w.zc])
    inventory.set_user_warehouses(user=w.owner, target=bj_keeper, warehouses=[w.bj])
    lent = inventory.lent_location(w.bj)
    shelf = inventory.create_bin(user=w.owner, warehouse=w.bj, code="BJ-A1")
    receive(w, w.sku_a, w.zc, 10, "3")
    sender, receiver = client_for(w.keeper), client_for(bj_keeper)

    page = sender.get("/inventory/transfers/new/")
    form = page.context["form"]
    assert _offered(form, "from_warehouse") == {w.zc.pk}
    assert _offered(form, "to_warehouse") == {w.zc.pk, w.md.pk, w.bj.pk}  # not `lent`
    assert lent.pk not in _offered(form, "to_warehouse")
    bins = page.context["grid_state"]["bins"]  # the 调入货位 column: the target's bins
    assert {"id": shelf.pk, "code": "BJ-A1"} in bins[str(w.bj.pk)]

    r = sender.post(
        "/inventory/transfers/new/",
        {
            "from_warehouse": w.zc.pk,
            "to_warehouse": w.bj.pk,
            "date": DAY,
            **grid({"sku": w.sku_a.pk, "qty": "6", "to_bin": shelf.pk}),
        },
    )
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    t = Transfer.objects.get()
    assert t.lines.get().to_bin_id == shelf.pk
    one_step = {"from_warehouse": w.zc.pk, "to_warehouse": w.md.pk, "one_step": "on"}
    r = sender.post(  # in one step into 门店仓 at once: theirs too, or refused
        "/inventory/transfers/new/",
        {**one_step, "date": DAY, **grid({"sku": w.sku_a.pk, "qty": "1"})},
    )
    assert r.status_code == 400 and r.context["form"].non_field_errors()
    assert Transfer.objects.count() == 1

    detail = f"/inventory/transfers/{t.pk}/"
    assert _actions(sender.get(detail)) >= {"submit", "void"}
    assert _actions(receiver.get(detail)) == set()  # seen, not theirs to submit
    for action in ("submit", "approve", "post"):
        sender.post(f"{detail}do/{action}/")
    t.refresh_from_db()
    assert t.status == "posted"

    sent, arrived = sender.get(detail), receiver.get(detail)
    assert "reverse" in _actions(sent) and _actions(arrived) == set()
    sent, arrived = sent.content.decode(), arrived.content.decode()
    assert 'data-testid="close-form"' in sent and 'data-testid="receive-form"' not in sent
    assert 'data-testid="receive-form"' in arrived and 'data-testid="close-form"' not in arrived
    line = t.lines.get()
    receiver.post(f"{detail}receive/", {f"qty_{line.pk}": "6", "date": DAY})
    line.refresh_from_db()
    assert line.received_qty == D(6)
