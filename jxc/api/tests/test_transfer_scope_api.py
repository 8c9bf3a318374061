"""调拨单 through the API across data scopes: a keeper limited to 总仓 sends to 北京仓, which
they do not hold (``to_warehouse_id``: any warehouse of ours, never a lent-out location); the
北京仓 keeper sees it with 调入 as their only step and receives it; a keeper of neither gets
404."""

import pytest

from jxc.api.tests.conftest import call
from jxc.inventory import services as inventory
from jxc.inventory.documents.tests import conftest as doc_fixtures
from jxc.inventory.documents.tests.conftest import balances, receive

pytestmark = pytest.mark.django_db

DAY = "2026-11-20"
stock_world = doc_fixtures.stock_world


def test_a_keeper_ships_to_a_warehouse_they_do_not_hold_and_its_keeper_receives(
    client_for, stock_world, user_factory
):
    w = stock_world
    bj_keeper = user_factory(roles=["keeper"], username="bj-keeper")
    md_keeper = user_factory(roles=["keeper"], username="md-keeper")
    for user, held in ((w.keeper, w.zc), (bj_keeper, w.bj), (md_keeper, w.md)):
        inventory.set_user_warehouses(user=w.owner, target=user, warehouses=[held])
    receive(w, w.sku_a, w.zc, 10, "3")
    sender, receiver = client_for(w.keeper), client_for(bj_keeper)
    payload = {
        "from_warehouse_id": w.zc.pk,
        "to_warehouse_id": w.bj.pk,
        "date": DAY,
        "lines": [{"sku_id": w.sku_a.pk, "qty": "4"}],
    }
    lent = inventory.lent_location(w.bj)
    status, body = call(sender, "post", "/transfers", {**payload, "to_warehouse_id": lent.pk})
    assert status == 422 and "to_warehouse_id" in body["params"]["errors"]
    status, body = call(  # the source must be theirs
        sender,
        "post",
        "/transfers",
        {**payload, "from_warehouse_id": w.bj.pk, "to_warehouse_id": w.zc.pk},
    )
    assert status == 422 and "from_warehouse_id" in body["params"]["errors"]

    status, t = call(sender, "post", "/transfers", payload, key="scope-1")
    assert status == 201 and t["to_warehouse_id"] == w.bj.pk
    path = f"/transfers/{t['id']}"
    status, seen = call(receiver, "get", path)
    assert status == 200 and seen["actions"] == []  # seen, not theirs to submit
    assert call(receiver, "post", f"{path}/submit")[0] == 403
    assert call(client_for(md_keeper), "get", path)[0] == 404
    for action in ("submit", "approve", "post"):
        status, t = call(sender, "post", f"{path}/{action}")
        assert status == 200, t
    assert "receive" not in t["actions"] and {"close", "reverse"} <= set(t["actions"])
    assert call(sender, "post", f"{path}/receive")[0] == 403
    status, seen = call(receiver, "get", path)
    assert seen["actions"] == ["receive"]
    assert call(receiver, "post", f"{path}/reverse", {"reason": "调错"})[0] == 403
    status, t = call(receiver, "post", f"{path}/receive")
    assert (status, t["status"]) == (200, "done")
    assert balances()[(w.sku_a.pk, w.bj.pk)][:2] == (4, 12)
